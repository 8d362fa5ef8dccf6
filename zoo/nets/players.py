"""Pick a generator and a discriminator (critic) for a data shape: DCGAN nets for images, MLPs for vectors.

The objective papers (WGAN, WGAN-GP, LSGAN, f-GAN, the stabilisers) change the loss, not the architecture, and
are run both on images and on the 2-D toys; this is the one place that maps ``data_shape`` to networks.
"""
from __future__ import annotations

from typing import Sequence

from torch import nn

from zoo.nets.dcgan import DCGANDiscriminator, DCGANGenerator
from zoo.nets.mlp import MLPDiscriminator, MLPGenerator


def check_data_shape(data_shape: Sequence[int]) -> tuple[int, ...]:
    """``data_shape`` as a tuple: (channels, size, size) for images or (features,) for vectors."""
    shape = tuple(int(s) for s in data_shape)
    if len(shape) == 3 and shape[1] == shape[2]:
        return shape
    if len(shape) == 1 and shape[0] > 0:
        return shape
    raise ValueError(f"data_shape={list(data_shape)} is not supported; expected [channels, size, size] for square "
                     f"images (e.g. [1, 28, 28] for MNIST) or [features] for vectors (e.g. [2] for the 2-D toys).")


def build_players(data_shape: Sequence[int], latent_dim: int, *, generator_width: int = 64,
                  discriminator_width: int = 64, hidden: Sequence[int] = (512, 512, 512),
                  discriminator_norm: str = "batch") -> tuple[nn.Module, nn.Module]:
    """Return (generator, discriminator) for data of ``data_shape``.

    Args:
        data_shape: (channels, size, size) gives DCGAN nets (size 28, 32 or 64); (features,) gives ReLU MLPs with
            an unbounded output (WGAN-GP's gan_toy.py: 3 hidden layers of 512 units in both players).
        latent_dim: size of z.
        generator_width: DCGAN G's base width (images only).
        discriminator_width: DCGAN D's base width (images only).
        hidden: MLP hidden widths (vectors only).
        discriminator_norm: "batch", "layer" or "none" in the DCGAN discriminator (images only; MLP critics have
            no normalisation).
    Returns:
        (generator, discriminator): z (N, latent_dim) -> (N, *data_shape); (N, *data_shape) -> scores (N,).
    """
    shape = check_data_shape(data_shape)
    if len(shape) == 3:
        channels, size = shape[0], shape[1]
        return (DCGANGenerator(latent_dim, channels, size, generator_width),
                DCGANDiscriminator(channels, size, discriminator_width, norm=discriminator_norm))
    return MLPGenerator(latent_dim, shape, hidden, output=None), MLPDiscriminator(shape, hidden, "relu")
