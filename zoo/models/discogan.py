"""DiscoGAN: Learning to Discover Cross-Domain Relations with Generative Adversarial Networks (Kim et al. 2017,
arXiv:1703.05192).

Two generators G_AB, G_BA and two discriminators D_A, D_B on 64x64 images. Paper, Sec. 3.2 (Eqs. 3-5):
    L_CONST_A = d(G_BA(G_AB(x_A)), x_A)  (d: squared error),  L_GAN_B = -E[log D_B(G_AB(x_A))],
    L_G = L_GAB + L_GBA = (L_GAN_B + L_CONST_A) + (L_GAN_A + L_CONST_B),   L_D = L_D_A + L_D_B,
with L_D_B = -E[log D_B(x_B)] - E[log(1 - D_B(G_AB(x_A)))]; here one D update then one G update per batch
(``variant="paper"``).

The authors' code (github.com/SKTBrain/DiscoGAN, ``variant="official"``) differs: each generator's adversarial
term is 0.1 L_GAN + 0.9 L_FM, L_FM a feature-matching loss (squared difference of the batch-mean features of D's
last three hidden layers, real vs. generated); the adversarial and reconstruction terms are mixed as
(1 - r) (0.1 L_GAN + 0.9 L_FM) + r L_CONST with r = 0.01 for the first 10,000 iterations and r = 0.5 after;
D's loss is halved; and each iteration updates either D (every third iteration) or G (the other two), never both.
Optimiser (authors' code, both variants here): Adam, lr 2e-4, betas (0.5, 0.999), weight decay 1e-5; batch 64.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from zoo.core import losses, optim
from zoo.core.translation import TwoWayTranslationModule
from zoo.nets.discogan import DiscoGANDiscriminator, DiscoGANGenerator

VARIANTS = ("paper", "official")


def feature_matching(real_features: list[Tensor], fake_features: list[Tensor]) -> Tensor:
    """Authors' code: sum over layers of mean_j (E_batch[f_j(real)] - E_batch[f_j(fake)])^2."""
    return sum(((r.mean(0) - f.mean(0)) ** 2).mean() for r, f in zip(real_features, fake_features))


