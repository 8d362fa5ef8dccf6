"""Loading builds only zoo models: the allow-list of classes, checked hyperparameters and checksums; Hub repo ids
(offline, through a Hugging Face cache laid out in a temporary folder); save_pretrained / from_pretrained; exports
that leave nothing half-done (killed exports, a crash between the two renames, the user's umask)."""
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
import torch

from zoo import Zoo, hub, registry
from zoo.checkpoints import load_checkpoint
from zoo.core.module import GANModule
from zoo.models.cyclegan import CycleGAN
from zoo.models.dcgan import DCGAN
from zoo.push import push


def tiny(**kw):
    return DCGAN(image_size=28, channels=1, latent_dim=8, generator_width=8, discriminator_width=8,
                 sample_every_n_steps=0, **kw)


def edit_config(folder: Path, **changes) -> dict:
    config = json.loads((folder / hub.CONFIG).read_text())
    config.update(changes)
    (folder / hub.CONFIG).write_text(json.dumps(config))
    return config


def same_samples(a, b) -> bool:
    seed = lambda: torch.Generator().manual_seed(3)  # noqa: E731
    return torch.equal(a.sample(4, generator=seed()), b.sample(4, generator=seed()))


@pytest.fixture
def export(tmp_path):
    model = tiny()
    return model, hub.export(model, tmp_path / "export", samples=False)


# ---------------------------------------------------------------- only zoo models are built

ATTACK = "zoo.metrics.evaluate.write_results"  # a callable of the package that writes a file of the caller's choice


def poisoned(folder: Path, target: Path) -> None:
    edit_config(folder, model_class=ATTACK, hparams={"results": {"pwned": True}, "path": str(target)})


def test_a_config_naming_any_other_callable_writes_nothing(export, tmp_path):
    _, folder = export
    target = tmp_path / "pwned.json"
    poisoned(folder, target)
    with pytest.raises(hub.ExportError, match=r"model_class='zoo.metrics.evaluate.write_results' is not a class of "
                                              r"the zoo package.*Refusing to build it"):
        Zoo.load(folder)
    with pytest.raises(hub.ExportError, match="not a class of the zoo package"):
        DCGAN.from_pretrained(folder)
    assert not list(tmp_path.glob("*pwned*"))  # neither the file nor write_results' temporary sibling


def test_push_refuses_a_poisoned_export_before_running_anything(export, tmp_path):
    _, folder = export
    target = tmp_path / "pwned.json"
    poisoned(folder, target)

    class Api:
        def create_repo(self, *a, **kw):
            pytest.fail("nothing may be uploaded")

    with pytest.raises(hub.ExportError, match="not a class of the zoo package"):
        push(folder, "org/x", api=Api())
    assert not target.exists()


def test_zoo_sample_on_a_poisoned_export_is_one_line_and_writes_nothing(export, tmp_path):
    from zoo.cli import main

    _, folder = export
    target = tmp_path / "pwned.json"
    poisoned(folder, target)
    with pytest.raises(SystemExit, match="^zoo sample: .*not a class of the zoo package"):
        main(["sample", str(folder), "-o", str(tmp_path / "grid.png")])
    assert not target.exists() and not (tmp_path / "grid.png").exists()


@pytest.mark.parametrize("name", ["os.system", "zoo.core.module.GANModule", "zoo.models.mixgan.MixtureGenerator",
                                  "zoo.models.dcgan.torch", "zoo.models.dcgan.DCGAN.__init__", "builtins.eval",
                                  None, ["zoo.models.dcgan.DCGAN"]])
def test_only_registered_zoo_model_classes_are_allowed(export, name):
    _, folder = export
    edit_config(folder, model_class=name)
    with pytest.raises(hub.ExportError, match="not a class of the zoo package"):
        Zoo.load(folder)


def test_the_allow_list_holds_every_zoo_model_and_nothing_else():
    from zoo.models.classifier import DigitClassifier

    classes = hub.model_classes()
    assert classes["zoo.models.dcgan.DCGAN"] is DCGAN and classes["zoo.models.cyclegan.CycleGAN"] is CycleGAN
    assert classes["zoo.models.classifier.DigitClassifier"] is DigitClassifier
    assert all(path.startswith("zoo.models.") for path in classes)
    assert "zoo.models.mixgan.MixtureGenerator" not in classes


def test_a_checkpoint_naming_another_callable_is_refused(tmp_path):
    target = tmp_path / "pwned.json"
    torch.save({"zoo_model_class": ATTACK, "hyper_parameters": {"results": {}, "path": str(target)},
                "state_dict": {}}, tmp_path / "last.ckpt")
    with pytest.raises(hub.ExportError, match="not a class of the zoo package"):
        load_checkpoint(tmp_path / "last.ckpt")
    assert not target.exists()


