"""What an exact resume needs beyond Lightning's checkpoint: the RNG states, and a loop state that says where the
interrupted run really was.

``rng_state`` / ``set_rng_state``: torch (CPU and CUDA), NumPy and Python ``random``, as tensors and plain numbers
only, so a checkpoint still loads with ``weights_only=True``. Every zoo model (``ZooModel``) stores them in its
checkpoints.

``normalise_loop_state``: Lightning saves ``last.ckpt`` from ``on_train_epoch_end``, after the epoch is counted as
processed but before it is counted as completed. Resumed from such a checkpoint, Lightning (2.x) takes the epoch
for unfinished: after a finished epoch it trains one extra batch (from a fresh iterator) before the next epoch;
after a run stopped mid-epoch by ``max_steps`` it counts the epoch as processed twice (so ``max_epochs`` ends one
epoch early and a ``DistributedSampler`` gets the wrong epoch). ``RunCheckpoint`` rewrites the loaded loop state
into the shape Lightning resumes correctly: a finished epoch is marked completed (and the stateful training
loaders of ``zoo.data.resumable`` start a fresh epoch), an unfinished one is marked still running.

``epoch_finished``: whether the epoch-end hooks now running close a whole epoch (Lightning also calls them when
``max_steps`` stops a run mid-epoch), so that per-epoch schedules advance once per epoch however a run is split.
"""
from __future__ import annotations

import random
from typing import Any

import numpy as np
import torch


def rng_state() -> dict[str, Any]:
    """The global RNG states of torch (and CUDA when initialised), NumPy and Python, checkpoint-safe."""
    state: dict[str, Any] = {"torch": torch.get_rng_state()}
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = torch.cuda.get_rng_state_all()
    numpy = np.random.get_state(legacy=False)
    if numpy.get("bit_generator") == "MT19937":
        state["numpy"] = {"key": torch.from_numpy(numpy["state"]["key"].astype(np.int64)),
                          "pos": int(numpy["state"]["pos"]), "has_gauss": int(numpy["has_gauss"]),
                          "gauss": float(numpy["gauss"])}
    version, internal, gauss = random.getstate()
    state["python"] = {"version": int(version), "internal": list(internal), "gauss": gauss}
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    """Restore what ``rng_state`` returned (older checkpoints hold only "torch" and "cuda")."""
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
    if "numpy" in state:
        n = state["numpy"]
        np.random.set_state(("MT19937", n["key"].numpy().astype(np.uint32), n["pos"], n["has_gauss"], n["gauss"]))
    if "python" in state:
        p = state["python"]
        random.setstate((p["version"], tuple(p["internal"]), p["gauss"]))


def normalise_loop_state(checkpoint: dict[str, Any]) -> str | None:
    """Rewrite a checkpoint saved in ``on_train_epoch_end`` so that Lightning resumes it as the run went on.

    Returns:
        "finished" (the epoch ran all its batches: it is marked completed and the training loaders' states are
        marked finished), "unfinished" (stopped mid-epoch: the epoch is marked as still running), or None when the
        checkpoint was not saved at that point (left as it is).
    """
    fit = (checkpoint.get("loops") or {}).get("fit_loop")
    if not fit or "epoch_progress" not in fit or "epoch_loop.batch_progress" not in fit:
        return None
    epoch, batches = fit["epoch_progress"], fit["epoch_loop.batch_progress"]
    total = epoch["total"]
    saved_at_epoch_end = (total["ready"] == total["started"] == total["processed"]
                          and total["completed"] == total["processed"] - 1)
    if not saved_at_epoch_end:
        if batches.get("is_last_batch"):  # e.g. saved in on_train_batch_end at the epoch's last batch
            mark_loaders_finished(fit)
        return None
    if batches.get("is_last_batch"):
        for part in ("total", "current"):
            epoch[part]["completed"] = epoch[part]["processed"]
        batches["current"] = {key: 0 for key in batches["current"]}
        batches["is_last_batch"] = False
        mark_loaders_finished(fit)
        return "finished"
    for part in ("total", "current"):
        epoch[part]["processed"] = epoch[part]["completed"]
    return "unfinished"


def mark_loaders_finished(fit_loop_state: dict[str, Any]) -> None:
    for state in (fit_loop_state.get("state_dict") or {}).get("combined_loader", []):
        if isinstance(state, dict):
            state["finished"] = True


def epoch_finished(trainer) -> bool:
    """Whether the training epoch now ending ran all its batches: Lightning also calls the epoch-end hooks when
    ``max_steps`` (or ``max_time``) stops a run in the middle of an epoch, which a resumed run then finishes."""
    progress = trainer.fit_loop.epoch_loop.batch_progress
    return bool(progress.is_last_batch) or progress.current.ready >= trainer.num_training_batches
