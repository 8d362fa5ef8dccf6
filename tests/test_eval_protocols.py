"""Evaluation specs and `zoo eval`: every kind on a tiny untrained model with tiny counts, its protocol record,
determinism for a seed, and clear errors for bad specs, models without the needed verb, and bad CLI input.

FID tests swap the Inception network for a cheap 64-d pooling of the pixels (the FID/KID arithmetic and caching
are the real ones, on 64-d features; test_metrics.py checks the real extractor)."""
from __future__ import annotations

import functools
import json
import math
from types import SimpleNamespace

import pytest
import torch
import torch.nn.functional as F

from zoo import hub
from zoo.cli import main
from zoo.metrics import images
from zoo.metrics.judge import best_matching_error
from zoo.metrics.protocols import evaluate_spec
from zoo.metrics.spec import validate_spec
from zoo.models.acgan import ACGAN
from zoo.models.bigan import BiGAN
from zoo.models.cgan import CGAN
from zoo.models.classifier import DigitClassifier
from zoo.models.cyclegan import CycleGAN
from zoo.models.dcgan import DCGAN
from zoo.models.gan import GAN
from zoo.models.infogan import InfoGAN
from zoo.models.pix2pix import Pix2Pix
from zoo.models.seqgan import SeqGAN
from zoo.models.sgan import SGAN


@pytest.fixture
def data(shared_data, monkeypatch):
    monkeypatch.setenv("ZOO_DATA", str(shared_data))
    return shared_data


@pytest.fixture
def cheap_features(monkeypatch):
    def pooled(batch, batch_size=100, device="cpu", progress=False, network=None):
        x = images.to_uint8_rgb(batch if isinstance(batch, torch.Tensor) else torch.cat(list(batch))).float() / 255
        return F.adaptive_avg_pool2d(x.mean(1, keepdim=True), (8, 8)).flatten(1)  # (N, 64)

    monkeypatch.setattr(images, "features", pooled)
    monkeypatch.setattr(images._Identity, "num_features", 64)  # torchmetrics sizes FID's statistics by it


def numbers(result):
    return {k: v for k, v in result.items() if k != "protocol"}


def tiny_dcgan():
    torch.manual_seed(0)
    return DCGAN(image_size=28, channels=1, latent_dim=8, generator_width=8, discriminator_width=8,
                 sample_every_n_steps=0).eval()


# ------------------------------------------------------------------ the spec itself
def test_validate_spec_fills_defaults():
    spec = validate_spec({"kind": "fid", "reference": "mnist-test"})
    assert spec == {"kind": "fid", "reference": "mnist-test", "num_samples": 5000, "num_reference": None,
                    "metrics": ["fid", "kid"], "seed": 0}
    assert validate_spec({"kind": "judged"})["judge"] == "mnist-classifier"
    assert validate_spec({"kind": "nll_oracle"})["num_samples"] == 10_000
    assert validate_spec({"kind": "modes", "mixture": "grid"})["num_samples"] == 2500


@pytest.mark.parametrize("spec, match", [
    ({"kind": "fide", "reference": "mnist-test"}, r"kind='fide' is not known; expected one of \['fid'"),
    ({"reference": "mnist-test"}, "kind=None is not known"),
    ({"kind": "fid", "reference": "mnist-test", "num_sample": 10}, r"unknown key 'num_sample'.*'num_samples'\?"),
    ({"kind": "fid"}, "needs the key 'reference'"),
    ({"kind": "fid", "reference": "mnist-test", "num_samples": 0}, r"num_samples=0 is not allowed.*'num_samples'"),
    ({"kind": "fid", "reference": "mnist-test", "num_samples": -5}, "num_samples=-5"),
    ({"kind": "fid", "reference": "mnist-test", "num_samples": 2.5}, "num_samples=2.5"),
    ({"kind": "fid", "reference": "cifar"}, r"reference='cifar' is not known; expected one of \['digits-test'"),
    ({"kind": "fid", "reference": "mnist-test", "metrics": ["fid", "lpips"]}, r"unknown metrics \['lpips'\]"),
    ({"kind": "modes", "mixture": "spiral"}, r"mixture='spiral'.*\['ring', 'grid'\]"),
    ({"kind": "translation", "dataset": "facades", "mode": "train"}, "mode='train'"),
    ({"kind": "classification", "num_samples": 10}, r"unknown key 'num_samples'; its keys are \['num_test'\]"),
    (["fid"], "must be a dict"),
])
def test_bad_specs_name_the_key_and_value(spec, match):
    with pytest.raises(ValueError, match=match):
        validate_spec(spec)


