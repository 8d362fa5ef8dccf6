"""CycleGAN: ResNet generator shapes, which networks each update moves, the identity loss, translate and export."""
import os
import warnings
from pathlib import Path

import lightning as L
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from zoo import Zoo, hub
from zoo.models.cyclegan import CycleGAN
from zoo.nets.patchgan import PatchGANDiscriminator
from zoo.nets.resnet import ResNetGenerator
from zoo.registry import AliasWarning


def real_data(name: str) -> Path:
    for root in (os.environ.get("ZOO_DATA"), Path(__file__).resolve().parents[2] / ".." / "shared" / "data"):
        if root and (Path(root) / name).is_dir():
            return Path(root) / name
    pytest.skip(f"{name} not found under $ZOO_DATA or ../shared/data")


def tiny(**kw) -> CycleGAN:
    args = dict(n_blocks=1, generator_width=4, discriminator_width=4, sample_every_n_steps=0, num_fixed_samples=0)
    return CycleGAN(**{**args, **kw})


def test_resnet_generator_shapes_and_paper_sizes():
    g = ResNetGenerator(width=4, n_blocks=2)
    assert g(torch.rand(1, 3, 256, 256) * 2 - 1).shape == (1, 3, 256, 256)
    y = g(torch.rand(2, 3, 64, 64) * 2 - 1)
    assert y.shape == (2, 3, 64, 64) and y.abs().max() <= 1
    assert g(torch.rand(1, 3, 36, 44)).shape == (1, 3, 36, 44)  # any size divisible by 4
    with pytest.raises(ValueError, match="divisible by 4"):
        g(torch.rand(1, 3, 30, 30))
    # the paper's networks (the reference code prints 11.378 M for the 9-block G and 2.765 M for D)
    count = lambda net: sum(p.numel() for p in net.parameters())  # noqa: E731
    assert count(ResNetGenerator(n_blocks=9)) == 11_378_179
    assert count(ResNetGenerator(n_blocks=6)) == 7_837_699
    assert count(PatchGANDiscriminator(3, norm="instance")) == 2_764_737
    reflect = [m for m in ResNetGenerator(n_blocks=6).modules() if isinstance(m, nn.ReflectionPad2d)]
    norms = [m for m in ResNetGenerator(n_blocks=6).modules() if isinstance(m, nn.InstanceNorm2d)]
    assert len(reflect) == 2 + 2 * 6 and len(norms) == 5 + 2 * 6


def test_generator_update_moves_both_generators_and_no_discriminator():
    model = tiny()
    moved = {}
    original_step = model.step

    def spy(opt, loss, name, player):
        before = {k: v.detach().clone() for k, v in model.named_parameters()}
        out = original_step(opt, loss, name, player)
        moved[player] = {k.split(".")[0] for k, v in model.named_parameters() if not torch.equal(v, before[k])}
        return out

    model.step = spy
    data = TensorDataset(torch.rand(1, 3, 32, 32) * 2 - 1, torch.rand(1, 3, 32, 32) * 2 - 1)
    L.Trainer(max_epochs=1, logger=False, enable_checkpointing=False, enable_progress_bar=False,
              enable_model_summary=False).fit(model, DataLoader(data, batch_size=1))
    assert moved["generator"] == {"generator", "generator_ba"}
    assert moved["discriminator"] == {"discriminator_a", "discriminator_b"}
    assert int(model.generator_updates) == 1 and int(model.discriminator_updates) == 1
    assert len(model.pool_a) == len(model.pool_b) == 1  # each D saw its domain's generated image via the pool


class Constant(nn.Module):
    def __init__(self, value: float | None) -> None:
        super().__init__()
        self.value = value

    def forward(self, x):
        return x.clone() if self.value is None else torch.full_like(x, self.value)


def test_identity_loss_is_computed_on_the_right_domain():
    model = tiny(lambda_cycle=10.0, lambda_identity=0.5)
    model.generator, model.generator_ba = Constant(None), Constant(0.0)  # G = identity, F = 0
    real_a, real_b = torch.full((1, 3, 32, 32), 0.5), torch.full((1, 3, 32, 32), 0.25)
    terms = model.generator_losses(real_a, real_b, model.generator(real_a), model.generator_ba(real_b))
    # G: A -> B is fed real B (G(y) ≈ y): zero for the identity G; F: B -> A is fed real A: 0.5 λ |0 - 0.5|
    assert terms["identity_b"].item() == 0.0
    assert terms["identity_a"].item() == pytest.approx(0.5 * 10 * 0.5)
    # cycles: F(G(a)) = 0 vs a; G(F(b)) = 0 vs b
    assert terms["cycle_a"].item() == pytest.approx(10 * 0.5) and terms["cycle_b"].item() == pytest.approx(10 * 0.25)
    assert "identity_a" not in tiny(lambda_identity=0.0).generator_losses(real_a, real_b, real_a, real_b)


def test_translate_directions_and_errors():
    model = tiny()
    x = torch.rand(2, 3, 32, 32) * 2 - 1
    assert torch.equal(model.translate(x), model.generator.eval()(x))
    assert torch.equal(model.translate(x, direction="BtoA"), model.generator_ba.eval()(x))
    assert model.translate(x[0]).shape == (1, 3, 32, 32)
    with pytest.raises(ValueError, match="direction='horse'"):
        model.translate(x, direction="horse")
    with pytest.raises(ValueError, match="values in"):
        model.translate(x * 255)
    with pytest.raises(ValueError, match="float tensor"):
        model.translate(torch.zeros(1, 3, 32, 32, dtype=torch.uint8))
    with pytest.raises(AttributeError, match=r"CycleGAN has no sample\(\).*model\.translate\(images\)"):
        model.sample(4)


def test_entry_loaded_by_name_translates_real_test_images(tmp_path, monkeypatch):
    from zoo.data.translation import load_images

    horses = load_images(real_data("horse2zebra") / "testA", 64, limit=3)
    hub_dir = Path(os.environ.get("ZOO_HUB", ""))
    entry = "cyclegan-horse2zebra-64px"
    if not (hub_dir / entry / "config.json").is_file():  # no published weights here: a tiny one
        hub.export(tiny(), tmp_path / entry, name=entry)
        monkeypatch.setenv("ZOO_HUB", str(tmp_path))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # (a locally exported copy also warns: it differs from the checksums)
        model = Zoo.load("cyclegan-horse2zebra")  # the paper's name: an alias of the CPU-scaled entry
    assert any(entry in str(w.message) for w in caught if issubclass(w.category, AliasWarning))
    zebras = model.translate(horses)
    back = model.translate(zebras, direction="BtoA")
    assert zebras.shape == back.shape == horses.shape and zebras.abs().max() <= 1
    assert not model.training
