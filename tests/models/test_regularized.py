"""RegularizedGAN: each stabiliser trains through the model, players move only on their own turn (consensus:
both at once, from the same point)."""
import pytest
import torch
from tests.models.objective_helpers import fit, image_loader, record_updates, toy_loader

from zoo.models.regularized import REGULARIZERS, RegularizedGAN


def toy_model(regularizer: str, **kwargs) -> RegularizedGAN:
    return RegularizedGAN(**{**dict(latent_dim=4, hidden=(16, 16), regularizer=regularizer, unroll_steps=2),
                             **kwargs})


@pytest.mark.parametrize("regularizer", [r for r in REGULARIZERS if r != "consensus"])
def test_alternating_regularizers_train_and_keep_players_separate(regularizer):
    model = toy_model(regularizer)
    calls = record_updates(model, model.discriminator)
    fit(model, toy_loader(n=32))
    assert [p for p, _, _ in calls] == ["discriminator", "generator"] * 2
    assert all(own and not other for _, own, other in calls)
    assert torch.isfinite(model.sample(4)).all()


def test_consensus_updates_both_players_from_the_same_point():
    model = toy_model("consensus", regularizer_weight=0.0, optimizer="rmsprop")
    g0 = [p.detach().clone() for p in model.generator.parameters()]
    d0 = [p.detach().clone() for p in model.discriminator.parameters()]
    fit(model, toy_loader(n=16, batch_size=16))
    assert int(model.generator_updates) == int(model.discriminator_updates) == 1
    assert all(not torch.equal(a, p) for a, p in zip(g0, model.generator.parameters()))
    assert all(not torch.equal(a, p) for a, p in zip(d0, model.discriminator.parameters()))


def test_unrolled_generator_loss_differs_from_the_plain_one(monkeypatch):
    # with K unrolled steps G sees D's reaction: the gradient G receives is not the plain GAN gradient
    grads = {}
    for steps, lr in ((None, 0.5), (3, 0.5), (3, 0.0)):
        torch.manual_seed(0)  # the same initial networks and noise in every run
        model = toy_model("unrolled" if steps else "none", unroll_steps=steps or 1, unroll_lr=lr)
        captured = []
        original = model.step

        def step(opt, loss, name, player, model=model, captured=captured, original=original):
            if player == "generator":
                captured.append(torch.autograd.grad(loss, list(model.generator.parameters()), retain_graph=True))
            return original(opt, loss, name, player)

        model.step = step
        fit(model, toy_loader(n=16, batch_size=16))
        grads[steps, lr] = captured[0]
    assert any(not torch.allclose(a, b) for a, b in zip(grads[None, 0.5], grads[3, 0.5]))
    for a, b in zip(grads[None, 0.5], grads[3, 0.0]):  # steps of size 0 leave D as it is: the plain gradient
        torch.testing.assert_close(a, b)


def test_unrolled_surrogate_moves_like_real_discriminator_steps():
    # Metz et al. unroll D's own (Adam) update: after K unrolled steps D(fake) must move as much as after K real
    # steps of D's optimizer; plain gradient steps of size lr = 1e-4 barely move it
    import copy

    from torch.func import functional_call

    from zoo.core import regularizers

    torch.manual_seed(0)
    model = toy_model("unrolled", unroll_steps=5)
    _, d_opt = model.configure_optimizers()
    d, loss_fn = model.discriminator, model.discriminator_loss
    real, fake = torch.randn(64, 2), model.generator(model.noise(64))

    def real_step(net, optimizer):
        optimizer.zero_grad()
        loss_fn(net(real), net(fake.detach())).backward()
        optimizer.step()

    real_step(d, d_opt)
    before = d(fake).detach()
    d_state = copy.deepcopy(d.state_dict())
    params = regularizers.unrolled_parameters(d, loss_fn, real, fake, 5, optimizer=d_opt)
    unrolled = (functional_call(d, params, (fake,)) - before).abs().mean().item()
    sgd = regularizers.unrolled_parameters(d, loss_fn, real, fake, 5, model.hparams.lr)
    plain = (functional_call(d, sgd, (fake,)) - before).abs().mean().item()
    twin = copy.deepcopy(d)
    twin_opt = torch.optim.Adam(twin.parameters(), lr=model.hparams.lr, betas=tuple(model.hparams.betas))
    twin_opt.load_state_dict(copy.deepcopy(d_opt.state_dict()))
    for _ in range(5):
        real_step(twin, twin_opt)
    moved = (twin(fake) - before).abs().mean().item()
    assert unrolled == pytest.approx(moved, rel=1e-4)
    assert unrolled > 10 * plain
    assert all(torch.equal(v, d.state_dict()[k]) for k, v in d_state.items())


def test_unrolled_model_unrolls_with_its_discriminators_optimizer(monkeypatch):
    from zoo.core import regularizers

    seen = []
    original = regularizers.unrolled_parameters

    def spy(*args, **kwargs):
        seen.append(kwargs.get("optimizer"))
        return original(*args, **kwargs)

    monkeypatch.setattr(regularizers, "unrolled_parameters", spy)
    model = toy_model("unrolled")
    fit(model, toy_loader(n=32))
    assert len(seen) == 2 and all(getattr(o, "optimizer", o) is model.trainer.optimizers[1] for o in seen)


def test_instance_noise_is_annealed():
    model = toy_model("instance_noise", regularizer_weight=0.4, noise_anneal_steps=4)
    assert model.noise_std() == 0.4
    model.generator_updates += 2
    assert model.noise_std() == pytest.approx(0.2)
    model.generator_updates += 10
    assert model.noise_std() == 0.0


def test_images_with_r1():
    model = RegularizedGAN(data_shape=(1, 28, 28), generator_width=8, discriminator_width=8, regularizer="r1")
    fit(model, image_loader())
    assert int(model.generator_updates) == 2 and model.sample(2).shape == (2, 1, 28, 28)


@pytest.mark.parametrize("kwargs", [dict(regularizer="dropout"), dict(objective="wasserstein"),
                                    dict(regularizer="r1", data_shape=(1, 28, 28), discriminator_norm="batch"),
                                    dict(regularizer="r1", regularizer_weight=-1.0)])
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        RegularizedGAN(**{**dict(hidden=(8,)), **kwargs})
