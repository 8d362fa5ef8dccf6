"""Metrics: FID/KID agree with torchmetrics used the default way, state their protocol, cache references, and IS
refuses the classifier-less weights. The folded Inception network gives torchmetrics' features. Toy mode statistics
follow PacGAN's definitions."""
import math

import pytest
import torch
from torch import nn

from zoo.metrics import images
from zoo.metrics.inception import fold_batchnorm
from zoo.metrics.toy import mode_statistics

needs_weights = pytest.mark.skipif(not images.weights_path().is_file(),
                                   reason="FID Inception weights not installed (python ../shared/tools/fid_weights.py)")


def batch(n, seed, channels=1, size=28):
    return torch.rand(n, channels, size, size, generator=torch.Generator().manual_seed(seed)) * 2 - 1


@needs_weights
def test_fid_equals_torchmetrics_default_and_states_protocol():
    from torchmetrics.image.fid import FrechetInceptionDistance

    fake, real = batch(8, 0), batch(8, 1)
    ours = images.image_metrics(fake, real, metrics=("fid", "kid"), kid_subset_size=4)
    default = FrechetInceptionDistance(feature=2048, feature_extractor_weights_path=str(images.weights_path()))
    default.update(images.to_uint8_rgb(real), real=True)
    default.update(images.to_uint8_rgb(fake), real=False)
    assert ours["fid"] == pytest.approx(float(default.compute()), rel=1e-5)  # folded network: rounding only
    p = ours["protocol"]
    assert "folded" in p["inception_network"]
    assert p["num_fake"] == 8 and p["num_real"] == 8 and p["image_size"] == [1, 28, 28]
    assert "2048" in p["feature_extractor"] and "299" in p["resize"] and "float64" in p["dtype"]
    assert p["kid"]["subset_size"] == 4 and math.isfinite(ours["kid"])


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
    with pytest.raises(ValueError, match="no cached statistics"):  # each network caches its own features
        images.reference_features(None, "unit-test-ref", network="torchmetrics")


def test_fold_batchnorm_is_the_conv_then_batchnorm_in_eval_mode():
    torch.manual_seed(0)
    conv, bn = nn.Conv2d(3, 5, 3, stride=2, padding=1, bias=True).double(), nn.BatchNorm2d(5, eps=1e-3).double()
    bn.running_mean.normal_(), bn.running_var.uniform_(0.5, 2), bn.weight.data.normal_(), bn.bias.data.normal_()
    x = torch.randn(2, 3, 9, 9, dtype=torch.float64)
    torch.testing.assert_close(fold_batchnorm(conv, bn)(x), bn.eval()(conv(x)), rtol=1e-12, atol=1e-12)


@needs_weights
def test_folded_inception_features_equal_torchmetrics_network():
    x = batch(4, 3, channels=3, size=32)
    folded, reference = images.features(x, network="folded"), images.features(x, network="torchmetrics")
    assert not any(isinstance(m, nn.BatchNorm2d) for m in images.inception(network="folded").modules())
    assert ((folded - reference).abs().amax(1) / reference.abs().amax(1)).max() < 1e-4


def test_unknown_inception_network_is_refused(monkeypatch):
    with pytest.raises(ValueError, match=r"'fast'.*\['folded', 'torchmetrics'\].*ZOO_FID_NETWORK"):
        images.image_metrics(batch(2, 0), batch(2, 1), network="fast")
    monkeypatch.setenv("ZOO_FID_NETWORK", "torchmetrics")
    assert images.network_name() == "torchmetrics" and images.network_name("folded") == "folded"


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
