import math

import pytest
import torch

from zoo.core import losses


def test_value_at_the_optimum_is_minus_log_4():
    # Goodfellow et al. 2014, Theorem 1: at p_g = p_data, D* = 1/2 and V = -log 4
    zeros = torch.zeros(10)
    assert losses.gan_value(zeros, zeros).item() == pytest.approx(-math.log(4))
    assert losses.minimax_discriminator(zeros, zeros).item() == pytest.approx(math.log(4))


def test_generator_losses_at_known_points():
    d = torch.tensor([0.25, 0.75])  # D(G(z))
    logits = torch.log(d / (1 - d))
    assert losses.minimax_generator(logits).item() == pytest.approx(torch.log(1 - d).mean().item(), rel=1e-6)
    assert losses.non_saturating_generator(logits).item() == pytest.approx(-torch.log(d).mean().item(), rel=1e-6)


def test_non_saturating_has_strong_gradient_where_minimax_saturates():
    # Sec. 3: when D confidently rejects samples, log(1 - D(G(z))) saturates, -log D(G(z)) does not
    fake = torch.tensor([-10.0], requires_grad=True)
    losses.minimax_generator(fake).backward()
    saturating = fake.grad.abs().item()
    fake.grad = None
    losses.non_saturating_generator(fake).backward()
    assert saturating < 1e-4 < fake.grad.abs().item()


def test_least_squares_hinge_wasserstein_by_hand():
    real, fake = torch.tensor([1.0, 0.5]), torch.tensor([0.0, -0.5])
    # ½ mean((D(x)-1)²) + ½ mean((D(G(z))-0)²) = ½·0.125 + ½·0.125
    assert losses.least_squares_discriminator(real, fake).item() == pytest.approx(0.125)
    assert losses.least_squares_discriminator(real, fake, a=-1, b=1).item() == pytest.approx(0.0625 + 0.3125)
    assert losses.least_squares_generator(fake, c=1).item() == pytest.approx(0.5 * (1 + 2.25) / 2)
    assert losses.hinge_discriminator(real, fake).item() == pytest.approx(0.25 + 0.75)
    assert losses.hinge_generator(fake).item() == pytest.approx(0.25)
    assert losses.wasserstein_critic(real, fake).item() == pytest.approx(-1.0)
    assert losses.wasserstein_generator(fake).item() == pytest.approx(0.25)


def test_check_choice_names_the_value():
    with pytest.raises(ValueError, match="'bogus'.*expected one of"):
        losses.check_choice("generator_loss", "bogus", losses.GENERATOR_LOSSES)
