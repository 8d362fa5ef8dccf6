"""A GAN trained with one of the stabilisers of zoo.core.regularizers, chosen by a constructor option.

The game is the GAN (non-saturating or minimax, Goodfellow et al. 2014) or LSGAN (Mao et al. 2017) objective; the
``regularizer`` option adds one fix for its failure modes (oscillation around the equilibrium, mode collapse):

- "r1" / "r2": D's loss + γ/2·E‖∇ₓD(x)‖² on real / generated data (Mescheder, Geiger & Nowozin 2018, Eqs. 9-10).
- "gradient_penalty": D's loss + λ·E(‖∇_x̂ D(x̂)‖ − 1)² at interpolates (Gulrajani et al. 2017, Eq. 3).
- "gradient_norm": G's loss + η‖∇_{θ_D} V‖² (Nagarajan & Kolter 2017, Sec. 3).
- "consensus": both players descend their gradient plus γ∇½‖v‖² and are updated simultaneously (Mescheder,
  Nowozin & Geiger 2017, Algorithm 2).
- "instance_noise": Gaussian noise of std σ (annealed linearly to 0 over ``noise_anneal_steps`` generator updates
  when that is positive) added to every input of D (Sønderby et al. 2017; Arjovsky & Bottou 2017).
- "unrolled": G's loss through K differentiable updates of D (Metz et al. 2017, Eqs. 4-6), each one D's own
  optimizer update (Adam or RMSProp, from D's current optimizer state), as the authors' reference code unrolls
  D's Adam update; the real D and its optimizer state are left as they are.

``regularizer_weight`` is γ, λ, η or σ; None takes the value in ``DEFAULT_WEIGHTS``.
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch.func import functional_call

from zoo.core import losses, optim, regularizers
from zoo.core.module import GANModule
from zoo.nets.players import build_players

REGULARIZERS = ("none", "r1", "r2", "gradient_penalty", "gradient_norm", "consensus", "instance_noise", "unrolled")
DEFAULT_WEIGHTS = {"none": 0.0, "r1": 1.0, "r2": 1.0, "gradient_penalty": 1.0, "gradient_norm": 0.5,
                   "consensus": 10.0, "instance_noise": 0.1, "unrolled": 0.0}
OBJECTIVES = ("non_saturating", "minimax", "least_squares")


class RegularizedGAN(GANModule):
    """GAN or LSGAN plus one stabiliser.

    Args:
        data_shape: (channels, size, size) for images (DCGAN nets) or (2,) for the 2-D toys (ReLU MLPs).
        latent_dim: size of z.
        generator_width: DCGAN generator base width.
        discriminator_width: DCGAN discriminator base width.
        hidden: MLP hidden widths for vector data.
        discriminator_norm: DCGAN D normalisation: "batch", "layer" or "none" (input-gradient penalties need a D
            that treats samples independently: "batch" is refused with them).
        objective: "non_saturating", "minimax" or "least_squares" (the 0-1 coding a, b, c = 0, 1, 1).
        regularizer: one of REGULARIZERS.
        regularizer_weight: γ (r1, r2, consensus), λ (gradient_penalty), η (gradient_norm) or σ (instance_noise).
        noise_anneal_steps: generator updates over which σ decays linearly to 0 (0 keeps σ constant).
        unroll_steps: K for "unrolled" (Metz et al. 2017 show 5 and 10 on the 2-D mixtures).
        unroll_lr: learning rate of the unrolled D updates (default: that of D's optimizer).
        discriminator_steps: D updates per G update (not used by "consensus", which is simultaneous).
        optimizer: "adam" or "rmsprop" (consensus optimisation's paper uses RMSProp).
        lr: learning rate of both players.
        betas: Adam (β₁, β₂).
        ema_decay: optional EMA of G.
    """

    def __init__(self, data_shape: Sequence[int] = (2,), latent_dim: int = 256, generator_width: int = 64,
                 discriminator_width: int = 64, hidden: Sequence[int] = (512, 512, 512),
                 discriminator_norm: str = "layer", objective: str = "non_saturating", regularizer: str = "r1",
                 regularizer_weight: float | None = None, noise_anneal_steps: int = 0, unroll_steps: int = 5,
                 unroll_lr: float | None = None, discriminator_steps: int = 1, optimizer: str = "adam",
                 lr: float = 1e-4, betas: tuple[float, float] = (0.5, 0.999), ema_decay: float | None = None,
                 sample_every_n_steps: int = 500) -> None:
        losses.check_choice("objective", objective, OBJECTIVES)
        losses.check_choice("regularizer", regularizer, REGULARIZERS)
        losses.check_choice("optimizer", optimizer, ("adam", "rmsprop"))
        if discriminator_norm == "batch" and regularizer in ("r1", "r2", "gradient_penalty"):
            raise ValueError(f"regularizer={regularizer!r} needs per-sample input gradients, which BatchNorm in D "
                             f"mixes across the batch; set discriminator_norm='layer' or 'none'.")
        generator, discriminator = build_players(data_shape, latent_dim, generator_width=generator_width,
                                                 discriminator_width=discriminator_width, hidden=hidden,
                                                 discriminator_norm=discriminator_norm)
        super().__init__(generator, latent_dim=latent_dim, ema_decay=ema_decay,
                         sample_every_n_steps=sample_every_n_steps)
        self.save_hyperparameters()
        self.weight = DEFAULT_WEIGHTS[regularizer] if regularizer_weight is None else float(regularizer_weight)
        if self.weight < 0:
            raise ValueError(f"regularizer_weight={regularizer_weight} must be non-negative.")
        if unroll_steps < 1 and regularizer == "unrolled":
            raise ValueError(f"unroll_steps={unroll_steps} must be at least 1 with regularizer='unrolled'.")
        if discriminator_steps < 1:
            raise ValueError(f"discriminator_steps={discriminator_steps} must be at least 1.")
        self.discriminator = discriminator
        self.discriminator_loss = losses.DISCRIMINATOR_LOSSES[objective]
        self.generator_loss = losses.GENERATOR_LOSSES[objective]

    def configure_optimizers(self):
        hp = self.hparams
        make = (lambda p: optim.adam(p, lr=hp.lr, betas=tuple(hp.betas))) if hp.optimizer == "adam" else \
            (lambda p: torch.optim.RMSprop(p, lr=hp.lr))
        return [make(self.generator.parameters()), make(self.discriminator.parameters())]

    def noise_std(self) -> float:
        return regularizers.annealed_std(self.weight, int(self.generator_updates), self.hparams.noise_anneal_steps)

    def training_step(self, batch, batch_idx: int) -> None:
        real = batch[0]
        hp, reg = self.hparams, self.hparams.regularizer
        g_opt, d_opt = self.optimizers()
        fake = self.generator(self.noise(len(real)))  # G(z) once per batch
        if reg == "consensus":
            self.consensus_step(real, fake, g_opt, d_opt)
            return
        d_real, d_fake = real, fake.detach()
        if reg == "instance_noise":  # every input of D gets noise: p_data * N(0, σ²) vs p_g * N(0, σ²)
            d_real = regularizers.add_instance_noise(real, self.noise_std())
            d_fake = regularizers.add_instance_noise(d_fake, self.noise_std())
        with self.toggled_optimizer(d_opt):
            loss_d = self.discriminator_loss(self.discriminator(d_real), self.discriminator(d_fake))
            if reg == "r1":    # Eq. 9: γ/2 E_{p_D}‖∇D(x)‖²
                loss_d = loss_d + 0.5 * self.weight * regularizers.r1_penalty(self.discriminator, real)
            elif reg == "r2":  # Eq. 10: γ/2 E_{p_θ}‖∇D(x)‖²
                loss_d = loss_d + 0.5 * self.weight * regularizers.r2_penalty(self.discriminator, fake.detach())
            elif reg == "gradient_penalty":
                loss_d = loss_d + self.weight * regularizers.gradient_penalty(self.discriminator, real, fake)
            self.step(d_opt, loss_d, "loss/discriminator", "discriminator")
        if not self.generator_turn(hp.discriminator_steps):
            return
        with self.toggled_optimizer(g_opt):
            if reg == "unrolled":  # Metz et al. Eq. 5: f(θ_G, θ_D^K(θ_G, θ_D)), differentiated through K updates
                params = regularizers.unrolled_parameters(  # of D's own optimizer (Eq. 4), from its current state
                    self.discriminator, self.discriminator_loss, real, fake, hp.unroll_steps, hp.unroll_lr,
                    optimizer=d_opt)
                scores = functional_call(self.discriminator, params, (fake,))
            elif reg == "instance_noise":
                scores = self.discriminator(regularizers.add_instance_noise(fake, self.noise_std()))
            else:
                scores = self.discriminator(fake)
            loss_g = self.generator_loss(scores)
            if reg == "gradient_norm":  # Nagarajan & Kolter, Sec. 3: G also minimises η‖∇_{θ_D} V(θ_D, θ_G)‖²
                loss_g = loss_g + self.weight * regularizers.discriminator_gradient_penalty(
                    self.discriminator, self.discriminator_loss, real, fake)
            self.step(g_opt, loss_g, "loss/generator", "generator")

    def consensus_step(self, real, fake, g_opt, d_opt) -> None:
        """Algorithm 2 of Mescheder et al. 2017: v = (∇_D L_D, ∇_G L_G), both players take v + γ∇½‖v‖² at once."""
        loss_d = self.discriminator_loss(self.discriminator(real), self.discriminator(fake))  # fake not detached:
        loss_g = self.generator_loss(self.discriminator(fake))  # ∇_D L_D depends on θ_G through G(z)
        players = [(d_opt, list(self.discriminator.parameters()), loss_d, "discriminator"),
                   (g_opt, list(self.generator.parameters()), loss_g, "generator")]
        for _, _, loss, player in players:
            self.check_finite(loss, f"loss/{player}")
        directions = regularizers.consensus_gradients([loss_d, loss_g], [p for _, p, _, _ in players], self.weight)
        # the directions reach .grad through a backward pass, Σ_i ⟨direction_i, θ_i⟩ (its gradient is exactly the
        # directions), so that under DDP they are averaged over the processes like every other gradient
        for opt, _, _, _ in players:
            opt.zero_grad(set_to_none=True)
        self.manual_backward(sum((g * p).sum() for (_, params, _, _), grads in zip(players, directions)
                                 for p, g in zip(params, grads)))
        for opt, _, loss, player in players:
            opt.step()
            self.count_update(opt, loss, f"loss/{player}", player)
