"""Semi-supervised MNIST: a fixed, seeded, balanced labelled subset and every training image without its label.

The labels of the training set are read exactly once, by ``balanced_subset``, to choose ``per_class`` examples of
each class with a seeded RNG; then only the chosen examples keep their labels. The unlabelled stream is a dataset
of images alone (``TensorDataset(images)``): the model receives batches with no labels in them, so it cannot read
them. Following Salimans et al. 2016 (their MNIST code), every training image, the labelled ones included, is in
the unlabelled stream. The labelled subset is recorded (indices and labels) in ``subset_record()`` for the run.

Train batches are a dict ``{"unlabelled": [x_u], "unlabelled_g": [x_u2], "labelled": [x_l, y_l]}`` (Lightning's
``max_size_cycle``: one pass over the unlabelled images per epoch; ``unlabelled_g`` is a second, independently
shuffled pass over the same images, the batch the generator's feature matching compares with, as the authors'
``trainx_unl2``; labelled batches are drawn with replacement from the small subset).
Validation and test batches are the 10,000 MNIST test images with labels, for measuring the classifier only.
"""
from __future__ import annotations

from typing import Any

import torch
from lightning.pytorch.utilities import CombinedLoader
from torch import Tensor
from torch.utils.data import Dataset, TensorDataset

from zoo.data.common import SplitDataModule
from zoo.data.images import MNISTDataModule
from zoo.data.resumable import ResumableDataLoader, ResumableRandomSampler


def balanced_subset(labels: Tensor, per_class: int, num_classes: int, seed: int) -> Tensor:
    """Indices of ``per_class`` examples of each class, drawn with a seeded RNG, by class, in index order.

    Args:
        labels: the training labels (N,), integers in [0, num_classes).
        per_class: labelled examples per class.
        num_classes: number of classes.
        seed: seed of the draw (the same seed gives the same subset).
    Returns:
        LongTensor of num_classes * per_class indices into ``labels``.
    """
    rng = torch.Generator().manual_seed(seed)
    chosen = []
    for c in range(num_classes):
        members = (labels == c).nonzero().flatten()
        if len(members) < per_class:
            raise ValueError(f"class {c} has {len(members)} examples, fewer than per_class={per_class}; lower "
                             f"per_class.")
        # sorted within the class: the subset, not the draw order, defines the labelled dataset
        chosen.append(members[torch.randperm(len(members), generator=rng)[:per_class]].sort().values)
    return torch.cat(chosen)


class SemiSupervisedDataModule(SplitDataModule):
    """Labelled subset + label-free unlabelled stream over any (images, labels) training set.

    Args:
        labelled_per_class: labelled examples per class (10 gives MNIST's 100-label setting).
        num_classes: number of classes.
        seed: seed of the labelled draw (recorded with the subset).
        batch_size: size of both the unlabelled and the labelled batches (Salimans et al. 2016: 100).
        num_workers: DataLoader workers.
    """

    def __init__(self, labelled_per_class: int = 10, num_classes: int = 10, seed: int = 0, batch_size: int = 100,
                 num_workers: int = 0) -> None:
        super().__init__(batch_size, num_workers)
        if labelled_per_class < 1:
            raise ValueError(f"labelled_per_class={labelled_per_class} must be a positive integer.")
        self.labelled_per_class, self.num_classes, self.seed = labelled_per_class, num_classes, seed
        self.labelled_indices: Tensor | None = None

    def load_train(self) -> tuple[Tensor, Tensor]:
        """(images, labels) of the full training set; subclasses provide it."""
        raise NotImplementedError

    def load_eval(self) -> Dataset:
        """The labelled evaluation set (images, labels); subclasses provide it."""
        raise NotImplementedError

    def split_train(self, images: Tensor, labels: Tensor) -> None:
        """Choose the labelled subset (the only read of ``labels``) and keep the images alone for the rest."""
        idx = balanced_subset(labels, self.labelled_per_class, self.num_classes, self.seed)
        self.labelled_indices = idx
        self.splits["labelled"] = TensorDataset(images[idx], labels[idx].clone())
        self.splits["unlabelled"] = TensorDataset(images)  # no labels: the model cannot read them
        self.splits["train"] = self.splits["unlabelled"]

    def setup(self, stage: str | None = None) -> None:
        if "unlabelled" not in self.splits and stage in (None, "fit", "validate", "train"):
            images, labels = self.load_train()
            self.split_train(images, labels)
            del labels  # nothing below this line has the training labels
        if "val" not in self.splits:
            self.splits["val"] = self.splits["test"] = self.load_eval()

    def subset_record(self) -> dict[str, Any]:
        """What the run must record: the seed, the size and the exact labelled examples."""
        if self.labelled_indices is None:
            self.setup("fit")
        labelled = self.splits["labelled"].tensors[1]
        return {"labelled_per_class": self.labelled_per_class, "num_labelled": len(self.labelled_indices),
                "seed": self.seed, "indices": self.labelled_indices.tolist(), "labels": labelled.tolist()}

    def train_dataloader(self) -> CombinedLoader:
        if "unlabelled" not in self.splits:
            self.setup("fit")
        unlabelled = self.splits["unlabelled"]
        labelled = self.splits["labelled"]
        # RandomSampler's shuffles in loaders that resume mid-epoch exactly (zoo.data.resumable)
        loaders = {
            "unlabelled": ResumableDataLoader(unlabelled, batch_size=self.batch_size, drop_last=True,
                                              sampler=ResumableRandomSampler(unlabelled),
                                              num_workers=self.num_workers),
            # a second, independent shuffle of the same images for G's feature matching (authors' trainx_unl2)
            "unlabelled_g": ResumableDataLoader(unlabelled, batch_size=self.batch_size, drop_last=True,
                                                sampler=ResumableRandomSampler(unlabelled),
                                                num_workers=self.num_workers),
            # the small labelled subset in back-to-back random permutations (authors: a fresh permutation of the
            # 100 labelled examples for every 100 batch slots), so each unlabelled batch has a labelled one
            "labelled": ResumableDataLoader(labelled, batch_size=self.batch_size, num_workers=self.num_workers,
                                            sampler=ResumableRandomSampler(labelled, replacement=False,
                                                                           num_samples=len(unlabelled))),
        }
        return CombinedLoader(loaders, mode="max_size_cycle")

    def state_dict(self) -> dict[str, Any]:  # Lightning stores this in every checkpoint: the subset travels
        return {"labelled_subset": self.subset_record()} if self.labelled_indices is not None else {}


class SemiSupervisedMNIST(SemiSupervisedDataModule):
    """MNIST with ``labelled_per_class`` labels per class (the 60,000 training images), tested on the 10k test set.

    Args:
        root: data folder (default ``$ZOO_DATA``).
        labelled_per_class, num_classes, seed, batch_size, num_workers: see SemiSupervisedDataModule.
    """

    def __init__(self, root: str | None = None, labelled_per_class: int = 10, seed: int = 0, batch_size: int = 100,
                 num_workers: int = 0) -> None:
        super().__init__(labelled_per_class, 10, seed, batch_size, num_workers)
        self.mnist = MNISTDataModule(root=root, image_size=28, batch_size=batch_size, val_size=0)

    def load_train(self) -> tuple[Tensor, Tensor]:
        return self.mnist.load(train=True).tensors

    def load_eval(self) -> Dataset:
        return self.mnist.load(train=False)
