"""PatchGAN discriminator (Isola et al. 2017, Sec. 3.2.2 and appendix 6.1.2), shared by Pix2Pix and CycleGAN.

The 70x70 PatchGAN is C64-C128-C256-C512 followed by a 1-channel convolution: 4x4 convolutions, stride 2 for the
first three blocks and 1 for the last two, no normalisation on C64, LeakyReLU(0.2). Each output logit sees a
70x70 patch of the input, so D classifies every patch as real or fake and its loss is averaged over the map.
"""
from __future__ import annotations

from torch import Tensor, nn

NORMS = ("batch", "instance", "none")


def norm_layer(kind: str, channels: int) -> nn.Module:
    """BatchNorm (Pix2Pix), InstanceNorm without affine parameters (CycleGAN) or nothing."""
    if kind == "batch":
        return nn.BatchNorm2d(channels)
    if kind == "instance":
        return nn.InstanceNorm2d(channels, affine=False, track_running_stats=False)
    if kind == "none":
        return nn.Identity()
    raise ValueError(f"norm={kind!r} is not supported; expected one of {NORMS}.")


def gaussian_init(module: nn.Module, std: float = 0.02) -> None:
    """Isola et al. 2017 / Zhu et al. 2017: weights from N(0, 0.02); BatchNorm scale from N(1, 0.02), shift 0."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(module.weight, 0.0, std)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, std)
        nn.init.zeros_(module.bias)


def receptive_field(num_layers: int) -> int:
    """Receptive field (pixels) of one output of a PatchGAN with ``num_layers`` stride-2 blocks (3 -> 70)."""
    strides = [2] * num_layers + [1, 1]
    field = 1
    for stride in reversed(strides):  # every 4x4 convolution widens the field by 3 strides of the layer below
        field = (field - 1) * stride + 4
    return field


class PatchGANDiscriminator(nn.Module):
    """image (N, in_channels, H, W) -> map of patch logits (N, 1, H', W') (no sigmoid).

    Args:
        in_channels: input channels: 3 for CycleGAN, 6 for Pix2Pix (input and output concatenated).
        width: channels of the first block (paper: 64); each further block doubles it, at most 8x.
        num_layers: stride-2 blocks (3 gives the paper's 70x70 receptive field; 1 gives 16x16, 5 gives 286x286).
        norm: "batch" (Pix2Pix), "instance" (CycleGAN) or "none".
    """

    def __init__(self, in_channels: int = 6, width: int = 64, num_layers: int = 3, norm: str = "batch") -> None:
        super().__init__()
        if num_layers < 1:
            raise ValueError(f"num_layers={num_layers} must be at least 1 (3 gives the 70x70 PatchGAN).")
        bias = norm != "batch"  # a bias before BatchNorm is cancelled by its mean subtraction
        layers: list[nn.Module] = [nn.Conv2d(in_channels, width, 4, 2, 1), nn.LeakyReLU(0.2, True)]  # C64, no norm
        channels = width
        for i in range(1, num_layers + 1):  # C128, C256 with stride 2, then C512 with stride 1
            out = width * min(2 ** i, 8)
            stride = 2 if i < num_layers else 1
            layers += [nn.Conv2d(channels, out, 4, stride, 1, bias=bias), norm_layer(norm, out),
                       nn.LeakyReLU(0.2, True)]
            channels = out
        layers.append(nn.Conv2d(channels, 1, 4, 1, 1))  # one logit per patch
        self.net = nn.Sequential(*layers)
        self.receptive_field = receptive_field(num_layers)
        self.apply(gaussian_init)

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x)
