"""Exports of the objective papers' models reload strictly and reproduce their samples bit for bit."""
import pytest
import torch

from zoo import hub
from zoo.models.fgan import FGAN
from zoo.models.lsgan import LSGAN
from zoo.models.regularized import RegularizedGAN
from zoo.models.wgan import WGAN
from zoo.models.wgan_gp import WGANGP

TOY = dict(data_shape=(2,), latent_dim=4, hidden=(8, 8))


@pytest.mark.parametrize("build", [lambda: WGAN(**TOY), lambda: WGANGP(**TOY),
                                   lambda: LSGAN(**TOY, a=-1.0, c=0.0), lambda: FGAN("jeffrey", **TOY),
                                   lambda: RegularizedGAN(regularizer="unrolled", **TOY),
                                   lambda: WGAN(generator_width=4, critic_width=4)],
                         ids=["wgan", "wgan_gp", "lsgan", "fgan", "regularized", "wgan_images"])
def test_export_round_trip(build, tmp_path):
    model = build()
    model.generator_updates += 3
    hub.export(model, tmp_path / "export")
    loaded = hub.load_folder(tmp_path / "export")
    assert type(loaded) is type(model) and hub.jsonable_hparams(loaded) == hub.jsonable_hparams(model)
    assert int(loaded.generator_updates) == 3
    seed = lambda: torch.Generator().manual_seed(0)  # noqa: E731
    assert torch.equal(loaded.sample(5, generator=seed()), model.eval().sample(5, generator=seed()))
