"""Metrics: FID/KID agree with torchmetrics used the default way, state their protocol, cache references, and IS
refuses the classifier-less weights. Toy mode statistics follow PacGAN's definitions."""
import math

import pytest
import torch

from zoo.metrics import images
from zoo.metrics.toy import mode_statistics

needs_weights = pytest.mark.skipif(not images.weights_path().is_file(),
                                   reason="FID Inception weights not installed (python ../shared/tools/fid_weights.py)")


def batch(n, seed, channels=1, size=28):
    return torch.rand(n, channels, size, size, generator=torch.Generator().manual_seed(seed)) * 2 - 1


@needs_weights
def test_fid_equals_torchmetrics_default_and_states_protocol():
    from torchmetrics.image.fid import FrechetInceptionDistance

    fake, real = batch(12, 0), batch(12, 1)
    ours = images.image_metrics(fake, real, metrics=("fid", "kid"), kid_subset_size=6)
    default = FrechetInceptionDistance(feature=2048, feature_extractor_weights_path=str(images.weights_path()))
    default.update(images.to_uint8_rgb(real), real=True)
    default.update(images.to_uint8_rgb(fake), real=False)
    assert ours["fid"] == pytest.approx(float(default.compute()), rel=1e-3)
    p = ours["protocol"]
    assert p["num_fake"] == 12 and p["num_real"] == 12 and p["image_size"] == [1, 28, 28]
    assert "2048" in p["feature_extractor"] and "299" in p["resize"] and "float64" in p["dtype"]
    assert p["kid"]["subset_size"] == 6 and math.isfinite(ours["kid"])


@needs_weights
def test_reference_features_are_cached_by_key(monkeypatch):
    real = batch(6, 2)
    first = images.reference_features(real, "unit-test-ref")
    calls = []
    monkeypatch.setattr(images, "features", lambda *a, **k: calls.append(1))
    again = images.reference_features(None, "unit-test-ref")
    assert torch.equal(first, again) and calls == []
    with pytest.raises(ValueError, match="no cached statistics for reference 'other'"):
        images.reference_features(None, "other")


@needs_weights
def test_inception_score_is_refused_without_a_classifier():
    with pytest.raises(images.MetricUnavailableError, match="zero fc layer"):
        images.image_metrics(batch(4, 0), batch(4, 1), metrics=("is",))


def test_missing_weights_say_how_to_get_them(monkeypatch, tmp_path):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    monkeypatch.setattr(images, "_EXTRACTORS", {})
    with pytest.raises(images.MetricUnavailableError, match="not found at .*torchmetrics downloads them") as err:
        images.inception()
    assert images.WEIGHTS_FILE in str(err.value) and "../shared" not in str(err.value)


def test_bad_metric_names_and_shapes():
    with pytest.raises(ValueError, match=r"unknown metrics \['fd'\]"):
        images.image_metrics(batch(2, 0), batch(2, 1), metrics=("fd",))
    with pytest.raises(ValueError, match=r"\(N, 1 or 3, H, W\)"):
        images.to_uint8_rgb(torch.zeros(2, 4, 8, 8))


def test_toy_mode_statistics_by_hand():
    centres = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    # 3 samples on mode 0, 1 on mode 1, 1 far away (not high quality) -> 2 modes of 8, 80% high quality
    samples = torch.cat([centres[[0, 0, 0, 1]], torch.tensor([[5.0, 5.0]])])
    stats = mode_statistics(samples, "ring")
    assert stats["modes_covered"] == 2 and stats["high_quality"] == pytest.approx(0.8)
    p = torch.tensor([0.75, 0.25])
    assert stats["reverse_kl"] == pytest.approx(float((p * (p * 8).log()).sum()))
    assert mode_statistics(torch.full((10, 2), 9.0), "ring")["reverse_kl"] == pytest.approx(math.log(8))
