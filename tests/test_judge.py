"""The judge classifier and the judge-based metrics: closed forms, export round trip, errors."""
from __future__ import annotations

import json

import pytest
import torch
from torch import nn

from zoo import hub
from zoo.metrics.judge import (best_matching_error, conditional_scores, digit_inception_score, judged_accuracy)
from zoo.models.classifier import DigitClassifier


class LookupJudge(nn.Module):
    """A judge whose logits for image i are ``table[i]`` (the index is written in the first pixel)."""

    def __init__(self, table: torch.Tensor) -> None:
        super().__init__()
        self.register_buffer("table", table)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.table[x[:, 0, 0, 0].long()]


def indexed_images(n: int) -> torch.Tensor:
    x = torch.zeros(n, 1, 28, 28)
    x[:, 0, 0, 0] = torch.arange(n).float()
    return x


def test_inception_score_matches_the_closed_form_on_the_judges_softmax():
    logits = torch.randn(60, 10, generator=torch.Generator().manual_seed(0)) * 3
    score, _ = digit_inception_score(indexed_images(60), LookupJudge(logits), splits=1)
    p = logits.softmax(1)
    expected = (p * (p.log() - p.mean(0, keepdim=True).log())).sum(1).mean().exp()
    assert score == pytest.approx(float(expected), rel=1e-5)


def test_inception_score_extremes_are_one_and_the_number_of_classes():
    confident = torch.eye(10).repeat(5, 1) * 50       # every class equally often, each image certain
    assert digit_inception_score(indexed_images(50), LookupJudge(confident), splits=1)[0] == pytest.approx(10, rel=1e-4)
    uniform = torch.zeros(50, 10)
    assert digit_inception_score(indexed_images(50), LookupJudge(uniform), splits=1)[0] == pytest.approx(1.0)


def test_inception_score_is_reproducible_with_splits():
    logits = torch.randn(100, 10, generator=torch.Generator().manual_seed(1))
    judge = LookupJudge(logits)
    assert digit_inception_score(indexed_images(100), judge, splits=5) == \
        digit_inception_score(indexed_images(100), judge, splits=5)
    with pytest.raises(ValueError, match="splits"):
        digit_inception_score(indexed_images(3), judge, splits=5)


def test_judged_accuracy_counts_agreements():
    logits = torch.eye(10)[torch.tensor([0, 1, 2, 3])] * 5
    labels = torch.tensor([0, 1, 9, 3])
    assert judged_accuracy(indexed_images(4), labels, LookupJudge(logits)) == pytest.approx(0.75)
    with pytest.raises(ValueError, match="one label per image"):
        judged_accuracy(indexed_images(4), labels[:3], LookupJudge(logits))


def test_conditional_scores_of_a_perfect_generator():
    class Perfect:  # draws "images" whose judge logits are the requested class
        def __call__(self, n, labels, generator):
            images = torch.zeros(n, 1, 28, 28)
            images[:, 0, 0, 0] = labels.float()
            return images

    scores = conditional_scores(Perfect(), per_class=3, judge=LookupJudge(torch.eye(10) * 50), splits=1)
    assert scores["judged_accuracy"] == 1.0
    assert scores["digit_is"] == pytest.approx(10, rel=1e-4)
    assert scores["protocol"]["num_samples"] == 30 and scores["protocol"]["judge"] == "LookupJudge"


def test_best_matching_error_undoes_a_permutation():
    labels = torch.arange(10).repeat(7)
    permutation = torch.randperm(10, generator=torch.Generator().manual_seed(0))
    error, mapping = best_matching_error(permutation[labels], labels, 10)
    assert error == 0.0
    assert [mapping[int(permutation[c])] for c in range(10)] == list(range(10))
    noisy = permutation[labels].clone()
    noisy[:7] = (noisy[:7] + 1) % 10                   # 7 of 70 codes wrong
    assert best_matching_error(noisy, labels, 10)[0] == pytest.approx(0.1)


def test_classifier_shapes_errors_and_classify():
    model = DigitClassifier(width=4, hidden=8)
    x = torch.rand(5, 1, 28, 28) * 2 - 1
    logits = model(x)
    assert logits.shape == (5, 10)
    assert torch.equal(model.classify(x), model.eval()(x).argmax(1))
    with pytest.raises(ValueError, match=r"\(N, 1, 28, 28\)"):
        model(torch.zeros(2, 3, 28, 28))
    with pytest.raises(ValueError, match="divisible by 4"):
        DigitClassifier(image_size=30)


def test_classifier_export_and_load_round_trip(tmp_path):
    torch.manual_seed(0)
    model = DigitClassifier(width=4, hidden=8).eval()
    folder = hub.export(model, tmp_path / "judge", name="mnist-classifier", results={"accuracy": 0.5})
    config = json.loads((folder / "config.json").read_text())
    assert config["model_class"] == "zoo.models.classifier.DigitClassifier"
    assert config["num_parameters"] == sum(p.numel() for p in model.parameters())
    assert not (folder / "samples.png").exists()       # a classifier draws no samples
    loaded = hub.load_folder(folder)
    x = torch.rand(4, 1, 28, 28) * 2 - 1
    assert not loaded.training
    assert torch.equal(loaded(x), model(x))



def test_a_cli_trained_classifier_checkpoint_loads(tmp_path):
    # LightningCLI stores "_class_path" and "_instantiator" among the hyperparameters; loading must skip them
    import lightning as L
    from torch.utils.data import DataLoader, TensorDataset

    from zoo.checkpoints import load_checkpoint

    model = DigitClassifier(width=4, hidden=8)
    data = DataLoader(TensorDataset(torch.rand(8, 1, 28, 28) * 2 - 1, torch.arange(8) % 10), batch_size=4)
    trainer = L.Trainer(max_epochs=1, logger=False, enable_progress_bar=False, enable_model_summary=False,
                        default_root_dir=tmp_path)
    trainer.fit(model, data)
    path = tmp_path / "model.ckpt"
    trainer.save_checkpoint(path)
    ckpt = torch.load(path, weights_only=True)
    ckpt["hyper_parameters"].update(_class_path="zoo.models.classifier.DigitClassifier", _instantiator="x")
    torch.save(ckpt, path)
    loaded = load_checkpoint(path)
    x = torch.rand(3, 1, 28, 28) * 2 - 1
    assert torch.equal(loaded(x), model.eval()(x))