# ---------------------------------------------------------------- hyperparameters against the signature

@pytest.mark.parametrize("hparams, message", [
    ({"generator_widht": 8}, r"unknown hyperparameter 'generator_widht' \(did you mean 'generator_width'\?\): DCGAN "
                             r"takes image_size, .*Fix: remove 'generator_widht' from 'hparams'"),
    ({"generator_width": "8"}, r"hyperparameter 'generator_width' is '8' \(str\), but DCGAN expects int \(default "
                               r"128\)\. Fix: write it as int in 'hparams'"),
    ({"ema_decay": "0.9"}, r"'ema_decay' is '0.9' \(str\), but DCGAN expects float \| None"),
    ({"betas": [0.5]}, r"'betas' is \[0.5\] \(list\), but DCGAN expects tuple\[float, float\]"),
    ({"channels_last": 1}, r"'channels_last' is 1 \(int\), but DCGAN expects bool"),
    ({"image_size": 28.0}, r"'image_size' is 28.0 \(float\), but DCGAN expects int"),
    ({"ema_decay": 1.5}, r"DCGAN refused the hyperparameters: ema_decay=1.5 must lie in \(0, 1\)"),
])
def test_bad_hyperparameters_name_the_key_the_type_and_the_fix(export, hparams, message):
    model, folder = export
    config = json.loads((folder / hub.CONFIG).read_text())
    edit_config(folder, hparams={**config["hparams"], **hparams})
    with pytest.raises(hub.ExportError, match=message):
        Zoo.load(folder)


def test_missing_required_hyperparameter_is_named(export):
    _, folder = export

    def needs(self, width: int, *, depth: int = 2):  # a signature with a required argument
        raise AssertionError("never called")

    from unittest import mock

    with mock.patch.object(DCGAN, "__init__", needs):
        with pytest.raises(hub.ExportError, match=r"missing hyperparameter 'width': DCGAN requires it \(int\)"):
            hub.check_hparams(DCGAN, {"depth": 3}, "config.json")
    assert hub.check_hparams(DCGAN, {"latent_dim": 8, "betas": [0.5, 0.9], "ema_decay": None}, "c") is not None


def test_hparams_must_be_an_object(export):
    _, folder = export
    edit_config(folder, hparams=[1, 2])
    with pytest.raises(hub.ExportError, match="'hparams' is a list, but DCGAN expects a JSON object"):
        Zoo.load(folder)


# ---------------------------------------------------------------- checksums before anything is built

def test_weights_that_do_not_match_the_recorded_checksum_are_refused(export, tmp_path, monkeypatch):
    model, folder = export
    other = hub.export(tiny(), tmp_path / "other", samples=False)
    shutil.copy(other / hub.WEIGHTS, folder / hub.WEIGHTS)  # valid weights, but not the ones the config records
    built = []
    monkeypatch.setattr(hub, "build_model", lambda *a: built.append(a))
    with pytest.raises(hub.ExportError, match=r"model.safetensors does not match the sha256 recorded in .*config.json "
                                              r"\(recorded [0-9a-f]{12}\.\.\., file [0-9a-f]{12}\.\.\.\): it is "
                                              r"truncated or damaged, or was changed after export"):
        Zoo.load(folder)
    assert built == []  # nothing was built


def test_a_config_without_checksum_or_with_odd_file_names_is_refused(export):
    _, folder = export
    config = edit_config(folder, sha256={})
    with pytest.raises(hub.ExportError, match="records no sha256 for model.safetensors"):
        Zoo.load(folder)
    edit_config(folder, sha256={**json.loads(json.dumps(config))["sha256"], hub.WEIGHTS: hub.sha256_file(
        folder / hub.WEIGHTS), "../secret": "0" * 64})
    with pytest.raises(hub.ExportError, match=r"sha256 names '\.\./secret', which is not a file of the export"):
        Zoo.load(folder)


def test_every_recorded_file_is_checked(export):
    _, folder = export
    (folder / "results.json").write_text("{}")
    edit_config(folder, sha256={hub.WEIGHTS: hub.sha256_file(folder / hub.WEIGHTS), "results.json": "0" * 64})
    with pytest.raises(hub.ExportError, match="results.json does not match the sha256"):
        Zoo.load(folder)


# ---------------------------------------------------------------- save_pretrained / from_pretrained

def test_save_pretrained_and_from_pretrained_round_trip(tmp_path):
    model = tiny()
    folder = model.save_pretrained(tmp_path / "pretrained", samples=False)
    assert (folder / hub.CONFIG).is_file()
    loaded = DCGAN.from_pretrained(folder)
    assert type(loaded) is DCGAN and not loaded.training and same_samples(loaded, model)
    assert type(GANModule.from_pretrained(str(folder))) is DCGAN  # the base class takes any GAN
    with pytest.raises(hub.ExportError, match=r"holds a DCGAN \(zoo.models.dcgan.DCGAN\), not a CycleGAN"):
        CycleGAN.from_pretrained(folder)