def test_a_model_without_the_verb_is_refused_with_kinds_that_fit():
    with pytest.raises(ValueError, match=r"'fid' needs a model with sample; DigitClassifier has no sample.*"
                                         r"classification"):
        evaluate_spec(DigitClassifier(width=2, hidden=4), {"kind": "fid", "reference": "mnist-test"})
    cyclegan = CycleGAN(n_blocks=1, generator_width=4, discriminator_width=4, sample_every_n_steps=0,
                        num_fixed_samples=0)
    with pytest.raises(ValueError, match=r"has no sample.*\(translation\)"):
        evaluate_spec(cyclegan, {"kind": "fid", "reference": "mnist-test"})
    with pytest.raises(ValueError, match=r"'judged' needs a model with sample\(labels=\); DCGAN"):
        evaluate_spec(tiny_dcgan(), {"kind": "judged"})
    with pytest.raises(ValueError, match="'code_error' needs a model with infer_codes"):
        evaluate_spec(tiny_dcgan(), {"kind": "code_error"})


# ------------------------------------------------------------------ sampling kinds
def test_fid_of_a_conditional_model_cycles_labels_records_the_protocol_and_is_seeded(data, cheap_features):
    torch.manual_seed(0)
    model = CGAN(architecture="dcgan", generator_width=8, discriminator_width=8, sample_every_n_steps=0).eval()
    seen = []
    sample = model.sample

    @functools.wraps(sample)
    def spy(n, *, labels=None, generator=None):
        seen.append(labels.clone())
        return sample(n, labels=labels, generator=generator)

    model.sample = spy
    spec = {"kind": "fid", "reference": "mnist-test", "num_samples": 20, "num_reference": 15}
    first = evaluate_spec(model, spec)
    assert set(numbers(first)) == {"fid", "kid", "kid_std"}
    assert first["fid"] > 0 and math.isfinite(first["kid"])
    assert torch.equal(torch.cat(seen), torch.arange(20) % 10)
    p = first["protocol"]
    assert p["spec"] == validate_spec(spec) and p["kind"] == "fid" and p["seed"] == 0
    assert p["num_fake"] == 20 and p["num_real"] == 15 and p["reference"] == "mnist-test[:15]"
    assert p["labels"] == "cycling 0..9" and "2048" in p["feature_extractor"] and p["wall_time_s"] >= 0
    assert numbers(evaluate_spec(model, spec)) == numbers(first)
    assert evaluate_spec(model, {**spec, "seed": 1})["fid"] != first["fid"]
    with pytest.raises(ValueError, match="num_reference=20000 but the split 'mnist-test' has 10000"):
        evaluate_spec(model, {**spec, "num_reference": 20_000})


def test_modes_on_the_ring(monkeypatch):
    torch.manual_seed(0)
    model = GAN(data_shape=(2,), generator_hidden=(8,), discriminator_hidden=(8,), maxout_pieces=2, latent_dim=2,
                output=None, sample_every_n_steps=0).eval()
    spec = {"kind": "modes", "mixture": "ring", "num_samples": 300, "seed": 3}
    result = evaluate_spec(model, spec)
    assert set(numbers(result)) == {"modes_covered", "num_modes", "high_quality", "reverse_kl", "num_samples"}
    assert 0 <= result["modes_covered"] <= result["num_modes"] == 8 and 0 <= result["high_quality"] <= 1
    assert result["num_samples"] == 300 and result["protocol"]["seed"] == 3
    assert result["protocol"]["spec"]["mixture"] == "ring"
    assert numbers(evaluate_spec(model, spec)) == numbers(result)
    with pytest.raises(ValueError, match=r"kind 'fid' needs images.*\(2,\)"):
        evaluate_spec(model, {"kind": "fid", "reference": "mnist-test", "num_samples": 4})


def test_judged_accuracy_digit_is_and_fid_of_acgan(data, cheap_features, tmp_path):
    torch.manual_seed(0)
    judge = hub.export(DigitClassifier(width=2, hidden=4).eval(), tmp_path / "judge", name="mnist-classifier")
    model = ACGAN(generator_width=8, discriminator_width=8).eval()
    spec = {"kind": "judged", "judge": str(judge), "per_class": 2, "splits": 2, "fid_samples": 12,
            "num_reference": 12}
    result = evaluate_spec(model, spec)
    assert set(numbers(result)) == {"judged_accuracy", "digit_is", "digit_is_std", "fid", "kid", "kid_std"}
    assert 0 <= result["judged_accuracy"] <= 1 and 1 - 1e-6 <= result["digit_is"] <= 10 + 1e-6
    p = result["protocol"]
    assert p["judge"] == str(judge) and p["num_samples"] == 20 and p["per_class"] == 2
    assert p["fid"]["num_fake"] == 12 and p["spec"]["fid_samples"] == 12
    assert numbers(evaluate_spec(model, spec)) == numbers(result)
    no_fid = evaluate_spec(model, {**spec, "fid_samples": 0})
    assert "fid" not in no_fid and no_fid["judged_accuracy"] == result["judged_accuracy"]


