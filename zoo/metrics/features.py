"""Judging learned features by a 1-nearest-neighbour classifier (BiGAN, Donahue et al. 2016, Table 1: "1NN")."""
from __future__ import annotations

import torch
from torch import Tensor

METRICS = ("euclidean", "cosine")


@torch.no_grad()
def nearest_neighbour_accuracy(train_features: Tensor, train_labels: Tensor, test_features: Tensor,
                               test_labels: Tensor, metric: str = "euclidean", batch_size: int = 1000) -> float:
    """Accuracy of labelling each test feature with the label of its nearest training feature.

    Args:
        train_features / test_features: (N, D) and (M, D) features (flattened if they have more dimensions).
        train_labels / test_labels: (N,) and (M,) integer labels.
        metric: "euclidean" or "cosine" distance.
        batch_size: test rows compared at once (memory only).
    Returns:
        The share of test points whose nearest neighbour has the same label, in [0, 1].
    """
    if metric not in METRICS:
        raise ValueError(f"metric={metric!r} is not supported; expected one of {METRICS}.")
    train, test = train_features.flatten(1).float(), test_features.flatten(1).float()
    if len(train) != len(train_labels) or len(test) != len(test_labels) or train.shape[1] != test.shape[1]:
        raise ValueError(f"features and labels do not match: train {tuple(train.shape)} / {len(train_labels)} "
                         f"labels, test {tuple(test.shape)} / {len(test_labels)} labels.")
    if metric == "cosine":
        train = torch.nn.functional.normalize(train, dim=1)
        test = torch.nn.functional.normalize(test, dim=1)
    correct = 0
    for start in range(0, len(test), batch_size):
        part = test[start:start + batch_size]
        # ||a - b||² = ||a||² - 2 a·b + ||b||²; the test row's own norm does not change its nearest neighbour
        nearest = (train.square().sum(1) - 2 * part @ train.T).argmin(1)
        correct += int((train_labels[nearest] == test_labels[start:start + batch_size]).sum())
    return correct / len(test)
