"""Generative Adversarial Nets (Goodfellow et al. 2014, arXiv:1406.2661), Algorithm 1.

The paper's MNIST setting: G is an MLP with two ReLU layers of 1200 units fed with 100-dimensional uniform noise;
D is an MLP of two maxout layers (240 units, 5 pieces) with dropout. Training is minibatch SGD with momentum
(pylearn2 configuration of the paper's code: learning rate 0.1, momentum 0.5, batch 100) and k = 1
discriminator step per generator step, the cheapest option the paper used in its experiments.
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor

from zoo.core import losses
from zoo.core.module import DiscriminatorScores, GANModule
from zoo.nets.mlp import MaxoutDiscriminator, MLPGenerator


class GAN(DiscriminatorScores, GANModule):
    """The original GAN with MLP players.

    Args:
        data_shape: shape of one example, (1, 28, 28) for MNIST or (2,) for the 2-D toys.
        latent_dim: size of z (paper: 100).
        noise: "uniform" (paper: U[-√3, √3] per unit, unit variance) or "normal".
        generator_hidden: G's ReLU layer widths (paper: 1200, 1200).
        discriminator_hidden: D's maxout layer widths (paper: 240, 240).
        maxout_pieces: pieces per maxout unit (paper: 5).
        dropout: dropout on D's hidden units (paper: 0.5).
        discriminator_steps: k, discriminator updates per generator update (paper: 1).
        generator_loss: "non_saturating" (paper, Sec. 3: maximise log D(G(z))) or "minimax" (Eq. 1 as written).
        optimizer: "sgd" (paper, with momentum) or "adam".
        lr: learning rate (paper: 0.1 with SGD).
        momentum: SGD momentum, or Adam's β1 (paper: 0.5).
        output: G's output activation, "tanh" for [-1, 1] images, None for unbounded toy data.
    """

    def __init__(self, data_shape: Sequence[int] = (1, 28, 28), latent_dim: int = 100, noise: str = "uniform",
                 generator_hidden: Sequence[int] = (1200, 1200), discriminator_hidden: Sequence[int] = (240, 240),
                 maxout_pieces: int = 5, dropout: float = 0.5, discriminator_steps: int = 1,
                 generator_loss: str = "non_saturating", optimizer: str = "sgd", lr: float = 0.1,
                 momentum: float = 0.5, output: str | None = "tanh", ema_decay: float | None = None,
                 sample_every_n_steps: int = 500) -> None:
        super().__init__(MLPGenerator(latent_dim, data_shape, generator_hidden, output), latent_dim=latent_dim,
                         ema_decay=ema_decay, sample_every_n_steps=sample_every_n_steps)
        self.save_hyperparameters()
        losses.check_choice("generator_loss", generator_loss, ("non_saturating", "minimax"))
        losses.check_choice("optimizer", optimizer, ("sgd", "adam"))
        losses.check_choice("noise", noise, ("uniform", "normal"))
        if discriminator_steps < 1:
            raise ValueError(f"discriminator_steps={discriminator_steps} must be at least 1.")
        self.discriminator = MaxoutDiscriminator(data_shape, discriminator_hidden, maxout_pieces, dropout)
        self.discriminator_steps = discriminator_steps
        self.generator_objective = losses.GENERATOR_LOSSES[generator_loss]

    def noise(self, n: int, generator: torch.Generator | None = None) -> Tensor:
        if self.hparams.noise == "normal":
            return super().noise(n, generator)
        return (self.draw(torch.rand, (n, self.latent_dim), generator) * 2 - 1) * 3 ** 0.5

    def configure_optimizers(self):
        params = [self.generator.parameters(), self.discriminator.parameters()]
        if self.hparams.optimizer == "sgd":
            return [torch.optim.SGD(p, lr=self.hparams.lr, momentum=self.hparams.momentum) for p in params]
        return [torch.optim.Adam(p, lr=self.hparams.lr, betas=(self.hparams.momentum, 0.999)) for p in params]

    def training_step(self, batch, batch_idx: int) -> None:
        real = batch[0]
        g_opt, d_opt = self.optimizers()
        # Algorithm 1, inner loop: a minibatch of m noise samples and m examples; ascend
        # (1/m) Σ [log D(x) + log(1 - D(G(z)))] with respect to D
        fake = self.generator(self.noise(len(real)))
        with self.toggled_optimizer(d_opt):
            loss_d = losses.minimax_discriminator(self.discriminator(real), self.discriminator(fake.detach()))
            self.step(d_opt, loss_d, "loss/discriminator", "discriminator")
        if not self.generator_turn(self.discriminator_steps):  # "for k steps" of D before each step of G
            return
        # Algorithm 1, outer step: descend (1/m) Σ log(1 - D(G(z))) with respect to G, or, with the
        # non-saturating trick of Sec. 3, ascend log D(G(z)); the fakes above are reused (G(z) once per batch)
        with self.toggled_optimizer(g_opt):
            loss_g = self.generator_objective(self.discriminator(fake))
            self.step(g_opt, loss_g, "loss/generator", "generator")
