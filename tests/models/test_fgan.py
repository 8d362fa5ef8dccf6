"""f-GAN (Nowozin et al. 2016): every divergence trains, the losses are Eq. 6 / Sec. 3.2, updates are simultaneous."""
import pytest
import torch
from tests.models.objective_helpers import fit, image_loader, record_updates, toy_loader

from zoo.core.divergences import DIVERGENCES
from zoo.models.fgan import FGAN


def toy_fgan(divergence: str, **kwargs) -> FGAN:
    return FGAN(divergence, **{**dict(data_shape=(2,), latent_dim=4, hidden=(16, 16)), **kwargs})


@pytest.mark.parametrize("divergence", sorted(DIVERGENCES))
def test_each_divergence_trains_and_players_are_separate(divergence):
    model = toy_fgan(divergence)
    calls = record_updates(model, model.discriminator)
    fit(model, toy_loader(n=32))
    assert [p for p, _, _ in calls] == ["generator", "discriminator"] * 2
    assert all(own and not other for _, own, other in calls)
    assert torch.isfinite(model.sample(8)).all()


@pytest.mark.parametrize("generator_loss", ["alternative", "saddle"])
def test_losses_on_a_constant_discriminator(generator_loss):
    # V(x) = v everywhere: D's loss −F = −g_f(v) + f*(g_f(v)); G's loss −g_f(v) (Sec. 3.2) or −f*(g_f(v)) (Eq. 6)
    model = toy_fgan("kl", generator_loss=generator_loss)
    steps = []
    original = model.step
    model.step = lambda opt, loss, name, player: steps.append((player, loss.detach())) or original(opt, loss, name,
                                                                                                      player)
    v = 0.7
    with torch.no_grad():
        for p in model.discriminator.parameters():
            p.zero_()
        model.discriminator.net[-1][-1].bias.fill_(v)
    fit(model, toy_loader(n=16, batch_size=16))
    expected_g = -v if generator_loss == "alternative" else -torch.exp(torch.tensor(v - 1.0))
    assert steps[0][0] == "generator" and steps[1][0] == "discriminator"
    torch.testing.assert_close(steps[0][1], torch.as_tensor(expected_g, dtype=torch.float32))
    torch.testing.assert_close(steps[1][1], torch.tensor(-v + torch.exp(torch.tensor(v - 1.0)).item()))


def test_updates_are_simultaneous():
    # the discriminator's update must be computed on samples drawn before the generator moved
    model = toy_fgan("gan")
    seen = []
    original_forward = model.discriminator.forward
    model.discriminator.forward = lambda x: seen.append(x.detach().clone()) or original_forward(x)
    fit(model, toy_loader(n=16, batch_size=16))
    generator_input, real_input, fake_input = seen  # G's step: D(fake); D's step: D(real), D(fake.detach())
    torch.testing.assert_close(fake_input, generator_input)


def test_images_and_unknown_divergence():
    model = FGAN("jensen_shannon", generator_width=8, discriminator_width=8)
    fit(model, image_loader())
    assert int(model.generator_updates) == 2
    with pytest.raises(ValueError, match="divergence='chi'"):
        FGAN("chi")
    with pytest.raises(ValueError, match="generator_loss"):
        FGAN("kl", generator_loss="minimax")
