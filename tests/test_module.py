"""GANModule mechanics: EMA, the NaN guard, sample grids, and exact resume from a checkpoint."""
import math

import pytest
import torch

from tests.conftest import image_loader, quiet_trainer
from zoo.core.module import NonFiniteLossError
from zoo.models.dcgan import DCGAN


def tiny(**kw):
    kw.setdefault("sample_every_n_steps", 0)
    return DCGAN(image_size=28, channels=1, latent_dim=8, generator_width=8, discriminator_width=8, **kw)


def test_ema_follows_the_generator_after_each_generator_step():
    model = tiny(ema_decay=0.5)
    before = [p.clone() for p in model.generator_ema.parameters()]
    quiet_trainer(max_steps=2).fit(model, image_loader(n=16))  # one D and one G update
    # after the first update AveragedModel copies the generator; the EMA is not trained by any optimizer
    for e, g in zip(model.generator_ema.module.parameters(), model.generator.parameters()):
        assert torch.equal(e, g)
    assert not any(p.requires_grad for p in model.generator_ema.parameters())
    assert any(not torch.equal(a, b) for a, b in zip(before, model.generator_ema.parameters()))
    quiet_trainer(max_steps=2).fit(model, image_loader(n=16, seed=1))
    ema, gen = list(model.generator_ema.module.parameters()), list(model.generator.parameters())
    assert any(not torch.equal(e, g) for e, g in zip(ema, gen))  # now a true average, not a copy
    assert model.sampler is model.generator_ema.module


def test_bad_ema_decay_is_refused():
    with pytest.raises(ValueError, match="ema_decay=1.5"):
        tiny(ema_decay=1.5)


def test_nan_loss_stops_training_with_a_clear_message():
    model = tiny()
    loader = image_loader(n=16)
    loader.dataset.tensors[0][0, 0, 0, 0] = math.nan
    with pytest.raises(NonFiniteLossError, match=r"loss/discriminator became \[?nan.*global step 0"):
        quiet_trainer(max_epochs=1).fit(model, loader)
    assert int(model.discriminator_updates) == 0


def test_sample_grid_is_logged_from_fixed_noise(tmp_path):
    from lightning.pytorch.loggers import CSVLogger

    model = tiny(sample_every_n_steps=1)
    trainer = quiet_trainer(max_epochs=1, logger=CSVLogger(tmp_path, name="run"))
    trainer.fit(model, image_loader(n=16))
    grids = sorted((tmp_path / "run" / "version_0" / "samples").glob("*.png"))
    assert [g.name for g in grids] == ["step_0000001.png", "step_0000002.png"]
    assert model.fixed_noise.shape == (64, 8) and "fixed_noise" not in model.state_dict()


def test_resume_matches_an_uninterrupted_run(tmp_path):
    def run(epochs, ckpt=None, model=None):
        model = model or tiny(ema_decay=0.9)
        trainer = quiet_trainer(max_epochs=epochs, default_root_dir=tmp_path)
        trainer.fit(model, image_loader(n=32, shuffle=True), ckpt_path=ckpt)
        return model, trainer

    torch.manual_seed(0)
    straight, _ = run(2)
    torch.manual_seed(0)
    first, trainer = run(1)
    ckpt = tmp_path / "interrupted.ckpt"
    trainer.save_checkpoint(ckpt)
    torch.manual_seed(123)  # a new process would start from another RNG state: the checkpoint must restore it
    resumed, _ = run(2, ckpt=str(ckpt), model=tiny(ema_decay=0.9))
    assert int(resumed.generator_updates) == int(straight.generator_updates) == 8
    for key, value in straight.state_dict().items():
        torch.testing.assert_close(resumed.state_dict()[key], value, rtol=0, atol=1e-6, msg=key)


def test_losses_reach_the_logger_on_its_steps_and_a_monitoring_callback_on_every_batch(tmp_path):
    import csv

    from lightning.pytorch.callbacks import Callback
    from lightning.pytorch.loggers import CSVLogger

    class Watch(Callback):  # monitors a training loss, as ModelCheckpoint(monitor=...) would
        monitor = "loss/generator"

        def __init__(self):
            self.seen = []

        def on_train_batch_end(self, trainer, module, outputs, batch, batch_idx):
            self.seen.append(float(trainer.callback_metrics[self.monitor]))

    torch.manual_seed(0)
    model, watch = tiny(), Watch()
    quiet_trainer(max_epochs=1, logger=CSVLogger(tmp_path), log_every_n_steps=2, callbacks=[watch]).fit(
        model, image_loader(n=48, batch_size=8))
    assert len(watch.seen) == 6 and len(set(watch.seen)) == 6  # a fresh value on every batch

    torch.manual_seed(0)
    model = tiny()
    quiet_trainer(max_epochs=1, logger=CSVLogger(tmp_path, name="plain"), log_every_n_steps=2).fit(
        model, image_loader(n=48, batch_size=8))
    rows = list(csv.DictReader(next((tmp_path / "plain").rglob("metrics.csv")).read_text().splitlines()))
    assert [int(r["step"]) for r in rows] == [1, 3, 5]
    # the rows hold the values of their own batches: the same as the monitored run's (same seed, same updates)
    assert [float(r["loss/generator"]) for r in rows] == pytest.approx(watch.seen[1::2], rel=1e-6)
