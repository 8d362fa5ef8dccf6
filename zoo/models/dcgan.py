"""Deep Convolutional GAN (Radford, Metz & Chintala 2015, arXiv:1511.06434).

Training details of Sec. 4: minibatch SGD with Adam, learning rate 0.0002, β1 = 0.5 (β2 = 0.999), batch 128,
z of 100 drawn uniformly (the reference code draws N(0, 1), which we use by default, as most
reimplementations do), weights initialised from N(0, 0.02), the non-saturating generator loss of Goodfellow
et al. 2014 and one discriminator step per generator step.
"""
from __future__ import annotations

import torch

from zoo.core import losses, optim
from zoo.core.module import DiscriminatorScores, GANModule
from zoo.nets.dcgan import DCGANDiscriminator, DCGANGenerator


class DCGAN(DiscriminatorScores, GANModule):
    """DCGAN with the paper's architecture guidelines and optimiser.

    Args:
        image_size: 28, 32 or 64 (paper: 64).
        channels: 1 (MNIST) or 3.
        latent_dim: size of z (paper: 100).
        generator_width: channels of G's last hidden layer (paper at 64 px: 128, doubling to 1024).
        discriminator_width: channels of D's first layer.
        lr: Adam learning rate (paper: 2e-4).
        betas: Adam (β1, β2) (paper: β1 = 0.5).
        ema_decay: optional EMA of G (not in the paper; off by default).
        channels_last: keep the networks and batches in the channels-last memory format (default). It changes no
            arithmetic, only the convolution kernels chosen: the 64-channel MNIST step measured 5-11% faster on a
            2-core CPU (BENCHMARKS.md, ``benchmarks/throughput.py``). False keeps torch's default layout.
    """

    def __init__(self, image_size: int = 64, channels: int = 3, latent_dim: int = 100, generator_width: int = 128,
                 discriminator_width: int = 128, lr: float = 2e-4, betas: tuple[float, float] = (0.5, 0.999),
                 ema_decay: float | None = None, channels_last: bool = True,
                 sample_every_n_steps: int = 500) -> None:
        super().__init__(DCGANGenerator(latent_dim, channels, image_size, generator_width), latent_dim=latent_dim,
                         ema_decay=ema_decay, sample_every_n_steps=sample_every_n_steps)
        self.save_hyperparameters()
        self.discriminator = DCGANDiscriminator(channels, image_size, discriminator_width)
        if channels_last:
            self.to(memory_format=torch.channels_last)

    def configure_optimizers(self):
        adam = dict(lr=self.hparams.lr, betas=tuple(self.hparams.betas))
        return [optim.adam(self.generator.parameters(), **adam),
                optim.adam(self.discriminator.parameters(), **adam)]

    def training_step(self, batch, batch_idx: int) -> None:
        real = batch[0]
        if self.hparams.channels_last:
            real = real.contiguous(memory_format=torch.channels_last)
        g_opt, d_opt = self.optimizers()
        fake = self.generator(self.noise(len(real)))  # G(z) once per batch, detached for D (Sec. 4)
        # Goodfellow et al. 2014, Algorithm 1: D ascends log D(x) + log(1 - D(G(z)))
        with self.toggled_optimizer(d_opt):
            loss_d = losses.minimax_discriminator(self.discriminator(real), self.discriminator(fake.detach()))
            self.step(d_opt, loss_d, "loss/discriminator", "discriminator")
        # then G ascends log D(G(z)) (the non-saturating loss), through the just-updated D
        with self.toggled_optimizer(g_opt):
            loss_g = losses.non_saturating_generator(self.discriminator(fake))
            self.step(g_opt, loss_g, "loss/generator", "generator")
