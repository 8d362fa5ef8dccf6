"""Export and load of Hub-layout folders: ``config.json`` + ``model.safetensors`` (+ card, samples, metrics).

An export holds every network a user needs to resume or fine-tune (G, D, the EMA G, Q or encoder heads) and the
update counters, under the module's own state-dict names. Only JSON and safetensors are read back: nothing is
unpickled. Writes are atomic: the new folder is assembled beside the old one and swapped in, so an interrupted
export leaves the previous one intact.
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_model

import zoo

CONFIG = "config.json"
WEIGHTS = "model.safetensors"
RESULTS = "results.json"
CARD = "README.md"
SAMPLES = "samples.png"
ALLOWED_MODULE_PREFIX = "zoo."


class ExportError(ValueError):
    """An export folder is missing, incomplete, damaged or does not match the model it names."""


def sha256_file(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def class_path(obj_or_cls: Any) -> str:
    cls = obj_or_cls if isinstance(obj_or_cls, type) else type(obj_or_cls)
    return f"{cls.__module__}.{cls.__qualname__}"


def import_class(path: str) -> type:
    """Import a model class named in a config; only classes of the zoo package are accepted."""
    if not isinstance(path, str) or not path.startswith(ALLOWED_MODULE_PREFIX) or "." not in path:
        raise ExportError(f"model_class={path!r} is not a class of the zoo package (expected 'zoo.models.<paper>."
                          f"<Class>'); refusing to import it.")
    module, _, name = path.rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as err:
        raise ExportError(f"model_class={path!r} cannot be imported ({err}); the export may come from a newer zoo "
                          f"version than {zoo.__version__}: upgrade gan-zoo.") from err


def jsonable_hparams(model) -> dict[str, Any]:
    hparams = {k: v for k, v in model.hparams.items() if not k.startswith("_")}  # LightningCLI adds _class_path
    try:
        return json.loads(json.dumps(hparams))
    except TypeError as err:
        raise ExportError(f"{type(model).__name__}'s hyperparameters are not all JSON values ({err}); the zoo "
                          f"saves primitive hyperparameters only.") from err


@contextlib.contextmanager
def atomic_folder(target: Path):
    """Yield a temporary folder that replaces ``target`` only if the block completes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n")


def export(model, folder: str | os.PathLike, *, name: str | None = None, results: dict | None = None,
           card: str | None = None, samples: bool = True, extra: dict | None = None) -> Path:
    """Write ``model`` as a Hub-layout folder and return its path.

    Args:
        model: a GANModule (any zoo model).
        folder: the export folder; an existing one is replaced atomically.
        name: the zoo entry name this export is for (recorded in the config).
        results: metrics with their protocol (written as results.json and referenced by the card).
        card: model card text (README.md); by default a short card is generated.
        samples: also write samples.png, a grid drawn with seed 0, when the model samples images.
        extra: additional JSON-able config fields.
    Returns:
        The folder path.
    """
    folder = Path(folder)
    config = {
        "model_class": class_path(model),
        "hparams": jsonable_hparams(model),
        "zoo_version": zoo.__version__,
        "name": name,
        "num_parameters": model.num_parameters(),
        "metrics_protocol": (results or {}).get("protocol"),
        **(extra or {}),
    }
    with atomic_folder(folder) as tmp:
        save_model(model, str(tmp / WEIGHTS), metadata={"format": "pt", "zoo_version": zoo.__version__},
                   force_contiguous=True)
        config["sha256"] = {WEIGHTS: sha256_file(tmp / WEIGHTS)}
        write_json(tmp / CONFIG, config)
        if results is not None:
            write_json(tmp / RESULTS, results)
        if samples:
            write_sample_grid(model, tmp / SAMPLES)
        if card is None:
            from zoo.cards import default_card

            card = default_card(config, results)
        (tmp / CARD).write_text(card)
    return folder


def write_sample_grid(model, path: Path, n: int = 64, seed: int = 0) -> bool:
    """Save a grid of ``n`` samples (seed ``seed``) when the model draws images; return whether it did."""
    from torchvision.utils import save_image

    sample = getattr(model, "sample", None)
    if sample is None:
        return False
    try:
        images = sample(n, generator=torch.Generator().manual_seed(seed))
    except TypeError:  # models whose sample needs conditions provide their own preview
        images = model.preview()
    if images is None or images.dim() != 4:
        return False
    save_image(images.float().cpu(), str(path), nrow=8, normalize=True, value_range=(-1, 1))
    return True


def read_config(folder: str | os.PathLike) -> dict[str, Any]:
    folder = Path(folder)
    path = folder / CONFIG
    if not path.is_file():
        raise ExportError(f"{CONFIG} not found in {folder}: this is not a zoo export. Make one with "
                          f"`zoo export <run.ckpt> --name <entry>` or zoo.hub.export(model, folder).")
    try:
        config = json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise ExportError(f"{path} is not valid JSON ({err}); the export is damaged: export it again.") from err
    for key in ("model_class", "hparams"):
        if key not in config:
            raise ExportError(f"{path} has no {key!r} field; the export is damaged or not from gan-zoo.")
    return config


def load_folder(folder: str | os.PathLike, *, device: str | torch.device = "cpu", trainable: bool = False):
    """Rebuild the model named in ``folder/config.json`` and load ``model.safetensors`` strictly.

    Args:
        folder: an export folder.
        device: where to put the model.
        trainable: leave the model in train mode (for fine-tuning); by default it is in eval mode.
    Returns:
        The model, with every tensor of the export loaded; a missing or unexpected tensor is an error.
    """
    folder = Path(folder)
    config = read_config(folder)
    cls = import_class(config["model_class"])
    model = cls(**config["hparams"])
    weights = folder / WEIGHTS
    if not weights.is_file():
        raise ExportError(f"{WEIGHTS} not found in {folder}; the export is incomplete: export it again.")
    try:
        state = load_file(str(weights))
    except (SafetensorError, OSError) as err:
        raise ExportError(f"{weights} cannot be read ({err}); the file is truncated or damaged: export or "
                          f"download it again.") from err
    load_state_strict(model, state, str(weights))
    model.to(device)
    model.train(trainable)
    return model


def load_state_strict(model: torch.nn.Module, state: dict[str, torch.Tensor], source: str) -> None:
    """``load_state_dict`` that names every missing, unexpected or mis-shaped tensor, and loads nothing then."""
    expected = model.state_dict()
    # safetensors stores a tensor shared by two names once; both names then come from that one tensor
    shared: dict[int, list[str]] = {}
    for key, tensor in expected.items():
        shared.setdefault(tensor.untyped_storage().data_ptr(), []).append(key)
    for keys in shared.values():
        present = [k for k in keys if k in state]
        for k in keys:
            if k not in state and present:
                state[k] = state[present[0]]
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    mis_shaped = sorted(k for k in set(expected) & set(state) if expected[k].shape != state[k].shape)
    if missing or unexpected or mis_shaped:
        parts = []
        if missing:
            parts.append(f"missing {len(missing)} tensor(s): {missing[:8]}")
        if unexpected:
            parts.append(f"unexpected {len(unexpected)} tensor(s): {unexpected[:8]}")
        if mis_shaped:
            parts.append("wrong shape: " + ", ".join(
                f"{k} {tuple(state[k].shape)} (model {tuple(expected[k].shape)})" for k in mis_shaped[:8]))
        raise ExportError(f"{source} does not match {type(model).__name__} built from its config: "
                          f"{'; '.join(parts)}. Re-export the model with this zoo version.")
    model.load_state_dict(state, strict=True)
