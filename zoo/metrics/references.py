"""Named reference splits for image metrics: ``name -> images in [-1, 1]`` (the first ``limit`` in file order).

The key under which features are cached includes the name and the number of images, so protocols with different
reference sizes never share statistics.
"""
from __future__ import annotations

from typing import Callable

from torch import Tensor


def _mnist(train: bool) -> Callable[[], Tensor]:
    def load() -> Tensor:
        from zoo.data import MNISTDataModule

        return MNISTDataModule().dataset("train" if train else "test").tensors[0]

    return load


def _digits(split: str) -> Callable[[], Tensor]:
    def load() -> Tensor:
        from zoo.data import DigitsDataModule

        return DigitsDataModule(image_size=32).dataset(split).tensors[0]

    return load


REFERENCES: dict[str, Callable[[], Tensor]] = {
    "mnist-test": _mnist(False),
    "mnist-train": _mnist(True),
    "digits-test": _digits("test"),
    "digits-train": _digits("train"),
}


def reference_images(name: str, limit: int | None = None) -> Tensor:
    """The first ``limit`` images of a named reference split."""
    if name not in REFERENCES:
        raise ValueError(f"reference={name!r} is not known; expected one of {sorted(REFERENCES)}.")
    images = REFERENCES[name]()
    return images if limit is None else images[:limit]


def reference_key(name: str, count: int) -> str:
    return f"{name}[:{count}]"
