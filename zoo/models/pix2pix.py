"""Pix2Pix: Image-to-Image Translation with Conditional Adversarial Networks (Isola et al. 2017, arXiv:1611.07004).

Objective (Eq. 4): G* = arg min_G max_D L_cGAN(G, D) + λ L_L1(G), with
    L_cGAN(G, D) = E_{x,y}[log D(x, y)] + E_x[log(1 - D(x, G(x)))]   (Eq. 1; no z: the noise is dropout)
    L_L1(G)      = E_{x,y}[||y - G(x)||_1]                           (Eq. 3), λ = 100.
Sec. 3.3: one gradient step on D, then one on G (non-saturating: maximise log D(x, G(x))); D's objective is divided
by 2; Adam, lr 2e-4, β1 = 0.5; batch 1. Appendix 6.2 (facades): 200 epochs; the reference code keeps the rate for
100 epochs, then decays it linearly to zero over 100 more. G is the U-Net with skips and dropout (Sec. 3.2.1), D the
70x70 PatchGAN (Sec. 3.2.2), which sees the input and the (real or generated) output concatenated.

At test time the paper runs G "in exactly the same manner as during the training phase": dropout on and batch
normalisation with the statistics of the test batch (batch 1: instance normalisation). ``translate`` does that
by default (``mode="paper"``, per image, leaving the stored running statistics untouched); ``mode="eval"`` uses
the usual eval mode (running statistics, no dropout, deterministic).
"""
from __future__ import annotations

import contextlib

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from zoo.core import losses, optim
from zoo.core.translation import TranslationModule, check_images
from zoo.nets.patchgan import PatchGANDiscriminator
from zoo.nets.unet import UNetGenerator

MODES = ("paper", "eval")


