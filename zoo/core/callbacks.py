"""Callbacks the zoo's command line adds to every run."""
from __future__ import annotations

import os
import time
from typing import Any

from lightning.pytorch.callbacks import ModelCheckpoint


class RunCheckpoint(ModelCheckpoint):
    """ModelCheckpoint that keeps ``last.ckpt`` in ``<default_root_dir>/checkpoints`` and the run's training time.

    Lightning's default folder contains the logger's version number, which changes on every run, so
    ``--ckpt_path last`` could never find the previous run's checkpoint; a fixed folder per run directory can.
    The seconds spent in ``fit`` are summed over resumes and saved in the checkpoint (``train_seconds``), so an
    export can state what its weights cost.
    A resumed run's loop state is rewritten before Lightning reads it, so that resuming from an end-of-epoch or a
    ``max_steps`` checkpoint trains exactly what the uninterrupted run would (``zoo.core.resume``).
    """

    _seconds_before = 0.0
    _started: float | None = None

    def on_train_start(self, trainer, pl_module) -> None:
        self._started = time.monotonic()

    def train_seconds(self) -> float:
        running = time.monotonic() - self._started if self._started is not None else 0.0
        return self._seconds_before + running

    def state_dict(self) -> dict[str, Any]:
        return {**super().state_dict(), "train_seconds": self.train_seconds()}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        super().load_state_dict(state_dict)
        self._seconds_before = float(state_dict.get("train_seconds", 0.0))

    def on_load_checkpoint(self, trainer, pl_module, checkpoint: dict[str, Any]) -> None:
        # before Lightning restores its loops from this dict: say where the interrupted run really was, so that the
        # resumed run goes on exactly as an uninterrupted one would (zoo.core.resume.normalise_loop_state)
        from zoo.core.resume import normalise_loop_state

        super().on_load_checkpoint(trainer, pl_module, checkpoint)
        normalise_loop_state(checkpoint)

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
