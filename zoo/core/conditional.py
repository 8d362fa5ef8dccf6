"""Class-conditional sampling shared by the label-conditioned papers (cGAN, AC-GAN).

``ConditionalGANModule`` is a GANModule whose generator is called as ``G(z, one_hot(y))``. It provides
``sample(n, labels=..., generator=...)`` and a ``preview`` grid with one row per class, so the logger shows what
each label draws.
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor

from zoo.core.module import GANModule, check_count
from zoo.nets.conditional import one_hot


def resolve_labels(labels: Tensor | int | Sequence[int] | None, n: int, num_classes: int,
                   device: torch.device) -> Tensor:
    """The (n,) label tensor for ``sample``: None cycles 0, 1, ..., K-1; an int repeats one class; else as given."""
    if labels is None:
        out = torch.arange(n) % num_classes
    elif isinstance(labels, int):
        out = torch.full((n,), labels)
    else:
        out = torch.as_tensor(labels)
        if out.shape != (n,):
            raise ValueError(f"labels has shape {tuple(out.shape)}; expected ({n},), one class index per sample "
                             f"(or an int for one class, or None to cycle through the classes).")
    if out.numel() and (int(out.min()) < 0 or int(out.max()) >= num_classes):
        raise ValueError(f"labels must lie in [0, {num_classes}), got values from {int(out.min())} to "
                         f"{int(out.max())}.")
    return out.long().to(device)


def class_rows(num_classes: int, per_class: int) -> Tensor:
    """Labels 0,0,...,1,1,...: with ``per_class`` columns, row k of a grid shows class k."""
    return torch.arange(num_classes).repeat_interleave(per_class)


class ConditionalGANModule(GANModule):
    """GANModule with a label-conditioned generator ``G(z, one_hot(y))``; set ``self.num_classes`` in __init__."""

    num_classes: int

    @torch.no_grad()
    def sample(self, n: int, *, labels: Tensor | int | Sequence[int] | None = None,
               generator: torch.Generator | None = None) -> Tensor:
        """Draw ``n`` images of the given classes.

        Args:
            n: number of samples.
            labels: class of each sample, shape (n,); an int for one class; None cycles 0..K-1.
            generator: torch RNG for reproducible noise.
        Returns:
            Images (n, C, H, W) in [-1, 1].
        """
        check_count(n)
        y = resolve_labels(labels, n, self.num_classes, self.device)
        return self.run_eval(self.sampler, self.noise(n, generator), one_hot(y, self.num_classes))

    def setup(self, stage: str) -> None:
        # a square grid with one row per class: K rows of K samples (fixed noise, never exported)
        if "fixed_noise" not in self._buffers:
            fixed = self.noise(self.num_classes ** 2, torch.Generator().manual_seed(1234))
            self.register_buffer("fixed_noise", fixed, persistent=False)

    def preview(self) -> Tensor | None:
        fixed = self._buffers.get("fixed_noise")
        if fixed is None:
            return None
        y = class_rows(self.num_classes, self.num_classes).to(fixed.device)
        return self.run_eval(self.sampler, fixed, one_hot(y, self.num_classes))
