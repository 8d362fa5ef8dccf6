"""Conditional Image Synthesis with Auxiliary Classifier GANs (Odena, Olah & Shlens 2017, arXiv:1610.09585).

Every generated image has a class c ~ p_c besides its noise: X_fake = G(c, z). D gives both a distribution over
sources, P(S | X), and one over classes, P(C | X) (one network, 1 + K outputs). Sec. 3, Eqs. 2-3:
    L_S = E[log P(S = real | X_real)] + E[log P(S = fake | X_fake)]
    L_C = E[log P(C = c | X_real)] + E[log P(C = c | X_fake)]
D is trained to maximise L_S + L_C, G to maximise L_C - L_S. With ``generator_loss="minimax"`` G's source term is
-L_S exactly as written (only its fake half depends on G); the default "non_saturating" replaces it by
E[log P(S = real | X_fake)], which has the same fixed point and does not saturate when D wins early
(Goodfellow et al. 2014, Sec. 3); both keep L_C in G's objective. Networks: the DCGAN nets with the one-hot class
joined to z in G and a 1 + K output head on D (the paper's CIFAR-10 model is DCGAN-like); Adam 2e-4, β1 = 0.5
(Appendix B).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from zoo.core import losses, optim
from zoo.core.conditional import ConditionalGANModule
from zoo.nets.conditional import ConditionalConvGenerator, one_hot
from zoo.nets.dcgan import DCGANDiscriminator


def class_log_likelihood(class_logits: Tensor, labels: Tensor) -> Tensor:
    """E[log P(C = c | X)], the term of L_C for one batch."""
    return -F.cross_entropy(class_logits, labels)


class ACGAN(ConditionalGANModule):
    """AC-GAN: a class-conditional G and a D with a source and an auxiliary class head.

    Args:
        num_classes: K (10 for MNIST and CIFAR-10).
        channels / image_size: image shape (28 for MNIST, 32 for CIFAR-10).
        latent_dim: size of z (paper, CIFAR-10: 100 noise units besides the class).
        generator_width / discriminator_width: base widths of the DCGAN nets.
        generator_loss: "non_saturating" (default) or "minimax" (G maximises L_C - L_S as written).
        lr: Adam learning rate (paper: 2e-4).
        betas: Adam (β1, β2) (paper: β1 = 0.5).
    """

    verbs = ("sample", "classify")  # classify: the auxiliary classifier P(C | X)

    def __init__(self, num_classes: int = 10, channels: int = 1, image_size: int = 28, latent_dim: int = 100,
                 generator_width: int = 64, discriminator_width: int = 64, generator_loss: str = "non_saturating",
                 lr: float = 2e-4, betas: tuple[float, float] = (0.5, 0.999), ema_decay: float | None = None,
                 sample_every_n_steps: int = 500) -> None:
        losses.check_choice("generator_loss", generator_loss, ("non_saturating", "minimax"))
        if num_classes < 2:
            raise ValueError(f"num_classes={num_classes} must be at least 2.")
        super().__init__(ConditionalConvGenerator(latent_dim, num_classes, channels, image_size, generator_width),
                         latent_dim=latent_dim, ema_decay=ema_decay, sample_every_n_steps=sample_every_n_steps,
                         num_fixed_samples=num_classes ** 2)
        self.save_hyperparameters()
        self.num_classes = num_classes
        # one network, two heads: output 0 is the source logit, outputs 1..K the class logits
        self.discriminator = DCGANDiscriminator(channels, image_size, discriminator_width, outputs=1 + num_classes)

    def source_and_class(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """D's source logit (N,) (log-odds of S = real) and class logits (N, K)."""
        out = self.discriminator(x)
        return out[:, 0], out[:, 1:]

    @torch.no_grad()
    def classify(self, x: Tensor) -> Tensor:
        """The auxiliary classifier's prediction argmax P(C | x), shape (N,)."""
        return self.run_eval(self.discriminator, x)[:, 1:].argmax(1)

    def generator_objective(self, source_fake: Tensor, class_fake: Tensor, labels: Tensor) -> Tensor:
        """G's loss: -(L_C - L_S) over the terms that depend on G (fake half of each)."""
        l_c = class_log_likelihood(class_fake, labels)
        if self.hparams.generator_loss == "minimax":
            l_s = -F.softplus(source_fake).mean()            # E[log P(S = fake | X_fake)] = E log(1 - D)
            return -(l_c - l_s)
        return -l_c + losses.non_saturating_generator(source_fake)  # -L_C - E[log P(S = real | X_fake)]

    def configure_optimizers(self):
        adam = dict(lr=self.hparams.lr, betas=tuple(self.hparams.betas))
        return [optim.adam(self.generator.parameters(), **adam),
                optim.adam(self.discriminator.parameters(), **adam)]

    def training_step(self, batch, batch_idx: int) -> None:
        real, real_labels = batch[0], batch[1]
        g_opt, d_opt = self.optimizers()
        # c ~ p_c, uniform over the classes; X_fake = G(c, z), drawn once per batch
        fake_labels = torch.randint(0, self.num_classes, (len(real),), device=self.device)
        fake = self.generator(self.noise(len(real)), one_hot(fake_labels, self.num_classes))
        # D maximises L_S + L_C (Eqs. 2-3)
        with self.toggled_optimizer(d_opt):
            source_real, class_real = self.source_and_class(real)
            source_fake, class_fake = self.source_and_class(fake.detach())
            l_s = losses.gan_value(source_real, source_fake)
            l_c = class_log_likelihood(class_real, real_labels) + class_log_likelihood(class_fake, fake_labels)
            self.step(d_opt, -(l_s + l_c), "loss/discriminator", "discriminator")
        # G maximises L_C - L_S
        with self.toggled_optimizer(g_opt):
            source_fake, class_fake = self.source_and_class(fake)
            loss_g = self.generator_objective(source_fake, class_fake, fake_labels)
            self.step(g_opt, loss_g, "loss/generator", "generator")
        accuracy_real = (class_real.argmax(1) == real_labels).float().mean()
        self.log_dict({"loss/L_S": l_s.detach(), "loss/L_C": l_c.detach(), "train/class_accuracy_real": accuracy_real})
