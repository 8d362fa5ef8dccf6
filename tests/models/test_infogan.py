"""InfoGAN: the codes and their prior (the authors' run), the information loss (Q falls on a fixed batch; both G and Q
updates use L_I), fresh codes for G's update, sampling."""
from __future__ import annotations

import math

import lightning as L
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from zoo.models.infogan import InfoGAN

SMALL = dict(width=8, fc_units=32)


def test_latent_layout_and_prior():
    model = InfoGAN(**SMALL)
    z, category, continuous = model.draw_codes(500, torch.Generator().manual_seed(0))
    assert z.shape == (500, 62) and category.shape == (500,) and continuous.shape == (500, 2)
    assert category.min() == 0 and category.max() == 9
    assert continuous.min() >= -1 and continuous.max() <= 1
    # z ~ U(-1, 1)^62, the authors' Uniform(62) (variance 1/3), not N(0, 1)
    assert z.min() >= -1 and z.max() <= 1 and abs(z.var().item() - 1 / 3) < 0.01
    latent = model.latent(z, category, continuous)
    assert latent.shape == (500, 74) and model.latent_dim == 74
    assert torch.equal(latent[:, 62:72].argmax(1), category)


def test_information_loss_closed_form_and_bound():
    model = InfoGAN(**SMALL)
    q_out = torch.tensor([[2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5, -0.5]])
    category, continuous = torch.tensor([0]), torch.tensor([[0.0, 0.0]])
    loss, bound = model.information_loss(q_out, category, continuous)
    ce = -torch.log_softmax(q_out[0, :10], 0)[0]
    # λ = 1 for the continuous codes as for the categorical one (Appendix C; the authors' info_reg_coeff=1.0)
    assert loss == pytest.approx(float(ce + 1.0 * 0.5 * (0.25 + 0.25)), rel=1e-6)
    old, _ = InfoGAN(continuous_weight=0.1, **SMALL).information_loss(q_out, category, continuous)
    assert old == pytest.approx(float(ce + 0.1 * 0.5 * (0.25 + 0.25)), rel=1e-6)
    assert bound == pytest.approx(math.log(10) - float(ce), rel=1e-6)   # L_I = H(c) - CE <= ln 10


def test_normal_noise_is_the_option():
    model = InfoGAN(noise="normal", **SMALL)
    z, _, _ = model.draw_codes(5000, torch.Generator().manual_seed(0))
    assert z.abs().max() > 2 and abs(z.var().item() - 1) < 0.05
    assert model.code_grid(steps=3)[0].shape == (1, 28, 28)
    with pytest.raises(ValueError, match="noise='cauchy'"):
        InfoGAN(noise="cauchy", **SMALL)


def generator_step_codes(**kwargs):
    """One training batch; returns (G's inputs, in call order; the codes each information_loss call was given)."""
    L.seed_everything(0, verbose=False)
    model = InfoGAN(**SMALL, **kwargs)
    inputs, codes = [], []
    forward, information_loss = model.generator.forward, model.information_loss
    model.generator.forward = lambda latent: inputs.append(latent.detach().clone()) or forward(latent)
    model.information_loss = lambda q, c, k: codes.append((c.clone(), k.clone())) or information_loss(q, c, k)
    data = TensorDataset(torch.rand(8, 1, 28, 28) * 2 - 1, torch.zeros(8, dtype=torch.long))
    L.Trainer(max_epochs=1, limit_train_batches=1, logger=False, enable_checkpointing=False, enable_progress_bar=False,
              enable_model_summary=False).fit(model, DataLoader(data, batch_size=8))
    return model, inputs, codes


