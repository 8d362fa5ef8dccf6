"""The two-way translation base (zoo.core.translation): validation logs each paper's cycle reconstruction error."""
import pytest
import torch

from zoo.models.cyclegan import CycleGAN
from zoo.models.discogan import DiscoGAN

TINY = dict(generator_width=4, discriminator_width=4, sample_every_n_steps=0, num_fixed_samples=0)


@pytest.mark.parametrize("model, size, name, power", [
    (CycleGAN(n_blocks=1, **TINY), 16, "cycle_l1", 1),   # CycleGAN Eq. 2: L1
    (DiscoGAN(**TINY), 64, "recon_mse", 2),              # DiscoGAN Eq. 3: squared error
], ids=["cyclegan", "discogan"])
def test_validation_logs_the_reconstruction_error_each_way(model, size, name, power):
    logged = {}
    model.log_dict = lambda values, **kw: logged.update(values)
    a, b = torch.rand(2, 3, size, size) * 2 - 1, torch.rand(2, 3, size, size) * 2 - 1
    model.validation_step((a, b), 0)
    assert set(logged) == {f"val/{name}_a", f"val/{name}_b"}
    rec_a, rec_b = model.translate(model.translate(a), "BtoA"), model.translate(model.translate(b, "BtoA"))
    assert torch.allclose(logged[f"val/{name}_a"], (rec_a - a).abs().pow(power).mean())
    assert torch.allclose(logged[f"val/{name}_b"], (rec_b - b).abs().pow(power).mean())
