"""The shipped zoo: every listed entry's Hub repo is in the mirror, matches its checksums, loads strictly and answers
its inference verb; the registry index, the cards and BENCHMARKS.md's entry tables are exactly what `zoo docs`
generates from the mirror; the mirror keeps within its size budget."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import torch

from zoo import Zoo, hub, mirror, registry
from zoo.cards import numeric_results
from zoo.metrics.spec import validate_spec
from zoo.entries import ENTRIES, PLANNED

ROOT = Path(__file__).resolve().parents[1]
LISTED = Zoo.list()
MB = 1 << 20


def test_every_declared_entry_is_listed_or_planned_and_the_mirror_holds_nothing_else():
    listed, planned = {e.name for e in ENTRIES}, {e.name for e in PLANNED}
    assert not listed & planned
    folders = {p.name for p in registry.MIRROR.iterdir() if p.is_dir()}
    assert folders == listed, f"mirror folders without a listed entry: {folders - listed}; listed entries without " \
                              f"a folder: {listed - folders}"


def test_declarations_hold_no_measured_numbers():
    for entry in (*ENTRIES, *PLANNED):
        assert not (entry.metrics or entry.protocol or entry.checksums or entry.num_parameters or entry.record), \
            f"{entry.name}: measured facts come from the mirror, not the declaration"


def test_mirror_keeps_within_its_size_budget():
    sizes = {p: p.stat().st_size for p in registry.MIRROR.rglob("*") if p.is_file()}
    assert sum(sizes.values()) < 200 * MB
    big = [str(p) for p, s in sizes.items() if s > 50 * MB]
    assert not big, f"files over 50 MB: {big}"


def test_weights_and_figures_are_marked_binary():
    attributes = (ROOT / ".gitattributes").read_text()
    assert re.search(r"^\*\.safetensors\s+binary", attributes, re.M)
    assert re.search(r"^\*\.png\s+binary", attributes, re.M)


def test_registry_index_is_generated_from_the_mirror():
    index = {name: registry.measure_folder(registry.MIRROR / name) for name in (e.name for e in ENTRIES)}
    assert registry.measured_index() == json.loads(json.dumps(index)), "run `zoo docs` after changing the mirror"


@pytest.mark.parametrize("entry", LISTED, ids=lambda e: e.name)
def test_card_is_the_generated_one_and_valid_for_the_hub(entry):
    from huggingface_hub import ModelCard

    folder = registry.MIRROR / entry.name
    card = (folder / hub.CARD).read_text()
    assert card == mirror.folder_card(folder, entry), f"run `zoo docs`: {folder / hub.CARD} is not generated"
    data = ModelCard(card).data.to_dict()
    assert data["pipeline_tag"] == entry.task and data["license"] == entry.license
    assert data["model-index"][0]["results"], "the card has no model-index results"
    assert entry.verb in card.split("## Use", 1)[1].split("## Training", 1)[0]


def test_benchmarks_tables_are_generated():
    text = mirror.BENCHMARKS.read_text()
    assert mirror.benchmarks_text(text, LISTED) == text, "run `zoo docs`: BENCHMARKS.md's entry tables are stale"


@pytest.mark.parametrize("entry", LISTED, ids=lambda e: e.name)
def test_registered_numbers_are_the_shipped_results(entry):
    results = json.loads((registry.MIRROR / entry.name / hub.RESULTS).read_text())
    assert entry.metrics and entry.metrics == numeric_results(results)
    assert results["protocol"]["spec"] == validate_spec(entry.evaluation)


def example_input(entry, model) -> torch.Tensor:
    rng = torch.Generator().manual_seed(1)
    hp = model.hparams
    if entry.verb == "translate":
        shape = (2, hp.get("channels", 3), 64, 64)
    elif "data_shape" in hp:
        shape = (4, *hp["data_shape"])
    else:
        shape = (4, hp.get("channels", 1), hp.get("image_size", 28), hp.get("image_size", 28))
    return torch.rand(shape, generator=rng) * 2 - 1


def infer(entry, model, seed: int) -> torch.Tensor:
    torch.manual_seed(seed)  # translation models with test-time dropout draw from the global RNG
    if entry.verb in ("sample", "generate"):
        return getattr(model, entry.verb)(6, generator=torch.Generator().manual_seed(seed))
    return getattr(model, entry.verb)(example_input(entry, model))


@pytest.mark.parametrize("entry", LISTED, ids=lambda e: e.name)
def test_entry_loads_from_the_mirror_and_answers_its_verb(entry, monkeypatch):
    monkeypatch.delenv("ZOO_HUB", raising=False)
    monkeypatch.setattr(registry, "download", lambda *a: pytest.fail("the shipped mirror must be enough"))
    model = Zoo.load(entry.name)  # checks the folder against the registered checksums
    assert type(model).__module__ + "." + type(model).__qualname__ == entry.model_class
    assert not model.training
    out = infer(entry, model, 0)
    assert torch.equal(out, infer(entry, model, 0)), "the same seed must give the same output"
    assert out.shape[0] in (2, 4, 6)
    if entry.verb == "generate":
        assert out.dtype == torch.long and 0 <= int(out.min()) and int(out.max()) < model.hparams["vocab_size"]
        return
    assert torch.isfinite(out).all()
    if entry.verb == "translate" or (entry.verb == "sample" and out.dim() == 4):
        assert out.min() >= -1 and out.max() <= 1
    if entry.verb == "translate":
        assert out.shape == example_input(entry, model).shape
    if entry.verb == "classify":
        assert out.shape == (4,) and out.dtype == torch.long and 0 <= int(out.min()) and int(out.max()) < 10


CHEAP = {"modes": {"num_samples": 2500}, "classification": {"num_test": 1000}, "nll_oracle": {"num_samples": 1000}}


@pytest.mark.parametrize("entry", [e for e in LISTED if e.evaluation["kind"] in CHEAP], ids=lambda e: e.name)
def test_cheap_headline_metrics_are_reproduced(entry):
    """Toy mode statistics exactly (same protocol); test error on 1,000 test digits and NLL-oracle on 1,000
    sequences within their sampling noise of the registered number."""
    from zoo.metrics.protocols import evaluate_spec

    spec = {**entry.evaluation, **CHEAP[entry.evaluation["kind"]]}
    measured = evaluate_spec(Zoo.load(entry.name), spec)
    if spec == entry.evaluation:  # the registered protocol itself: the same numbers
        assert {k: measured[k] for k in entry.metrics} == pytest.approx(entry.metrics, rel=1e-6, abs=1e-9)
    elif entry.evaluation["kind"] == "classification":
        error = entry.metrics["test_error"]
        noise = 3 * (error * (1 - error) / 1000) ** 0.5 + 0.002
        assert abs(measured["test_error"] - error) < noise
    else:
        assert abs(measured["nll_oracle"] - entry.metrics["nll_oracle"]) < 0.1


def test_readme_using_the_zoo_snippet_runs_verbatim(monkeypatch):
    monkeypatch.delenv("ZOO_HUB", raising=False)
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Using the zoo", 1)[1]
    snippet = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    scope: dict = {}
    exec(compile(snippet, "README.md", "exec"), scope)  # noqa: S102 - the README's own code
    assert scope["digits"].shape == (10, 1, 28, 28) and scope["zebras"].shape == (2, 3, 64, 64)


@pytest.fixture
def tiny_mirror(tmp_path, monkeypatch):
    """A one-entry registry whose mirror is a temporary folder."""
    import dataclasses

    from zoo.models.dcgan import DCGAN

    model = DCGAN(image_size=28, channels=1, latent_dim=8, generator_width=8, discriminator_width=8,
                  sample_every_n_steps=0)
    mirror_root = tmp_path / "hub"
    folder = hub.export(model, mirror_root / "tiny-dcgan", name="tiny-dcgan")
    hub.write_json_atomic(folder / hub.RESULTS, {"fid": 1.0, "protocol": {"spec": {"kind": "fid"}}})
    entry = dataclasses.replace(ENTRIES[0], name="tiny-dcgan", model_class="zoo.models.dcgan.DCGAN",
                                **registry.measure_folder(folder))
    monkeypatch.setattr(registry, "_entries", lambda: {entry.name: entry})
    monkeypatch.setattr(registry, "MIRROR", mirror_root)
    monkeypatch.delenv("ZOO_HUB", raising=False)
    monkeypatch.setattr(registry, "download", lambda *a: pytest.fail("the Hub must not be asked"))
    return entry, folder, model


def test_a_name_resolves_to_the_mirror_without_any_environment(tiny_mirror):
    entry, folder, model = tiny_mirror
    assert registry.Zoo.resolve("tiny-dcgan") == folder
    seed = lambda: torch.Generator().manual_seed(0)  # noqa: E731
    assert torch.equal(Zoo.load("tiny-dcgan").sample(3, generator=seed()), model.sample(3, generator=seed()))


def test_zoo_hub_comes_before_the_mirror(tiny_mirror, tmp_path, monkeypatch):
    entry, folder, model = tiny_mirror
    import shutil

    own = tmp_path / "own"
    shutil.copytree(folder, own / "tiny-dcgan")
    monkeypatch.setenv("ZOO_HUB", str(own))
    assert registry.Zoo.resolve("tiny-dcgan") == own / "tiny-dcgan"


def test_a_changed_mirror_copy_is_refused(tiny_mirror):
    entry, folder, _ = tiny_mirror
    hub.write_json_atomic(folder / hub.RESULTS, {"fid": 0.5, "protocol": {}})  # a number edited by hand
    with pytest.raises(hub.ExportError, match="results.json"):
        Zoo.load("tiny-dcgan")


def test_half_precision_weights_load_into_float32_and_keep_buffers_exact(tmp_path):
    from zoo.models.dcgan import DCGAN

    model = DCGAN(image_size=28, channels=1, latent_dim=8, generator_width=8, discriminator_width=8,
                  sample_every_n_steps=0)
    for buffer in model.buffers():
        if buffer.is_floating_point():
            buffer.add_(torch.rand_like(buffer) * 1e-3 + 0.1234567)  # not representable in float16
    folder = hub.export(model, tmp_path / "half", weights_dtype="float16")
    from safetensors.torch import load_file

    stored = load_file(str(folder / hub.WEIGHTS))
    parameters = dict(model.named_parameters())
    assert all(stored[k].dtype == torch.float16 for k in parameters)
    assert all(torch.equal(stored[k], v) for k, v in model.state_dict().items() if k not in parameters)
    loaded = hub.load_folder(folder)
    assert all(p.dtype == torch.float32 for p in loaded.parameters())
    for name, p in loaded.named_parameters():
        assert torch.equal(p, parameters[name].detach().half().float())
    assert (folder / hub.WEIGHTS).stat().st_size < 0.6 * (hub.export(model, tmp_path / "full") / hub.WEIGHTS).stat().st_size


def test_a_continued_run_records_both_runs(tmp_path):
    earlier = {"iterations": 12000, "optimizer_steps": 24000, "epochs": 120, "train_seconds": 5741.0,
               "recipe": "recipes/a.yaml", "command": ["zoo fit --config recipes/a.yaml"], "resumed": "once"}
    (tmp_path / "stage-1").mkdir()
    (tmp_path / "stage-1" / hub.CONFIG).write_text(json.dumps({"model_class": "zoo.models.dcgan.DCGAN", "hparams": {},
                                                               "training": earlier}))
    now = {"iterations": 500, "optimizer_steps": 1000, "epochs": 5, "train_seconds": 60.25, "recipe": "recipes/b.yaml",
           "command": ["zoo fit --config recipes/b.yaml", "zoo ship x"]}
    record = mirror.continued_record(now, tmp_path / "stage-1")
    assert (record["iterations"], record["optimizer_steps"], record["epochs"]) == (12500, 25000, 125)
    assert record["train_seconds"] == 5801.2 and record["recipe"] == "recipes/b.yaml"
    assert record["command"] == ["zoo fit --config recipes/a.yaml", "zoo fit --config recipes/b.yaml", "zoo ship x"]
    assert "recipes/a.yaml (12,000 batches" in record["resumed"] and "once" in record["resumed"]
    assert mirror.continued_record(now, "cyclegan-horse2zebra-64px")["epochs"] > 5  # an entry name: its mirror folder
    (tmp_path / "no-record").mkdir()
    with pytest.raises(FileNotFoundError, match="no training record"):
        mirror.continued_record(now, tmp_path / "no-record")


def test_card_examples_offer_the_way_back_only_for_two_way_models():
    card = {e.name: (registry.MIRROR / e.name / hub.CARD).read_text() for e in LISTED if e.verb == "translate"}
    assert 'direction="BtoA"' not in card["pix2pix-facades-64px"]  # one generator: labels -> photo
    assert 'direction="BtoA"' in card["cyclegan-horse2zebra-64px"] and 'direction="BtoA"' in card[
        "discogan-horse2zebra-64px"]
