"""The training guards of GANModule.step: NaN losses, divergence (loss or parameter norm beyond a bound, non-finite
parameters), and the normalisation statistics left as they were before a stopped update."""
import math

import pytest
import torch

from tests.conftest import image_loader, quiet_trainer, snapshot
from zoo.core.module import DivergenceBounds, DivergenceError, NonFiniteLossError
from zoo.models.dcgan import DCGAN


def tiny(**kw):
    kw.setdefault("sample_every_n_steps", 0)
    return DCGAN(image_size=28, channels=1, latent_dim=8, generator_width=8, discriminator_width=8, **kw)


def statistics(model):
    return {n: b.clone() for n, b in model.named_buffers() if n.endswith(("running_mean", "running_var"))}


def test_nan_stop_leaves_batchnorm_statistics_as_before_the_step():
    model = tiny()
    before = statistics(model)
    assert before, "the tiny DCGAN should have BatchNorm layers"
    loader = image_loader(n=16)
    loader.dataset.tensors[0][0, 0, 0, 0] = math.nan
    with pytest.raises(NonFiniteLossError, match="normalisation statistics restored"):
        quiet_trainer(max_epochs=1).fit(model, loader)
    after = statistics(model)
    for name, value in before.items():
        assert torch.isfinite(after[name]).all() and torch.equal(after[name], value), name


def test_statistics_snapshot_follows_the_networks_across_fits_and_casts():
    model = tiny()
    quiet_trainer(max_epochs=1).fit(model, image_loader(n=16))  # a snapshot kept from this fit
    model.double()  # new buffer tensors, of another dtype
    before = statistics(model)
    model.snapshot_statistics()
    for value in statistics(model):
        model.get_buffer(value).add_(1.0)
    assert model.restore_statistics()
    after = statistics(model)
    for name, value in before.items():
        assert after[name].dtype == torch.float64 and torch.equal(after[name], value), name
        assert model.get_buffer(name) is not None and torch.equal(model.get_buffer(name), value), name
    # a fit of other networks: the slots are found again, and a stopped update restores the new networks' statistics
    model.float()
    model.generator, model.discriminator = tiny().generator, tiny().discriminator
    fresh = statistics(model)
    loader = image_loader(n=16)
    loader.dataset.tensors[0][:] = math.nan
    with pytest.raises(NonFiniteLossError, match="normalisation statistics restored"):
        quiet_trainer(max_epochs=1).fit(model, loader)
    for name, value in fresh.items():
        assert torch.equal(statistics(model)[name], value), name


def test_huge_learning_rate_stops_on_the_parameter_norm():
    model = tiny(lr=1e6)
    with pytest.raises(DivergenceError, match=r"parameter norm .* beyond max_parameter_norm=1e\+06.*learning rate "
                                              r"1000000"):
        quiet_trainer(max_epochs=3).fit(model, image_loader(n=16))
    assert int(model.discriminator_updates) == 1 and int(model.generator_updates) == 0  # stopped at the first one


def test_non_finite_parameters_stop_training_even_without_a_bound():
    model = tiny()
    model.max_parameter_norm = None

    class Poison(torch.optim.Adam):
        def step(self, closure=None):
            super().step(closure)
            with torch.no_grad():
                self.param_groups[0]["params"][0].fill_(math.inf)

    model.configure_optimizers = lambda: [Poison(model.generator.parameters()),
                                          Poison(model.discriminator.parameters())]
    with pytest.raises(DivergenceError, match="is not finite"):
        quiet_trainer(max_epochs=1).fit(model, image_loader(n=16))


def test_loss_beyond_the_bound_stops_before_the_update():
    model = tiny()
    weights = snapshot(model)
    with pytest.raises(DivergenceError, match=r"loss/discriminator reached .* beyond max_loss=1e-09"):
        quiet_trainer(max_epochs=1, callbacks=[DivergenceBounds(max_loss=1e-9)]).fit(model, image_loader(n=16))
    assert all(torch.equal(weights[k], v) for k, v in model.named_parameters())
    assert int(model.discriminator_updates) == 0


def test_bounds_are_checked():
    with pytest.raises(ValueError, match="max_loss=0"):
        DivergenceBounds(max_loss=0)
    DivergenceBounds(max_loss=None, max_parameter_norm=None)  # both disabled: allowed


def test_zoo_fit_prints_the_guard_in_one_line(tmp_path, capsys):
    from pathlib import Path

    from zoo.cli import main

    recipe = Path(__file__).resolve().parents[1] / "recipes/dcgan/digits.yaml"
    with pytest.raises(SystemExit, match=r"^zoo fit: .*parameter norm"):
        main(["fit", "--config", str(recipe), f"--trainer.default_root_dir={tmp_path}", "--trainer.max_steps=4",
              "--trainer.enable_progress_bar=false", "--trainer.logger=false", "--model.generator_width=8",
              "--model.discriminator_width=8", "--model.lr=1e6"])


def test_a_sparser_parameter_check_stops_within_its_cadence():
    model = tiny(lr=1e6)  # every update diverges; the loss bound is lifted so that only the parameter check stops it
    with pytest.raises(DivergenceError, match=r"parameter norm .* training diverged within its last 3 "
                                              r"updates \(parameters checked every 3\)"):
        quiet_trainer(max_epochs=3, callbacks=[DivergenceBounds(max_loss=None, parameter_check_every=3)]).fit(
            model, image_loader(n=16))
    assert model.parameter_check_every == 3
    assert int(model.discriminator_updates) == 3 and int(model.generator_updates) == 2


def test_parameter_check_cadence_is_checked():
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match=f"parameter_check_every={bad!r}: expected a positive integer"):
            DivergenceBounds(parameter_check_every=bad)
    with pytest.raises(ValueError, match="parameter_check_every=0"):
        tiny().parameter_check_every = 0
