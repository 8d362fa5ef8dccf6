"""Wasserstein GAN (Arjovsky, Chintala & Bottou 2017, arXiv:1701.07875), Algorithm 1.

The critic f_w has no sigmoid; it maximises E_x[f_w(x)] − E_z[f_w(G(z))], which (up to the Lipschitz constant
enforced by clipping the weights to [−c, c]) estimates the Wasserstein-1 distance, and the generator minimises
−E_z[f_w(G(z))]. Algorithm 1's defaults: α = 5e-5 with RMSProp (momentum-free: momentum-based optimisers made
training unstable, Sec. 4), c = 0.01, batch m = 64, n_critic = 5. The authors' code adds a schedule: 100 critic
iterations for each of the first 25 generator iterations and for every 500th, so that the critic is near its
optimum when the generator starts to follow it. Their critic is the DCGAN discriminator (BatchNorm included,
clipped too); on the 2-D toys both players are ReLU MLPs.

One critic update per batch: each batch is one "sample {x⁽ⁱ⁾} ~ P_r" of the inner loop, and the generator
updates once the schedule's number of critic updates since its last update is reached, on a batch of noise of its
own (Algorithm 1, line 9, after the critic's loop: "Sample {z⁽ⁱ⁾} ~ p(z) a batch of prior samples"). Counting
updates (the buffers of GANModule) keeps the schedule exact across epochs and resumed checkpoints.
"""
from __future__ import annotations

from typing import Sequence

import torch

from zoo.core import losses
from zoo.core.module import GANModule, alias
from zoo.core.regularizers import clip_weights_
from zoo.nets.players import build_players


