"""Scores of conditional generators by a judge classifier (the zoo's ``mnist-classifier`` entry by default).

Judged accuracy: draw samples of known class y and count how often the judge says y (torchmetrics'
MulticlassAccuracy). Digit Inception Score: the Inception Score of Salimans et al. 2016,
IS = exp(E_x KL(p(y|x) || p(y))), with p(y|x) the judge's softmax instead of Inception-v3's; computed by
torchmetrics' InceptionScore with the judge as its feature extractor (it then treats the judge's outputs as logits),
averaged over ``splits`` groups as in the original protocol. The maximum is the number of classes (10).
"""
from __future__ import annotations

import warnings
from typing import Any, Callable

import torch
from torch import Tensor, nn

DEFAULT_JUDGE = "mnist-classifier"


def load_judge(judge: str | nn.Module = DEFAULT_JUDGE) -> nn.Module:
    """The judge network: a module given as is, else a zoo entry name or export folder loaded with Zoo.load."""
    if isinstance(judge, nn.Module):
        return judge
    from zoo.registry import Zoo

    return Zoo.load(judge)


def judge_name(judge: str | nn.Module) -> str:
    return judge if isinstance(judge, str) else type(judge).__name__


@torch.no_grad()
def judge_logits(judge: nn.Module, images: Tensor, batch_size: int = 500) -> Tensor:
    """The judge's logits for ``images`` (N, C, H, W) in [-1, 1], computed in eval mode by batches."""
    was_training = judge.training
    judge.eval()
    try:
        return torch.cat([judge(chunk) for chunk in images.split(batch_size)])
    finally:
        judge.train(was_training)


@torch.no_grad()
def judged_accuracy(images: Tensor, labels: Tensor, judge: str | nn.Module = DEFAULT_JUDGE,
                    batch_size: int = 500) -> float:
    """Fraction of ``images`` that the judge classifies as their intended ``labels``.

    Args:
        images: generated images (N, C, H, W) in [-1, 1], the judge's input size.
        labels: the class each image was drawn for, shape (N,).
        judge: a classifier module or an entry name / export folder (default ``mnist-classifier``).
    Returns:
        Accuracy in [0, 1].
    """
    from torchmetrics.functional.classification import multiclass_accuracy

    if len(images) != len(labels):
        raise ValueError(f"got {len(images)} images but {len(labels)} labels; pass one label per image.")
    net = load_judge(judge)
    logits = judge_logits(net, images, batch_size)
    return float(multiclass_accuracy(logits, labels.to(logits.device), num_classes=logits.shape[1],
                                     average="micro"))


class _EvalJudge(nn.Module):
    """Wraps the judge so torchmetrics always calls it in eval mode and without gradients."""

    def __init__(self, judge: nn.Module) -> None:
        super().__init__()
        self.judge = judge

    def forward(self, x: Tensor) -> Tensor:
        return judge_logits(self.judge, x)


@torch.no_grad()
def digit_inception_score(images: Tensor, judge: str | nn.Module = DEFAULT_JUDGE, splits: int = 10,
                          seed: int = 0) -> tuple[float, float]:
    """Inception Score computed with the judge's softmax: (mean, std) over ``splits`` groups.

    torchmetrics' InceptionScore shuffles the samples before splitting with the global RNG; we fork the RNG and
    seed it so the score of a given set of images is reproducible.
    """
    from torchmetrics.image.inception import InceptionScore

    if len(images) < splits:
        raise ValueError(f"{len(images)} images cannot be split into splits={splits} groups; draw more samples.")
    with warnings.catch_warnings():  # its note that features are kept in memory: we pass them in one call
        warnings.filterwarnings("ignore", message=".*will save all extracted features.*")
        metric = InceptionScore(feature=_EvalJudge(load_judge(judge)), splits=splits)
    metric.update(images)
    with torch.random.fork_rng(devices=[]), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*degrees of freedom.*")  # splits=1 has no spread: std is nan
        torch.manual_seed(seed)
        mean, std = metric.compute()
    return float(mean), float(std)


@torch.no_grad()
def conditional_scores(sample: Callable[..., Tensor], num_classes: int = 10, per_class: int = 1000,
                       judge: str | nn.Module = DEFAULT_JUDGE, seed: int = 0, batch_size: int = 500,
                       splits: int = 10) -> dict[str, Any]:
    """Judged accuracy and digit IS of a conditional model's ``sample(n, labels=..., generator=...)``.

    Draws ``per_class`` images of each class (labels in a fixed order, noise from ``seed``).
    Returns:
        {"judged_accuracy", "digit_is", "digit_is_std", "protocol"}.
    """
    rng = torch.Generator().manual_seed(seed)
    labels = torch.arange(num_classes).repeat_interleave(per_class)
    images = torch.cat([sample(len(chunk), labels=chunk, generator=rng).cpu()
                        for chunk in labels.split(batch_size)])
    net = load_judge(judge)
    accuracy = judged_accuracy(images, labels, net)
    is_mean, is_std = digit_inception_score(images, net, splits=splits, seed=seed)
    return {"judged_accuracy": accuracy, "digit_is": is_mean, "digit_is_std": is_std,
            "protocol": judge_protocol(judge, num_classes * per_class, per_class, seed, splits)}


def best_matching_error(predicted: Tensor, labels: Tensor, num_classes: int) -> tuple[float, list[int]]:
    """Error of an unsupervised classifier under the best one-to-one map of its clusters to the labels.

    InfoGAN's check (Chen et al. 2016, Sec. 7): the categorical code read by Q, with each of the K values matched
    to one class (Hungarian algorithm on the K x K confusion matrix, scipy's linear_sum_assignment).
    Returns:
        (error in [0, 1], mapping) where mapping[code] is the class assigned to that code.
    """
    from scipy.optimize import linear_sum_assignment

    if predicted.shape != labels.shape:
        raise ValueError(f"predicted {tuple(predicted.shape)} and labels {tuple(labels.shape)} must match.")
    confusion = torch.zeros(num_classes, num_classes, dtype=torch.long)
    confusion.index_put_((predicted.long().cpu(), labels.long().cpu()), torch.ones(len(labels), dtype=torch.long),
                         accumulate=True)
    codes, classes = linear_sum_assignment(confusion.numpy(), maximize=True)
    correct = int(confusion[codes, classes].sum())
    mapping = [int(c) for _, c in sorted(zip(codes, classes))]
    return 1.0 - correct / len(labels), mapping


def judge_protocol(judge: str | nn.Module, n: int, per_class: int, seed: int, splits: int) -> dict[str, Any]:
    return {"judge": judge_name(judge), "num_samples": n, "per_class": per_class, "seed": seed,
            "is_splits": splits, "metrics": "judged_accuracy: torchmetrics multiclass_accuracy (micro) of the "
            "judge's argmax vs the requested label; digit_is: torchmetrics InceptionScore with the judge as "
            "feature extractor (its logits), exp(E KL(p(y|x)||p(y)))"}
