"""ResNet generator of CycleGAN (Zhu et al. 2017, appendix 7.2; after Johnson et al. 2016).

c7s1-64, d128, d256, R256 x n_blocks, u128, u64, c7s1-3: c7s1-k is a 7x7 convolution with k filters and stride 1,
dk a 3x3 convolution with stride 2, Rk a residual block of two 3x3 convolutions, uk a 3x3 fractionally-strided
(transposed) convolution with stride 1/2; each followed by InstanceNorm and ReLU (the last by Tanh). Reflection
padding reduces border artifacts. The paper uses 6 blocks at 128x128 and 9 blocks at 256x256 and higher.
"""
from __future__ import annotations

from torch import Tensor, nn

from zoo.nets.patchgan import gaussian_init, norm_layer


class ResidualBlock(nn.Module):
    """Rk: x + [reflect-pad, 3x3 conv, norm, ReLU, reflect-pad, 3x3 conv, norm](x)."""

    def __init__(self, channels: int, norm: str = "instance", dropout: float = 0.0) -> None:
        super().__init__()
        bias = norm != "batch"
        layers: list[nn.Module] = [nn.ReflectionPad2d(1), nn.Conv2d(channels, channels, 3, bias=bias),
                                   norm_layer(norm, channels), nn.ReLU(True)]
        if dropout:
            layers.append(nn.Dropout(dropout))
        layers += [nn.ReflectionPad2d(1), nn.Conv2d(channels, channels, 3, bias=bias), norm_layer(norm, channels)]
        self.body = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        return x + self.body(x)


class ResNetGenerator(nn.Module):
    """image (N, in_channels, H, W) -> image (N, out_channels, H, W) in [-1, 1]; H and W divisible by 4.

    Args:
        in_channels / out_channels: image channels.
        width: filters of c7s1 (paper: 64); d and u layers use 2x and 4x.
        n_blocks: residual blocks (paper: 6 at 128 px, 9 at 256 px).
        norm: "instance" (paper) or "batch".
        dropout: dropout inside residual blocks (paper: none).
    """

    def __init__(self, in_channels: int = 3, out_channels: int = 3, width: int = 64, n_blocks: int = 9,
                 norm: str = "instance", dropout: float = 0.0) -> None:
        super().__init__()
        if n_blocks < 0:
            raise ValueError(f"n_blocks={n_blocks} must be non-negative (paper: 6 or 9).")
        bias = norm != "batch"
        layers: list[nn.Module] = [nn.ReflectionPad2d(3), nn.Conv2d(in_channels, width, 7, bias=bias),
                                   norm_layer(norm, width), nn.ReLU(True)]  # c7s1-64
        for mult in (1, 2):  # d128, d256
            layers += [nn.Conv2d(width * mult, width * mult * 2, 3, 2, 1, bias=bias), norm_layer(norm, width * mult * 2),
                       nn.ReLU(True)]
        layers += [ResidualBlock(width * 4, norm, dropout) for _ in range(n_blocks)]  # R256 x n
        for mult in (4, 2):  # u128, u64
            layers += [nn.ConvTranspose2d(width * mult, width * mult // 2, 3, 2, 1, output_padding=1, bias=bias),
                       norm_layer(norm, width * mult // 2), nn.ReLU(True)]
        layers += [nn.ReflectionPad2d(3), nn.Conv2d(width, out_channels, 7), nn.Tanh()]  # c7s1-3
        self.net = nn.Sequential(*layers)
        self.apply(gaussian_init)

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() != 4 or x.shape[-1] % 4 or x.shape[-2] % 4:
            raise ValueError(f"ResNetGenerator needs images (N, C, H, W) with H and W divisible by 4; got "
                             f"{tuple(x.shape)}. Resize or crop the images.")
        return self.net(x)
