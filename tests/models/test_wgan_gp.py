"""WGAN-GP (Gulrajani et al. 2017): n_critic, the penalty in the critic's loss, no BatchNorm, who moves when."""
import pytest
import torch
from tests.models.objective_helpers import (fit, image_loader, record_generator_and_critic_inputs, record_updates,
                                            toy_loader)

from zoo.core.regularizers import gradient_penalty
from zoo.models.wgan_gp import WGANGP


def toy_wgan_gp(**kwargs) -> WGANGP:
    return WGANGP(**{**dict(data_shape=(2,), latent_dim=4, hidden=(16, 16)), **kwargs})


def test_paper_defaults():
    model = WGANGP(generator_width=8, critic_width=8)
    hp = model.hparams
    assert (hp.penalty_weight, hp.critic_steps, hp.lr, tuple(hp.betas), hp.one_sided) == (10.0, 5, 1e-4, (0.0, 0.9),
                                                                                           False)
    assert not any(isinstance(m, torch.nn.modules.batchnorm._BatchNorm) for m in model.critic.modules())
    g_opt, _ = model.configure_optimizers()
    assert isinstance(g_opt, torch.optim.Adam) and g_opt.defaults["betas"] == (0.0, 0.9)


def test_batchnorm_critic_is_refused():
    with pytest.raises(ValueError, match="BatchNorm"):
        WGANGP(critic_norm="batch")


def test_n_critic_updates_per_generator_update_and_players_are_separate():
    model = toy_wgan_gp(critic_steps=3)
    calls = record_updates(model, model.critic)
    fit(model, toy_loader(n=16 * 9))
    assert [p for p, _, _ in calls] == (["discriminator"] * 3 + ["generator"]) * 3
    assert all(own and not other for _, own, other in calls)


def test_critic_loss_includes_the_weighted_penalty(monkeypatch):
    import zoo.models.wgan_gp as paper

    model = toy_wgan_gp(penalty_weight=7.0, critic_steps=1)
    penalties, steps, logged = [], [], {}
    monkeypatch.setattr(paper, "gradient_penalty",
                        lambda *a, **k: penalties.append(gradient_penalty(*a, **k)) or penalties[-1])
    original = model.step
    model.step = lambda opt, loss, name, player: steps.append((player, loss.detach())) or original(opt, loss, name,
                                                                                                      player)
    model.log = lambda name, value, **kw: logged.setdefault(name, value)
    fit(model, toy_loader(n=16, batch_size=16))
    assert steps[0][0] == "discriminator" and len(penalties) == 1
    # line 7: L = D(x̃) − D(x) + λ·GP, and the logged Wasserstein estimate is −(D(x̃) − D(x))
    torch.testing.assert_close(steps[0][1], -logged["wasserstein_estimate"] + 7.0 * penalties[0].detach())


def test_images_with_layer_norm_critic():
    model = WGANGP(generator_width=8, critic_width=8, critic_steps=1)
    fit(model, image_loader(), max_epochs=1)
    assert int(model.generator_updates) == 2 and model.sample(2).shape == (2, 1, 28, 28)


def test_generator_update_draws_fresh_noise():
    # Algorithm 1, line 11: "Sample a batch of latent variables {z(i)} ~ p(z)" for G's update
    model = toy_wgan_gp(critic_steps=1, penalty_weight=0.0)
    g_calls, critic_inputs = record_generator_and_critic_inputs(model)
    fit(model, toy_loader(n=16, batch_size=16))  # one batch: one critic update, then one generator update
    assert int(model.discriminator_updates) == 1 and int(model.generator_updates) == 1
    (z_critic, fake_critic), (z_generator, fake_generator) = g_calls
    assert not torch.equal(z_critic, z_generator)
    torch.testing.assert_close(critic_inputs[1], fake_critic)      # the critic's loss scores x̃ = G(z) (line 7)
    torch.testing.assert_close(critic_inputs[-1], fake_generator)  # G's update scores G of the fresh z (line 12)
