"""Export folders: contents, bit-exact round trips, strict loading, atomic writes, fine-tuning from an export."""
import json

import pytest
import torch
from safetensors.torch import load_file, save_file

from tests.conftest import image_loader, quiet_trainer
from zoo import Zoo, hub
from zoo.checkpoints import load_checkpoint
from zoo.models.dcgan import DCGAN
from zoo.models.gan import GAN


def tiny(**kw):
    return DCGAN(image_size=28, channels=1, latent_dim=8, generator_width=8, discriminator_width=8,
                 sample_every_n_steps=0, **kw)


@pytest.fixture
def trained():
    model = tiny(ema_decay=0.9)
    quiet_trainer(max_epochs=1).fit(model, image_loader(n=16))
    return model


def test_export_contents(trained, tmp_path):
    folder = hub.export(trained, tmp_path / "dcgan", name="dcgan-test")
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "config.json", "model.safetensors",
                                                        "samples.png"]
    config = json.loads((folder / "config.json").read_text())
    assert config["model_class"] == "zoo.models.dcgan.DCGAN"
    assert config["hparams"]["latent_dim"] == 8 and config["zoo_version"]
    assert config["sha256"]["model.safetensors"] == hub.sha256_file(folder / "model.safetensors")
    keys = set(load_file(str(folder / "model.safetensors")))
    # every network needed to resume: G, D, the EMA G, and the update counters
    assert any(k.startswith("generator.") for k in keys) and any(k.startswith("discriminator.") for k in keys)
    assert any(k.startswith("generator_ema.") for k in keys) and "generator_updates" in keys


@pytest.mark.parametrize("make", [lambda: tiny(ema_decay=0.9), lambda: GAN(generator_hidden=(16,),
                                                                           discriminator_hidden=(8,), latent_dim=4)])
def test_round_trip_reproduces_samples_bit_for_bit(make, tmp_path):
    model = make()
    quiet_trainer(max_epochs=1).fit(model, image_loader(n=16))
    folder = hub.export(model, tmp_path / "export")
    loaded = Zoo.load(folder)
    assert type(loaded) is type(model) and not loaded.training
    seed = lambda: torch.Generator().manual_seed(7)  # noqa: E731
    assert torch.equal(loaded.sample(16, generator=seed()), model.sample(16, generator=seed()))
    for key, value in model.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], value), key


def test_loaded_export_fine_tunes_with_the_trainer(trained, tmp_path):
    loaded = Zoo.load(hub.export(trained, tmp_path / "export"), trainable=True)
    assert loaded.training
    updates = int(loaded.generator_updates)
    quiet_trainer(max_epochs=1).fit(loaded, image_loader(n=16, seed=1))
    assert int(loaded.generator_updates) == updates + 2


def rewrite_weights(folder, state):
    """Replace the weights and record their checksum, as a (bad) exporter would: the strict load must catch it."""
    save_file(state, str(folder / "model.safetensors"))
    config = json.loads((folder / "config.json").read_text())
    config["sha256"]["model.safetensors"] = hub.sha256_file(folder / "model.safetensors")
    (folder / "config.json").write_text(json.dumps(config))


def test_missing_or_unexpected_tensors_are_errors(trained, tmp_path):
    folder = hub.export(trained, tmp_path / "export")
    state = load_file(str(folder / "model.safetensors"))
    rewrite_weights(folder, {k: v for k, v in state.items() if k != "discriminator.head.bias"})
    with pytest.raises(hub.ExportError, match=r"missing 1 tensor\(s\): \['discriminator.head.bias'\]"):
        Zoo.load(folder)
    rewrite_weights(folder, {**state, "extra.weight": torch.zeros(1)})
    with pytest.raises(hub.ExportError, match=r"unexpected 1 tensor\(s\): \['extra.weight'\]"):
        Zoo.load(folder)


def test_mismatched_config_is_an_error(trained, tmp_path):
    folder = hub.export(trained, tmp_path / "export")
    config = json.loads((folder / "config.json").read_text())
    config["hparams"]["generator_width"] = 16
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(hub.ExportError, match="wrong shape"):
        Zoo.load(folder)


def test_truncated_weights_are_a_clear_error(trained, tmp_path):
    folder = hub.export(trained, tmp_path / "export")
    data = (folder / "model.safetensors").read_bytes()
    (folder / "model.safetensors").write_bytes(data[: len(data) // 2])
    with pytest.raises(hub.ExportError, match="truncated or damaged"):
        Zoo.load(folder)


def test_config_may_only_name_zoo_classes(trained, tmp_path):
    folder = hub.export(trained, tmp_path / "export")
    config = json.loads((folder / "config.json").read_text())
    config["model_class"] = "os.system"
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(hub.ExportError, match="not a class of the zoo package"):
        Zoo.load(folder)


def test_not_an_export_folder(tmp_path):
    with pytest.raises(hub.ExportError, match="config.json not found"):
        Zoo.load(tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        Zoo.load(tmp_path / "nowhere")


def test_interrupted_export_leaves_the_old_one_intact(trained, tmp_path, monkeypatch):
    folder = hub.export(trained, tmp_path / "export")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(hub, "write_sample_grid", boom)
    with pytest.raises(KeyboardInterrupt):
        hub.export(tiny(), folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["export"]  # no partial folder left behind


def test_export_from_lightning_checkpoint(trained, tmp_path):
    trainer = quiet_trainer(max_epochs=1, default_root_dir=tmp_path)
    trainer.fit(trained, image_loader(n=16))
    trainer.save_checkpoint(tmp_path / "run" / "checkpoints" / "last.ckpt")
    restored = load_checkpoint(tmp_path / "run")
    seed = lambda: torch.Generator().manual_seed(1)  # noqa: E731
    assert torch.equal(restored.sample(4, generator=seed()), trained.sample(4, generator=seed()))
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="no .ckpt file below"):
        load_checkpoint(tmp_path / "empty")
