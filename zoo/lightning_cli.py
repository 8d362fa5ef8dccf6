"""The LightningCLI the recipes are written for: ``zoo fit|validate|test|predict`` and ``zoo bench``'s in-process runs.

Its own module so that both ``zoo.cli`` and ``zoo.bench`` can use it without importing each other.
"""
from __future__ import annotations

import sys
from typing import Any

LIGHTNING_COMMANDS = ("fit", "validate", "test", "predict")


def lightning_cli(args: list[str] | None = None, run: bool = True):
    """Build (and by default run) the LightningCLI the recipes are written for.

    Args:
        args: command-line arguments (``["fit", "--config", RECIPE, ...]``); None reads ``sys.argv``. A recipe
            that names a ``base`` (an overlay, see :mod:`zoo.recipes`) is stacked on it.
        run: False only instantiates the classes (a leading "fit"/"validate"/... is dropped), which is how the
            tests parse every recipe.

    Returns:
        The ``LightningCLI`` object (its ``model``, ``datamodule`` and ``trainer``).
    """
    if not run and args and args[0] in LIGHTNING_COMMANDS:
        args = args[1:]
    import warnings

    import lightning as L
    from lightning.pytorch.cli import LightningCLI

    from zoo.core.callbacks import RunCheckpoint
    from zoo.precision import CPUPrecisionCheck
    from zoo.recipes import stacked_configs

    given = list(sys.argv[1:] if args is None else args)
    stacked = stacked_configs(given)  # an overlay recipe becomes --config BASE --config OVERLAY
    if args is None and stacked == given:
        stacked = None  # LightningCLI reads sys.argv itself
    with warnings.catch_warnings():
        if args is None:  # sys.argv expanded here, not the mix of both arguments that this warning is about
            warnings.filterwarnings("ignore", message="LightningCLI's args parameter is intended")
        # any LightningModule (every GANModule, and the judge classifier zoo.models.classifier.DigitClassifier)
        return LightningCLI(L.LightningModule, L.LightningDataModule, subclass_mode_model=True,
                            subclass_mode_data=True, save_config_kwargs={"overwrite": True}, args=stacked, run=run,
                            trainer_defaults={"callbacks": [RunCheckpoint(), CPUPrecisionCheck()]})


def constructor_arguments(hparams: dict[str, Any]) -> dict[str, Any]:
    """The saved hyperparameters that are constructor arguments: LightningCLI adds ``_class_path`` and
    ``_instantiator`` to them, which no model's ``__init__`` takes."""
    return {k: v for k, v in hparams.items() if not k.startswith("_")}
