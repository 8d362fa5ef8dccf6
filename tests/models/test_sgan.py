"""Semi-supervised GAN: the unsupervised loss in closed form, classify, and labels of the unlabelled set unread."""
from __future__ import annotations

import lightning as L
import pytest
import torch
from torch.utils.data import TensorDataset

from zoo.data.semi import SemiSupervisedDataModule, balanced_subset
from zoo.models.sgan import SGAN, feature_matching_loss, unsupervised_loss

TINY = dict(discriminator_hidden=(16, 8), generator_hidden=(16,), latent_dim=4)


class InMemorySemi(SemiSupervisedDataModule):
    """The semi-supervised module over given tensors (its labels may be poisoned by a test)."""

    def __init__(self, images, labels, **kwargs) -> None:
        super().__init__(**kwargs)
        self.images, self.labels = images, labels

    def load_train(self):
        return self.images, self.labels

    def load_eval(self):
        return TensorDataset(self.images[:20], self.labels[:20].clamp(min=0))


def digits(n: int = 120, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, 1, 28, 28, generator=g) * 2 - 1, torch.arange(n) % 10


def test_unsupervised_loss_matches_a_hand_computation():
    real = torch.tensor([[0.5, -1.0, 2.0], [0.0, 0.0, 0.0]])
    fake = torch.tensor([[-3.0, 1.0, 0.2]])
    z_real, z_fake = real.exp().sum(1), fake.exp().sum(1)          # Z = Σ_k exp(l_k)
    d_real, d_fake = z_real / (z_real + 1), z_fake / (z_fake + 1)  # D(x) = Z / (Z + 1)
    expected = 0.5 * (-d_real.log().mean() - (1 - d_fake).log().mean())
    assert unsupervised_loss(real, fake) == pytest.approx(float(expected), rel=1e-6)
    # stable where the naive form overflows
    assert torch.isfinite(unsupervised_loss(torch.full((2, 3), 200.0), torch.full((2, 3), -200.0)))


def test_feature_matching_is_the_squared_gap_of_the_feature_means():
    real, fake = torch.tensor([[1.0, 2.0], [3.0, 4.0]]), torch.tensor([[0.0, 0.0], [2.0, 2.0]])
    assert feature_matching_loss(real, fake) == pytest.approx(((2 - 1) ** 2 + (3 - 1) ** 2) / 2)


@pytest.mark.parametrize("ema", [None, 0.9])
def test_classify_is_the_argmax_of_the_k_logits_in_eval_mode(ema):
    torch.manual_seed(0)
    model = SGAN(**TINY, discriminator_ema_decay=ema)
    x = torch.rand(6, 1, 28, 28) * 2 - 1
    net = model.discriminator if ema is None else model.discriminator_ema.module
    net.eval()
    logits = net(x)
    assert logits.shape == (6, 10)
    expected = logits.argmax(1)
    model.train()
    assert torch.equal(model.classify(x), expected)
    assert net.training                                  # classify leaves the mode as it was


def test_balanced_subset_is_seeded_and_balanced():
    labels = torch.arange(200) % 10
    a, b = balanced_subset(labels, 3, 10, seed=5), balanced_subset(labels, 3, 10, seed=5)
    assert torch.equal(a, b)
    assert not torch.equal(a, balanced_subset(labels, 3, 10, seed=6))
    assert torch.bincount(labels[a], minlength=10).tolist() == [3] * 10
    with pytest.raises(ValueError, match="fewer than per_class"):
        balanced_subset(labels, 30, 10, seed=0)


def test_unlabelled_stream_carries_images_only_and_the_subset_is_recorded():
    images, labels = digits()
    dm = InMemorySemi(images, labels, labelled_per_class=2, batch_size=10)
    dm.setup("fit")
    assert len(dm.splits["unlabelled"].tensors) == 1     # no label tensor at all
    assert len(dm.splits["labelled"]) == 20
    batch = next(iter(dm.train_dataloader()))
    assert set(batch[0]) == {"unlabelled", "unlabelled_g", "labelled"}
    for key in ("unlabelled", "unlabelled_g"):          # images only, no label tensor
        assert len(batch[0][key]) == 1 and batch[0][key][0].shape == (10, 1, 28, 28)
    # G's real batch is a second, independent shuffle (authors' trainx_unl2), not D's batch again
    assert not torch.equal(batch[0]["unlabelled"][0], batch[0]["unlabelled_g"][0])
    # the labelled batches cycle through permutations of the subset: 20 examples in two batches of 10, each once
    first_two = [b[0]["labelled"][1] for b in list(iter(dm.train_dataloader()))[:2]]
    assert sorted(torch.cat(first_two).tolist()) == sorted(dm.splits["labelled"].tensors[1].tolist())
    record = dm.subset_record()
    assert record["num_labelled"] == 20 and record["labels"] == labels[record["indices"]].tolist()
    assert dm.state_dict()["labelled_subset"]["seed"] == 0


