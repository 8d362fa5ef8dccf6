"""Networks that take a condition (a class label as a one-hot vector) besides the noise or the image.

- ``ConditionalMLPGenerator`` / ``ConditionalMaxoutDiscriminator``: Mirza & Osindero 2014, Sec. 4.1 (MNIST).
- ``ConditionalConvGenerator`` / ``ConditionalConvDiscriminator``: the DCGAN variant. G concatenates the one-hot
  label to z (the DCGAN generator's ``extra_inputs``); D concatenates it, broadcast to constant planes, to the
  feature map of its first convolution, since an image and a vector cannot be joined at the input of a CNN.
"""
from __future__ import annotations

import math
from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from zoo.nets.dcgan import DCGANGenerator, _norm, _plan, dcgan_init
from zoo.nets.mlp import Maxout


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    """Float one-hot codes of integer ``labels`` (N,), with an error naming any label out of range."""
    if labels.dtype not in (torch.int64, torch.int32, torch.int16, torch.uint8):
        raise ValueError(f"labels must be integers (class indices), got dtype {labels.dtype}.")
    if labels.numel() and (int(labels.min()) < 0 or int(labels.max()) >= num_classes):
        raise ValueError(f"labels must lie in [0, {num_classes}), got values from {int(labels.min())} to "
                         f"{int(labels.max())}.")
    return F.one_hot(labels.long(), num_classes).float()


class ConditionalMLPGenerator(nn.Module):
    """Mirza & Osindero 2014, Sec. 4.1: z -> 200 ReLU, y -> 1000 ReLU, joined -> 1200 ReLU -> image (tanh).

    Shape:
        z (N, latent_dim), y one-hot (N, num_classes) -> images (N, *data_shape) in [-1, 1]
    """

    def __init__(self, latent_dim: int = 100, num_classes: int = 10, data_shape: Sequence[int] = (1, 28, 28),
                 noise_units: int = 200, label_units: int = 1000, joint_units: int = 1200,
                 dropout: float = 0.5) -> None:
        super().__init__()
        self.data_shape = tuple(data_shape)
        self.noise_branch = nn.Sequential(nn.Linear(latent_dim, noise_units), nn.ReLU())
        self.label_branch = nn.Sequential(nn.Linear(num_classes, label_units), nn.ReLU())
        self.joint = nn.Sequential(nn.Dropout(dropout), nn.Linear(noise_units + label_units, joint_units), nn.ReLU(),
                                   nn.Dropout(dropout), nn.Linear(joint_units, math.prod(self.data_shape)),
                                   nn.Tanh())

    def forward(self, z: Tensor, y: Tensor) -> Tensor:
        h = torch.cat([self.noise_branch(z), self.label_branch(y)], dim=1)
        return self.joint(h).view(-1, *self.data_shape)


class ConditionalMaxoutDiscriminator(nn.Module):
    """Mirza & Osindero 2014, Sec. 4.1: x -> maxout 240 (5 pieces), y -> maxout 50 (5 pieces), joined -> maxout 240
    (4 pieces) -> one logit; dropout 0.5 (0.2 on the image, as in the GAN paper's maxout D).

    Shape:
        x (N, *data_shape), y one-hot (N, num_classes) -> logits (N,)
    """

    def __init__(self, num_classes: int = 10, data_shape: Sequence[int] = (1, 28, 28), image_units: int = 240,
                 label_units: int = 50, joint_units: int = 240, dropout: float = 0.5,
                 input_dropout: float = 0.2) -> None:
        super().__init__()
        self.data_shape = tuple(data_shape)
        self.image_branch = nn.Sequential(nn.Flatten(), nn.Dropout(input_dropout),
                                          Maxout(math.prod(self.data_shape), image_units, 5))
        self.label_branch = Maxout(num_classes, label_units, 5)
        self.joint = nn.Sequential(nn.Dropout(dropout), Maxout(image_units + label_units, joint_units, 4),
                                   nn.Dropout(dropout), nn.Linear(joint_units, 1))

    def forward(self, x: Tensor, y: Tensor) -> Tensor:
        if tuple(x.shape[1:]) != self.data_shape:
            raise ValueError(f"{type(self).__name__} expects images of shape (N, {', '.join(map(str, self.data_shape))})"
                             f", got {tuple(x.shape)}.")
        return self.joint(torch.cat([self.image_branch(x), self.label_branch(y)], dim=1)).squeeze(1)


class ConditionalConvGenerator(DCGANGenerator):
    """DCGAN generator fed with [z, one-hot y] (the label joins the noise before the projection)."""

    def __init__(self, latent_dim: int = 100, num_classes: int = 10, channels: int = 1, image_size: int = 28,
                 base_width: int = 64) -> None:
        super().__init__(latent_dim, channels, image_size, base_width, extra_inputs=num_classes)

    def forward(self, z: Tensor, y: Tensor) -> Tensor:
        return super().forward(torch.cat([z, y], dim=1))


class ConditionalConvDiscriminator(nn.Module):
    """DCGAN discriminator whose first convolved feature map is joined with the label as constant planes.

    Args:
        num_classes: number of labels.
        channels / image_size / base_width / norm: as for the DCGAN discriminator.
    Shape:
        x (N, channels, image_size, image_size), y one-hot (N, num_classes) -> logits (N,)
    """

    def __init__(self, num_classes: int = 10, channels: int = 1, image_size: int = 28, base_width: int = 64,
                 norm: str = "batch") -> None:
        super().__init__()
        start, stages = _plan(image_size)
        self.channels, self.image_size = channels, image_size
        self.stem = nn.Sequential(nn.Conv2d(channels, base_width, 4, 2, 1), nn.LeakyReLU(0.2, True))
        width, layers = base_width + num_classes, []  # the label planes join the first feature map here
        for i in range(stages - 1):
            out = base_width * 2 ** (i + 1)
            layers += [nn.Conv2d(width, out, 4, 2, 1, bias=norm == "none"), _norm(norm, out, 0),
                       nn.LeakyReLU(0.2, True)]
            width = out
        self.trunk = nn.Sequential(*layers)
        self.head = nn.Conv2d(width, 1, start, 1, 0)
        self.apply(dcgan_init)

    def forward(self, x: Tensor, y: Tensor) -> Tensor:
        expected = (self.channels, self.image_size, self.image_size)
        if x.dim() != 4 or tuple(x.shape[1:]) != expected:
            raise ValueError(f"{type(self).__name__} expects images of shape (N, {', '.join(map(str, expected))}), "
                             f"got {tuple(x.shape)}.")
        h = self.stem(x)
        planes = y[:, :, None, None].expand(-1, -1, h.shape[2], h.shape[3])
        return self.head(self.trunk(torch.cat([h, planes], dim=1))).flatten(1).squeeze(1)
