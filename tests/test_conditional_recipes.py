"""The conditional, semi-supervised and judge-classifier recipes parse with the zoo's LightningCLI into the intended
classes and settings."""
from __future__ import annotations

from pathlib import Path

import pytest

from zoo.lightning_cli import lightning_cli

ROOT = Path(__file__).resolve().parents[1] / "recipes"
EXPECTED = {
    "classifier/mnist.yaml": ("DigitClassifier", "MNISTDataModule"),
    "cgan/mnist.yaml": ("CGAN", "MNISTDataModule"),
    "cgan/mnist_mlp.yaml": ("CGAN", "MNISTDataModule"),
    "infogan/mnist.yaml": ("InfoGAN", "MNISTDataModule"),
    "acgan/mnist.yaml": ("ACGAN", "MNISTDataModule"),
    "acgan/cifar10.yaml": ("ACGAN", "CIFAR10DataModule"),
    "sgan/mnist.yaml": ("SGAN", "SemiSupervisedMNIST"),
}


@pytest.mark.parametrize("recipe", sorted(EXPECTED))
def test_recipe_parses_into_the_intended_classes(recipe, tmp_path):
    cli = lightning_cli(["fit", "--config", str(ROOT / recipe), f"--trainer.default_root_dir={tmp_path}"],
                        run=False)
    model_class, data_class = EXPECTED[recipe]
    assert type(cli.model).__name__ == model_class
    assert type(cli.datamodule).__name__ == data_class
    assert cli.trainer.max_epochs >= 1


def test_recipes_carry_the_papers_settings(tmp_path):
    def build(recipe):
        return lightning_cli(["fit", "--config", str(ROOT / recipe), f"--trainer.default_root_dir={tmp_path}"],
                             run=False)

    sgan = build("sgan/mnist.yaml")
    assert sgan.datamodule.labelled_per_class == 10 and sgan.datamodule.seed == 0     # 100 labels, seeded
    assert sgan.model.hparams.lr == 0.003 and tuple(sgan.model.hparams.betas) == (0.5, 0.999)
    info = build("infogan/mnist.yaml").model
    assert (info.noise_dim, info.categories, info.continuous_codes, info.hparams.info_weight) == (62, 10, 2, 1.0)
    # the authors' run: z ~ U(-1, 1), λ = 1 for the continuous codes too, fresh z and codes for G's update
    assert (info.hparams.noise, info.hparams.continuous_weight, info.hparams.fresh_generator_codes) == \
        ("uniform", 1.0, True)
    mlp = build("cgan/mnist_mlp.yaml").model.hparams
    assert (mlp.architecture, mlp.optimizer, mlp.lr, mlp.lr_decay) == ("mlp", "sgd", 0.1, 1.00004)
    cifar = build("acgan/cifar10.yaml").model.hparams
    assert (cifar.channels, cifar.image_size) == (3, 32)
