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
