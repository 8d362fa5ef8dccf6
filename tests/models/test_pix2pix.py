"""Pix2Pix: U-Net and PatchGAN shapes, skips, dropout at test time, the update and the learning-rate schedule."""
import os
from pathlib import Path

import lightning as L
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from zoo.core.translation import linear_decay
from zoo.models.pix2pix import Pix2Pix
from zoo.nets.patchgan import PatchGANDiscriminator
from zoo.nets.unet import UNetGenerator


def real_data(name: str) -> Path:
    for root in (os.environ.get("ZOO_DATA"), Path(__file__).resolve().parents[2] / ".." / "shared" / "data"):
        if root and (Path(root) / name).is_dir():
            return Path(root) / name
    pytest.skip(f"{name} not found under $ZOO_DATA or ../shared/data")


def tiny(**kw) -> Pix2Pix:
    args = dict(num_downs=5, generator_width=4, discriminator_width=4, sample_every_n_steps=0, num_fixed_samples=0)
    return Pix2Pix(**{**args, **kw})


def fit(model, batches: int = 2, size: int = 32, epochs: int = 1, callbacks=()):
    torch.manual_seed(0)
    data = TensorDataset(torch.rand(batches, 3, size, size) * 2 - 1, torch.rand(batches, 3, size, size) * 2 - 1)
    trainer = L.Trainer(max_epochs=epochs, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False, callbacks=list(callbacks))
    trainer.fit(model, DataLoader(data, batch_size=1))
    return trainer


def test_unet_and_patchgan_shapes_at_256_and_64():
    g = UNetGenerator(num_downs=8, width=4)
    x = torch.rand(1, 3, 256, 256) * 2 - 1
    assert g(x).shape == (1, 3, 256, 256)
    assert PatchGANDiscriminator(6, 4)(torch.cat([x, x], 1)).shape == (1, 1, 30, 30)  # 70x70 patches, 30x30 map
    small = UNetGenerator(num_downs=6, width=4).eval()
    y = small(torch.rand(2, 3, 64, 64) * 2 - 1)
    assert y.shape == (2, 3, 64, 64) and y.abs().max() <= 1
    assert PatchGANDiscriminator(6, 4)(torch.rand(2, 6, 64, 64)).shape == (2, 1, 6, 6)
    with pytest.raises(ValueError, match="divisible by 64"):
        small(torch.rand(1, 3, 48, 48))
    # paper's networks: U-Net-256 with 64 filters and the 70x70 PatchGAN on 6 channels
    assert sum(p.numel() for p in UNetGenerator().parameters()) == 54_414_531  # the reference code's 54.414 M
    assert sum(p.numel() for p in PatchGANDiscriminator(6).parameters()) == 2_768_705  # 2.769 M, as the reference code prints


