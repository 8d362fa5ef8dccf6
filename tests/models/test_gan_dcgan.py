"""GAN (Goodfellow et al. 2014) and DCGAN (Radford et al. 2015): the update order and who moves when."""
import pytest
import torch

from tests.conftest import image_loader, moved, quiet_trainer, snapshot
from zoo.core.module import GANModule
from zoo.models.dcgan import DCGAN
from zoo.models.gan import GAN


def small_gan(**kw):
    return GAN(generator_hidden=(32,), discriminator_hidden=(16,), maxout_pieces=2, latent_dim=8,
               sample_every_n_steps=0, **kw)


def small_dcgan(**kw):
    return DCGAN(image_size=28, channels=1, latent_dim=8, generator_width=8, discriminator_width=8,
                 sample_every_n_steps=0, **kw)


def record_updates(model: GANModule, monkeypatch):
    """Wrap model.step to record, for every update, which player's parameters moved."""
    log = []
    original = model.step

    def step(optimizer, loss, name, player):
        before_g, before_d = snapshot(model.generator), snapshot(model.discriminator)
        out = original(optimizer, loss, name, player)
        log.append((player, bool(moved(before_g, model.generator)), bool(moved(before_d, model.discriminator))))
        return out

    monkeypatch.setattr(model, "step", step)
    return log


@pytest.mark.parametrize("make", [small_gan, small_dcgan])
def test_each_update_moves_only_its_player(make, monkeypatch):
    model = make()
    log = record_updates(model, monkeypatch)
    quiet_trainer(max_epochs=1).fit(model, image_loader(n=24))
    assert log == [("discriminator", False, True), ("generator", True, False)] * 3


def test_k_discriminator_steps_per_generator_step(monkeypatch):
    model = small_gan(discriminator_steps=3)
    log = record_updates(model, monkeypatch)
    quiet_trainer(max_epochs=1).fit(model, image_loader(n=48))  # 6 batches
    assert [p for p, *_ in log] == ["discriminator"] * 3 + ["generator"] + ["discriminator"] * 3 + ["generator"]
    assert int(model.discriminator_updates) == 6 and int(model.generator_updates) == 2
    assert model.trainer.global_step == 8  # under manual optimisation global_step counts optimizer steps


def test_k_schedule_continues_across_epochs():
    model = small_gan(discriminator_steps=2)
    quiet_trainer(max_epochs=3).fit(model, image_loader(n=24))  # 3 batches per epoch, 9 in all
    assert int(model.discriminator_updates) == 9 and int(model.generator_updates) == 4


def test_minimax_and_non_saturating_generator_losses_differ():
    a, b = small_gan(generator_loss="minimax"), small_gan()
    fake = torch.tensor([-3.0])
    assert a.generator_objective(fake) != b.generator_objective(fake)
    with pytest.raises(ValueError, match="generator_loss='hinge'"):
        small_gan(generator_loss="hinge")


def test_gan_uniform_noise_has_unit_variance():
    z = small_gan().noise(20000, generator=torch.Generator().manual_seed(0))
    assert z.min() >= -3 ** 0.5 and z.max() <= 3 ** 0.5 and abs(z.var().item() - 1) < 0.02


def test_dcgan_paper_defaults():
    model = DCGAN()
    g_opt, d_opt = model.configure_optimizers()
    assert g_opt.defaults["lr"] == 2e-4 and g_opt.defaults["betas"] == (0.5, 0.999)
    assert model.latent_dim == 100 and model.hparams.image_size == 64


def test_dcgan_computes_the_generator_once_per_batch(monkeypatch):
    model = small_dcgan()
    calls = []
    original = model.generator.forward
    monkeypatch.setattr(model.generator, "forward", lambda z: calls.append(1) or original(z))
    quiet_trainer(max_epochs=1).fit(model, image_loader(n=16))
    assert len(calls) == 2


@pytest.mark.parametrize("make", [small_gan, small_dcgan])
def test_samples_shape_range_and_reproducibility(make):
    model = make()
    a = model.sample(6, generator=torch.Generator().manual_seed(3))
    b = model.sample(6, generator=torch.Generator().manual_seed(3))
    assert a.shape == (6, 1, 28, 28) and torch.equal(a, b)
    assert a.min() >= -1 and a.max() <= 1
    with pytest.raises(ValueError, match="positive integer"):
        model.sample(0)


def test_channels_last_trains_like_contiguous():
    torch.manual_seed(0)
    a = small_dcgan()
    torch.manual_seed(0)
    b = small_dcgan(channels_last=True)
    for model in (a, b):
        torch.manual_seed(1)
        quiet_trainer(max_epochs=1).fit(model, image_loader(n=16))
    for (name, p), q in zip(a.named_parameters(), b.parameters()):
        torch.testing.assert_close(p, q, rtol=1e-4, atol=1e-5, msg=name)