class DiscoGAN(TwoWayTranslationModule):
    """DiscoGAN on 64x64 images; ``translate(x)`` is A -> B (``generator``), ``"BtoA"`` uses ``generator_ba``.

    Args:
        channels: image channels of both domains.
        generator_width / discriminator_width: first-layer filters (paper: 64).
        variant: "paper" (Eqs. 3-5) or "official" (the authors' code, see the module docstring).
        gan_curriculum: official variant: iterations with the reconstruction weight ``starting_rate``.
        starting_rate / default_rate: official variant: weight r of the reconstruction term before / after.
        update_interval: official variant: D is updated on iterations divisible by this, G on the others.
        lr / betas / weight_decay: Adam (authors' code: 2e-4, (0.5, 0.999), 1e-5).
    """

    reconstruction = ("recon_mse", F.mse_loss)  # validation: L_CONST's distance, squared error (Eq. 3)

    def __init__(self, channels: int = 3, generator_width: int = 64, discriminator_width: int = 64,
                 variant: str = "paper", gan_curriculum: int = 10000, starting_rate: float = 0.01,
                 default_rate: float = 0.5, update_interval: int = 3, lr: float = 2e-4,
                 betas: tuple[float, float] = (0.5, 0.999), weight_decay: float = 1e-5,
                 sample_every_n_steps: int = 500, num_fixed_samples: int = 8) -> None:
        if variant not in VARIANTS:
            raise ValueError(f"variant={variant!r}; expected 'paper' (Kim et al. 2017, Eqs. 3-5) or 'official' "
                             f"(the authors' code: feature matching and a reconstruction-weight schedule).")
        if update_interval < 2:
            raise ValueError(f"update_interval={update_interval} must be >= 2 (the authors' code: 3).")
        super().__init__(DiscoGANGenerator(channels, generator_width), n_epochs=1, n_epochs_decay=0,
                         sample_every_n_steps=sample_every_n_steps, num_fixed_samples=num_fixed_samples)
        self.save_hyperparameters()
        self.generator_ba = DiscoGANGenerator(channels, generator_width)
        self.discriminator_a = DiscoGANDiscriminator(channels, discriminator_width)
        self.discriminator_b = DiscoGANDiscriminator(channels, discriminator_width)

    def configure_optimizers(self):
        adam = dict(lr=self.hparams.lr, betas=tuple(self.hparams.betas), weight_decay=self.hparams.weight_decay)
        return [optim.adam([*self.generator.parameters(), *self.generator_ba.parameters()], **adam),
                optim.adam([*self.discriminator_a.parameters(), *self.discriminator_b.parameters()], **adam)]

    @property
    def iteration(self) -> int:
        """Training iterations so far (each makes exactly one update in the official variant)."""
        return int(self.generator_updates) + int(self.discriminator_updates)

    def reconstruction_rate(self) -> float:
        """Official variant: r = starting_rate during the first gan_curriculum iterations, then default_rate."""
        hp = self.hparams
        return hp.starting_rate if self.iteration < hp.gan_curriculum else hp.default_rate

    def discriminator_loss(self, real_a: Tensor, real_b: Tensor, fake_a: Tensor, fake_b: Tensor) -> Tensor:
        """L_D = L_D_A + L_D_B (Eq. 5); the authors' code halves each (BCE on real and fake, x 0.5)."""
        loss = (losses.minimax_discriminator(self.discriminator_a(real_a)[0], self.discriminator_a(fake_a)[0])
                + losses.minimax_discriminator(self.discriminator_b(real_b)[0], self.discriminator_b(fake_b)[0]))
        return 0.5 * loss if self.hparams.variant == "official" else loss

    def generator_loss(self, real_a: Tensor, real_b: Tensor, fake_b: Tensor, fake_a: Tensor) -> dict[str, Tensor]:
        """Terms of L_G = L_GAB + L_GBA (Eq. 4), or of the authors' weighted mix."""
        logits_b, feats_fake_b = self.discriminator_b(fake_b)
        logits_a, feats_fake_a = self.discriminator_a(fake_a)
        terms = {
            "gan_b": losses.non_saturating_generator(logits_b),                 # L_GAN_B = -E log D_B(G_AB(x_A))
            "gan_a": losses.non_saturating_generator(logits_a),                 # L_GAN_A
            "const_a": F.mse_loss(self.generator_ba(fake_b), real_a),           # L_CONST_A: ||G_BA(G_AB(x_A)) - x_A||²
            "const_b": F.mse_loss(self.generator(fake_a), real_b),              # L_CONST_B
        }
        if self.hparams.variant == "official":
            with torch.no_grad():
                feats_real_b, feats_real_a = self.discriminator_b(real_b)[1], self.discriminator_a(real_a)[1]
            r = self.reconstruction_rate()
            fm_b, fm_a = feature_matching(feats_real_b, feats_fake_b), feature_matching(feats_real_a, feats_fake_a)
            terms = {"adv_b": (1 - r) * (0.1 * terms["gan_b"] + 0.9 * fm_b), "const_a": r * terms["const_a"],
                     "adv_a": (1 - r) * (0.1 * terms["gan_a"] + 0.9 * fm_a), "const_b": r * terms["const_b"]}
        return terms

    def training_step(self, batch, batch_idx: int) -> None:
        real_a, real_b = batch[0], batch[1]
        g_opt, d_opt = self.optimizers()
        official = self.hparams.variant == "official"
        d_turn = not official or self.iteration % self.hparams.update_interval == 0
        g_turn = not official or not d_turn
        fake_b, fake_a = self.generator(real_a), self.generator_ba(real_b)  # x_AB, x_BA once per batch
        if d_turn:
            with self.toggled_optimizer(d_opt):
                loss_d = self.discriminator_loss(real_a, real_b, fake_a.detach(), fake_b.detach())
                self.step(d_opt, loss_d, "loss/discriminator", "discriminator")
        if g_turn:
            with self.toggled_optimizer(g_opt):
                terms = self.generator_loss(real_a, real_b, fake_b, fake_a)
                self.step(g_opt, sum(terms.values()), "loss/generator", "generator")
            self.log_dict({f"loss/{k}": v.detach() for k, v in terms.items()})
