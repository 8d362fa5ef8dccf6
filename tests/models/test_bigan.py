"""BiGAN / ALI: the pairs D sees, which networks each update moves, encode / reconstruct shapes."""
import lightning as L
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from zoo.models.bigan import BiGAN

TOY = dict(data_shape=(2,), latent_dim=3, generator_hidden=(16,), encoder_hidden=(16,), discriminator_hidden=(16,),
           output=None, sample_every_n_steps=0)


def fit_one_batch(model, x):
    trainer = L.Trainer(accelerator="cpu", max_steps=2, limit_train_batches=1, max_epochs=1, logger=False,
                        enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model, DataLoader(TensorDataset(x, torch.zeros(len(x))), batch_size=len(x)))


def test_discriminator_receives_data_with_codes_and_samples_with_their_noise():
    torch.manual_seed(0)
    model = BiGAN(**TOY, dropout=0.0)
    x = torch.randn(8, 2)
    encoder_before = {k: v.clone() for k, v in model.encoder.state_dict().items()}
    generator_before = {k: v.clone() for k, v in model.generator.state_dict().items()}
    calls = []
    original = model.discriminator.forward
    model.discriminator.forward = lambda a, b: calls.append((a.detach().clone(), b.detach().clone())) or original(a, b)
    fit_one_batch(model, x)
    (x_real, z_real), (x_fake, z_fake) = calls[0], calls[1]  # the D step's two pairs
    model.encoder.load_state_dict(encoder_before)
    model.generator.load_state_dict(generator_before)
    torch.testing.assert_close(x_real, x)                                # (x, E(x)) with x from the batch
    torch.testing.assert_close(z_real, model.encoder(x).detach())
    torch.testing.assert_close(x_fake, model.generator(z_fake).detach())  # (G(z), z) with z from the prior
    assert z_fake.abs().max() <= 1.0                                      # BiGAN's U[-1, 1] prior
    assert len(calls) == 4                                                # then G/E's step scores both pairs again


def test_generator_and_encoder_updates_both_move_and_d_moves_on_its_step():
    torch.manual_seed(0)
    model = BiGAN(**TOY)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    fit_one_batch(model, torch.randn(8, 2))
    moved = {k.split(".")[0] for k, v in model.state_dict().items() if not torch.equal(v, before[k])}
    assert {"generator", "encoder", "discriminator"} <= moved
    assert int(model.generator_updates) == 1 and int(model.discriminator_updates) == 1


@pytest.mark.parametrize("stochastic", [False, True])
def test_encode_has_the_latent_shape_and_reconstruct_the_data_shape(stochastic):
    model = BiGAN(data_shape=(1, 28, 28), latent_dim=7, generator_hidden=(8,), encoder_hidden=(8,),
                  discriminator_hidden=(8,), stochastic_encoder=stochastic)
    x = torch.rand(5, 1, 28, 28) * 2 - 1
    assert model.encode(x).shape == (5, 7)
    assert model.reconstruct(x).shape == (5, 1, 28, 28)
    assert model.sample(3, generator=torch.Generator().manual_seed(0)).shape == (3, 1, 28, 28)
    if stochastic:  # ALI: the mean is deterministic, a draw is not
        torch.testing.assert_close(model.encode(x), model.encode(x))
        assert not torch.equal(model.encode(x, sample=True), model.encode(x))
    with pytest.raises(ValueError, match="expects inputs of shape"):
        model.encode(torch.zeros(5, 784))



def test_bad_noise_is_refused():
    with pytest.raises(ValueError, match="noise"):
        BiGAN(**TOY, noise="cauchy")


