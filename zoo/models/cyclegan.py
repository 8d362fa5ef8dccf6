"""CycleGAN: Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial Networks (Zhu et al. 2017,
arXiv:1703.10593).

Two generators G: X -> Y and F: Y -> X (here ``generator`` = G: A -> B and ``generator_ba`` = F: B -> A) and two
discriminators D_Y, D_X (``discriminator_b``, ``discriminator_a``). Full objective (Eq. 3):
    L(G, F, D_X, D_Y) = L_GAN(G, D_Y, X, Y) + L_GAN(F, D_X, Y, X) + λ L_cyc(G, F),
    L_cyc = E_x[||F(G(x)) - x||_1] + E_y[||G(F(y)) - y||_1]                        (Eq. 2), λ = 10,
plus, for photo tasks, the identity loss L_identity = E_y[||G(y) - y||_1] + E_x[||F(x) - x||_1] (Sec. 5.2) with
weight 0.5 λ. Sec. 4 (training details): L_GAN is least squares: G minimises E_x[(D(G(x)) - 1)^2], D minimises
E_y[(D(y) - 1)^2] + E_x[D(G(x))^2], divided by 2; D is updated from a history of the 50 last generated images
(Shrivastava et al. 2017); Adam, lr 2e-4, β1 = 0.5, batch 1; constant rate for 100 epochs then linear decay to
zero over the next 100. Networks (appendix 7.2): the ResNet generator (9 blocks at 256 px) and 70x70 PatchGANs
with instance normalisation. As in the reference code, both generators are updated together, then both Ds.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from zoo.core import losses, optim
from zoo.core.image_pool import ImagePool, ImagePoolCheckpoint
from zoo.core.translation import TwoWayTranslationModule
from zoo.nets.patchgan import PatchGANDiscriminator
from zoo.nets.resnet import ResNetGenerator


def least_squares_generator_loss(fake_logits: Tensor) -> Tensor:
    """Sec. 4: G minimises E_x[(D(G(x)) - 1)^2] (not halved; only D's objective is divided by 2)."""
    return F.mse_loss(fake_logits, torch.ones_like(fake_logits))


class CycleGAN(ImagePoolCheckpoint, TwoWayTranslationModule):
    """CycleGAN with the paper's networks, losses and optimiser; ``translate(x)`` is A -> B, ``"BtoA"`` the reverse.

    Args:
        channels: image channels of both domains.
        n_blocks: residual blocks per generator (paper: 9 at 256 px, 6 at 128 px).
        generator_width / discriminator_width: first-layer filters (paper: 64 / 64).
        discriminator_layers: PatchGAN stride-2 blocks (3: 70x70 patches).
        lambda_cycle: λ of the cycle loss, both ways (paper: 10).
        lambda_identity: identity-loss weight as a fraction of λ (paper: 0.5, i.e. 0.5 λ; 0 disables it).
        pool_size: generated images kept per discriminator (paper: 50).
        lr / betas: Adam (paper: 2e-4, (0.5, 0.999)).
        n_epochs / n_epochs_decay: constant, then linearly decaying learning rate (paper: 100 + 100).
    """

    reconstruction = ("cycle_l1", F.l1_loss)  # validation: L_cyc's distance (Eq. 2), val/cycle_l1_a and _b

    def __init__(self, channels: int = 3, n_blocks: int = 9, generator_width: int = 64,
                 discriminator_width: int = 64, discriminator_layers: int = 3, lambda_cycle: float = 10.0,
                 lambda_identity: float = 0.5, pool_size: int = 50, lr: float = 2e-4,
                 betas: tuple[float, float] = (0.5, 0.999), n_epochs: int = 100, n_epochs_decay: int = 100,
                 sample_every_n_steps: int = 500, num_fixed_samples: int = 8) -> None:
        super().__init__(ResNetGenerator(channels, channels, generator_width, n_blocks), n_epochs=n_epochs,
                         n_epochs_decay=n_epochs_decay, sample_every_n_steps=sample_every_n_steps,
                         num_fixed_samples=num_fixed_samples)
        self.save_hyperparameters()
        self.generator_ba = ResNetGenerator(channels, channels, generator_width, n_blocks)  # F: B -> A
        self.discriminator_a = PatchGANDiscriminator(channels, discriminator_width, discriminator_layers, "instance")
        self.discriminator_b = PatchGANDiscriminator(channels, discriminator_width, discriminator_layers, "instance")
        # one history per discriminator, of images generated for its domain (in checkpoints, not in exports)
        self.pool_a, self.pool_b = ImagePool(pool_size), ImagePool(pool_size)

    def configure_optimizers(self):
        adam = dict(lr=self.hparams.lr, betas=tuple(self.hparams.betas))
        g_opt = optim.adam([*self.generator.parameters(), *self.generator_ba.parameters()], **adam)
        d_opt = optim.adam([*self.discriminator_a.parameters(), *self.discriminator_b.parameters()], **adam)
        return [g_opt, d_opt], self.schedulers_for(g_opt, d_opt)

    def generator_losses(self, real_a: Tensor, real_b: Tensor, fake_b: Tensor, fake_a: Tensor) -> dict[str, Tensor]:
        """The generators' terms of Eq. 3 (and the identity loss), each already weighted."""
        lam, hp = self.hparams.lambda_cycle, self.hparams
        out = {
            "gan_ab": least_squares_generator_loss(self.discriminator_b(fake_b)),  # L_GAN(G, D_Y, X, Y)
            "gan_ba": least_squares_generator_loss(self.discriminator_a(fake_a)),  # L_GAN(F, D_X, Y, X)
            "cycle_a": lam * F.l1_loss(self.generator_ba(fake_b), real_a),        # ||F(G(x)) - x||_1
            "cycle_b": lam * F.l1_loss(self.generator(fake_a), real_b),           # ||G(F(y)) - y||_1
        }
        if hp.lambda_identity > 0:  # G should leave images already in Y unchanged, F those in X (Sec. 5.2)
            out["identity_b"] = hp.lambda_identity * lam * F.l1_loss(self.generator(real_b), real_b)     # G(y) ≈ y
            out["identity_a"] = hp.lambda_identity * lam * F.l1_loss(self.generator_ba(real_a), real_a)  # F(x) ≈ x
        return out

    def training_step(self, batch, batch_idx: int) -> None:
        real_a, real_b = batch[0], batch[1]
        g_opt, d_opt = self.optimizers()
        fake_b, fake_a = self.generator(real_a), self.generator_ba(real_b)  # G(x), F(y): once per batch
        # generators: minimise Eq. 3 (+ identity) over G and F together, with both Ds fixed
        with self.toggled_optimizer(g_opt):
            terms = self.generator_losses(real_a, real_b, fake_b, fake_a)
            loss_g = sum(terms.values())
            self.step(g_opt, loss_g, "loss/generator", "generator")
        # discriminators: least squares on real vs. pooled fakes, halved (Sec. 4)
        with self.toggled_optimizer(d_opt):
            pooled_b, pooled_a = self.pool_b.query(fake_b), self.pool_a.query(fake_a)
            loss_d_b = losses.least_squares_discriminator(self.discriminator_b(real_b), self.discriminator_b(pooled_b))
            loss_d_a = losses.least_squares_discriminator(self.discriminator_a(real_a), self.discriminator_a(pooled_a))
            self.step(d_opt, loss_d_a + loss_d_b, "loss/discriminator", "discriminator")
        self.log_dict({f"loss/{k}": v.detach() for k, v in terms.items()})