@contextlib.contextmanager
def training_statistics(net: nn.Module, generator: torch.Generator | None):
    """Run ``net`` as in training (dropout, batch statistics) without changing its weights or running statistics."""
    was_training = net.training
    norms = [m for m in net.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    tracked = [m.track_running_stats for m in norms]
    net.train()
    for m in norms:
        m.track_running_stats = False  # batch statistics, and no update of running_mean / running_var
    devices = [torch.device(next(net.parameters()).device)] if next(net.parameters()).is_cuda else []
    try:
        with torch.random.fork_rng(devices=devices):
            if generator is not None:  # dropout masks from the caller's RNG, global RNG untouched
                torch.manual_seed(int(torch.randint(2 ** 62, (), generator=generator)))
            yield net
    finally:
        for m, t in zip(norms, tracked):
            m.track_running_stats = t
        net.train(was_training)


class Pix2Pix(TranslationModule):
    """Pix2Pix with the paper's U-Net generator, 70x70 PatchGAN and optimiser; ``translate`` maps A to B.

    Args:
        channels_in / channels_out: image channels of the input and output domains.
        num_downs: U-Net depth (paper: 8 at 256 px; log2 of the image size).
        generator_width / discriminator_width: first-layer filters (paper: 64 / 64).
        discriminator_layers: PatchGAN stride-2 blocks (3: 70x70 patches, the paper's default).
        dropout: dropout of the U-Net's first three decoder layers (paper: 0.5).
        norm: "batch" (paper) or "instance".
        lambda_l1: weight λ of the L1 term (paper: 100).
        lr / betas: Adam (paper: 2e-4, (0.5, 0.999)).
        n_epochs / n_epochs_decay: constant, then linearly decaying learning rate (reference code: 100 + 100).
    """

    directions = ("AtoB",)

    def __init__(self, channels_in: int = 3, channels_out: int = 3, num_downs: int = 8, generator_width: int = 64,
                 discriminator_width: int = 64, discriminator_layers: int = 3, dropout: float = 0.5,
                 norm: str = "batch", lambda_l1: float = 100.0, lr: float = 2e-4,
                 betas: tuple[float, float] = (0.5, 0.999), n_epochs: int = 100, n_epochs_decay: int = 100,
                 sample_every_n_steps: int = 500, num_fixed_samples: int = 8) -> None:
        super().__init__(UNetGenerator(channels_in, channels_out, num_downs, generator_width, dropout, norm),
                         n_epochs=n_epochs, n_epochs_decay=n_epochs_decay,
                         sample_every_n_steps=sample_every_n_steps, num_fixed_samples=num_fixed_samples)
        self.save_hyperparameters()
        # D(x, y): the PatchGAN sees the input and the output concatenated on the channel axis (Sec. 3.2.2)
        self.discriminator = PatchGANDiscriminator(channels_in + channels_out, discriminator_width,
                                                   discriminator_layers, norm)

    def translator(self, direction: str) -> nn.Module:
        return self.generator

    @torch.no_grad()
    def translate(self, x: Tensor, direction: str = "AtoB", *, mode: str = "paper",
                  generator: torch.Generator | None = None) -> Tensor:
        """Translate input-domain images (e.g. facade label maps) to the output domain (photos).

        Args:
            x: images in [-1, 1], (N, C, H, W) or (C, H, W); H and W divisible by 2**num_downs.
            direction: only "AtoB" (the model's input -> output).
            mode: "paper" (dropout and per-image batch statistics, as at training; Sec. 3.3) or "eval".
            generator: RNG for the dropout masks in "paper" mode.
        Returns:
            (N, C, H, W) images in [-1, 1] on ``x``'s device.
        """
        self.check_direction(direction)
        if mode not in MODES:
            raise ValueError(f"mode={mode!r}; expected 'paper' (dropout + test-batch statistics) or 'eval'.")
        if mode == "eval":
            return super().translate(x, direction)
        x = check_images(x)
        with training_statistics(self.generator, generator) as net:
            # one image at a time: the paper's test batch of 1, so the output never depends on the batch
            out = torch.cat([net(image[None].to(self.device)) for image in x]) if len(x) else x
        return out.to(x.device)

    def configure_optimizers(self):
        adam = dict(lr=self.hparams.lr, betas=tuple(self.hparams.betas))
        g_opt = optim.adam(self.generator.parameters(), **adam)
        d_opt = optim.adam(self.discriminator.parameters(), **adam)
        return [g_opt, d_opt], self.schedulers_for(g_opt, d_opt)

    def training_step(self, batch, batch_idx: int) -> None:
        x, y = batch[0], batch[1]  # input (e.g. label map) and its ground-truth output (photo)
        g_opt, d_opt = self.optimizers()
        fake = self.generator(x)  # G(x), once per batch; z is provided only as dropout (Sec. 2.1)
        # D step: maximise log D(x, y) + log(1 - D(x, G(x))) (Eq. 1), objective divided by 2 (Sec. 3.3)
        with self.toggled_optimizer(d_opt):
            real_logits = self.discriminator(torch.cat([x, y], 1))
            fake_logits = self.discriminator(torch.cat([x, fake.detach()], 1))
            loss_d = 0.5 * losses.minimax_discriminator(real_logits, fake_logits)
            self.step(d_opt, loss_d, "loss/discriminator", "discriminator")
        # G step: maximise log D(x, G(x)) (non-saturating, Sec. 3.3) + λ ||y - G(x)||_1 (Eq. 3, 4)
        with self.toggled_optimizer(g_opt):
            loss_gan = losses.non_saturating_generator(self.discriminator(torch.cat([x, fake], 1)))
            loss_l1 = F.l1_loss(fake, y)
            loss_g = loss_gan + self.hparams.lambda_l1 * loss_l1
            self.step(g_opt, loss_g, "loss/generator", "generator")
        self.log_dict({"loss/generator_gan": loss_gan.detach(), "loss/l1": loss_l1.detach()})

    def validation_step(self, batch, batch_idx: int) -> None:
        x, y = batch[0], batch[1]
        self.log("val/l1", F.l1_loss(self.translate(x, mode="eval"), y), prog_bar=True, batch_size=len(x))