def test_cyclegan_from_pretrained(tmp_path):
    model = CycleGAN(n_blocks=1, generator_width=4, discriminator_width=4, sample_every_n_steps=0)
    loaded = CycleGAN.from_pretrained(model.save_pretrained(tmp_path / "cyclegan"), trainable=True)
    assert loaded.training
    x = torch.rand(1, 3, 16, 16) * 2 - 1
    assert torch.equal(loaded.translate(x, direction="BtoA"), model.translate(x, direction="BtoA"))


# ---------------------------------------------------------------- Hub repo ids

@pytest.fixture
def hf_cache(export, tmp_path, monkeypatch):
    """A Hugging Face cache holding org/tiny-dcgan at one commit (refs/main and tag v1), offline."""
    import huggingface_hub.constants as constants

    model, folder = export
    commit = "1" * 40
    repo = tmp_path / "hf_cache" / "models--org--tiny-dcgan"
    shutil.copytree(folder, repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    (repo / "refs" / "v1").write_text(commit)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hf_cache"))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    monkeypatch.chdir(tmp_path)
    return model, commit


def test_repo_id_loads_from_the_hugging_face_cache_offline(hf_cache):
    model, commit = hf_cache
    assert same_samples(Zoo.load("org/tiny-dcgan"), model)
    assert same_samples(Zoo.load("org/tiny-dcgan", revision=commit), model)
    assert same_samples(DCGAN.from_pretrained("org/tiny-dcgan", revision="v1"), model)
    with pytest.raises(hub.ExportError, match="not a CycleGAN"):
        CycleGAN.from_pretrained("org/tiny-dcgan")


def test_offline_error_names_the_repo(hf_cache):
    with pytest.raises(FileNotFoundError, match=r"cannot load the Hub repo org/other: offline \(HF_HUB_OFFLINE is "
                                                r"set\) and it is not in the Hugging Face cache"):
        Zoo.load("org/other")
    with pytest.raises(FileNotFoundError, match="cannot load the Hub repo org/tiny-dcgan@v2: offline"):
        Zoo.load("org/tiny-dcgan", revision="v2")


def test_repo_id_goes_through_snapshot_download(export, tmp_path, monkeypatch):
    import huggingface_hub

    _, folder = export
    calls = []

    def fake_snapshot_download(repo_id, **kw):
        calls.append((repo_id, kw))
        return str(folder)

    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake_snapshot_download)
    monkeypatch.chdir(tmp_path)
    Zoo.load("ORG/dcgan-mnist", revision="abc")
    repo_id, kw = calls[0]
    assert repo_id == "ORG/dcgan-mnist" and kw["revision"] == "abc"
    assert all(p.endswith((".json", ".safetensors", ".md", ".png")) for p in kw["allow_patterns"])


def test_missing_repo_and_revision_errors(monkeypatch, tmp_path):
    import huggingface_hub
    from huggingface_hub.errors import RepositoryNotFoundError, RevisionNotFoundError

    monkeypatch.chdir(tmp_path)
    for error, message in ((RepositoryNotFoundError, "there is no Hub repo org/nope"),
                           (RevisionNotFoundError, "the Hub repo org/nope has no revision 'x'")):
        def raise_(repo_id, error=error, **kw):
            exc = error.__new__(error)  # as the Hub client raises it, without an HTTP response to build it from
            exc.args = ("404 Client Error",)
            raise exc

        monkeypatch.setattr(huggingface_hub, "snapshot_download", raise_)
        with pytest.raises(FileNotFoundError, match=message):
            Zoo.load("org/nope", revision="x")


def test_local_folders_and_path_like_names(export, tmp_path, monkeypatch):
    import huggingface_hub

    model, folder = export
    monkeypatch.setattr(huggingface_hub, "snapshot_download", lambda *a, **kw: pytest.fail("no Hub for paths"))
    monkeypatch.chdir(tmp_path)
    assert same_samples(Zoo.load("export"), model)                   # relative, no "/"
    (tmp_path / "org").mkdir()
    shutil.copytree(folder, tmp_path / "org" / "repo")
    assert same_samples(Zoo.load("org/repo"), model)                 # an existing folder wins over a repo id
    assert same_samples(Zoo.load(str(tmp_path / "org" / "repo")), model)
    for name in ("./nowhere", "../nowhere", "/no/where", "a/b/c", "~/nowhere", "nothing/", tmp_path / "nowhere"):
        with pytest.raises(FileNotFoundError, match="does not exist"):
            Zoo.load(name)
    with pytest.raises(ValueError, match="neither an existing folder nor a valid Hub repo id"):
        Zoo.load("org/bad name")
    with pytest.raises(ValueError, match="revision='v1' was given for the local folder"):
        Zoo.load("export", revision="v1")


