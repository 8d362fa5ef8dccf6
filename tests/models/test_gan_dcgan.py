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
    a = small_dcgan(channels_last=False)
    torch.manual_seed(0)
    b = small_dcgan()
    assert b.generator.net[0].weight.is_contiguous(memory_format=torch.channels_last)  # the default layout
    for model in (a, b):
        torch.manual_seed(1)
        quiet_trainer(max_epochs=1).fit(model, image_loader(n=16))
    for (name, p), q in zip(a.named_parameters(), b.parameters()):
        torch.testing.assert_close(p, q, rtol=1e-4, atol=1e-5, msg=name)


# ---------------------------------------------------------------- GAN: the code's SGD schedule (goodfeli/adversarial)
def record_sgd_settings(model):
    """Record (player, learning rate, momentum) at every optimizer step of ``model``."""
    seen = []
    original = model.step

    def step(optimizer, loss, name, player):
        group = getattr(optimizer, "optimizer", optimizer).param_groups[0]
        seen.append((player, group["lr"], group["momentum"] if "momentum" in group else group["betas"][0]))
        return original(optimizer, loss, name, player)

    model.step = step
    return seen


def test_gan_sgd_schedule_values_follow_the_pylearn2_configuration():
    model = small_gan()
    hp = model.hparams
    assert (hp.optimizer, hp.lr, hp.momentum, hp.lr_decay, hp.min_lr, hp.final_momentum,
            hp.momentum_saturate_epoch) == ("sgd", 0.1, 0.5, 1.000004, 1e-6, 0.7, 250)
    # ExponentialDecay: lr / 1.000004^n after n minibatches, never below 1e-6
    assert model.sgd_schedule(0, 0)[0] == 0.1
    assert model.sgd_schedule(1000, 0)[0] == pytest.approx(0.1 / 1.000004 ** 1000, rel=1e-12)
    assert model.sgd_schedule(5_000_000, 0)[0] == 1e-6
    # MomentumAdjustor(start=1, saturate=250): linear in the epoch from 0.5 to 0.7
    assert [model.sgd_schedule(0, e)[1] for e in (0, 249, 1000)] == pytest.approx([0.5, 0.7, 0.7])
    assert model.sgd_schedule(0, 124)[1] == pytest.approx(0.5 + 0.2 * 124 / 249)


def test_gan_sgd_path_sets_the_schedule_before_every_update():
    model = small_gan(lr_decay=2.0, min_lr=0.03, momentum_saturate_epoch=3)
    seen = record_sgd_settings(model)
    quiet_trainer(max_epochs=3).fit(model, image_loader(n=8))  # one minibatch per epoch
    lrs, momenta = [0.1, 0.05, 0.03], [0.5, 0.6, 0.7]          # 0.1 / 2^2 = 0.025 is floored at min_lr
    expected = [(player, lr, m) for lr, m in zip(lrs, momenta) for player in ("discriminator", "generator")]
    assert [p for p, *_ in seen] == [p for p, *_ in expected]
    assert [(lr, m) for _, lr, m in seen] == pytest.approx([(lr, m) for _, lr, m in expected])


def test_gan_adam_path_has_no_schedule():
    model = small_gan(optimizer="adam", lr=2e-4, lr_decay=2.0, momentum_saturate_epoch=2)
    seen = record_sgd_settings(model)
    quiet_trainer(max_epochs=2).fit(model, image_loader(n=16))
    assert {(lr, beta1) for _, lr, beta1 in seen} == {(2e-4, 0.5)}


def test_gan_discriminator_loss_scale_halves_the_d_loss_as_in_the_code():
    first_d_loss = {}
    for scale in (1.0, 0.5):  # the same seeds: the same weights, noise and dropout masks in both runs
        torch.manual_seed(0)
        model = small_gan(discriminator_loss_scale=scale)
        recorded = []
        original = model.step
        model.step = lambda opt, loss, name, player: recorded.append(loss.detach()) or original(opt, loss, name,
                                                                                                player)
        torch.manual_seed(1)
        quiet_trainer(max_epochs=1, limit_train_batches=1).fit(model, image_loader(n=8))
        first_d_loss[scale] = recorded[0]
    torch.testing.assert_close(first_d_loss[0.5], 0.5 * first_d_loss[1.0])


def test_gan_code_initialisation_follows_the_papers_mnist_yaml():
    """weight_init="code": pylearn2's irange, U(±0.05) in G and U(±0.005) in D, biases 0; PyTorch's own init of D's
    first layer (fan-in 784) reaches past 0.005."""
    code = small_gan(weight_init="code")
    for net, bound in ((code.generator, 0.05), (code.discriminator, 0.005)):
        layers = [m for m in net.modules() if isinstance(m, torch.nn.Linear)]
        assert layers
        for layer in layers:
            assert layer.weight.abs().max() <= bound and layer.weight.abs().max() > bound / 2
            assert torch.count_nonzero(layer.bias) == 0
    default_d = [m for m in small_gan().discriminator.modules() if isinstance(m, torch.nn.Linear)]
    assert default_d[0].weight.abs().max() > 0.005


def test_gan_unknown_weight_init_names_the_choices():
    with pytest.raises(ValueError, match=r"weight_init='xavier'.*\['code', 'torch'\]"):
        small_gan(weight_init="xavier")
