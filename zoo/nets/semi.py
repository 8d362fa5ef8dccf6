"""The MLPs of Salimans et al. 2016's MNIST semi-supervised GAN (their released code, train_mnist_feature_matching).

Discriminator: Gaussian noise (std 0.3) on the input, then five ReLU layers of 1000, 500, 250, 250 and 250 units,
each followed by Gaussian noise (std 0.5), and a linear layer to the K class logits; all linear layers are weight-
normalised (Salimans & Kingma 2016) with their data-dependent initialisation (``initialize_from_data``: each
layer's pre-activations start with zero mean and unit variance on a batch of real data; without it the 0.5 noise
swamps the shrinking activations of the deep ReLU stack). The last hidden layer (before its noise) is the feature layer used by feature
matching. Generator: z (100, uniform) -> 500 -> 500 softplus units with batch normalisation -> a weight-normalised
output layer. The original outputs a sigmoid over [0, 1] pixels; we use tanh for the zoo's [-1, 1] range.
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor, nn
from torch.nn.utils.parametrizations import weight_norm


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


class FeatureMatchingDiscriminator(nn.Module):
    """K-class MLP discriminator that also returns its last hidden layer (the feature-matching features).

    Args:
        data_shape: shape of one example, e.g. (1, 28, 28).
        num_classes: K, the number of class logits.
        hidden: hidden layer widths (paper code: 1000, 500, 250, 250, 250).
        input_noise: std of the Gaussian noise on the input (0.3).
        hidden_noise: std of the Gaussian noise after each hidden layer (0.5).
    Shape:
        input (N, *data_shape) -> logits (N, K); ``forward_features`` also returns features (N, hidden[-1]).
    """

    def __init__(self, data_shape: Sequence[int] = (1, 28, 28), num_classes: int = 10,
                 hidden: Sequence[int] = (1000, 500, 250, 250, 250), input_noise: float = 0.3,
                 hidden_noise: float = 0.5) -> None:
        super().__init__()
        self.data_shape = tuple(data_shape)
        width = 1
        for d in self.data_shape:
            width *= d
        layers: list[nn.Module] = [nn.Flatten(), GaussianNoise(input_noise)]
        for i, units in enumerate(hidden):
            if i:
                layers.append(GaussianNoise(hidden_noise))
            layers += [weight_norm(nn.Linear(width, units)), nn.ReLU()]
            width = units
        self.trunk = nn.Sequential(*layers)
        self.feature_dim = width
        self.head = nn.Sequential(GaussianNoise(hidden_noise), weight_norm(nn.Linear(width, num_classes)))
        self.register_buffer("initialized", torch.zeros((), dtype=torch.bool))

    @torch.no_grad()
    def initialize_from_data(self, x: Tensor) -> None:
        """Salimans & Kingma 2016, Sec. 2.2: set each layer's scale g and bias b so that its pre-activations on
        ``x`` have zero mean and unit variance (noise off), layer after layer; then mark the network initialised."""
        h = x.flatten(1)
        for layer in [*self.trunk, *self.head]:
            if isinstance(layer, GaussianNoise):
                continue
            if isinstance(layer, nn.Linear):
                v = layer.parametrizations.weight.original1
                t = h @ (v / v.norm(dim=1, keepdim=True)).t()
                mean, std = t.mean(0), t.std(0) + 1e-6
                layer.parametrizations.weight.original0.copy_((1.0 / std).unsqueeze(1))
                layer.bias.copy_(-mean / std)
            h = layer(h)
        self.initialized.fill_(True)

    def forward_features(self, x: Tensor) -> tuple[Tensor, Tensor]:
        if tuple(x.shape[1:]) != self.data_shape:
            raise ValueError(f"{type(self).__name__} expects inputs of shape (N, {', '.join(map(str, self.data_shape))}"
                             f"), got {tuple(x.shape)}.")
        features = self.trunk(x)
        return self.head(features), features

    def forward(self, x: Tensor) -> Tensor:
        return self.forward_features(x)[0]


class BatchNormMLPGenerator(nn.Module):
    """z (N, latent_dim) -> images (N, *data_shape) in [-1, 1]: softplus + BatchNorm hidden layers, tanh output."""

    def __init__(self, latent_dim: int = 100, data_shape: Sequence[int] = (1, 28, 28),
                 hidden: Sequence[int] = (500, 500)) -> None:
        super().__init__()
        self.data_shape = tuple(data_shape)
        out = 1
        for d in self.data_shape:
            out *= d
        layers: list[nn.Module] = []
        width = latent_dim
        for units in hidden:
            layers += [nn.Linear(width, units, bias=False), nn.BatchNorm1d(units), nn.Softplus()]
            width = units
        layers += [weight_norm(nn.Linear(width, out)), nn.Tanh()]
        self.net = nn.Sequential(*layers)

    def forward(self, z: Tensor) -> Tensor:
        return self.net(z).view(-1, *self.data_shape)