# ------------------------------------------------------------------ kinds on MNIST test digits
@pytest.mark.parametrize("make", [lambda: DigitClassifier(width=2, hidden=4),
                                  lambda: SGAN(discriminator_hidden=(16, 8), generator_hidden=(16,), latent_dim=4)])
def test_classification_counts_errors_of_classify(data, make):
    from zoo.data.images import MNISTDataModule

    torch.manual_seed(0)
    model = make().eval()
    result = evaluate_spec(model, {"kind": "classification", "num_test": 60})
    x, y = MNISTDataModule().load(train=False).tensors
    errors = int((model.classify(x[:60]) != y[:60]).sum())
    assert numbers(result) == {"test_accuracy": pytest.approx(1 - errors / 60), "test_error": errors / 60,
                               "test_errors": errors}
    assert result["protocol"]["num_images"] == 60 and "first 60" in result["protocol"]["split"]


def test_infogan_code_error_under_the_best_matching(data):
    from zoo.data.images import MNISTDataModule

    torch.manual_seed(0)
    model = InfoGAN(width=8, fc_units=32).eval()
    result = evaluate_spec(model, {"kind": "code_error", "num_test": 80})
    x, y = MNISTDataModule().load(train=False).tensors
    expected, mapping = best_matching_error(model.infer_codes(x[:80])["category"], y[:80], 10)
    assert result["categorical_code_matching_error"] == expected and 0 < expected <= 1
    assert result["protocol"]["code_to_digit"] == mapping and sorted(mapping) == list(range(10))


def test_bigan_one_nn_and_reconstruction(data):
    torch.manual_seed(0)
    model = BiGAN(latent_dim=5, generator_hidden=(8,), encoder_hidden=(8,), discriminator_hidden=(8,),
                  sample_every_n_steps=0).eval()
    spec = {"kind": "one_nn", "num_train": 300, "num_test": 40, "num_reconstruct": 20}
    result = evaluate_spec(model, spec)
    assert set(numbers(result)) == {"one_nn_accuracy_cosine", "one_nn_accuracy_euclidean", "reconstruction_mse_test"}
    assert all(0 <= result[f"one_nn_accuracy_{m}"] <= 1 for m in ("cosine", "euclidean"))
    assert 0 < result["reconstruction_mse_test"] <= 4
    p = result["protocol"]
    assert (p["num_train"], p["num_test"], p["num_reconstruct"]) == (300, 40, 20) and "5-d" in p["metric"]
    assert numbers(evaluate_spec(model, spec)) == numbers(result)
    toy = BiGAN(data_shape=(2,), latent_dim=2, generator_hidden=(4,), encoder_hidden=(4,), discriminator_hidden=(4,),
                output=None)
    with pytest.raises(ValueError, match=r"data_shape is \(2,\)"):
        evaluate_spec(toy, spec)


def test_seqgan_nll_oracle_is_seeded(data):
    if not (data / "seqgan_oracle").is_dir():
        pytest.skip("no seqgan_oracle in the shared data")
    torch.manual_seed(0)
    model = SeqGAN(embedding_dim=4, hidden_dim=4, discriminator_embedding_dim=4, filter_sizes=(2,),
                   num_filters=(2,)).eval()
    spec = {"kind": "nll_oracle", "num_samples": 30}
    result = evaluate_spec(model, spec)
    assert set(numbers(result)) == {"nll_oracle"} and 5 < result["nll_oracle"] < 20  # random tokens: about 11.4
    assert result["protocol"]["num_samples"] == 30 and result["protocol"]["seed"] == 0
    assert evaluate_spec(model, spec)["nll_oracle"] == result["nll_oracle"]
    assert evaluate_spec(model, {**spec, "seed": 1})["nll_oracle"] != result["nll_oracle"]


