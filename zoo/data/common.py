"""Pieces shared by the data modules: where data lives and a LightningDataModule over in-memory splits."""
from __future__ import annotations

import os
from pathlib import Path

import lightning as L
import torch
from torch.utils.data import DataLoader, Dataset

from zoo.data.resumable import ResumableDataLoader, ResumableRandomSampler


class DataFileError(FileNotFoundError):
    """A data file is missing or damaged. The message names the file, the folder looked in and the fix."""


def data_root(root: str | os.PathLike | None = None) -> Path:
    """The data folder: ``root`` if given, else ``$ZOO_DATA``, else ``~/.cache/zoo/data``."""
    if root is not None:
        return Path(root).expanduser()
    if os.environ.get("ZOO_DATA"):
        return Path(os.environ["ZOO_DATA"]).expanduser()
    return Path("~/.cache/zoo/data").expanduser()


def to_unit_range(x: torch.Tensor, high: float) -> torch.Tensor:
    """Map values in [0, high] to floats in [-1, 1], the zoo's image range."""
    return x.float().div_(high / 2).sub_(1)


def resize(images: torch.Tensor, size: int) -> torch.Tensor:
    """Bilinear (antialiased) resize of an NCHW batch to size x size; identity when already that size."""
    if images.shape[-1] == size and images.shape[-2] == size:
        return images
    return torch.nn.functional.interpolate(images, size=(size, size), mode="bilinear", antialias=True,
                                           align_corners=False).clamp_(-1, 1)


class SplitDataModule(L.LightningDataModule):
    """A DataModule whose subclasses fill ``self.splits`` ({"train", "val", "test"} -> Dataset) in ``setup``.

    Args:
        batch_size: examples per batch.
        num_workers: DataLoader worker processes (0 loads in the main process).
    """

    def __init__(self, batch_size: int = 64, num_workers: int = 0) -> None:
        super().__init__()
        if batch_size < 1:
            raise ValueError(f"batch_size={batch_size} must be a positive integer.")
        self.batch_size, self.num_workers = batch_size, num_workers
        self.splits: dict[str, Dataset] = {}

    def dataset(self, split: str) -> Dataset:
        """The dataset of one split ("train", "val" or "test"), loading it if needed."""
        if split not in self.splits:
            self.setup("fit" if split == "train" else split)
        if split not in self.splits:
            raise ValueError(f"split={split!r} is not available in {type(self).__name__}; "
                             f"available: {sorted(self.splits)}.")
        return self.splits[split]

    def _loader(self, split: str, shuffle: bool) -> DataLoader:
        if shuffle:  # the training loader: RandomSampler's shuffles, and a state that resumes mid-epoch exactly
            dataset = self.dataset(split)
            return ResumableDataLoader(dataset, batch_size=self.batch_size, sampler=ResumableRandomSampler(dataset),
                                       drop_last=True, num_workers=self.num_workers,
                                       persistent_workers=self.num_workers > 0)
        return DataLoader(self.dataset(split), batch_size=self.batch_size, shuffle=shuffle,
                          drop_last=shuffle, num_workers=self.num_workers,
                          persistent_workers=self.num_workers > 0)

    def train_dataloader(self) -> DataLoader:
        return self._loader("train", shuffle=True)

    def val_dataloader(self) -> DataLoader:
        return self._loader("val", shuffle=False)

    def test_dataloader(self) -> DataLoader:
        return self._loader("test", shuffle=False)
