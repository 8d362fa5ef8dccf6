"""The LightningCLI the recipes are written for: ``zoo fit|validate|test|predict`` and ``zoo bench``'s in-process runs.

Its own module so that both ``zoo.cli`` and ``zoo.bench`` can use it without importing each other.
"""
from __future__ import annotations

from typing import Any

LIGHTNING_COMMANDS = ("fit", "validate", "test", "predict")


def lightning_cli(args: list[str] | None = None, run: bool = True):
    """Build (and by default run) the LightningCLI the recipes are written for.

    Args:
        args: command-line arguments (``["fit", "--config", RECIPE, ...]``); None reads ``sys.argv``.
        run: False only instantiates the classes (a leading "fit"/"validate"/... is dropped), which is how the
            tests parse every recipe.

    Returns:
        The ``LightningCLI`` object (its ``model``, ``datamodule`` and ``trainer``).
    """
    if not run and args and args[0] in LIGHTNING_COMMANDS:
        args = args[1:]
    import lightning as L
    from lightning.pytorch.cli import LightningCLI

    from zoo.core.callbacks import RunCheckpoint
    from zoo.precision import CPUPrecisionCheck

    # any LightningModule (every GANModule, and the judge classifier zoo.models.classifier.DigitClassifier)
    return LightningCLI(L.LightningModule, L.LightningDataModule, subclass_mode_model=True, subclass_mode_data=True,
                        trainer_defaults={"callbacks": [RunCheckpoint(), CPUPrecisionCheck()]},
                        save_config_kwargs={"overwrite": True},
                        args=args, run=run)


def constructor_arguments(hparams: dict[str, Any]) -> dict[str, Any]:
    """The saved hyperparameters that are constructor arguments: LightningCLI adds ``_class_path`` and
    ``_instantiator`` to them, which no model's ``__init__`` takes."""
    return {k: v for k, v in hparams.items() if not k.startswith("_")}
