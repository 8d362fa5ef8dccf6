"""f-GAN: Training Generative Neural Samplers using Variational Divergence Minimization (Nowozin, Cseke & Tomioka
2016, arXiv:1606.00709), Algorithm 1 with the divergences of Tables 1 and 2.

The variational function is T_ω(x) = g_f(V_ω(x)), V_ω the discriminator's raw output and g_f the divergence's
output activation; the saddle objective is (Eq. 6)

    F(θ, ω) = E_{x~P}[g_f(V_ω(x))] + E_{x~Q_θ}[−f*(g_f(V_ω(x)))],

a lower bound on D_f(P‖Q_θ) that ω maximises and θ minimises. Algorithm 1 ("single-step gradient method") takes
one minibatch, computes both players' gradients at the same point (θᵗ, ωᵗ), and updates them simultaneously:
ω ← ω + η∇_ω F, θ ← θ − η∇_θ F. Sec. 3.2 ("Practical considerations"): like the GAN paper's trick, the generator
may instead maximise E_{Q_θ}[g_f(V_ω(G(z)))], which the authors found to work better; that is the default
(generator_loss="alternative"; "saddle" descends F itself). Optimiser: Adam with the DCGAN setting (learning
rate 2e-4, β₁ = 0.5). The conjugates and activations live in zoo.core.divergences.
"""
from __future__ import annotations

from typing import Sequence

import torch

from zoo.core import losses, optim
from zoo.core.divergences import get_divergence, variational_bound
from zoo.core.module import GANModule
from zoo.nets.players import build_players

GENERATOR_LOSSES = ("alternative", "saddle")


class FGAN(GANModule):
    """f-GAN for one divergence of the table.

    Args:
        divergence: one of zoo.core.divergences.DIVERGENCES: "total_variation", "kl", "reverse_kl", "pearson",
            "neyman", "squared_hellinger", "jeffrey", "jensen_shannon", "gan".
        data_shape: (channels, size, size) for images (DCGAN nets) or (2,) for the 2-D toys (ReLU MLPs).
        latent_dim: size of z.
        generator_width: DCGAN generator base width.
        discriminator_width: DCGAN discriminator base width.
        hidden: MLP hidden widths for vector data.
        generator_loss: "alternative" (Sec. 3.2: maximise E[g_f(V(G(z)))]) or "saddle" (Eq. 6 as written).
        lr: Adam learning rate.
        betas: Adam (β₁, β₂).
        ema_decay: optional EMA of G (not in the paper).
    """

    def __init__(self, divergence: str = "gan", data_shape: Sequence[int] = (1, 28, 28), latent_dim: int = 100,
                 generator_width: int = 64, discriminator_width: int = 64, hidden: Sequence[int] = (512, 512, 512),
                 generator_loss: str = "alternative", lr: float = 2e-4, betas: tuple[float, float] = (0.5, 0.999),
                 ema_decay: float | None = None, sample_every_n_steps: int = 500) -> None:
        table_row = get_divergence(divergence)
        losses.check_choice("generator_loss", generator_loss, GENERATOR_LOSSES)
        generator, discriminator = build_players(data_shape, latent_dim, generator_width=generator_width,
                                                 discriminator_width=discriminator_width, hidden=hidden)
        super().__init__(generator, latent_dim=latent_dim, ema_decay=ema_decay,
                         sample_every_n_steps=sample_every_n_steps)
        self.save_hyperparameters()
        self.divergence = table_row  # f, f*, g_f of Tables 1-2
        self.discriminator = discriminator

    def configure_optimizers(self):
        adam = dict(lr=self.hparams.lr, betas=tuple(self.hparams.betas))
        return [optim.adam(self.generator.parameters(), **adam),
                optim.adam(self.discriminator.parameters(), **adam)]

    def generator_objective(self, scores: torch.Tensor) -> torch.Tensor:
        """G's loss on V_ω(G(z)): −E[g_f(V)] (Sec. 3.2) or −E[f*(g_f(V))] (the θ-dependent part of −(−F))."""
        if self.hparams.generator_loss == "alternative":
            return -self.divergence.activation(scores).mean()
        return -self.divergence.conjugate_of_activation(scores).mean()

    def training_step(self, batch, batch_idx: int) -> None:
        real = batch[0]                                     # line 3: X_P, a minibatch from the data
        g_opt, d_opt = self.optimizers()
        fake = self.generator(self.noise(len(real)))         # line 3: X_Q, a minibatch from Q_θᵗ
        # Both gradients at (θᵗ, ωᵗ) (lines 4-6): θ is updated first, with ω still ωᵗ, and the ω update then
        # uses the samples drawn before θ moved; neither update sees the other's result.
        with self.toggled_optimizer(g_opt):
            loss_g = self.generator_objective(self.discriminator(fake))
            self.step(g_opt, loss_g, "loss/generator", "generator")          # line 6: θ ← θ − η∇_θ F
        with self.toggled_optimizer(d_opt):
            bound = variational_bound(self.divergence, self.discriminator(real), self.discriminator(fake.detach()))
            self.step(d_opt, -bound, "loss/discriminator", "discriminator")  # line 5: ω ← ω + η∇_ω F
        self.log("divergence_estimate", bound.detach(), prog_bar=True)     # F(θᵗ, ωᵗ) ≤ D_f(P‖Q_θᵗ)