class WGAN(GANModule):
    """WGAN with weight clipping.

    Args:
        data_shape: (channels, size, size) for images (DCGAN nets) or (2,) for the 2-D toys (ReLU MLPs).
        latent_dim: size of z (authors' code: 100).
        generator_width: DCGAN generator base width (authors' code: ngf = 64).
        critic_width: DCGAN critic base width (authors' code: ndf = 64).
        hidden: MLP hidden widths for vector data.
        critic_norm: normalisation in the DCGAN critic: "batch" (authors' code), "layer" or "none".
        clip_value: c (paper: 0.01).
        critic_steps: n_critic (paper: 5).
        warmup_critic_steps: critic iterations per generator iteration during the warm-up (authors' code: 100).
        warmup_generator_iterations: generator iterations that get the warm-up schedule at the start (code: 25).
        warmup_every: every this many generator iterations get it again (code: 500; 0 disables).
        lr: RMSProp learning rate α for both players (paper: 5e-5).
        ema_decay: optional EMA of G (not in the paper).
    """

    # the critic under the role's name of every zoo model (zoo.core.module); it keeps the paper's word as its
    # registered name because the shipped wgan-gp-ring weights carry critic.* keys
    discriminator = alias("critic")

    def __init__(self, data_shape: Sequence[int] = (1, 28, 28), latent_dim: int = 100, generator_width: int = 64,
                 critic_width: int = 64, hidden: Sequence[int] = (512, 512, 512), critic_norm: str = "batch",
                 clip_value: float = 0.01, critic_steps: int = 5, warmup_critic_steps: int = 100,
                 warmup_generator_iterations: int = 25, warmup_every: int = 500, lr: float = 5e-5,
                 ema_decay: float | None = None, sample_every_n_steps: int = 500) -> None:
        generator, critic = build_players(data_shape, latent_dim, generator_width=generator_width,
                                          discriminator_width=critic_width, hidden=hidden,
                                          discriminator_norm=critic_norm)
        super().__init__(generator, latent_dim=latent_dim, ema_decay=ema_decay,
                         sample_every_n_steps=sample_every_n_steps)
        self.save_hyperparameters()
        if not clip_value > 0:
            raise ValueError(f"clip_value={clip_value} must be positive (paper: 0.01).")
        for name, value in (("critic_steps", critic_steps), ("warmup_critic_steps", warmup_critic_steps)):
            if value < 1:
                raise ValueError(f"{name}={value} must be at least 1.")
        if warmup_generator_iterations < 0 or warmup_every < 0:
            raise ValueError(f"warmup_generator_iterations={warmup_generator_iterations} and warmup_every="
                             f"{warmup_every} must be non-negative (0 disables that part of the warm-up).")
        self.critic = critic
        clip_weights_(self.critic, clip_value)  # the constraint holds from the start: w ∈ W = [−c, c]^l

    # ------------------------------------------------------------------ the critic schedule
    def critic_iterations(self, generator_iteration: int) -> int:
        """Critic updates before generator iteration ``generator_iteration`` (0-based), as in the authors' code:
        ``Diters = 100 if gen_iterations < 25 or gen_iterations % 500 == 0 else 5``."""
        hp = self.hparams
        warm = generator_iteration < hp.warmup_generator_iterations or (
            hp.warmup_every > 0 and generator_iteration % hp.warmup_every == 0)
        return hp.warmup_critic_steps if warm else hp.critic_steps

    def critic_updates_due(self, generator_iteration: int) -> int:
        """Total critic updates the schedule makes before generator iterations 0..``generator_iteration`` (closed
        form of Σ critic_iterations(i) for i ≤ g, so resuming at any point needs only the two counters)."""
        hp, g = self.hparams, generator_iteration
        warm = min(g + 1, hp.warmup_generator_iterations)  # iterations 0 .. 24
        if hp.warmup_every > 0:
            # multiples of warmup_every in [warmup_generator_iterations, g] (0 is one of them if there is no
            # initial warm-up, since 0 % k == 0)
            first = -(-hp.warmup_generator_iterations // hp.warmup_every) * hp.warmup_every
            warm += max(0, (g - first) // hp.warmup_every + 1) if g >= first else 0
        return hp.critic_steps * (g + 1) + (hp.warmup_critic_steps - hp.critic_steps) * warm

    def generator_due(self) -> bool:
        """True when the critic has made all the updates the schedule asks for before the next generator step."""
        return int(self.discriminator_updates) >= self.critic_updates_due(int(self.generator_updates))

    # ------------------------------------------------------------------ training
    def configure_optimizers(self):
        # Sec. 3 / Algorithm 1: RMSProp, "since momentum based methods [...] perform poorly"
        return [torch.optim.RMSprop(self.generator.parameters(), lr=self.hparams.lr),
                torch.optim.RMSprop(self.discriminator.parameters(), lr=self.hparams.lr)]

    def training_step(self, batch, batch_idx: int) -> None:
        real = batch[0]                                        # line 3: {x⁽ⁱ⁾} ~ P_r, a batch of m examples
        g_opt, d_opt = self.optimizers()
        fake = self.generator(self.noise(len(real)))            # line 4: {z⁽ⁱ⁾} ~ p(z)
        with self.toggled_optimizer(d_opt):
            # line 5: g_w ← ∇_w [(1/m) Σ f_w(x⁽ⁱ⁾) − (1/m) Σ f_w(g_θ(z⁽ⁱ⁾))], written as a loss to minimise
            loss_d = losses.wasserstein_critic(self.discriminator(real), self.discriminator(fake.detach()))
            self.step(d_opt, loss_d, "loss/discriminator", "discriminator")  # line 6: w ← w + α·RMSProp(w, g_w)
            clip_weights_(self.discriminator, self.hparams.clip_value)      # line 7: w ← clip(w, −c, c)
        # the critic's estimate of W(P_r, P_θ) (up to the Lipschitz constant K of the clipped family)
        self.log("wasserstein_estimate", -loss_d.detach(), prog_bar=True)
        if not self.generator_due():                           # line 2: "for t = 0, ..., n_critic" (schedule)
            return
        fake = self.generator(self.noise(len(real)))           # line 9: a fresh batch {z⁽ⁱ⁾} ~ p(z) for G
        with self.toggled_optimizer(g_opt):
            # lines 10-11: g_θ ← −∇_θ (1/m) Σ f_w(g_θ(z⁽ⁱ⁾)); θ ← θ − α·RMSProp(θ, g_θ)
            loss_g = losses.wasserstein_generator(self.discriminator(fake))
            self.step(g_opt, loss_g, "loss/generator", "generator")
