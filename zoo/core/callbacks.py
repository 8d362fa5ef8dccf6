"""Callbacks the zoo's command line adds to every run."""
from __future__ import annotations

import os

from lightning.pytorch.callbacks import ModelCheckpoint


class RunCheckpoint(ModelCheckpoint):
    """ModelCheckpoint that keeps ``last.ckpt`` in ``<default_root_dir>/checkpoints``.

    Lightning's default folder contains the logger's version number, which changes on every run, so
    ``--ckpt_path last`` could never find the previous run's checkpoint; a fixed folder per run directory can.
    """

    def __init__(self, dirpath: str | None = None, save_last: bool = True, every_n_epochs: int | None = 1,
                 **kwargs) -> None:
        super().__init__(dirpath=dirpath, save_last=save_last, every_n_epochs=every_n_epochs, **kwargs)

    def _fix_dir(self, trainer) -> None:
        if self.dirpath is None:
            self.dirpath = os.path.join(trainer.default_root_dir, "checkpoints")

    def setup(self, trainer, pl_module, stage: str) -> None:
        self._fix_dir(trainer)
        super().setup(trainer, pl_module, stage)

    def _find_last_checkpoints(self, trainer) -> set[str]:
        self._fix_dir(trainer)
        return super()._find_last_checkpoints(trainer)
