"""The MLPs of Salimans et al. 2016's MNIST semi-supervised GAN (the authors' train_mnist_feature_matching.py).

Discriminator: Gaussian noise (std 0.3) on the input pixels, then five ReLU layers of 1000, 500, 250, 250 and 250
units, each followed by Gaussian noise (std 0.5), and a linear layer to the K class logits. Every linear layer is
weight-normalised (Salimans & Kingma 2016) with the data-dependent initialisation (``initialize_from_data``: each
layer's pre-activations start with zero mean and unit variance on a batch of real data; without it the 0.5 noise
swamps the shrinking activations of the deep ReLU stack). As in the authors' code the hidden layers' scales stay
fixed after that initialisation and only the output layer's scale trains. The authors' pixels lie in [0, 1]; ours
in [-1, 1], so D maps them to [0, 1] first, which keeps the noise levels of the paper. The last hidden layer
(before its noise) is the feature layer used by feature matching. Generator: z (100, uniform) -> 500 -> 500
softplus units with batch normalisation -> a weight-normalised output layer with the authors' sigmoid, written
for [-1, 1] pixels as 2 sigmoid(a) - 1 (= tanh(a / 2)): D sees sigmoid(a), exactly the authors' pixel. A plain
tanh(a) would double the slope of every output pixel; with it G overshot, its feature-matching loss grew to
7-30 within 200 updates and D separated real from fake outright (unsupervised loss ~0.002), where the sigmoid
keeps both near the authors' balance (loss ~1 and ~0.15).
"""
from __future__ import annotations

import math
from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class GaussianNoise(nn.Module):
    """Adds N(0, std²) noise in training mode; the identity in eval mode."""

    def __init__(self, std: float) -> None:
        super().__init__()
        self.std = std

    def forward(self, x: Tensor) -> Tensor:
        if not self.training or self.std == 0:
            return x
        return x + torch.randn_like(x) * self.std

    def extra_repr(self) -> str:
        return f"std={self.std}"


class WeightNormLinear(nn.Module):
    """y = x (g · v / ||v||)ᵀ + b, one scale g per output unit (Salimans & Kingma 2016, Eq. 2).

    Args:
        in_features / out_features: widths.
        train_scale: whether g is trained; when False it stays at its (data-initialised) value.
    """

    def __init__(self, in_features: int, out_features: int, train_scale: bool = False) -> None:
        super().__init__()
        self.direction = nn.Parameter(torch.randn(out_features, in_features) * 0.1)
        self.scale = nn.Parameter(torch.ones(out_features), requires_grad=train_scale)
        self.bias = nn.Parameter(torch.zeros(out_features))

    def weight(self) -> Tensor:
        return self.direction * (self.scale / self.direction.norm(dim=1)).unsqueeze(1)

    def forward(self, x: Tensor) -> Tensor:
        return F.linear(x, self.weight(), self.bias)

    @torch.no_grad()
    def initialize(self, x: Tensor) -> None:
        """Data-dependent init (Sec. 3): scale and bias so that the outputs on ``x`` have mean 0 and std 1."""
        t = F.linear(x, self.direction / self.direction.norm(dim=1, keepdim=True))
        mean, std = t.mean(0), t.std(0) + 1e-6
        self.scale.copy_(1.0 / std)
        self.bias.copy_(-mean / std)


class FeatureMatchingDiscriminator(nn.Module):
    """K-class MLP discriminator that also returns its last hidden layer (the feature-matching features).

    Args:
        data_shape: shape of one example, e.g. (1, 28, 28), values in [-1, 1].
        num_classes: K, the number of class logits.
        hidden: hidden layer widths (authors: 1000, 500, 250, 250, 250).
        input_noise: std of the Gaussian noise on the [0, 1] input (0.3).
        hidden_noise: std of the Gaussian noise after each hidden layer (0.5).
    Shape:
        input (N, *data_shape) -> logits (N, K); ``forward_features`` also returns features (N, hidden[-1]).
    """

    def __init__(self, data_shape: Sequence[int] = (1, 28, 28), num_classes: int = 10,
                 hidden: Sequence[int] = (1000, 500, 250, 250, 250), input_noise: float = 0.3,
                 hidden_noise: float = 0.5) -> None:
        super().__init__()
        self.data_shape = tuple(data_shape)
        width = math.prod(self.data_shape)
        layers: list[nn.Module] = [nn.Flatten(), GaussianNoise(input_noise)]
        for i, units in enumerate(hidden):
            if i:
                layers.append(GaussianNoise(hidden_noise))
            layers += [WeightNormLinear(width, units), nn.ReLU()]
            width = units
        self.trunk = nn.Sequential(*layers)
        self.feature_dim = width
        self.head = nn.Sequential(GaussianNoise(hidden_noise), WeightNormLinear(width, num_classes, train_scale=True))
        self.register_buffer("initialized", torch.zeros((), dtype=torch.bool))

    def check_input(self, x: Tensor) -> Tensor:
        if tuple(x.shape[1:]) != self.data_shape:
            raise ValueError(f"{type(self).__name__} expects inputs of shape (N, {', '.join(map(str, self.data_shape))}"
                             f"), got {tuple(x.shape)}.")
        return (x + 1) / 2  # [-1, 1] -> the authors' [0, 1] pixels

    @torch.no_grad()
    def initialize_from_data(self, x: Tensor, with_noise: bool = True) -> None:
        """Initialise every weight-normalised layer, first to last, on real data ``x``.

        With ``with_noise`` (the authors' init runs the noisy training-mode network, ``deterministic=False``) each
        layer's pre-activations have unit variance *as training sees them*, noise included; without it the signal
        alone is normalised and the noise added in training inflates every layer's output.
        """
        h = self.check_input(x).flatten(1)
        for layer in [*self.trunk, *self.head]:
            if isinstance(layer, WeightNormLinear):
                layer.initialize(h)
            if with_noise and isinstance(layer, GaussianNoise):
                h = h + torch.randn_like(h) * layer.std
            elif not isinstance(layer, GaussianNoise):
                h = layer(h)
        self.initialized.fill_(True)

    def forward_features(self, x: Tensor) -> tuple[Tensor, Tensor]:
        features = self.trunk(self.check_input(x))
        return self.head(features), features

    def forward(self, x: Tensor) -> Tensor:
        return self.forward_features(x)[0]


class SignedSigmoid(nn.Module):
    """2 sigmoid(a) - 1: the authors' sigmoid pixel in [0, 1], written on the [-1, 1] scale (equal to tanh(a / 2))."""

    def forward(self, a: Tensor) -> Tensor:
        return 2 * torch.sigmoid(a) - 1


class BatchNormMLPGenerator(nn.Module):
    """z (N, latent_dim) -> images (N, *data_shape) in [-1, 1]: softplus + BatchNorm hidden layers, sigmoid output
    (SignedSigmoid: the authors' sigmoid pixel on the [-1, 1] scale)."""

    def __init__(self, latent_dim: int = 100, data_shape: Sequence[int] = (1, 28, 28),
                 hidden: Sequence[int] = (500, 500)) -> None:
        super().__init__()
        self.data_shape = tuple(data_shape)
        layers: list[nn.Module] = []
        width = latent_dim
        for units in hidden:
            layers += [nn.Linear(width, units, bias=False), nn.BatchNorm1d(units), nn.Softplus()]
            width = units
        layers += [WeightNormLinear(width, math.prod(self.data_shape), train_scale=True), SignedSigmoid()]
        self.net = nn.Sequential(*layers)

    def forward(self, z: Tensor) -> Tensor:
        return self.net(z).view(-1, *self.data_shape)
