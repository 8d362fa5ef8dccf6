"""DiscoGAN's networks (Kim et al. 2017, Sec. 4 and the authors' code), for 64x64 images.

Generator: an encoder of four 4x4 stride-2 convolutions (64-128-256-512, LeakyReLU 0.2, BatchNorm after the first)
and a decoder of four 4x4 stride-2 transposed convolutions (256-128-64-channels, ReLU, BatchNorm), with no skip
connections. Discriminator: the same encoder followed by a 4x4 convolution to one logit (DCGAN-style); it also
returns its last three hidden feature maps, which the official code's feature-matching loss compares. The
official code ends G with a Sigmoid on [0, 1] images; the zoo's images are in [-1, 1], so G ends with Tanh.
"""
from __future__ import annotations

from torch import Tensor, nn

from zoo.nets.patchgan import gaussian_init


def _encoder(channels: int, width: int) -> nn.ModuleList:
    """Four 4x4 stride-2 convolutions: 64x64 -> 4x4, LeakyReLU(0.2), BatchNorm except on the first."""
    blocks = nn.ModuleList([nn.Sequential(nn.Conv2d(channels, width, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, True))])
    for i in range(3):
        blocks.append(nn.Sequential(nn.Conv2d(width * 2 ** i, width * 2 ** (i + 1), 4, 2, 1, bias=False),
                                    nn.BatchNorm2d(width * 2 ** (i + 1)), nn.LeakyReLU(0.2, True)))
    return blocks


def _check(x: Tensor, channels: int) -> None:
    if x.dim() != 4 or x.shape[1] != channels or x.shape[-1] != 64 or x.shape[-2] != 64:
        raise ValueError(f"DiscoGAN's networks take 64x64 images (N, {channels}, 64, 64), as in the paper; got "
                         f"{tuple(x.shape)}. Set the data module's image_size=64.")


class DiscoGANGenerator(nn.Module):
    """image (N, channels, 64, 64) -> image (N, channels, 64, 64) in [-1, 1].

    Args:
        channels: image channels.
        width: filters of the first convolution (paper: 64).
    """

    def __init__(self, channels: int = 3, width: int = 64) -> None:
        super().__init__()
        self.channels = channels
        self.encoder = nn.Sequential(*_encoder(channels, width))
        layers: list[nn.Module] = []
        for i in (3, 2, 1):  # 512 -> 256 -> 128 -> 64
            layers += [nn.ConvTranspose2d(width * 2 ** i, width * 2 ** (i - 1), 4, 2, 1, bias=False),
                       nn.BatchNorm2d(width * 2 ** (i - 1)), nn.ReLU(True)]
        layers += [nn.ConvTranspose2d(width, channels, 4, 2, 1, bias=False), nn.Tanh()]
        self.decoder = nn.Sequential(*layers)
        self.apply(gaussian_init)

    def forward(self, x: Tensor) -> Tensor:
        _check(x, self.channels)
        return self.decoder(self.encoder(x))


class DiscoGANDiscriminator(nn.Module):
    """image (N, channels, 64, 64) -> (logits (N,), [three hidden feature maps]).

    Args:
        channels: image channels.
        width: filters of the first convolution (paper: 64).
    """

    def __init__(self, channels: int = 3, width: int = 64) -> None:
        super().__init__()
        self.channels = channels
        self.blocks = _encoder(channels, width)
        self.head = nn.Conv2d(width * 8, 1, 4, 1, 0, bias=False)  # 4x4 map -> one logit
        self.apply(gaussian_init)

    def forward(self, x: Tensor) -> tuple[Tensor, list[Tensor]]:
        _check(x, self.channels)
        features = []
        for block in self.blocks:
            x = block(x)
            features.append(x)
        return self.head(x).flatten(), features[1:]
