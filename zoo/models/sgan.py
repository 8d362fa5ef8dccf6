"""Semi-supervised GAN: Improved Techniques for Training GANs (Salimans et al. 2016, arXiv:1606.03498), Sec. 5,
with the K-class discriminator of Odena 2016 (arXiv:1606.01583).

D is a K-class classifier. Its logits l_1..l_K give the class posterior softmax(l) and, with the "fake" class's
logit fixed at 0, the probability that x is real: D(x) = Z(x) / (Z(x) + 1), Z(x) = Σ_k exp(l_k(x)) (Sec. 5).
D minimises L = L_supervised + L_unsupervised:
    L_supervised   = -E_{x,y ~ labelled} log p(y | x, y < K+1)       (cross-entropy on the labelled subset only)
    L_unsupervised = -E_{x ~ unlabelled} log D(x) - E_{z} log(1 - D(G(z)))
with log D(x) = lse(l) - softplus(lse(l)) and log(1 - D(x)) = -softplus(lse(l)), lse = logsumexp; we average the
two expectations (the 1/2 of the authors' code). G minimises feature matching (Sec. 3.1):
||E_x f(x) - E_z f(G(z))||² on D's last hidden layer f, as in the authors' code on a second real batch (an
independent shuffle, ``batch["unlabelled_g"]``) and a fresh G(z) drawn after D's update. Defaults follow the authors' MNIST code: the MLPs of
zoo.nets.semi, z ~ U(0, 1)^100, Adam lr 0.003 (constant), β1 = 0.5, batches of 100 labelled + 100 unlabelled
examples, and the test error measured with a moving average of D's weights (their rate 0.0001 per update, i.e.
an EMA with decay 0.9999 over 300 epochs; shorter runs want a shorter average, e.g. 0.999).

The labels of the unlabelled set never reach this module: zoo.data.semi hands it images only.
"""
from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor

from zoo.core import optim
from zoo.core.distributed import broadcast_from_rank_zero
from zoo.core.module import GANModule
from zoo.nets.semi import BatchNormMLPGenerator, FeatureMatchingDiscriminator


def unsupervised_loss(logits_real: Tensor, logits_fake: Tensor) -> Tensor:
    """½ [-E log D(x) - E log(1 - D(G(z)))] with D = Z/(Z+1), Z = Σ exp(logits), computed stably via logsumexp.

    -log D(x) = -log(Z/(Z+1)) = softplus(lse) - lse = softplus(-lse);  -log(1 - D) = log(Z+1) = softplus(lse).
    """
    lse_real = torch.logsumexp(logits_real, dim=1)
    lse_fake = torch.logsumexp(logits_fake, dim=1)
    return 0.5 * (F.softplus(-lse_real).mean() + F.softplus(lse_fake).mean())


def feature_matching_loss(features_real: Tensor, features_fake: Tensor) -> Tensor:
    """Salimans et al. 2016, Sec. 3.1: mean squared difference of the batch means of D's features."""
    return (features_real.detach().mean(0) - features_fake.mean(0)).pow(2).mean()