def test_entries_still_resolve_through_their_pinned_revision(export, monkeypatch):
    model, folder = export
    entry = registry.ZooEntry(name="tiny-dcgan", model_class="zoo.models.dcgan.DCGAN", paper="DCGAN",
                              arxiv="1511.06434", dataset="random", split="train", recipe="recipes/dcgan/mnist.yaml",
                              license="MIT", origin="trained here", num_parameters=1,
                              hub_repo="zoo-test/tiny-dcgan", hub_revision="0" * 40)
    monkeypatch.setattr(registry, "_entries", lambda: {entry.name: entry})
    monkeypatch.setattr(registry, "MIRROR", folder.parent / "no-mirror", raising=False)
    calls = []
    monkeypatch.setattr(registry, "download", lambda e, rev: calls.append(rev) or folder)
    assert same_samples(Zoo.load("tiny-dcgan"), model) and calls == ["0" * 40]
    Zoo.load("tiny-dcgan", revision="main")
    assert calls[-1] == "main"


# ---------------------------------------------------------------- exports that leave nothing half-done

def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


def test_stale_partial_folders_are_removed_by_the_next_export(export, tmp_path):
    _, folder = export
    dead = tmp_path / f".export.{2 ** 22 + 1}-0a1b2c3d.partial"     # beyond pid_max: its process is gone
    legacy = tmp_path / ".export.k2j3h4x_.partial"                  # the old mkdtemp name
    alive = tmp_path / f".export.{os.getpid()}-deadbeef.partial"    # an export still running
    other = tmp_path / f".other.{2 ** 22 + 1}-0a1b2c3d.partial"     # another target's
    for partial in (dead, legacy, alive, other):
        partial.mkdir()
        (partial / hub.WEIGHTS).write_bytes(b"half")
    hub.export(tiny(), folder, samples=False)
    assert leftovers(tmp_path) == sorted([alive.name, other.name])


def test_a_failed_second_rename_puts_the_old_export_back(export, tmp_path, monkeypatch):
    model, folder = export
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    real_rename = Path.rename

    def rename(self, target):
        if self.name.endswith(".partial"):
            raise OSError("disk gone")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(OSError, match="disk gone"):
        hub.export(tiny(), folder, samples=False)
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert leftovers(tmp_path) == []


@pytest.fixture
def crashed_between_renames(export, tmp_path, monkeypatch):
    """An export killed after ``export -> .export.old`` and before ``partial -> export``: every rename but the
    first fails, as if the process had died there."""
    model, folder = export
    real_rename = Path.rename
    count = []

    def rename(self, target):
        count.append(self)
        if len(count) > 1:
            raise KeyboardInterrupt  # the process dies
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(KeyboardInterrupt):
        hub.export(tiny(), folder, samples=False)
    monkeypatch.undo()
    assert not folder.exists() and (tmp_path / ".export.old" / hub.CONFIG).is_file()
    for partial in tmp_path.glob(f".export.{os.getpid()}-*.partial"):  # its process is gone: give it a dead pid
        partial.rename(partial.with_name(partial.name.replace(str(os.getpid()), str(2 ** 22 + 1))))
    return model, folder


def test_a_crash_between_the_renames_is_recovered_on_load(crashed_between_renames, tmp_path):
    model, folder = crashed_between_renames
    assert same_samples(Zoo.load(folder), model)
    assert folder.is_dir() and ".export.old" not in leftovers(tmp_path)  # (the partial goes at the next export)


def test_a_crash_between_the_renames_is_recovered_on_the_next_export(crashed_between_renames, tmp_path,
                                                                      monkeypatch):
    model, folder = crashed_between_renames

    def fail(*a, **kw):
        raise RuntimeError("this export fails too")

    monkeypatch.setattr(hub, "write_json", fail)
    with pytest.raises(RuntimeError):
        hub.export(tiny(), folder, samples=False)
    assert same_samples(hub.load_folder(folder), model)  # the recovered old export, intact
    monkeypatch.undo()
    new = tiny()
    hub.export(new, folder, samples=False)
    assert same_samples(Zoo.load(folder), new) and leftovers(tmp_path) == []


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o002])
def test_permissions_follow_the_umask(tmp_path, umask):
    previous = os.umask(umask)
    try:
        folder = hub.export(tiny(), tmp_path / "export", samples=True)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o777 & ~umask
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask, path.name
