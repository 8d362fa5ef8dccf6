"""DiscoGAN: 64x64 networks, the paper's and the authors'-code update schedules and losses."""
import lightning as L
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from zoo.models.discogan import DiscoGAN, feature_matching
from zoo.nets.discogan import DiscoGANDiscriminator, DiscoGANGenerator


def tiny(**kw) -> DiscoGAN:
    return DiscoGAN(**{**dict(generator_width=4, discriminator_width=4, sample_every_n_steps=0,
                              num_fixed_samples=0), **kw})


def fit(model, batches: int) -> None:
    torch.manual_seed(0)
    data = TensorDataset(torch.rand(2 * batches, 3, 64, 64) * 2 - 1, torch.rand(2 * batches, 3, 64, 64) * 2 - 1)
    L.Trainer(max_epochs=1, logger=False, enable_checkpointing=False, enable_progress_bar=False,
              enable_model_summary=False).fit(model, DataLoader(data, batch_size=2))


def test_networks_take_64px_images():
    g, d = DiscoGANGenerator(width=4), DiscoGANDiscriminator(width=4)
    y = g(torch.rand(2, 3, 64, 64) * 2 - 1)
    assert y.shape == (2, 3, 64, 64) and y.abs().max() <= 1
    logits, features = d(y)
    assert logits.shape == (2,) and [f.shape[1:] for f in features] == [(8, 16, 16), (16, 8, 8), (32, 4, 4)]
    with pytest.raises(ValueError, match="64x64"):
        g(torch.rand(1, 3, 128, 128))


def test_paper_variant_updates_d_and_g_every_batch():
    model = tiny()
    fit(model, batches=3)
    assert int(model.discriminator_updates) == 3 and int(model.generator_updates) == 3


def test_official_variant_updates_d_every_third_iteration_and_g_otherwise():
    model = tiny(variant="official")
    d_before = {k: v.clone() for k, v in model.discriminator_a.state_dict().items()}
    fit(model, batches=6)
    assert int(model.discriminator_updates) == 2 and int(model.generator_updates) == 4  # iterations 0 and 3 for D
    assert any(not torch.equal(v, model.discriminator_a.state_dict()[k]) for k, v in d_before.items())


def test_official_reconstruction_rate_and_feature_matching():
    model = tiny(variant="official", gan_curriculum=5, starting_rate=0.01, default_rate=0.5)
    assert model.reconstruction_rate() == 0.01
    model.generator_updates += 3
    model.discriminator_updates += 2
    assert model.iteration == 5 and model.reconstruction_rate() == 0.5
    f = [torch.rand(4, 2, 3, 3), torch.rand(4, 5)]
    assert feature_matching(f, f).item() == 0.0
    shifted = [f[0] + 0.5, f[1] - 2.0]  # batch means differ by 0.5 and 2: mean squared = 0.25 + 4
    assert feature_matching(f, shifted).item() == pytest.approx(4.25)


def test_paper_generator_loss_terms_and_bad_variant():
    model = tiny()
    a, b = torch.rand(2, 3, 64, 64) * 2 - 1, torch.rand(2, 3, 64, 64) * 2 - 1
    terms = model.generator_loss(a, b, model.generator(a), model.generator_ba(b))
    assert set(terms) == {"gan_a", "gan_b", "const_a", "const_b"}
    expected = torch.mean((model.generator_ba(model.generator(a)) - a) ** 2)
    assert terms["const_a"].item() == pytest.approx(expected.item(), rel=1e-5)  # L_CONST_A = ||G_BA(G_AB(a)) - a||²
    with pytest.raises(ValueError, match="variant='cycle'"):
        DiscoGAN(variant="cycle")
