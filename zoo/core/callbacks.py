"""Callbacks the zoo's command line adds to every run, and ``StartFrom``, which starts a run from shipped weights."""
from __future__ import annotations

import os
import time
from typing import Any, Sequence

import lightning as L
import torch
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


class StartFrom(L.Callback):
    """Start a fit from another model's weights: the networks named in ``modules`` take the parameters and buffers
    of the same networks of ``source`` (anything ``Zoo.load`` takes: an entry name, an export folder, a Hub id)
    before the first batch. A run resumed from its own checkpoint (``--ckpt_path``) keeps the checkpoint's weights.

    In a recipe, e.g. SeqGAN's adversarial phase from the shipped MLE baseline's generator::

        trainer:
          callbacks:
            - class_path: zoo.core.callbacks.StartFrom
              init_args: {source: mle-oracle, modules: [generator]}

    Args:
        source: the model to copy from.
        modules: attribute names of the networks to copy (e.g. ``[generator]``); each must exist in both models with
            the same parameter names and shapes.
    """

    def __init__(self, source: str, modules: Sequence[str]) -> None:
        if isinstance(modules, str) or not modules:
            raise ValueError(f"modules={modules!r}: expected a non-empty list of network names, e.g. ['generator'].")
        self.source, self.modules = str(source), list(modules)

    def on_fit_start(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        if trainer.ckpt_path:  # resumed: the checkpoint already holds this run's own weights
            return
        from zoo.registry import Zoo

        loaded = Zoo.load(self.source)
        for name in self.modules:
            target, origin = getattr(pl_module, name, None), getattr(loaded, name, None)
            for model, net, what in ((pl_module, target, "this run's model"), (loaded, origin, self.source)):
                if not isinstance(net, torch.nn.Module):
                    raise ValueError(f"StartFrom(modules={self.modules}): {what} ({type(model).__name__}) has no "
                                     f"network {name!r}; name networks both models have, e.g. 'generator'.")
            try:
                target.load_state_dict(origin.state_dict())
            except RuntimeError as err:
                raise ValueError(f"StartFrom: the {name!r} of {self.source} does not fit this run's {name!r} "
                                 f"(different sizes or layers): {err}") from None