def test_patchgan_receptive_field_is_70():
    d = PatchGANDiscriminator(3, 2, norm="none")
    x = torch.zeros(1, 3, 140, 140, requires_grad=True)
    out = d(x)
    out[0, 0, out.shape[2] // 2, out.shape[3] // 2].backward()
    rows = x.grad.abs().sum((0, 1, 3)).nonzero()
    assert int(rows.max() - rows.min() + 1) == d.receptive_field == 70


def test_unet_skip_connections_carry_encoder_features():
    g = UNetGenerator(num_downs=4, width=4).eval()
    seen = {}
    g.down[0].register_forward_hook(lambda m, i, o: seen.__setitem__("encoder", o.clone()))
    g.up[-1].register_forward_pre_hook(lambda m, i: seen.__setitem__("decoder_in", i[0].clone()))
    g(torch.rand(1, 3, 16, 16) * 2 - 1)
    # the outermost decoder layer receives [decoder features, first encoder layer's output]
    assert torch.equal(seen["decoder_in"][:, 4:], seen["encoder"])
    # cutting the bottleneck leaves the output dependent on the input: the skips carry it around
    g.down[-1].register_forward_hook(lambda m, i, o: torch.zeros_like(o))
    a, b = g(torch.rand(1, 3, 16, 16)), g(-torch.rand(1, 3, 16, 16))
    assert not torch.allclose(a, b)


def test_paper_inference_uses_dropout_and_keeps_running_statistics():
    model = tiny()
    x = torch.rand(3, 3, 32, 32) * 2 - 1
    stats = {k: v.clone() for k, v in model.generator.state_dict().items()}
    one = model.translate(x, generator=torch.Generator().manual_seed(0))
    assert one.shape == x.shape
    assert torch.equal(one, model.translate(x, generator=torch.Generator().manual_seed(0)))  # seeded masks
    assert not torch.equal(one, model.translate(x, generator=torch.Generator().manual_seed(1)))  # dropout is on
    assert all(torch.equal(v, model.generator.state_dict()[k]) for k, v in stats.items())  # nothing updated
    assert torch.equal(model.translate(x, mode="eval"), model.translate(x, mode="eval"))
    # batch of 1 at test time: an image's output does not depend on the others in the batch
    assert torch.allclose(model.translate(x[:1], generator=torch.Generator().manual_seed(2)),
                          model.translate(x[:1], generator=torch.Generator().manual_seed(2)))
    with pytest.raises(ValueError, match="mode='train'"):
        model.translate(x, mode="train")
    with pytest.raises(ValueError, match="direction='BtoA'"):
        model.translate(x, "BtoA")
    with pytest.raises(AttributeError, match=r"Pix2Pix has no sample\(\).*model\.translate\(images\)"):
        model.sample(4)  # an image-to-image model: the error says what to call instead


def test_one_batch_updates_d_then_g_with_halved_d_loss():
    model = tiny()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    fit(model, batches=1)
    assert int(model.generator_updates) == 1 and int(model.discriminator_updates) == 1
    changed = {k for k, v in model.state_dict().items() if not torch.equal(v, before[k])}
    assert any(k.startswith("generator.") for k in changed) and any(k.startswith("discriminator.") for k in changed)
    # D's loss is halved: at D = 1/2 everywhere (zero logits) it is log 2, not log 4
    from zoo.core import losses
    zero = torch.zeros(1, 1, 2, 2)
    assert torch.isclose(0.5 * losses.minimax_discriminator(zero, zero), torch.log(torch.tensor(2.0)))


def test_learning_rate_constant_then_linear_to_zero():
    # exactly n_epochs at the full rate (the paper's "first 100 epochs"), then the authors' code's lambda_rule
    assert [round(linear_decay(3, 2)(e), 6) for e in range(6)] == [1, 1, 1, round(2 / 3, 6), round(1 / 3, 6), 0]
    assert [round(linear_decay(100, 100)(e), 6) for e in (0, 99, 100, 150, 199, 200)] == \
        [1, 1, round(100 / 101, 6), round(50 / 101, 6), round(1 / 101, 6), 0]
    lrs = []

    class Record(L.Callback):
        def on_train_epoch_start(self, trainer, module):
            lrs.append([opt.param_groups[0]["lr"] for opt in trainer.optimizers])

    model = tiny(n_epochs=2, n_epochs_decay=2, lr=1e-3)
    trainer = fit(model, batches=1, epochs=4, callbacks=[Record()])
    assert [round(g, 9) for g, d in lrs] == [1e-3, 1e-3, round(2e-3 / 3, 9), round(1e-3 / 3, 9)]
    assert all(g == d for g, d in lrs)
    assert trainer.optimizers[0].param_groups[0]["lr"] == 0.0  # zero once the last decay epoch has ended


def test_translates_real_test_images():
    from zoo.data.translation import PairedImageDataset

    model = tiny(num_downs=6, channels_in=3)
    data = PairedImageDataset(real_data("facades") / "test", "BtoA", 64, 64, train=False)
    labels = torch.stack([data[i][0] for i in range(4)])
    out = model.translate(labels, mode="eval")
    assert out.shape == labels.shape and out.abs().max() <= 1
