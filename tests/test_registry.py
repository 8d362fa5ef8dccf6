"""The registry: every entry is complete and consistent; names resolve path -> $ZOO_HUB -> mirror -> Hub, with
checksums."""
import dataclasses
import warnings
from pathlib import Path

import pytest
import torch

from tests.conftest import image_loader, quiet_trainer
from zoo import Zoo, hub, registry
from zoo.models.dcgan import DCGAN
from zoo.recipes import read_recipe
from zoo.registry import EntryNotFoundError, ReferenceMismatchWarning, ZooEntry

ROOT = Path(__file__).resolve().parents[1]
ENTRIES = Zoo.list()


def test_entry_names_are_unique():
    names = [e.name for e in ENTRIES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_every_entry_is_complete_and_consistent(entry):
    from zoo.core.module import AdversarialModule

    required = ["name", "model_class", "paper", "dataset", "split", "recipe", "license", "origin"]
    if issubclass(hub.import_class(entry.model_class), AdversarialModule):
        required.append("arxiv")  # every GAN entry implements a paper; the judge classifier is the zoo's own
    for f in required:
        assert getattr(entry, f), f"{entry.name}: {f} is empty"
    assert entry.origin in ("trained here", "ported")
    assert entry.license in ("mit", "apache-2.0"), "a Hub licence id; the data's terms go in data_terms"
    assert entry.evaluation.get("kind"), "every entry states how its headline metric is measured"
    assert (ROOT / entry.recipe).is_file(), entry.recipe
    model_cfg = read_recipe(ROOT / entry.recipe)["model"]  # an overlay with its base
    assert model_cfg["class_path"] == entry.model_class
    model = hub.import_class(entry.model_class)(**model_cfg.get("init_args", {}))
    assert model.num_parameters() == entry.num_parameters
    if entry.hub_repo:
        assert entry.hub_revision and entry.checksums, "a pushed entry pins its revision and checksums"


def test_unknown_name_lists_the_closest():
    fake = ZooEntry(name="dcgan-mnist", model_class="zoo.models.dcgan.DCGAN", paper="p", arxiv="1", dataset="MNIST",
                    split="train", recipe="r", license="MIT", origin="trained here", num_parameters=1)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(registry, "_entries", lambda: {"dcgan-mnist": fake})
        with pytest.raises(EntryNotFoundError, match="Did you mean: dcgan-mnist"):
            Zoo.info("dcgan-mnsit")


def test_list_filters_and_table():
    with pytest.raises(ValueError, match="cannot filter on 'colour'"):
        Zoo.list(colour="red")
    assert isinstance(Zoo.table(), str)


@pytest.fixture
def entry_and_export(tmp_path, monkeypatch):
    model = DCGAN(image_size=28, channels=1, latent_dim=8, generator_width=8, discriminator_width=8,
                  sample_every_n_steps=0)
    quiet_trainer(max_epochs=1).fit(model, image_loader(n=16))
    folder = hub.export(model, tmp_path / "reference" / "tiny-dcgan", name="tiny-dcgan")
    entry = ZooEntry(name="tiny-dcgan", model_class="zoo.models.dcgan.DCGAN", paper="DCGAN", arxiv="1511.06434",
                     dataset="random", split="train", recipe="recipes/dcgan/mnist.yaml", license="MIT",
                     origin="trained here", num_parameters=model.num_parameters(), hub_repo="zoo-test/tiny-dcgan",
                     hub_revision="0" * 40,
                     checksums={hub.WEIGHTS: hub.sha256_file(folder / hub.WEIGHTS)})
    monkeypatch.setattr(registry, "_entries", lambda: {entry.name: entry})
    return entry, folder, model


def test_resolution_prefers_zoo_hub_mirror(entry_and_export, monkeypatch, tmp_path):
    entry, folder, model = entry_and_export
    monkeypatch.setenv("ZOO_HUB", str(tmp_path / "reference"))
    monkeypatch.setattr(registry, "download", lambda *a: pytest.fail("the Hub must not be asked"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = Zoo.load("tiny-dcgan")
    seed = lambda: torch.Generator().manual_seed(0)  # noqa: E731
    assert torch.equal(loaded.sample(3, generator=seed()), model.sample(3, generator=seed()))


def test_an_alias_loads_its_entry_and_says_which(entry_and_export, monkeypatch, tmp_path):
    entry, folder, model = entry_and_export
    aliased = dataclasses.replace(entry, aliases=("tiny-gan",))
    monkeypatch.setattr(registry, "_entries", lambda: {aliased.name: aliased})
    monkeypatch.setenv("ZOO_HUB", str(tmp_path / "reference"))
    with pytest.warns(registry.AliasWarning, match="'tiny-gan' is an alias of the zoo entry 'tiny-dcgan'"):
        loaded = Zoo.load("tiny-gan")
    seed = lambda: torch.Generator().manual_seed(0)  # noqa: E731
    assert torch.equal(loaded.sample(3, generator=seed()), model.sample(3, generator=seed()))
    assert "alias tiny-gan" in Zoo.table()


def test_an_alias_may_not_shadow_another_entry(entry_and_export, monkeypatch):
    entry, _, _ = entry_and_export
    other = dataclasses.replace(entry, name="tiny-gan", aliases=("tiny-dcgan",))
    monkeypatch.setattr(registry, "_entries", lambda: {entry.name: entry, other.name: other})
    with pytest.raises(RuntimeError, match="alias 'tiny-dcgan' of 'tiny-gan'"):
        Zoo.info("tiny-dcgan")


def test_retrained_mirror_copy_loads_with_a_warning(entry_and_export, monkeypatch, tmp_path):
    entry, folder, _ = entry_and_export
    other = DCGAN(image_size=28, channels=1, latent_dim=8, generator_width=8, discriminator_width=8)
    hub.export(other, tmp_path / "mirror" / "tiny-dcgan")
    monkeypatch.setenv("ZOO_HUB", str(tmp_path / "mirror"))
    with pytest.warns(ReferenceMismatchWarning, match="not apply"):
        Zoo.load("tiny-dcgan")


def test_hub_download_is_checked_against_the_checksums(entry_and_export, monkeypatch, tmp_path):
    entry, folder, _ = entry_and_export
    calls = []
    monkeypatch.setattr(registry, "download", lambda e, rev: calls.append(rev) or folder)
    assert Zoo.load("tiny-dcgan") is not None and calls == ["0" * 40]
    tampered = tmp_path / "tampered"
    hub.export(DCGAN(image_size=28, channels=1, latent_dim=8, generator_width=8, discriminator_width=8), tampered)
    monkeypatch.setattr(registry, "download", lambda e, rev: tampered)
    with pytest.raises(hub.ExportError, match="corrupt, stale or tampered"):
        Zoo.load("tiny-dcgan")


def test_offline_error_says_where_it_looked(entry_and_export, monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("ZOO_HUB", str(tmp_path / "empty_mirror"))
    import huggingface_hub.constants as c

    monkeypatch.setattr(c, "HF_HUB_OFFLINE", True)
    with pytest.raises(FileNotFoundError) as err:
        Zoo.load("tiny-dcgan")
    message = str(err.value)
    assert "$ZOO_HUB" in message and "the repository's mirror" in message
    assert "Hugging Face Hub zoo-test/tiny-dcgan" in message
    assert "zoo fit --config recipes/dcgan/mnist.yaml" in message


def test_entries_are_frozen():
    entry = ZooEntry(name="a", model_class="b", paper="c", arxiv="d", dataset="e", split="f", recipe="g",
                     license="h", origin="trained here", num_parameters=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.name = "z"