# ---------------------------------------------------------------- the authors' schedule and discriminator wiring
def test_learning_rate_schedule_of_the_authors_mnist_script():
    model = BiGAN(**TOY)
    lr = model.hparams.lr
    # exponential after 200 constant epochs, to 0.01 x lr at the 400th: lr * 0.01^((e - 199) / 200)
    assert [model.learning_rate(e) for e in (0, 199)] == [lr, lr]
    assert model.learning_rate(200) == pytest.approx(lr * 0.01 ** (1 / 200))
    assert model.learning_rate(299) == pytest.approx(lr * 0.1)
    assert [model.learning_rate(e) for e in (399, 1000)] == pytest.approx([2e-6, 2e-6])
    linear = BiGAN(**TOY, lr_schedule="linear")
    assert [linear.learning_rate(e) for e in (199, 200, 300, 399)] == pytest.approx([lr, lr, lr / 2, lr / 200])
    assert BiGAN(**TOY, lr_schedule="constant").learning_rate(399) == lr
    with pytest.raises(ValueError, match="final_lr_factor=0"):
        BiGAN(**TOY, final_lr_factor=0.0)


def test_the_schedule_sets_both_optimizers_every_epoch():
    model = BiGAN(**TOY, lr_decay_start_epoch=1, lr_decay_epochs=2)
    seen = []
    original = model.step
    model.step = lambda opt, loss, name, player: seen.append((player, opt.param_groups[0]["lr"])) or original(
        opt, loss, name, player)
    L.Trainer(accelerator="cpu", max_epochs=3, logger=False, enable_checkpointing=False, enable_progress_bar=False,
              enable_model_summary=False).fit(model, DataLoader(TensorDataset(torch.randn(8, 2), torch.zeros(8)),
                                                                batch_size=8))
    expected = [2e-4, 2e-4 * 0.1, 2e-4 * 0.01]  # epoch 0 constant, then 0.01^(1/2) and 0.01^(2/2)
    assert [p for p, _ in seen] == ["discriminator", "generator"] * 3
    assert [lr for _, lr in seen] == pytest.approx([x for x in expected for _ in range(2)])


def test_authors_discriminator_adds_z_into_its_second_hidden_layer():
    torch.manual_seed(0)
    model = BiGAN(**{**TOY, "discriminator_hidden": (16, 16)}, discriminator_z_layer=2,
                  discriminator_batch_norm=True, dropout=0.0)
    d = model.discriminator
    assert d.linears[0].in_features == 2 and d.z_projection.weight.shape == (16, 3)  # x alone enters layer 1
    assert isinstance(d.norms[0], torch.nn.Identity) and isinstance(d.norms[1], torch.nn.BatchNorm1d)
    first = []
    d.linears[0].register_forward_hook(lambda m, i, o: first.append(o.detach()))
    x = torch.randn(8, 2)
    a, b = d(x, torch.rand(8, 3)), d(x, torch.rand(8, 3))
    assert torch.equal(first[0], first[1]) and not torch.allclose(a, b)  # z changes D only from layer 2 on
    fit_one_batch(model, torch.randn(8, 2))
    assert int(model.discriminator_updates) == 1 and int(model.generator_updates) == 1
    with pytest.raises(ValueError, match="z_layer=3"):
        BiGAN(**TOY, discriminator_z_layer=3)


def test_maxout_discriminator_takes_the_max_of_its_pieces_and_trains():
    """discriminator_maxout_pieces=k: each hidden unit is the max over k affine maps of [x, z] (PacGAN's ALI D)."""
    torch.manual_seed(0)
    model = BiGAN(**{**TOY, "discriminator_hidden": (16, 16)}, discriminator_maxout_pieces=5, dropout=0.0)
    first = model.discriminator.net[0]
    assert first.linear.in_features == 2 + 3 and first.linear.out_features == 16 * 5
    x, z = torch.randn(8, 2), torch.randn(8, 3)
    pieces = first.linear(torch.cat([x, z], 1)).view(8, 16, 5)
    assert torch.equal(first(torch.cat([x, z], 1)), pieces.amax(2))
    assert model.discriminator(x, z).shape == (8,)
    fit_one_batch(model, torch.randn(8, 2))
    assert int(model.discriminator_updates) == 1 and int(model.generator_updates) == 1
    with pytest.raises(ValueError, match="maxout_pieces=5.*z_layer=0, got 1"):
        BiGAN(**TOY, discriminator_maxout_pieces=5, discriminator_z_layer=1)
