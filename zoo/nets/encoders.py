"""Encoders x -> z and joint discriminators on (x, z) pairs, for BiGAN / ALI (Donahue et al. 2016; Dumoulin et al.
2016). Fully connected, as in BiGAN's permutation-invariant MNIST experiment and the 2-D toys.
"""
from __future__ import annotations

import math
from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from zoo.nets.mlp import MLP, Maxout


class MLPEncoder(nn.Module):
    """E(x): data (N, *data_shape) -> latent (N, latent_dim) through a LeakyReLU MLP.

    Args:
        data_shape: shape of one example.
        latent_dim: size of z.
        hidden: hidden widths (BiGAN MNIST: 1024, 1024).
        stochastic: ALI's encoder (Dumoulin et al. 2016, Sec. 2.2): the MLP gives a mean and a log-variance and
            E(x) = μ(x) + σ(x) ⊙ ε with ε ~ N(0, I) (the reparametrisation trick); otherwise E(x) = μ(x).
        batch_norm: BatchNorm on the hidden layers (BiGAN's MNIST encoder).
    """

    def __init__(self, data_shape: Sequence[int], latent_dim: int, hidden: Sequence[int] = (1024, 1024),
                 stochastic: bool = False, batch_norm: bool = False) -> None:
        super().__init__()
        self.data_shape, self.latent_dim, self.stochastic = tuple(data_shape), latent_dim, stochastic
        outputs = 2 * latent_dim if stochastic else latent_dim
        self.net = nn.Sequential(nn.Flatten(), MLP(math.prod(self.data_shape), hidden, outputs, "leaky_relu",
                                                     batch_norm=batch_norm))

    def mean(self, x: Tensor) -> Tensor:
        """The deterministic part μ(x) (the whole encoder when not stochastic)."""
        self.check_input(x)
        return self.net(x)[:, :self.latent_dim]

    def check_input(self, x: Tensor) -> None:
        if tuple(x.shape[1:]) != self.data_shape:
            raise ValueError(f"{type(self).__name__} expects inputs of shape (N, {', '.join(map(str, self.data_shape))}),"
                             f" got {tuple(x.shape)}; set data_shape to match your data.")

    def forward(self, x: Tensor, generator: torch.Generator | None = None) -> Tensor:
        self.check_input(x)
        out = self.net(x)
        if not self.stochastic:
            return out
        mu, log_var = out.chunk(2, dim=1)
        device = generator.device if generator is not None else mu.device
        eps = torch.randn(mu.shape, generator=generator, device=device).to(mu.device)
        return mu + torch.exp(0.5 * log_var) * eps


class JointDiscriminator(nn.Module):
    """D(x, z): one logit per (x, z) pair from a LeakyReLU (slope 0.2) MLP.

    Two wirings of z:

    - ``z_layer=0`` (default): an MLP on the concatenation [flatten(x), z].
    - ``z_layer=k`` (k >= 1): x alone enters the MLP and z is added to the pre-activation of hidden layer k through
      its own linear map. ``z_layer=2, batch_norm=True`` is the BiGAN authors' MNIST discriminator (jeffdonahue/bigan,
      net.py ``convnet(arch='mnist_mlp')`` with ``apply_cond``): h1 = LReLU(W1 x), h2 = LReLU(BN(W2 h1 + V z)),
      logit = w·h2.

    Args:
        data_shape: shape of one example.
        latent_dim: size of z.
        hidden: hidden widths (BiGAN MNIST: 1024, 1024).
        dropout: dropout before each linear layer after the first (ALI uses dropout 0.2 in D).
        z_layer: where z enters: 0 = with x at the input, k = added into hidden layer k (1-based).
        batch_norm: BatchNorm on the hidden layers after the first (the authors' MNIST D; a linear layer followed by
            BatchNorm has no bias).
        maxout_pieces: 1 for LeakyReLU layers; k > 1 for maxout layers of k pieces on [x, z] (ALI's toy
            discriminators, and PacGAN's ALI on the 2-D grid: 5 pieces; z_layer 0 and no BatchNorm).
    Shape:
        x (N, *data_shape), z (N, latent_dim) -> (N,).
    """

    def __init__(self, data_shape: Sequence[int], latent_dim: int, hidden: Sequence[int] = (1024, 1024),
                 dropout: float = 0.2, z_layer: int = 0, batch_norm: bool = False, maxout_pieces: int = 1) -> None:
        super().__init__()
        self.data_shape, self.latent_dim, self.z_layer = tuple(data_shape), latent_dim, z_layer
        hidden = tuple(hidden)
        if not 0 <= z_layer <= len(hidden):
            raise ValueError(f"z_layer={z_layer} must lie in [0, {len(hidden)}]: 0 feeds z with x at the input, k adds "
                             f"it into hidden layer k of the {len(hidden)} (the BiGAN authors' MNIST D: 2).")
        if maxout_pieces < 1 or (maxout_pieces > 1 and (z_layer or batch_norm or not hidden)):
            raise ValueError(f"maxout_pieces={maxout_pieces} must be 1 (LeakyReLU) or, for maxout layers, at least 2 "
                             f"with z at the input (z_layer=0, got {z_layer}), no BatchNorm (got {batch_norm}) and at "
                             f"least one hidden layer (got {list(hidden)}).")
        if maxout_pieces > 1:  # [x, z] -> maxout layers -> logit, dropout before each layer after the first
            widths, layers = [math.prod(self.data_shape) + latent_dim, *hidden], []
            for i, (a, b) in enumerate(zip(widths, hidden)):
                layers += ([nn.Dropout(dropout)] if i and dropout else []) + [Maxout(a, b, maxout_pieces)]
            self.net = nn.Sequential(*layers, *([nn.Dropout(dropout)] if dropout else []), nn.Linear(hidden[-1], 1))
            return
        if z_layer == 0 and not batch_norm:  # the plain MLP on [x, z] (parameter names kept for saved models)
            self.net = MLP(math.prod(self.data_shape) + latent_dim, hidden, 1, "leaky_relu", dropout=dropout)
            return
        widths = [math.prod(self.data_shape) + (latent_dim if z_layer == 0 else 0), *hidden]
        norms = [batch_norm and i > 0 for i in range(len(hidden))]
        self.linears = nn.ModuleList(nn.Linear(a, b, bias=not norm) for a, b, norm in zip(widths, hidden, norms))
        self.norms = nn.ModuleList(nn.BatchNorm1d(b) if norm else nn.Identity() for b, norm in zip(hidden, norms))
        self.z_projection = nn.Linear(latent_dim, hidden[z_layer - 1], bias=False) if z_layer else None
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(widths[-1], 1)

    def forward(self, x: Tensor, z: Tensor) -> Tensor:
        if tuple(x.shape[1:]) != self.data_shape or z.shape != (len(x), self.latent_dim):
            raise ValueError(f"{type(self).__name__} expects x of shape (N, {', '.join(map(str, self.data_shape))}) "
                             f"and z of shape (N, {self.latent_dim}), got {tuple(x.shape)} and {tuple(z.shape)}.")
        if hasattr(self, "net"):
            return self.net(torch.cat([x.flatten(1), z], 1)).squeeze(1)
        h = x.flatten(1) if self.z_layer else torch.cat([x.flatten(1), z], 1)
        for i, (linear, norm) in enumerate(zip(self.linears, self.norms)):
            h = linear(self.dropout(h) if i else h)
            if i + 1 == self.z_layer:
                h = h + self.z_projection(z)           # the authors' apply_cond: z added before the normalisation
            h = F.leaky_relu(norm(h), 0.2)
        return self.head(self.dropout(h)).squeeze(1)
