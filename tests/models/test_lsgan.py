"""LSGAN (Mao et al. 2017): the (a, b, c) targets enter the losses; players move only on their own turn."""
import pytest
import torch
from tests.models.objective_helpers import fit, image_loader, record_updates, toy_loader

from zoo.models.lsgan import CODINGS, LSGAN


def toy_lsgan(**kwargs) -> LSGAN:
    return LSGAN(**{**dict(data_shape=(2,), latent_dim=4, hidden=(16, 16)), **kwargs})


def test_defaults_are_the_binary_coding_of_eq_9():
    model = LSGAN(generator_width=8, discriminator_width=8)
    assert (model.hparams.a, model.hparams.b, model.hparams.c) == CODINGS["binary"] == (0.0, 1.0, 1.0)
    assert model.sample(2).shape == (2, 1, 28, 28)


@pytest.mark.parametrize("coding", ["binary", "pearson"])
def test_targets_enter_the_losses(coding):
    a, b, c = CODINGS[coding]
    model = toy_lsgan(a=a, b=b, c=c)
    steps = []
    original = model.step
    model.step = lambda opt, loss, name, player: steps.append((player, loss.detach())) or original(opt, loss, name,
                                                                                                      player)
    # a discriminator that outputs a constant s on every input: losses ½(s − b)² + ½(s − a)² and ½(s − c)²
    s = 0.3
    with torch.no_grad():
        for p in model.discriminator.parameters():
            p.zero_()
        model.discriminator.net[-1][-1].bias.fill_(s)
    model.configure_optimizers = lambda: [torch.optim.SGD(model.generator.parameters(), lr=0.0),
                                          torch.optim.SGD(model.discriminator.parameters(), lr=0.0)]
    fit(model, toy_loader(n=16, batch_size=16))
    assert [p for p, _ in steps] == ["discriminator", "generator"]
    torch.testing.assert_close(steps[0][1], torch.tensor(0.5 * (s - b) ** 2 + 0.5 * (s - a) ** 2))
    torch.testing.assert_close(steps[1][1], torch.tensor(0.5 * (s - c) ** 2))


def test_players_move_only_on_their_turn():
    model = toy_lsgan(discriminator_steps=2)
    calls = record_updates(model, model.discriminator)
    fit(model, toy_loader(n=16 * 4))
    assert [p for p, _, _ in calls] == ["discriminator", "discriminator", "generator"] * 2
    assert all(own and not other for _, own, other in calls)


def test_images_train():
    model = LSGAN(generator_width=8, discriminator_width=8)
    fit(model, image_loader())
    assert int(model.generator_updates) == 2


def test_equal_targets_are_refused():
    with pytest.raises(ValueError, match="must differ"):
        toy_lsgan(a=1.0, b=1.0)
