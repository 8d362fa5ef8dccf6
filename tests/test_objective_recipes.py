"""Every recipe of the objective papers (WGAN, WGAN-GP, LSGAN, f-GAN, the stabilisers) parses with the zoo's
LightningCLI and builds its model and data."""
from pathlib import Path

import pytest
import yaml

from zoo.lightning_cli import lightning_cli

ROOT = Path(__file__).resolve().parents[1]
RECIPES = sorted(p for paper in ("wgan", "wgan_gp", "lsgan", "fgan", "regularized")
                 for p in (ROOT / "recipes" / paper).glob("*.yaml"))


def test_every_paper_has_its_recipes():
    names = {f"{p.parent.name}/{p.stem}" for p in RECIPES}
    for paper in ("wgan", "wgan_gp", "lsgan", "fgan"):
        assert {f"{paper}/mnist", f"{paper}/ring", f"{paper}/grid"} <= names
    assert {"regularized/ring", "regularized/grid"} <= names


@pytest.mark.parametrize("path", RECIPES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_recipe_parses_and_instantiates(path, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # nothing is written next to the recipes
    config = yaml.safe_load(path.read_text())
    cli = lightning_cli(["--config", str(path)], run=False)  # run=False: no subcommand
    model_path = config["model"]["class_path"]
    assert f"{type(cli.model).__module__}.{type(cli.model).__name__}" == model_path
    for key, value in config["model"]["init_args"].items():  # the recipe's values reach the model's hparams
        got = cli.model.hparams[key]
        assert (list(got) if isinstance(got, (list, tuple)) else got) == value, key
    assert type(cli.datamodule).__name__ == config["data"]["class_path"].rsplit(".", 1)[1]
    assert cli.trainer.default_root_dir.endswith(config["trainer"]["default_root_dir"])
    data_shape = tuple(config["model"]["init_args"]["data_shape"])
    assert cli.model.sample(2).shape == (2, *data_shape)
