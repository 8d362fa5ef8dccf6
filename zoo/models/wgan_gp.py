"""Improved Training of Wasserstein GANs (Gulrajani et al. 2017, arXiv:1704.00028), Algorithm 1.

The critic's Lipschitz constraint is enforced softly: its loss adds λ·(‖∇_x̂ D(x̂)‖₂ − 1)² at points x̂ drawn
uniformly on lines between a real and a generated sample (Eq. 3). Algorithm 1's defaults: λ = 10, n_critic = 5,
Adam with α = 1e-4, β₁ = 0, β₂ = 0.9, batch 64. No BatchNorm in the critic (Sec. 4: it maps a batch to a batch,
which makes the per-sample gradient penalty invalid); layer normalisation is the paper's recommended replacement.
The one-sided penalty max(0, ‖∇‖ − 1)², which Sec. 4 ("Two-sided penalty") contrasts with the two-sided one, is an
option. The authors' toy setting (gan_toy.py): 3×512 ReLU MLPs, λ = 0.1, batch 256, Adam (0.5, 0.9).
The generator's update draws its own batch of noise (Algorithm 1, line 11), not the critic's last one.
"""
from __future__ import annotations

from typing import Sequence

import torch

from zoo.core import losses, optim
from zoo.core.module import GANModule, alias
from zoo.core.regularizers import gradient_penalty
from zoo.nets.players import build_players


class WGANGP(GANModule):
    """WGAN with gradient penalty.

    Args:
        data_shape: (channels, size, size) for images (DCGAN nets) or (2,) for the 2-D toys (ReLU MLPs).
        latent_dim: size of z (authors' code: 128).
        generator_width: DCGAN generator base width.
        critic_width: DCGAN critic base width.
        hidden: MLP hidden widths for vector data (gan_toy.py: 512, 512, 512).
        critic_norm: "layer" (paper's recommendation) or "none"; "batch" is refused.
        penalty_weight: λ (paper: 10; gan_toy.py: 0.1).
        one_sided: use max(0, ‖∇‖ − 1)² instead of (‖∇‖ − 1)².
        critic_steps: n_critic (paper: 5).
        lr: Adam α (paper: 1e-4).
        betas: Adam (β₁, β₂) (paper: (0, 0.9)).
        ema_decay: optional EMA of G (not in the paper).
    """

    # the critic under the role's name of every zoo model (zoo.core.module); it keeps the paper's word as its
    # registered name because the shipped wgan-gp-ring weights carry critic.* keys
    discriminator = alias("critic")

    def __init__(self, data_shape: Sequence[int] = (1, 28, 28), latent_dim: int = 128, generator_width: int = 64,
                 critic_width: int = 64, hidden: Sequence[int] = (512, 512, 512), critic_norm: str = "layer",
                 penalty_weight: float = 10.0, one_sided: bool = False, critic_steps: int = 5, lr: float = 1e-4,
                 betas: tuple[float, float] = (0.0, 0.9), ema_decay: float | None = None,
                 sample_every_n_steps: int = 500) -> None:
        if critic_norm == "batch":
            raise ValueError("critic_norm='batch' is not allowed in WGAN-GP: BatchNorm couples the samples of a "
                             "batch, so the per-sample gradient penalty is no longer valid (Gulrajani et al. 2017, "
                             "Sec. 4). Use 'layer' (the paper's recommendation) or 'none'.")
        generator, critic = build_players(data_shape, latent_dim, generator_width=generator_width,
                                          discriminator_width=critic_width, hidden=hidden,
                                          discriminator_norm=critic_norm)
        super().__init__(generator, latent_dim=latent_dim, ema_decay=ema_decay,
                         sample_every_n_steps=sample_every_n_steps)
        self.save_hyperparameters()
        if penalty_weight < 0:
            raise ValueError(f"penalty_weight={penalty_weight} must be non-negative (paper: λ = 10).")
        if critic_steps < 1:
            raise ValueError(f"critic_steps={critic_steps} must be at least 1 (paper: 5).")
        self.critic = critic

    def configure_optimizers(self):
        adam = dict(lr=self.hparams.lr, betas=tuple(self.hparams.betas))
        return [optim.adam(self.generator.parameters(), **adam),
                optim.adam(self.discriminator.parameters(), **adam)]

    def training_step(self, batch, batch_idx: int) -> None:
        real = batch[0]                                          # line 3: x ~ P_r
        g_opt, d_opt = self.optimizers()
        fake = self.generator(self.noise(len(real)))              # lines 4-5: z ~ p(z), x̃ ← G_θ(z)
        with self.toggled_optimizer(d_opt):
            # line 7: L⁽ⁱ⁾ ← D_w(x̃) − D_w(x) + λ(‖∇_x̂ D_w(x̂)‖₂ − 1)², with x̂ ← εx + (1 − ε)x̃ (line 6)
            loss_w = losses.wasserstein_critic(self.discriminator(real), self.discriminator(fake.detach()))
            penalty = gradient_penalty(self.discriminator, real, fake, one_sided=self.hparams.one_sided)
            loss_d = loss_w + self.hparams.penalty_weight * penalty
            self.step(d_opt, loss_d, "loss/discriminator", "discriminator")  # line 9: w ← Adam(∇_w L, w)
        self.log_dict({"wasserstein_estimate": -loss_w.detach(), "gradient_penalty": penalty.detach()})
        if not self.generator_turn(self.hparams.critic_steps):    # line 2: n_critic critic updates, then G
            return
        fake = self.generator(self.noise(len(real)))              # line 11: a fresh batch {z⁽ⁱ⁾} ~ p(z)
        with self.toggled_optimizer(g_opt):
            # line 12: θ ← Adam(∇_θ (1/m) Σ −D_w(G_θ(z)), θ, α, β₁, β₂)
            loss_g = losses.wasserstein_generator(self.discriminator(fake))
            self.step(g_opt, loss_g, "loss/generator", "generator")
