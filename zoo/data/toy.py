"""The 2-D Gaussian mixtures used to measure mode collapse (Metz et al. 2017; PacGAN, Lin et al. 2018).

ring: 8 Gaussians evenly spaced on the unit circle, σ = 0.01. grid: 25 Gaussians centred on {-4, -2, 0, 2, 4}²,
σ = 0.05. Modes are equally likely.
"""
from __future__ import annotations

import math

import torch
from torch.utils.data import TensorDataset

from zoo.data.common import SplitDataModule

MIXTURES = ("ring", "grid")


def mixture_modes(kind: str) -> tuple[torch.Tensor, float]:
    """The centres (M, 2) and the standard deviation of the named mixture."""
    if kind == "ring":
        angles = torch.arange(8, dtype=torch.float64) * (2 * math.pi / 8)
        return torch.stack([angles.cos(), angles.sin()], 1).float(), 0.01
    if kind == "grid":
        axis = torch.tensor([-4.0, -2.0, 0.0, 2.0, 4.0])
        return torch.cartesian_prod(axis, axis), 0.05
    raise ValueError(f"mixture={kind!r} is not known; expected one of {MIXTURES}.")


def sample_mixture(kind: str, n: int, generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` points of the mixture and the index of the mode each came from."""
    centres, std = mixture_modes(kind)
    mode = torch.randint(len(centres), (n,), generator=generator)
    return centres[mode] + std * torch.randn(n, 2, generator=generator), mode


class ToyMixtureDataModule(SplitDataModule):
    """A fixed, seeded draw of ``num_samples`` training points (and 10% as many test points) from a 2-D mixture.

    Args:
        mixture: "ring" or "grid".
        num_samples: training points per epoch.
        seed: seed of the draw.
    """

    def __init__(self, mixture: str = "ring", num_samples: int = 100_000, batch_size: int = 256, seed: int = 0,
                 num_workers: int = 0) -> None:
        super().__init__(batch_size, num_workers)
        mixture_modes(mixture)
        self.mixture, self.num_samples, self.seed = mixture, num_samples, seed

    def setup(self, stage: str | None = None) -> None:
        if self.splits:
            return
        rng = torch.Generator().manual_seed(self.seed)
        self.splits["train"] = TensorDataset(*sample_mixture(self.mixture, self.num_samples, rng))
        self.splits["val"] = self.splits["test"] = TensorDataset(
            *sample_mixture(self.mixture, max(self.num_samples // 10, 1), rng))
