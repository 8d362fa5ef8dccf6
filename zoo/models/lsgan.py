"""Least Squares GAN (Mao et al. 2017, arXiv:1611.04076), Eq. 2.

D regresses its output onto target values instead of classifying with a sigmoid:

    min_D ½E_x[(D(x) − b)²] + ½E_z[(D(G(z)) − a)²],     min_G ½E_z[(D(G(z)) − c)²]          (Eq. 2)

with a, b the labels of fake and real data and c the value G wants D to believe for fake data. Sec. 3.2.2 gives
two codings: (a, b, c) = (−1, 1, 0), which satisfies b − c = 1 and b − a = 2 so that the game minimises the
Pearson χ² divergence between p_d + p_g and 2p_g (Eq. 8), and the 0-1 coding (0, 1, 1) (Eq. 9), which the paper
uses in its experiments and which is the default here. Optimiser (Sec. 4.1): Adam with β₁ = 0.5; learning rate
2e-4 (the paper's value for its handwritten-character set; 1e-3 for the LSUN scenes), one D update per G update.
Networks: the DCGAN nets (the paper's own architecture is a VGG-like 112×112 model) or ReLU MLPs for the 2-D toys.
"""
from __future__ import annotations

from typing import Sequence

import torch

from zoo.core import losses, optim
from zoo.core.module import GANModule
from zoo.nets.players import build_players

CODINGS = {"pearson": (-1.0, 1.0, 0.0), "binary": (0.0, 1.0, 1.0)}  # Eq. 8 and Eq. 9


class LSGAN(GANModule):
    """LSGAN with (a, b, c) targets.

    Args:
        data_shape: (channels, size, size) for images (DCGAN nets) or (2,) for the 2-D toys (ReLU MLPs).
        latent_dim: size of z (paper: 1024 for scenes; 100 here as in DCGAN).
        generator_width: DCGAN generator base width.
        discriminator_width: DCGAN discriminator base width.
        hidden: MLP hidden widths for vector data.
        a: D's target for generated data (Eq. 9: 0; Eq. 8: −1).
        b: D's target for real data (both codings: 1).
        c: G's target for generated data (Eq. 9: 1; Eq. 8: 0).
        discriminator_steps: D updates per G update (paper: 1).
        lr: Adam learning rate (paper: 2e-4).
        betas: Adam (β₁, β₂) (paper: β₁ = 0.5).
        ema_decay: optional EMA of G (not in the paper).
    """

    def __init__(self, data_shape: Sequence[int] = (1, 28, 28), latent_dim: int = 100, generator_width: int = 64,
                 discriminator_width: int = 64, hidden: Sequence[int] = (512, 512, 512), a: float = 0.0,
                 b: float = 1.0, c: float = 1.0, discriminator_steps: int = 1, lr: float = 2e-4,
                 betas: tuple[float, float] = (0.5, 0.999), ema_decay: float | None = None,
                 sample_every_n_steps: int = 500) -> None:
        generator, discriminator = build_players(data_shape, latent_dim, generator_width=generator_width,
                                                 discriminator_width=discriminator_width, hidden=hidden)
        super().__init__(generator, latent_dim=latent_dim, ema_decay=ema_decay,
                         sample_every_n_steps=sample_every_n_steps)
        self.save_hyperparameters()
        if a == b:
            raise ValueError(f"a={a} and b={b} must differ: D cannot tell real from fake data if both targets are "
                             f"equal. The paper's codings are (a, b, c) = {CODINGS['binary']} or {CODINGS['pearson']}.")
        if discriminator_steps < 1:
            raise ValueError(f"discriminator_steps={discriminator_steps} must be at least 1.")
        self.discriminator = discriminator

    def configure_optimizers(self):
        adam = dict(lr=self.hparams.lr, betas=tuple(self.hparams.betas))
        return [optim.adam(self.generator.parameters(), **adam),
                optim.adam(self.discriminator.parameters(), **adam)]

    def training_step(self, batch, batch_idx: int) -> None:
        real = batch[0]
        hp = self.hparams
        g_opt, d_opt = self.optimizers()
        fake = self.generator(self.noise(len(real)))  # G(z) once per batch, detached for D
        with self.toggled_optimizer(d_opt):
            # Eq. 2, first line: D regresses real data onto b and generated data onto a
            loss_d = losses.least_squares_discriminator(self.discriminator(real), self.discriminator(fake.detach()),
                                                        a=hp.a, b=hp.b)
            self.step(d_opt, loss_d, "loss/discriminator", "discriminator")
        if not self.generator_turn(hp.discriminator_steps):
            return
        with self.toggled_optimizer(g_opt):
            # Eq. 2, second line: G moves its samples' scores towards c
            loss_g = losses.least_squares_generator(self.discriminator(fake), c=hp.c)
            self.step(g_opt, loss_g, "loss/generator", "generator")
