"""Reading Lightning checkpoints of zoo runs safely (``weights_only=True``) into models."""
from __future__ import annotations

import os
from pathlib import Path

import torch

from zoo import hub
from zoo.lightning_cli import constructor_arguments


def find_checkpoint(path: str | os.PathLike) -> Path:
    """A .ckpt file itself, or ``checkpoints/last.ckpt`` (else the newest .ckpt) below a run folder."""
    path = Path(path)
    if path.is_file():
        return path
    if not path.is_dir():
        raise FileNotFoundError(f"{path} is neither a checkpoint file nor a run folder. Pass a .ckpt file or the "
                                f"run's default_root_dir (e.g. runs/dcgan-mnist).")
    last = sorted(path.rglob("last*.ckpt"), key=lambda p: p.stat().st_mtime)
    found = last or sorted(path.rglob("*.ckpt"), key=lambda p: p.stat().st_mtime)
    if not found:
        raise FileNotFoundError(f"no .ckpt file below {path}; train first with `zoo fit --config <recipe>`.")
    return found[-1]


def load_checkpoint(path: str | os.PathLike, device: str = "cpu"):
    """Rebuild the model of a zoo run from its Lightning checkpoint (no pickled code is executed)."""
    ckpt_path = find_checkpoint(path)
    try:
        ckpt = torch.load(ckpt_path, map_location=device, weights_only=True)
    except Exception as err:
        raise hub.ExportError(f"{ckpt_path} cannot be read as a checkpoint ({err}); it may be truncated.") from err
    if "zoo_model_class" not in ckpt:
        raise hub.ExportError(f"{ckpt_path} was not written by a zoo model (no 'zoo_model_class' entry).")
    hparams = constructor_arguments(ckpt.get("hyper_parameters", {}))
    model = hub.build_model(ckpt["zoo_model_class"], hparams, str(ckpt_path))  # zoo model classes only
    hub.load_state_strict(model, dict(ckpt["state_dict"]), str(ckpt_path))
    return model.to(device).eval()


def training_record(path: str | os.PathLike) -> dict:
    """What a run's checkpoint says about its training: epochs, optimizer steps and the seconds spent in ``fit``
    (summed over resumes by :class:`zoo.core.callbacks.RunCheckpoint`; absent for checkpoints without it)."""
    ckpt = torch.load(find_checkpoint(path), map_location="cpu", weights_only=True)
    record = {"epochs": int(ckpt.get("epoch", -1)) + 1, "optimizer_steps": int(ckpt.get("global_step", 0))}
    loops = ckpt.get("loops", {}).get("fit_loop", {})
    batches = loops.get("epoch_loop.batch_progress", {}).get("total", {}).get("completed")
    if batches is not None:
        record["iterations"] = int(batches)
    for key, state in ckpt.get("callbacks", {}).items():
        if key.startswith("RunCheckpoint") and "train_seconds" in state:
            record["train_seconds"] = round(float(state["train_seconds"]), 1)
    return record
