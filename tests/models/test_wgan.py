"""WGAN (Arjovsky et al. 2017): clipping, the critic schedule with the authors' warm-up, and who moves when."""
import pytest
import torch
from tests.models.objective_helpers import (fit, image_loader, record_generator_and_critic_inputs, record_updates,
                                            toy_loader)

from zoo.models.wgan import WGAN


def toy_wgan(**kwargs) -> WGAN:
    args = dict(data_shape=(2,), latent_dim=4, hidden=(16, 16))
    return WGAN(**{**args, **kwargs})


def test_paper_defaults():
    model = WGAN(generator_width=8, critic_width=8)
    assert (model.hparams.lr, model.hparams.clip_value, model.hparams.critic_steps) == (5e-5, 0.01, 5)
    assert (model.hparams.warmup_critic_steps, model.hparams.warmup_generator_iterations,
            model.hparams.warmup_every) == (100, 25, 500)
    g_opt, c_opt = model.configure_optimizers()
    assert isinstance(g_opt, torch.optim.RMSprop) and isinstance(c_opt, torch.optim.RMSprop)
    assert model.sample(3).shape == (3, 1, 28, 28)


def test_critic_weights_lie_in_clip_range_after_updates():
    # a large learning rate pushes weights past c on every update; clipping must bring them back
    model = toy_wgan(lr=0.05, clip_value=0.01, warmup_critic_steps=2, warmup_generator_iterations=1)
    initial = [p.detach().clone() for p in model.critic.parameters()]
    fit(model, toy_loader())
    weights = torch.cat([p.detach().flatten() for p in model.critic.parameters()])
    assert weights.abs().max() <= 0.01
    assert (weights.abs() == 0.01).any()  # the constraint was active, not vacuous
    assert any(not torch.equal(a, p) for a, p in zip(initial, model.critic.parameters()))


def test_schedule_matches_the_authors_loop():
    model = toy_wgan()
    assert [model.critic_iterations(g) for g in (0, 24, 25, 26, 499, 500, 501, 1000)] == \
        [100, 100, 5, 5, 5, 100, 5, 100]
    for kwargs in ({}, dict(warmup_generator_iterations=0), dict(warmup_every=0), dict(warmup_every=7),
                   dict(warmup_generator_iterations=3, warmup_every=2, warmup_critic_steps=4, critic_steps=2)):
        m = toy_wgan(**kwargs)
        total = 0
        for g in range(1200):  # the closed form equals the running sum of the per-iteration counts
            total += m.critic_iterations(g)
            assert m.critic_updates_due(g) == total, (kwargs, g)


def test_critic_and_generator_updates_are_counted_and_separate():
    # warm-up of 3 critic steps for the first 2 generator iterations and every 4th, else 2
    model = toy_wgan(critic_steps=2, warmup_critic_steps=3, warmup_generator_iterations=2, warmup_every=4)
    calls = record_updates(model, model.critic)
    fit(model, toy_loader(n=16 * 20), max_epochs=1)  # 20 batches = 20 critic updates
    # the authors' loop: iterations 0, 1 (warm-up) and 4 (every 4th) take 3 critic steps, the others 2
    expected, critic_done, g = [], 0, 0
    for _ in range(20):
        expected.append("discriminator")
        critic_done += 1
        if critic_done == model.critic_iterations(g):
            expected.append("generator")
            critic_done, g = 0, g + 1
    assert [player for player, _, _ in calls] == expected
    assert int(model.discriminator_updates) == 20 and int(model.generator_updates) == g == 8
    assert all(moved_own and not moved_other for _, moved_own, moved_other in calls)


def test_wasserstein_estimate_is_logged():
    model = toy_wgan(warmup_critic_steps=1, warmup_generator_iterations=0, warmup_every=0, critic_steps=1)
    logged = {}
    model.log = lambda name, value, **kw: logged.__setitem__(name, value)
    fit(model, toy_loader(), max_epochs=1)
    assert "wasserstein_estimate" in logged and torch.isfinite(logged["wasserstein_estimate"])


def test_images_train_with_the_dcgan_critic():
    model = WGAN(generator_width=8, critic_width=8, warmup_critic_steps=1, warmup_generator_iterations=1)
    fit(model, image_loader(), max_epochs=1)
    assert int(model.generator_updates) == 1 and int(model.discriminator_updates) == 2
    assert all(p.abs().max() <= 0.01 for p in model.critic.parameters())


@pytest.mark.parametrize("kwargs", [dict(clip_value=0), dict(critic_steps=0), dict(warmup_every=-1),
                                    dict(data_shape=(1, 28, 27))])
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        toy_wgan(**kwargs)


def test_generator_update_draws_fresh_noise():
    # Algorithm 1, line 9: after the critic's loop, "Sample {z(i)} ~ p(z) a batch of prior samples" for G
    model = toy_wgan(critic_steps=1, warmup_critic_steps=1, warmup_generator_iterations=0, warmup_every=0)
    g_calls, critic_inputs = record_generator_and_critic_inputs(model)
    fit(model, toy_loader(n=16, batch_size=16))  # one batch: one critic update, then one generator update
    assert int(model.discriminator_updates) == 1 and int(model.generator_updates) == 1
    (z_critic, fake_critic), (z_generator, fake_generator) = g_calls
    assert not torch.equal(z_critic, z_generator)
    torch.testing.assert_close(critic_inputs[1], fake_critic)      # the critic's step scores G(z) of its own z
    torch.testing.assert_close(critic_inputs[-1], fake_generator)  # G's step scores G of the fresh z
