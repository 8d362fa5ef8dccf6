"""The SeqGAN, BiGAN/ALI and MIX+GAN recipes parse into the intended models with the papers' settings."""
from pathlib import Path

import pytest

from zoo.lightning_cli import lightning_cli
from zoo.models.bigan import BiGAN
from zoo.models.mixgan import MIXGAN
from zoo.models.seqgan import SeqGAN
from zoo.nets.text import PAPER_FILTER_SIZES, PAPER_NUM_FILTERS

RECIPES = Path(__file__).resolve().parents[1] / "recipes"


def parse(name, tmp_path):
    return lightning_cli(["fit", "--config", str(RECIPES / name), f"--trainer.default_root_dir={tmp_path}"],
                         run=False)


def test_seqgan_recipes(tmp_path):
    cli = parse("seqgan/oracle.yaml", tmp_path)
    model = cli.model
    assert isinstance(model, SeqGAN)
    assert tuple(model.hparams.filter_sizes) == PAPER_FILTER_SIZES
    assert tuple(model.hparams.num_filters) == PAPER_NUM_FILTERS
    assert (model.hparams.num_rollouts, model.hparams.rollout_update_rate, model.hparams.adversarial_steps) == \
        (16, 0.0, 200)  # rollout_update_rate 0: beta <- theta after each round (Algorithm 1)
    assert type(cli.datamodule).__name__ == "OracleDataModule" and cli.datamodule.num_sequences == 10_000
    assert any(type(c).__name__ == "OracleNLLCallback" for c in cli.trainer.callbacks)
    baseline = parse("seqgan/oracle_mle.yaml", tmp_path).model
    assert baseline.hparams.adversarial_steps == 0 and baseline.hparams.mle_epochs == 200


@pytest.mark.parametrize("name", ["bigan/mnist.yaml", "bigan/ring.yaml", "bigan/grid.yaml"])
def test_bigan_recipes(name, tmp_path):
    model = parse(name, tmp_path).model
    assert isinstance(model, BiGAN)
    assert model.hparams.stochastic_encoder == (name != "bigan/mnist.yaml")  # ALI on the toys, BiGAN on MNIST
    if name == "bigan/mnist.yaml":
        assert model.hparams.latent_dim == 50 and tuple(model.hparams.encoder_hidden) == (1024, 1024)


@pytest.mark.parametrize("name", ["mixgan/mnist.yaml", "mixgan/ring.yaml", "mixgan/grid.yaml"])
def test_mixgan_recipes(name, tmp_path):
    model = parse(name, tmp_path).model
    assert isinstance(model, MIXGAN)
    assert (model.hparams.num_components, model.hparams.entropy_weight) == (5, 0.1)
    assert len(model.generator.components) == len(model.discriminators) == 5
