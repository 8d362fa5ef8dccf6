"""DCGAN convolutional generator and discriminator (Radford et al. 2015, Sec. 3 guidelines).

Guidelines followed: strided (transposed) convolutions instead of pooling, BatchNorm everywhere except the
generator's output and the discriminator's input layer, ReLU in G with Tanh on its output, LeakyReLU(0.2) in D,
weights drawn from N(0, 0.02). Sizes 28 (MNIST), 32 (CIFAR-10) and 64 (the paper's LSUN / faces) are supported.
"""
from __future__ import annotations

from torch import Tensor, nn

SIZES = (28, 32, 64)


def _plan(image_size: int) -> tuple[int, int]:
    """Return (start resolution, number of 2x up/down-sampling stages) for a supported size."""
    if image_size not in SIZES:
        raise ValueError(f"image_size={image_size} is not supported by the DCGAN nets; expected one of {SIZES}. "
                         f"Resize the data (e.g. the data module's image_size option) to one of these sizes.")
    return (7, 2) if image_size == 28 else (4, {32: 3, 64: 4}[image_size])


def dcgan_init(module: nn.Module) -> None:
    """Radford et al. 2015, Sec. 4: all weights from N(0, 0.02); BatchNorm scale from N(1, 0.02), shift 0."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, (nn.BatchNorm2d, nn.BatchNorm1d)):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


def _norm(kind: str, channels: int, size: int) -> nn.Module:
    if kind == "batch":
        return nn.BatchNorm2d(channels)
    if kind == "layer":  # WGAN-GP (Gulrajani et al. 2017, Sec. 4): no BatchNorm in the critic
        return nn.GroupNorm(1, channels)
    if kind == "none":
        return nn.Identity()
    raise ValueError(f"norm={kind!r} is not supported; expected 'batch', 'layer' or 'none'.")


class DCGANGenerator(nn.Module):
    """z (N, latent_dim) -> image (N, channels, image_size, image_size) in [-1, 1].

    Args:
        latent_dim: size of z (paper: 100).
        channels: image channels (1 for MNIST, 3 for colour).
        image_size: 28, 32 or 64.
        base_width: channels of the last hidden layer; earlier layers double it (paper: 128 at 64 px, i.e. the
            1024-channel 4x4 projection).
        extra_inputs: width of a vector concatenated to z (labels, codes) before the projection.
    """

    def __init__(self, latent_dim: int = 100, channels: int = 3, image_size: int = 64, base_width: int = 64,
                 extra_inputs: int = 0) -> None:
        super().__init__()
        start, stages = _plan(image_size)
        self.latent_dim, self.channels, self.image_size = latent_dim, channels, image_size
        width = base_width * 2 ** (stages - 1)
        # "project and reshape" of z to the first feature map (paper, Fig. 1), as a transposed convolution
        layers: list[nn.Module] = [nn.ConvTranspose2d(latent_dim + extra_inputs, width, start, 1, 0, bias=False),
                                   nn.BatchNorm2d(width), nn.ReLU(True)]
        for _ in range(stages - 1):
            layers += [nn.ConvTranspose2d(width, width // 2, 4, 2, 1, bias=False), nn.BatchNorm2d(width // 2),
                       nn.ReLU(True)]
            width //= 2
        layers += [nn.ConvTranspose2d(width, channels, 4, 2, 1), nn.Tanh()]
        self.net = nn.Sequential(*layers)
        self.apply(dcgan_init)

    def forward(self, z: Tensor) -> Tensor:
        return self.net(z.reshape(z.shape[0], -1, 1, 1))


class DCGANDiscriminator(nn.Module):
    """image (N, channels, image_size, image_size) -> one score per image (N,), a logit (no sigmoid).

    Args:
        channels: image channels.
        image_size: 28, 32 or 64.
        base_width: channels of the first layer; each stride-2 layer doubles it (paper: 128 at 64 px).
        norm: "batch" (paper), "layer" (per-sample, for gradient penalties) or "none".
        outputs: number of outputs of the head (1 = real/fake score; more for class heads).
    """

    def __init__(self, channels: int = 3, image_size: int = 64, base_width: int = 64, norm: str = "batch",
                 outputs: int = 1) -> None:
        super().__init__()
        start, stages = _plan(image_size)
        self.channels, self.image_size, self.outputs = channels, image_size, outputs
        width = base_width
        layers: list[nn.Module] = [nn.Conv2d(channels, width, 4, 2, 1), nn.LeakyReLU(0.2, True)]  # no norm on input
        size = image_size // 2
        for _ in range(stages - 1):
            layers += [nn.Conv2d(width, width * 2, 4, 2, 1, bias=norm == "none"), _norm(norm, width * 2, size // 2),
                       nn.LeakyReLU(0.2, True)]
            width, size = width * 2, size // 2
        self.features = nn.Sequential(*layers)
        self.feature_dim = width * start * start
        self.head = nn.Conv2d(width, outputs, start, 1, 0)
        self.apply(dcgan_init)

    def check_input(self, x: Tensor) -> None:
        expected = (self.channels, self.image_size, self.image_size)
        if x.dim() != 4 or tuple(x.shape[1:]) != expected:
            raise ValueError(f"{type(self).__name__} expects images of shape (N, {', '.join(map(str, expected))}), "
                             f"got {tuple(x.shape)}; resize the data or build the model with matching "
                             f"channels/image_size.")

    def forward(self, x: Tensor) -> Tensor:
        self.check_input(x)
        out = self.head(self.features(x)).flatten(1)
        return out.squeeze(1) if self.outputs == 1 else out