# ------------------------------------------------------------------ translation
def test_two_way_translation_reports_both_directions_baseline_and_cycle(data, cheap_features):
    if not (data / "horse2zebra" / "testA").is_dir():
        pytest.skip("no horse2zebra in the shared data")
    torch.manual_seed(0)
    model = CycleGAN(n_blocks=1, generator_width=4, discriminator_width=4, sample_every_n_steps=0,
                     num_fixed_samples=0).eval()
    spec = {"kind": "translation", "dataset": "horse2zebra", "size": 32, "num_images": 4}
    result = evaluate_spec(model, spec)
    expected = {f"{m}_{d}" for m in ("fid", "kid", "kid_std", "fid_inputs") for d in ("horse2zebra", "zebra2horse")}
    expected |= {f"cycle_{m}_{d}" for m in ("l1", "mse") for d in ("horse", "zebra")}
    assert set(numbers(result)) == expected
    assert all(math.isfinite(v) for v in numbers(result).values()) and result["fid_horse2zebra"] > 0
    assert 0 < result["cycle_l1_horse"] <= 2
    p = result["protocol"]
    assert p["image_size"] == [3, 32, 32] and p["num_inputs"] == 4 and not p["paired"] and "bicubic" in p["resize"]
    assert numbers(evaluate_spec(model, spec)) == numbers(result)
    with pytest.raises(ValueError, match="mode='eval': CycleGAN.translate has no mode"):
        evaluate_spec(model, {**spec, "mode": "eval"})


def test_paired_translation_l1_and_paper_mode_seed(data, cheap_features):
    if not (data / "facades" / "test").is_dir():
        pytest.skip("no facades in the shared data")
    torch.manual_seed(0)
    model = Pix2Pix(num_downs=5, generator_width=4, discriminator_width=4, sample_every_n_steps=0,
                    num_fixed_samples=0).eval()
    spec = {"kind": "translation", "dataset": "facades", "size": 32, "num_images": 3}
    result = evaluate_spec(model, spec)
    assert set(numbers(result)) == {"fid", "kid", "kid_std", "fid_inputs", "l1"}
    assert 0 < result["l1"] <= 2 and result["protocol"]["paired"] and result["protocol"]["translate_mode"] == "paper"
    assert numbers(evaluate_spec(model, spec)) == numbers(result)
    assert evaluate_spec(model, {**spec, "seed": 1})["l1"] != result["l1"]  # other dropout masks
    assert evaluate_spec(model, {**spec, "mode": "eval"})["protocol"]["translate_mode"] == "eval"


# ------------------------------------------------------------------ the command
def test_cli_refuses_bad_numbers_before_any_work(capsys):
    with pytest.raises(SystemExit, match=r"--num-samples 0 is not allowed; pass a positive integer"):
        main(["eval", "no/such/folder", "--num-samples", "0"])
    with pytest.raises(SystemExit, match=r"--num-reference -3 is not allowed"):
        main(["eval", "no/such/folder", "--num-reference", "-3"])


def test_cli_spec_entry_spec_and_flag_override(data, cheap_features, tmp_path, capsys, monkeypatch):
    torch.manual_seed(0)
    folder = hub.export(DigitClassifier(width=2, hidden=4).eval(), tmp_path / "clf", name="mnist-classifier")
    main(["eval", str(folder), "--spec", '{"kind": "classification", "num_test": 30}'])
    written = json.loads((folder / "results.json").read_text())
    assert 0 <= written["test_accuracy"] <= 1 and written["protocol"]["spec"]["num_test"] == 30
    assert "test_errors:" in capsys.readouterr().out
    with pytest.raises(SystemExit, match=r"unknown key 'num_tests'.*'num_test'\?"):
        main(["eval", str(folder), "--spec", '{"kind": "classification", "num_tests": 30}'])
    with pytest.raises(SystemExit, match="--spec is not valid JSON"):
        main(["eval", str(folder), "--spec", "{kind: fid}"])

    # the entry named in config.json declares the spec
    from zoo.registry import Zoo
    entry = SimpleNamespace(name="mnist-classifier", protocol={}, evaluation={"kind": "classification", "num_test": 20})
    monkeypatch.setattr(Zoo, "info", staticmethod(lambda name: entry))
    main(["eval", str(folder), "-o", str(tmp_path / "r.json")])
    assert json.loads((tmp_path / "r.json").read_text())["protocol"]["num_images"] == 20
    entry.evaluation = {}
    with pytest.raises(SystemExit, match="the entry 'mnist-classifier' declares none.*--spec"):
        main(["eval", str(folder)])

    # today's flags build a spec; --num-samples overrides it
    gan = hub.export(tiny_dcgan(), tmp_path / "gan", samples=False)
    main(["eval", str(gan), "--metrics", "fid,kid", "--reference", "mnist-test", "--num-samples", "10",
          "--num-reference", "10", "--seed", "2"])
    written = json.loads((gan / "results.json").read_text())
    assert written["protocol"]["spec"] == validate_spec({"kind": "fid", "reference": "mnist-test", "num_samples": 10,
                                                         "num_reference": 10, "seed": 2})
    assert written["fid"] > 0
    with pytest.raises(SystemExit, match="names no zoo entry.*--metrics fid,kid"):
        main(["eval", str(gan)])
