"""Conditional Generative Adversarial Nets (Mirza & Osindero 2014, arXiv:1411.1784).

Eq. 2: min_G max_D E_x[log D(x|y)] + E_z[log(1 - D(G(z|y)))]: the label y (one-hot) is an extra input of both
players. Sec. 4.1 (MNIST): z of 100 uniform units, G with a 200-unit noise branch and a 1000-unit label branch
joined by a 1200-unit layer; D with maxout branches (240 units for x, 50 for y) joined by a 240-unit maxout layer;
dropout 0.5; SGD with batch 100, learning rate 0.1 decayed by a factor 1.00004 per update down to 1e-6, momentum
0.5 (the paper raises it to 0.7 without saying when; we keep 0.5). ``architecture="dcgan"`` is the convolutional
variant (zoo.nets.conditional): the label joins z in G and the first convolved feature map in D; it trains with
DCGAN's Adam (2e-4, β1 = 0.5).
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor

from zoo.core import losses, optim
from zoo.core.conditional import ConditionalGANModule
from zoo.nets.conditional import (ConditionalConvDiscriminator, ConditionalConvGenerator, ConditionalMaxoutDiscriminator,
                                  ConditionalMLPGenerator, one_hot)

ARCHITECTURES = ("mlp", "dcgan")


class CGAN(ConditionalGANModule):
    """Conditional GAN: ``sample(n, labels=...)`` draws digits of the requested classes.

    Args:
        architecture: "mlp" (the paper's MNIST networks) or "dcgan" (convolutional variant).
        num_classes: number of labels (10 for MNIST).
        channels / image_size: image shape (MNIST: 1, 28).
        latent_dim: size of z (paper: 100).
        noise: "uniform" (paper: U(-1, 1)) or "normal".
        generator_width / discriminator_width: base widths of the DCGAN variant.
        dropout: dropout of the MLP networks (paper: 0.5).
        optimizer: "sgd" (paper) or "adam".
        lr: learning rate (paper: 0.1 with SGD; 2e-4 with Adam).
        momentum: SGD momentum or Adam β1 (paper: 0.5).
        lr_decay: SGD learning rate divided by this factor after every update (paper: 1.00004; 1 disables).
        min_lr: floor of the decayed learning rate (paper: 1e-6).
    """

    def __init__(self, architecture: str = "mlp", num_classes: int = 10, channels: int = 1, image_size: int = 28,
                 latent_dim: int = 100, noise: str = "uniform", generator_width: int = 64,
                 discriminator_width: int = 64, dropout: float = 0.5, optimizer: str = "sgd", lr: float = 0.1,
                 momentum: float = 0.5, lr_decay: float = 1.00004, min_lr: float = 1e-6,
                 ema_decay: float | None = None, sample_every_n_steps: int = 500) -> None:
        losses.check_choice("architecture", architecture, ARCHITECTURES)
        losses.check_choice("noise", noise, ("uniform", "normal"))
        losses.check_choice("optimizer", optimizer, ("sgd", "adam"))
        shape: Sequence[int] = (channels, image_size, image_size)
        if architecture == "mlp":
            generator = ConditionalMLPGenerator(latent_dim, num_classes, shape, dropout=dropout)
        else:
            generator = ConditionalConvGenerator(latent_dim, num_classes, channels, image_size, generator_width)
        super().__init__(generator, latent_dim=latent_dim, ema_decay=ema_decay,
                         sample_every_n_steps=sample_every_n_steps, num_fixed_samples=num_classes ** 2)
        self.save_hyperparameters()
        self.num_classes = num_classes
        if architecture == "mlp":
            self.discriminator = ConditionalMaxoutDiscriminator(num_classes, shape, dropout=dropout)
        else:
            self.discriminator = ConditionalConvDiscriminator(num_classes, channels, image_size, discriminator_width)

    def noise(self, n: int, generator: torch.Generator | None = None) -> Tensor:
        if self.hparams.noise == "normal":
            return super().noise(n, generator)
        return self.draw(torch.rand, (n, self.latent_dim), generator) * 2 - 1

    def configure_optimizers(self):
        params = [self.generator.parameters(), self.discriminator.parameters()]
        if self.hparams.optimizer == "sgd":
            return [optim.sgd(p, lr=self.hparams.lr, momentum=self.hparams.momentum) for p in params]
        return [optim.adam(p, lr=self.hparams.lr, betas=(self.hparams.momentum, 0.999)) for p in params]

    def decay_learning_rate(self, optimizer, updates: int) -> None:
        """Sec. 4.1: the SGD rate shrinks by ``lr_decay`` per update, never below ``min_lr``."""
        if self.hparams.optimizer != "sgd" or self.hparams.lr_decay == 1.0:
            return
        lr = max(self.hparams.lr / self.hparams.lr_decay ** updates, self.hparams.min_lr)
        for group in optimizer.param_groups:
            group["lr"] = lr

    def training_step(self, batch, batch_idx: int) -> None:
        real, labels = batch[0], batch[1]
        y = one_hot(labels, self.num_classes)      # the condition of the real images ...
        g_opt, d_opt = self.optimizers()
        self.decay_learning_rate(d_opt, int(self.discriminator_updates))
        self.decay_learning_rate(g_opt, int(self.generator_updates))
        fake = self.generator(self.noise(len(real)), y)  # ... is also G's condition: G(z|y), once per batch
        # Eq. 2, D ascends log D(x|y) + log(1 - D(G(z|y)|y))
        with self.toggled_optimizer(d_opt):
            loss_d = losses.minimax_discriminator(self.discriminator(real, y), self.discriminator(fake.detach(), y))
            self.step(d_opt, loss_d, "loss/discriminator", "discriminator")
        # Eq. 2, G: the non-saturating form, ascend log D(G(z|y)|y) (Goodfellow et al. 2014, Sec. 3)
        with self.toggled_optimizer(g_opt):
            loss_g = losses.non_saturating_generator(self.discriminator(fake, y))
            self.step(g_opt, loss_g, "loss/generator", "generator")