class SGAN(GANModule):
    """Semi-supervised GAN with feature matching: ``sample`` draws from G, ``classify`` labels images with D.

    Args:
        data_shape: shape of one example (MNIST: (1, 28, 28)).
        num_classes: K.
        latent_dim: size of z (paper code: 100, uniform on [0, 1]).
        discriminator_hidden: D's ReLU layer widths (paper code: 1000, 500, 250, 250, 250).
        generator_hidden: G's softplus layer widths (paper code: 500, 500).
        input_noise / hidden_noise: std of D's Gaussian noise layers (paper code: 0.3 / 0.5).
        unsupervised_weight: weight of L_unsupervised in D's loss (paper code: 1).
        lr: Adam learning rate of both players (paper code: 0.003).
        betas: Adam (β1, β2) (paper code: β1 = 0.5).
        lr_decay_start: fraction of the run after which the learning rate decays linearly to 0 at the last
            epoch (1.0, the authors' MNIST setting, keeps it constant).
        discriminator_ema_decay: decay of the moving average of D's weights that ``classify`` uses (authors:
            0.9999); None classifies with D itself.
    """

    verbs = ("sample", "classify")

    def __init__(self, data_shape: Sequence[int] = (1, 28, 28), num_classes: int = 10, latent_dim: int = 100,
                 discriminator_hidden: Sequence[int] = (1000, 500, 250, 250, 250),
                 generator_hidden: Sequence[int] = (500, 500), input_noise: float = 0.3, hidden_noise: float = 0.5,
                 unsupervised_weight: float = 1.0, lr: float = 3e-3, betas: Sequence[float] = (0.5, 0.999),
                 lr_decay_start: float = 1.0, discriminator_ema_decay: float | None = 0.9999,
                 sample_every_n_steps: int = 500) -> None:
        super().__init__(BatchNormMLPGenerator(latent_dim, data_shape, generator_hidden), latent_dim=latent_dim,
                         sample_every_n_steps=sample_every_n_steps)
        self.save_hyperparameters()
        if num_classes < 2:
            raise ValueError(f"num_classes={num_classes} must be at least 2.")
        if not 0.0 <= lr_decay_start <= 1.0:
            raise ValueError(f"lr_decay_start={lr_decay_start} must lie in [0, 1] (1 keeps the rate constant).")
        self.discriminator = FeatureMatchingDiscriminator(data_shape, num_classes, discriminator_hidden,
                                                          input_noise, hidden_noise)
        # the authors' moving average of D's weights (not its buffers); its first update copies D, after the
        # data-dependent init
        self.average("discriminator", discriminator_ema_decay, argument="discriminator_ema_decay", use_buffers=False)

    def noise(self, n: int, generator: torch.Generator | None = None) -> Tensor:
        return self.draw(torch.rand, (n, self.latent_dim), generator)  # z ~ U(0, 1), as in the authors' code

    @property
    def classifier(self) -> torch.nn.Module:
        """The network ``classify`` uses: the moving average of D when there is one, else D."""
        return self.averaged("discriminator")

    @torch.no_grad()
    def classify(self, x: Tensor) -> Tensor:
        """The class of each image: argmax over the K logits of D (averaged weights, eval mode). Shape (N,)."""
        return self.run_eval(self.classifier, x).argmax(dim=1)

    def configure_optimizers(self):
        adam = dict(lr=self.hparams.lr, betas=tuple(self.hparams.betas))
        trainable = lambda net: [p for p in net.parameters() if p.requires_grad]  # noqa: E731 (fixed WN scales out)
        return [optim.adam(trainable(self.generator), **adam),
                optim.adam(trainable(self.discriminator), **adam)]

    def set_learning_rate(self, batch_idx: int) -> None:
        """Constant, then linear decay to 0 over the last (1 - lr_decay_start) of the run (authors' schedule)."""
        trainer = getattr(self, "_trainer", None)
        if trainer is None or not trainer.max_epochs or trainer.max_epochs < 0 or not trainer.num_training_batches:
            return
        done = (self.current_epoch + batch_idx / trainer.num_training_batches) / trainer.max_epochs
        start = self.hparams.lr_decay_start
        scale = 1.0 if done <= start or start >= 1.0 else max(0.0, (1.0 - done) / (1.0 - start))
        for opt in self.optimizers():
            for group in opt.param_groups:
                group["lr"] = self.hparams.lr * scale

    def training_step(self, batch: dict, batch_idx: int) -> None:
        real = batch["unlabelled"][0]              # images only: no labels exist in this part of the batch
        real_g = batch["unlabelled_g"][0] if "unlabelled_g" in batch else real  # G's batch (authors: trainx_unl2)
        labelled, labels = batch["labelled"]       # the fixed labelled subset
        g_opt, d_opt = self.optimizers()
        if not self.discriminator.initialized:  # weight-norm data-dependent init on the first unlabelled images,
            self.discriminator.initialize_from_data(torch.cat([real, real_g]))  # noise on, as the authors' init
            broadcast_from_rank_zero(self.discriminator)  # under DDP: every process starts from rank 0's init
        self.set_learning_rate(batch_idx)
        fake = self.generator(self.noise(len(real))).detach()  # D's G(z)
        with self.toggled_optimizer(d_opt):
            loss_supervised = F.cross_entropy(self.discriminator(labelled), labels)       # L_supervised
            loss_unsupervised = unsupervised_loss(self.discriminator(real),               # L_unsupervised
                                                  self.discriminator(fake))
            loss_d = loss_supervised + self.hparams.unsupervised_weight * loss_unsupervised
            self.step(d_opt, loss_d, "loss/discriminator", "discriminator")  # and D's moving average
        with self.toggled_optimizer(g_opt):        # feature matching (Sec. 3.1) on D's last hidden layer
            fake = self.generator(self.noise(len(real_g)))  # a fresh G(z), as the authors' separate G function
            _, features_real = self.discriminator.forward_features(real_g)
            _, features_fake = self.discriminator.forward_features(fake)
            loss_g = feature_matching_loss(features_real, features_fake)
            self.step(g_opt, loss_g, "loss/generator", "generator")
        self.log_dict({"loss/supervised": loss_supervised.detach(), "loss/unsupervised": loss_unsupervised.detach()})

    def validation_step(self, batch, batch_idx: int) -> None:
        x, y = batch[0], batch[1]
        errors = (self.classify(x) != y).float()
        self.log("val/error", errors.mean(), prog_bar=True, on_epoch=True, batch_size=len(x))

    def test_step(self, batch, batch_idx: int) -> None:
        x, y = batch[0], batch[1]
        self.log("test/error", (self.classify(x) != y).float().mean(), on_epoch=True, batch_size=len(x))
