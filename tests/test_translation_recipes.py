"""The image-to-image recipes parse through LightningCLI; the paper recipes hold the papers' settings."""
from pathlib import Path

import pytest

from zoo import Zoo, registry
from zoo.lightning_cli import lightning_cli

RECIPES = Path(__file__).resolve().parents[1] / "recipes"


def parse(path: Path, tmp_path):
    return lightning_cli(["fit", "--config", str(path), f"--trainer.default_root_dir={tmp_path}"], run=False)


def test_paper_recipes_hold_the_papers_settings(tmp_path):
    p2p = parse(RECIPES / "pix2pix/facades.yaml", tmp_path)
    hp, data = p2p.model.hparams, p2p.datamodule
    assert (hp.num_downs, hp.lambda_l1, hp.lr, hp.n_epochs, hp.n_epochs_decay) == (8, 100.0, 2e-4, 100, 100)
    assert (data.direction, data.load_size, data.crop_size, data.batch_size) == ("BtoA", 286, 256, 1)
    assert p2p.trainer.max_epochs == 200
    cyc = parse(RECIPES / "cyclegan/horse2zebra.yaml", tmp_path)
    hp, data = cyc.model.hparams, cyc.datamodule
    assert (hp.n_blocks, hp.lambda_cycle, hp.lambda_identity, hp.pool_size) == (9, 10.0, 0.5, 50)
    assert (data.load_size, data.crop_size, data.batch_size, cyc.trainer.max_epochs) == (286, 256, 1, 200)
    disco = parse(RECIPES / "discogan/horse2zebra.yaml", tmp_path)
    assert disco.model.hparams.variant == "paper" and disco.datamodule.crop_size == 64


@pytest.mark.parametrize("name", ["pix2pix/facades_cpu64.yaml", "cyclegan/horse2zebra_cpu64.yaml",
                                  "discogan/horse2zebra_cpu64.yaml"])
def test_cpu_recipes_parse_and_say_they_are_scaled(name, tmp_path):
    text = (RECIPES / name).read_text()
    assert "CPU-SCALED" in text
    cli = parse(RECIPES / name, tmp_path)
    assert cli.datamodule.crop_size == 64
    iterations = cli.trainer.max_epochs * cli.trainer.limit_train_batches
    entries = [e for e in (*Zoo.list(), *registry.planned()) if e.recipe == f"recipes/{name}"]
    assert entries, f"no entry (shipped or planned) is trained by recipes/{name}"
    for entry in entries:  # the entry's description says how long the recipe trains
        assert f"{iterations:,} iterations" in entry.training, (entry.name, entry.training)
    if "n_epochs" in cli.model.hparams:  # the linear decay ends with the last epoch
        assert cli.model.hparams.n_epochs + cli.model.hparams.n_epochs_decay == cli.trainer.max_epochs
