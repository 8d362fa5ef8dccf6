"""Fully connected networks: the generator and maxout discriminator of Goodfellow et al. 2014, and a plain MLP."""
from __future__ import annotations

import math
from typing import Sequence

from torch import Tensor, nn


class Maxout(nn.Module):
    """Maxout unit (Goodfellow et al. 2013): the max over ``pieces`` affine maps, used by the GAN paper's MNIST D.

    Shape:
        input (N, in_features) -> output (N, out_features)
    """

    def __init__(self, in_features: int, out_features: int, pieces: int) -> None:
        super().__init__()
        self.out_features, self.pieces = out_features, pieces
        self.linear = nn.Linear(in_features, out_features * pieces)

    def forward(self, x: Tensor) -> Tensor:
        return self.linear(x).view(-1, self.out_features, self.pieces).amax(dim=2)


class MLP(nn.Sequential):
    """Linear layers with an activation between them and an optional output activation.

    Args:
        in_features: input width.
        hidden: widths of the hidden layers.
        out_features: output width.
        activation: "relu", "leaky_relu" (slope 0.2) or "tanh" between layers.
        output: None, "tanh" or "sigmoid" after the last layer.
        dropout: dropout probability before each linear layer after the first (0 disables).
        batch_norm: BatchNorm after each hidden linear layer, before its activation (BiGAN's G and E).
    """

    def __init__(self, in_features: int, hidden: Sequence[int], out_features: int, activation: str = "relu",
                 output: str | None = None, dropout: float = 0.0, batch_norm: bool = False) -> None:
        acts = {"relu": nn.ReLU, "leaky_relu": lambda: nn.LeakyReLU(0.2), "tanh": nn.Tanh}
        if activation not in acts:
            raise ValueError(f"activation={activation!r} is not supported; expected one of {sorted(acts)}.")
        layers: list[nn.Module] = []
        widths = [in_features, *hidden]
        for i, (w_in, w_out) in enumerate(zip(widths[:-1], widths[1:])):
            if dropout and i:
                layers.append(nn.Dropout(dropout))
            layers.append(nn.Linear(w_in, w_out, bias=not batch_norm))
            if batch_norm:
                layers.append(nn.BatchNorm1d(w_out))
            layers.append(acts[activation]())
        if dropout and hidden:
            layers.append(nn.Dropout(dropout))
        layers.append(nn.Linear(widths[-1], out_features))
        if output is not None:
            outs = {"tanh": nn.Tanh, "sigmoid": nn.Sigmoid}
            if output not in outs:
                raise ValueError(f"output={output!r} is not supported; expected None or one of {sorted(outs)}.")
            layers.append(outs[output]())
        super().__init__(*layers)


class MLPGenerator(nn.Module):
    """Maps z (N, latent_dim) to data of shape (N, *data_shape) through an MLP with a tanh output in [-1, 1].

    Goodfellow et al. 2014 (MNIST): two ReLU layers of 1200 units. The paper's sigmoid output is replaced by tanh
    because the zoo's images live in [-1, 1]; the two differ by an affine map of the output.
    """

    def __init__(self, latent_dim: int, data_shape: Sequence[int], hidden: Sequence[int] = (1200, 1200),
                 output: str | None = "tanh", batch_norm: bool = False) -> None:
        super().__init__()
        self.data_shape = tuple(data_shape)
        self.net = MLP(latent_dim, hidden, math.prod(self.data_shape), "relu", output, batch_norm=batch_norm)

    def forward(self, z: Tensor) -> Tensor:
        return self.net(z).view(-1, *self.data_shape)


class MaxoutDiscriminator(nn.Module):
    """Goodfellow et al. 2014's MNIST discriminator: maxout layers with dropout, one logit out.

    Args:
        data_shape: shape of one example, e.g. (1, 28, 28) or (2,).
        hidden: maxout layer widths (paper: 240, 240).
        pieces: affine pieces per maxout unit (paper: 5).
        dropout: dropout on the inputs of each layer (paper: 0.2 on inputs, 0.5 on hidden units; we use one value
            for the hidden layers and 0.2 on the input, as in the paper's pylearn2 configuration).
    Shape:
        input (N, *data_shape) -> logits (N,)
    """

    def __init__(self, data_shape: Sequence[int], hidden: Sequence[int] = (240, 240), pieces: int = 5,
                 dropout: float = 0.5, input_dropout: float = 0.2) -> None:
        super().__init__()
        self.data_shape = tuple(data_shape)
        layers: list[nn.Module] = [nn.Flatten(), nn.Dropout(input_dropout)]
        width = math.prod(self.data_shape)
        for i, units in enumerate(hidden):
            if i:
                layers.append(nn.Dropout(dropout))
            layers.append(Maxout(width, units, pieces))
            width = units
        layers += [nn.Dropout(dropout), nn.Linear(width, 1)]
        self.net = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        if tuple(x.shape[1:]) != self.data_shape:
            raise ValueError(f"{type(self).__name__} expects inputs of shape (N, {', '.join(map(str, self.data_shape))}),"
                             f" got {tuple(x.shape)}; set data_shape to match your data.")
        return self.net(x).squeeze(1)


class MLPDiscriminator(nn.Module):
    """A LeakyReLU MLP critic with one output, e.g. for the 2-D toys (WGAN-GP's gan_toy.py: 3×512 ReLU).

    Shape:
        input (N, *data_shape) -> scores (N,)
    """

    def __init__(self, data_shape: Sequence[int], hidden: Sequence[int] = (512, 512, 512),
                 activation: str = "relu") -> None:
        super().__init__()
        self.data_shape = tuple(data_shape)
        self.net = nn.Sequential(nn.Flatten(), MLP(math.prod(self.data_shape), hidden, 1, activation))

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x).squeeze(1)