def test_generator_update_draws_fresh_noise_and_codes():
    model, inputs, codes = generator_step_codes()
    assert len(inputs) == 2 and not torch.equal(inputs[0], inputs[1])  # D's G(z, c), then G's own draw
    (category_d, continuous_d), (category_g, continuous_g) = codes       # Q's targets in the D and the G step
    for latent, category, continuous in ((inputs[0], category_d, continuous_d), (inputs[1], category_g, continuous_g)):
        assert torch.equal(latent[:, 62:72].argmax(1), category) and torch.equal(latent[:, 72:], continuous)
    _, reused, _ = generator_step_codes(fresh_generator_codes=False)
    assert len(reused) == 1                                                # the old choice: one G(z, c) per batch


def test_q_loss_falls_on_a_fixed_batch():
    torch.manual_seed(0)
    model = InfoGAN(**SMALL)
    z, category, continuous = model.draw_codes(32)
    with torch.no_grad():
        fake = model.generator(model.latent(z, category, continuous))
    opt = torch.optim.Adam(model.discriminator.parameters(), lr=1e-3, betas=(0.5, 0.999))
    losses = []
    for _ in range(20):
        loss, _ = model.information_loss(model.discriminator.codes(fake), category, continuous)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]


def one_step(info_weight: float, continuous_weight: float) -> InfoGAN:
    L.seed_everything(0, verbose=False)
    model = InfoGAN(info_weight=info_weight, continuous_weight=continuous_weight, **SMALL)
    data = TensorDataset(torch.rand(8, 1, 28, 28) * 2 - 1, torch.zeros(8, dtype=torch.long))
    trainer = L.Trainer(max_epochs=1, limit_train_batches=1, logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model, DataLoader(data, batch_size=8))
    return model


def test_categorical_term_trains_both_q_and_g():
    with_info, without = one_step(1.0, 0.0), one_step(0.0, 0.0)
    assert int(with_info.generator_updates) == 1 and int(with_info.discriminator_updates) == 1
    # the Q update: the categorical head moves only when L_I is in its loss (it has no other gradient)
    L.seed_everything(0, verbose=False)       # the same seed gives one_step's initial weights
    initial = InfoGAN(**SMALL).discriminator.q_head.state_dict()
    q_with, q_without = with_info.discriminator.q_head[0].weight, without.discriminator.q_head[0].weight
    assert not torch.equal(q_with, initial["0.weight"])
    assert torch.equal(q_without, initial["0.weight"])
    # the G update: the same step with and without λ L_I moves G differently (D's step is identical there
    # up to Q, and G's own adversarial term is the same function of G)
    g_with, g_without = with_info.generator.project[0].weight, without.generator.project[0].weight
    assert not torch.allclose(g_with, g_without)


def test_sample_with_codes_and_code_grid():
    torch.manual_seed(0)
    model = InfoGAN(**SMALL)
    g = lambda: torch.Generator().manual_seed(2)  # noqa: E731
    a = model.sample(4, codes={"category": 3}, generator=g())
    b = model.sample(4, codes={"category": 4}, generator=g())
    assert a.shape == (4, 1, 28, 28) and not torch.equal(a, b)
    c = model.sample(4, codes={"category": 3, "continuous": [1.5, 0.0]}, generator=g())
    assert not torch.equal(a, c)
    assert model.code_grid(code=1, steps=5).shape == (50, 1, 28, 28)
    codes = model.infer_codes(a)
    assert codes["category"].shape == (4,) and codes["continuous"].shape == (4, 2)
    with pytest.raises(ValueError, match="unknown code"):
        model.sample(2, codes={"colour": 1})
    with pytest.raises(ValueError, match="expected 2"):
        model.sample(2, codes={"continuous": [0.0, 0.0, 0.0]})
    with pytest.raises(ValueError, match=r"\[0, 10\)"):
        model.sample(2, codes={"category": 10})


def test_preview_rows_are_categories():
    model = InfoGAN(**SMALL)
    model.setup("fit")
    fixed = model.fixed_noise
    assert fixed.shape == (100, 74)
    assert torch.equal(fixed[:, 62:72].argmax(1), torch.arange(10).repeat_interleave(10))
    assert torch.equal(fixed[:10, :62], fixed[10:20, :62])   # the same noise in every row
