"""AC-GAN: two heads on D, D's objective L_S + L_C, G's objective L_C - L_S, sampling by label."""
from __future__ import annotations

import lightning as L
import pytest
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

from zoo.models.acgan import ACGAN
from zoo.nets.conditional import one_hot

SMALL = dict(generator_width=8, discriminator_width=8)


def test_discriminator_has_a_source_and_a_class_head():
    model = ACGAN(**SMALL)
    source, classes = model.source_and_class(torch.rand(3, 1, 28, 28) * 2 - 1)
    assert source.shape == (3,) and classes.shape == (3, 10)
    model.discriminator.eval()
    x = torch.rand(4, 1, 28, 28) * 2 - 1
    assert torch.equal(model.classify(x), model.discriminator(x)[:, 1:].argmax(1))


def test_the_label_reaches_the_generator():
    torch.manual_seed(0)
    model = ACGAN(**SMALL).eval()
    z = model.noise(4)
    with torch.no_grad():
        a = model.generator(z, one_hot(torch.full((4,), 1), 10))
        b = model.generator(z, one_hot(torch.full((4,), 8), 10))
    assert not torch.allclose(a, b)


def test_generator_objective_is_l_c_minus_l_s():
    source = torch.tensor([0.3, -1.2, 2.0])
    classes = torch.tensor([[1.0, 0.0, -1.0], [0.0, 2.0, 0.5], [0.1, 0.1, 3.0]])
    labels = torch.tensor([0, 1, 2])
    l_c = torch.log_softmax(classes, 1)[torch.arange(3), labels].mean()     # E log P(C = c | X_fake)
    p_real = torch.sigmoid(source)
    l_s_fake = torch.log(1 - p_real).mean()                                  # E log P(S = fake | X_fake)
    model = ACGAN(num_classes=3, generator_loss="minimax", **SMALL)
    assert model.generator_objective(source, classes, labels) == pytest.approx(float(-(l_c - l_s_fake)), rel=1e-5)
    # the default replaces -E log P(S=fake) by the non-saturating -E log P(S=real); L_C is the same
    default = ACGAN(num_classes=3, **SMALL)
    assert default.generator_objective(source, classes, labels) == \
        pytest.approx(float(-l_c - torch.log(p_real).mean()), rel=1e-5)


def fit(model, steps: int = 1):
    L.seed_everything(0, verbose=False)
    data = TensorDataset(torch.rand(16, 1, 28, 28) * 2 - 1, torch.arange(16) % 10)
    trainer = L.Trainer(max_epochs=1, limit_train_batches=steps, logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model, DataLoader(data, batch_size=8))
    return model


class Recording(ACGAN):
    """ACGAN that records D's outputs and the losses handed to each update."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.outputs, self.losses, self.generated_labels = [], {}, []
        self.generator.register_forward_pre_hook(lambda _, args: self.generated_labels.append(args[1].argmax(1)))

    def source_and_class(self, x):
        out = super().source_and_class(x)
        self.outputs.append(tuple(t.detach() for t in out))
        return out

    def step(self, optimizer, loss, name, player):
        self.losses[player] = loss.detach()
        return super().step(optimizer, loss, name, player)


@pytest.mark.parametrize("generator_loss", ["minimax", "non_saturating"])
def test_training_step_losses_are_the_papers_objectives(generator_loss):
    model = fit(Recording(generator_loss=generator_loss, **SMALL))
    (s_real, c_real), (s_fake_d, c_fake_d), (s_fake_g, c_fake_g) = model.outputs
    labels = model.generated_labels[0]
    real_labels = (torch.arange(16) % 10)[:8]   # the first batch of the (unshuffled) loader
    l_s = F.logsigmoid(s_real).mean() + F.logsigmoid(-s_fake_d).mean()
    l_c = -F.cross_entropy(c_real, real_labels) - F.cross_entropy(c_fake_d, labels)
    assert float(model.losses["discriminator"]) == pytest.approx(float(-(l_s + l_c)), rel=1e-5)  # max L_S + L_C
    l_c_fake = -F.cross_entropy(c_fake_g, labels)
    if generator_loss == "minimax":                                                             # max L_C - L_S
        expected = -(l_c_fake - F.logsigmoid(-s_fake_g).mean())
    else:
        expected = -(l_c_fake + F.logsigmoid(s_fake_g).mean())
    assert float(model.losses["generator"]) == pytest.approx(float(expected), rel=1e-5)
    assert int(model.generator_updates) == 1 and int(model.discriminator_updates) == 1


def test_discriminator_loss_is_minus_l_s_plus_l_c():
    source_real, source_fake = torch.tensor([1.0, -0.5]), torch.tensor([0.2, -2.0])
    class_real, class_fake = torch.randn(2, 10), torch.randn(2, 10)
    y_real, y_fake = torch.tensor([3, 4]), torch.tensor([5, 6])
    from zoo.core import losses
    from zoo.models.acgan import class_log_likelihood
    l_s = losses.gan_value(source_real, source_fake)
    l_c = class_log_likelihood(class_real, y_real) + class_log_likelihood(class_fake, y_fake)
    by_hand = (torch.log(torch.sigmoid(source_real)).mean() + torch.log(1 - torch.sigmoid(source_fake)).mean()
               - F.cross_entropy(class_real, y_real) - F.cross_entropy(class_fake, y_fake))
    assert float(l_s + l_c) == pytest.approx(float(by_hand), rel=1e-5)


def test_sample_by_label_and_one_preview_row_per_class():
    model = fit(ACGAN(**SMALL), steps=2).eval()
    images = model.sample(10, labels=torch.arange(10), generator=torch.Generator().manual_seed(0))
    assert images.shape == (10, 1, 28, 28)
    model.setup("fit")
    assert model.preview().shape == (100, 1, 28, 28)


def test_cifar_shapes_and_bad_choices():
    model = ACGAN(channels=3, image_size=32, **SMALL)
    assert model.sample(2, labels=[0, 9]).shape == (2, 3, 32, 32)
    with pytest.raises(ValueError, match="generator_loss"):
        ACGAN(generator_loss="wasserstein")
