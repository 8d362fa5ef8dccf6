"""StartFrom: a fit that starts from a shipped entry's networks (and leaves a resumed run's own weights alone)."""
import lightning as L
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from tests.conftest import quiet_trainer
from zoo import Zoo
from zoo.core.callbacks import StartFrom
from zoo.models.gan import GAN

ENTRY = "gan-ring"  # a small shipped entry: the paper's GAN on the ring of 8 Gaussians


def fresh(**changes):
    return GAN(**{**dict(Zoo.load(ENTRY).hparams), **changes})


def points(n=64):
    return DataLoader(TensorDataset(torch.randn(n, 2), torch.zeros(n)), batch_size=16)


def weights_at_start(model, callbacks, **fit):
    seen = {}

    class Record(L.Callback):  # after StartFrom in the list: sees the weights the first batch will use
        def on_train_start(self, trainer, module):
            seen.update({k: v.clone() for k, v in module.state_dict().items()})

    quiet_trainer(max_steps=8, callbacks=[*callbacks, Record()]).fit(model, points(), **fit)
    return seen


def test_the_named_networks_start_from_the_entry_and_the_others_do_not():
    shipped = Zoo.load(ENTRY).state_dict()
    model = fresh()
    own_discriminator = {k: v.clone() for k, v in model.discriminator.state_dict().items()}
    start = weights_at_start(model, [StartFrom(ENTRY, ["generator"])])
    generator = [k for k in start if k.startswith("generator.")]
    assert generator and all(torch.equal(start[k], shipped[k]) for k in generator)
    assert all(torch.equal(start[f"discriminator.{k}"], v) for k, v in own_discriminator.items())


def test_a_resumed_run_keeps_its_checkpoint(tmp_path):
    model = fresh()
    trainer = quiet_trainer(max_steps=2, enable_checkpointing=True, default_root_dir=tmp_path)
    trainer.fit(model, points())
    saved = {k: v.clone() for k, v in model.generator.state_dict().items()}
    ckpt = tmp_path / "run.ckpt"
    trainer.save_checkpoint(ckpt)
    start = weights_at_start(fresh(), [StartFrom(ENTRY, ["generator"])], ckpt_path=str(ckpt))
    assert all(torch.equal(start[f"generator.{k}"], v) for k, v in saved.items())


def test_clear_errors():
    with pytest.raises(ValueError, match=r"modules='generator': expected a non-empty list"):
        StartFrom(ENTRY, "generator")
    with pytest.raises(ValueError, match=r"has no network 'critic'"):
        weights_at_start(fresh(), [StartFrom(ENTRY, ["critic"])])
    with pytest.raises(ValueError, match=r"the 'generator' of gan-ring does not fit"):
        weights_at_start(fresh(generator_hidden=[64, 64]), [StartFrom(ENTRY, ["generator"])])
