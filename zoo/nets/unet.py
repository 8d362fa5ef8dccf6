"""U-Net generator of Pix2Pix (Isola et al. 2017, Sec. 3.2.1 and appendix 6.1.1).

Encoder C64-C128-C256-C512-C512-C512-C512-C512, decoder CD512-CD512-CD512-C512-C256-C128-C64 (Ck: 4x4 convolution
with k filters, BatchNorm, ReLU; CDk adds 50% dropout), with a skip connection concatenating encoder layer i to
decoder layer n - i. Convolutions have stride 2 (down) or are transposed with stride 2 (up); the encoder uses
LeakyReLU(0.2) and no BatchNorm on its first layer; the last layer maps to the output channels with Tanh. The
innermost layer has no BatchNorm (a 1x1 map of one image has no spatial statistics; the reference code does the
same). ``num_downs`` = 8 takes 256x256 to 1x1; smaller images need ``num_downs`` = log2(size).
"""
from __future__ import annotations

from torch import Tensor, nn
import torch

from zoo.nets.patchgan import gaussian_init, norm_layer


class UNetGenerator(nn.Module):
    """image (N, in_channels, H, W) -> image (N, out_channels, H, W) in [-1, 1]; H, W divisible by 2**num_downs.

    Args:
        in_channels / out_channels: image channels.
        num_downs: stride-2 encoder layers (paper: 8 at 256 px, bottleneck 1x1).
        width: filters of the first encoder layer (paper: 64); doubled per layer up to 8x.
        dropout: dropout probability in the first three decoder layers (paper: 0.5; also applied at test time).
        norm: "batch" (paper) or "instance".
    """

    def __init__(self, in_channels: int = 3, out_channels: int = 3, num_downs: int = 8, width: int = 64,
                 dropout: float = 0.5, norm: str = "batch") -> None:
        super().__init__()
        if num_downs < 2:
            raise ValueError(f"num_downs={num_downs} must be at least 2 (paper: 8 for 256x256 images).")
        self.num_downs = num_downs
        bias = norm != "batch"
        widths = [width * min(2 ** i, 8) for i in range(num_downs)]  # C64-C128-C256-C512-C512-...
        self.down = nn.ModuleList()
        channels = in_channels
        for i, out in enumerate(widths):
            first, innermost = i == 0, i == num_downs - 1
            layers: list[nn.Module] = [] if first else [nn.LeakyReLU(0.2)]  # not in place: x is also a skip
            layers.append(nn.Conv2d(channels, out, 4, 2, 1, bias=bias or first or innermost))
            if not (first or innermost):
                layers.append(norm_layer(norm, out))
            self.down.append(nn.Sequential(*layers))
            channels = out
        # decoder layer j takes the previous output (and, except for the innermost, the mirrored encoder output)
        self.up = nn.ModuleList()
        for j in range(num_downs):
            i = num_downs - 1 - j  # the encoder layer this decoder layer mirrors
            in_ch = widths[i] if j == 0 else 2 * widths[i]
            last = i == 0
            out = out_channels if last else widths[i - 1]
            layers = [nn.ReLU(True), nn.ConvTranspose2d(in_ch, out, 4, 2, 1, bias=bias or last)]
            if last:
                layers.append(nn.Tanh())
            else:
                layers.append(norm_layer(norm, out))
                if j < 3 and dropout > 0:  # CD512-CD1024-CD1024: the first three decoder layers
                    layers.append(nn.Dropout(dropout))
            self.up.append(nn.Sequential(*layers))
        self.apply(gaussian_init)

    def check_input(self, x: Tensor) -> None:
        factor = 2 ** self.num_downs
        if x.dim() != 4 or x.shape[-1] % factor or x.shape[-2] % factor:
            raise ValueError(f"UNetGenerator with num_downs={self.num_downs} needs images (N, C, H, W) with H and W "
                             f"divisible by {factor}; got {tuple(x.shape)}. Resize the images or build it with "
                             f"num_downs=log2(size).")

    def forward(self, x: Tensor) -> Tensor:
        self.check_input(x)
        skips = []
        for layer in self.down:
            x = layer(x)
            skips.append(x)
        x = self.up[0](skips.pop())
        for layer in self.up[1:]:
            x = layer(torch.cat([x, skips.pop()], dim=1))  # skip connection: concatenate encoder layer i
        return x
