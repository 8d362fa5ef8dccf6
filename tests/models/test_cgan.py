"""Conditional GAN: the label reaches both players, sampling by label, training."""
from __future__ import annotations

import lightning as L
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from zoo.nets.conditional import one_hot
from zoo.models.cgan import CGAN

SMALL = {"mlp": dict(architecture="mlp"),
         "dcgan": dict(architecture="dcgan", optimizer="adam", lr=2e-4, generator_width=8, discriminator_width=8)}


@pytest.mark.parametrize("arch", list(SMALL))
def test_the_label_reaches_generator_and_discriminator(arch):
    torch.manual_seed(0)
    model = CGAN(**SMALL[arch]).eval()
    z = model.noise(4)
    x = torch.rand(4, 1, 28, 28) * 2 - 1
    y3, y7 = one_hot(torch.full((4,), 3), 10), one_hot(torch.full((4,), 7), 10)
    with torch.no_grad():
        assert not torch.allclose(model.generator(z, y3), model.generator(z, y7))           # G(z|y) depends on y
        assert not torch.allclose(model.discriminator(x, y3), model.discriminator(x, y7))   # D(x|y) depends on y


@pytest.mark.parametrize("arch", list(SMALL))
def test_sample_by_label(arch):
    torch.manual_seed(0)
    model = CGAN(**SMALL[arch])
    g = lambda: torch.Generator().manual_seed(1)  # noqa: E731
    images = model.sample(10, labels=torch.arange(10), generator=g())
    assert images.shape == (10, 1, 28, 28) and images.abs().max() <= 1
    assert torch.equal(images, model.sample(10, generator=g()))        # None cycles 0..9
    assert not torch.equal(model.sample(10, labels=2, generator=g()), images)
    assert model.training                                                # sampling restored the mode
    with pytest.raises(ValueError, match=r"\[0, 10\)"):
        model.sample(2, labels=torch.tensor([0, 10]))
    with pytest.raises(ValueError, match="expected \\(3,\\)"):
        model.sample(3, labels=torch.tensor([0, 1]))


def test_preview_has_one_row_per_class():
    model = CGAN(**SMALL["dcgan"])
    model.setup("fit")
    assert model.preview().shape == (100, 1, 28, 28)


def fit(model, steps: int = 2):
    L.seed_everything(0, verbose=False)
    data = TensorDataset(torch.rand(32, 1, 28, 28) * 2 - 1, torch.arange(32) % 10)
    trainer = L.Trainer(max_epochs=1, limit_train_batches=steps, logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model, DataLoader(data, batch_size=8))
    return model


@pytest.mark.parametrize("arch", list(SMALL))
def test_training_updates_both_players_once_per_batch(arch):
    model = CGAN(**SMALL[arch])
    before = {k: v.clone() for k, v in model.state_dict().items()}
    fit(model, steps=2)
    assert int(model.generator_updates) == 2 and int(model.discriminator_updates) == 2
    for prefix in ("generator.", "discriminator."):
        assert any(not torch.equal(v, before[k]) for k, v in model.state_dict().items()
                   if k.startswith(prefix) and v.is_floating_point()), prefix


def test_sgd_learning_rate_decays_as_in_the_paper():
    model = fit(CGAN(architecture="mlp", lr=0.1, lr_decay=2.0), steps=3)
    g_opt, d_opt = model.trainer.optimizers
    assert d_opt.param_groups[0]["lr"] == pytest.approx(0.1 / 2 ** 2)   # set before the 3rd update
    assert CGAN(architecture="mlp").hparams.lr_decay == 1.00004



def test_bad_choices_are_refused():
    with pytest.raises(ValueError, match="architecture"):
        CGAN(architecture="resnet")