def fit(images, labels, steps: int = 3) -> SGAN:
    L.seed_everything(0, verbose=False)
    model = SGAN(**TINY)
    dm = InMemorySemi(images, labels, labelled_per_class=2, batch_size=10)
    trainer = L.Trainer(max_epochs=1, limit_train_batches=steps, limit_val_batches=0, logger=False,
                        enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model, datamodule=dm)
    return model


def test_training_never_reads_the_labels_of_the_unlabelled_set():
    images, labels = digits()
    subset = balanced_subset(labels, 2, 10, seed=0)
    poisoned = torch.full_like(labels, -1)               # an invalid class: cross-entropy would fail on it
    poisoned[subset] = labels[subset]
    clean, blind = fit(images, labels), fit(images, poisoned)
    assert int(clean.discriminator_updates) == 3 and int(clean.generator_updates) == 3
    for (name, a), b in zip(clean.state_dict().items(), blind.state_dict().values()):
        assert torch.equal(a, b), name                   # same run whatever the other labels say


def test_training_moves_both_players_and_initialises_weight_norm_from_data():
    images, labels = digits()
    model = fit(images, labels, steps=2)
    assert bool(model.discriminator.initialized)
    L.seed_everything(0, verbose=False)
    before = {k: v.clone() for k, v in SGAN(**TINY).state_dict().items()}
    for prefix in ("generator.", "discriminator.", "discriminator_ema."):
        moved = [k for k, v in model.state_dict().items() if k.startswith(prefix) and v.is_floating_point()
                 and not torch.equal(v, before[k])]
        assert moved, prefix
    # after the data-dependent init, hidden pre-activations on that batch had unit spread; their scales then stay
    # fixed (authors' code) while the output layer's scale trains
    hidden = model.discriminator.trunk[2]
    assert not hidden.scale.requires_grad and model.discriminator.head[1].scale.requires_grad
    d_params = {id(p) for p in model.trainer.optimizers[1].param_groups[0]["params"]}
    assert id(hidden.scale) not in d_params and id(hidden.direction) in d_params



def test_data_dependent_init_standardises_pre_activations():
    from zoo.nets.semi import WeightNormLinear

    layer = WeightNormLinear(20, 5)
    x = torch.randn(300, 20) * 3 + 1
    layer.initialize(x)
    out = layer(x)
    assert torch.allclose(out.mean(0), torch.zeros(5), atol=1e-4)
    assert torch.allclose(out.std(0), torch.ones(5), atol=1e-3)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="num_classes"):
        SGAN(num_classes=1, **TINY)
    with pytest.raises(ValueError, match="lr_decay_start"):
        SGAN(lr_decay_start=2.0, **TINY)
    with pytest.raises(ValueError, match="discriminator_ema_decay"):
        SGAN(discriminator_ema_decay=1.5, **TINY)


def test_generator_pixels_are_the_authors_sigmoid():
    """D sees (G(z) + 1) / 2; it must equal sigmoid(a) of G's output pre-activation a (the authors' sigmoid output).

    A tanh(a) output would give sigmoid(2a): twice the slope of the authors' generator. That was this module's
    bug: G overshot, feature matching grew to 7-30 and D separated real from fake outright.
    """
    torch.manual_seed(0)
    g = SGAN(**TINY).generator.eval()
    z = torch.rand(5, 4)
    pre_activation = g.net[:-1](z)
    assert torch.allclose((g(z).flatten(1) + 1) / 2, torch.sigmoid(pre_activation), atol=1e-6)


def test_data_dependent_init_counts_the_training_noise():
    """As the authors' init (run in training mode), the first layer's pre-activations have unit variance with the
    input noise included, so training-mode activations start at unit scale rather than inflated by the noise."""
    torch.manual_seed(0)
    d = SGAN(**TINY).discriminator
    x = torch.rand(2000, 1, 28, 28) * 2 - 1
    d.initialize_from_data(x)
    first = d.trunk[2].requires_grad_(False)
    noisy = d.check_input(x).flatten(1) + torch.randn(2000, 784) * d.trunk[1].std
    clean = d.check_input(x).flatten(1)
    assert float(first(noisy).std(0).mean()) == pytest.approx(1.0, abs=0.1)
    assert float(first(clean).std(0).mean()) < 0.9             # the signal alone is below unit scale
