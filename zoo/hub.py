"""Export and load of Hub-layout folders: ``config.json`` + ``model.safetensors`` (+ card, samples, metrics).

An export holds every network a user needs to resume or fine-tune (G, D, the EMA G, Q or encoder heads) and the
update counters, under the module's own state-dict names. Only JSON and safetensors are read back: nothing is
unpickled. Loading builds only zoo models: the class named in ``config.json`` must be one of the zoo's model classes
(an allow-list built from ``zoo.models``), its hyperparameters must match that class's signature, and the files'
sha256 recorded in the config are checked before anything is built.

Writes are atomic: the new folder is assembled beside the old one (``.<name>.<pid>-<token>.partial``) and swapped in,
so an interrupted export leaves the previous one intact. The next export of the same target removes partial folders
whose process is gone, and a crash between the two renames of the swap (only ``.<name>.old`` left) is recovered on
the next export or load. Files and folders get the permissions of the user's umask.
"""
from __future__ import annotations

import collections.abc
import contextlib
import difflib
import functools
import glob
import hashlib
import importlib
import inspect
import json
import os
import pkgutil
import secrets
import shutil
import time
import types
import typing
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file, save_model

from zoo.version import __version__

CONFIG = "config.json"
WEIGHTS = "model.safetensors"
RESULTS = "results.json"
CARD = "README.md"
SAMPLES = "samples.png"
MODELS_PACKAGE = "zoo.models"


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


@functools.lru_cache(maxsize=None)
def model_classes() -> dict[str, type]:
    """The allow-list of classes a config (or checkpoint) may name: every zoo model class (a subclass of
    :class:`zoo.core.module.ZooModel`) defined in a module of ``zoo.models``, keyed by its import path."""
    # the package and the base class are found by name, not imported here: zoo.core.module imports this module
    package = importlib.import_module(MODELS_PACKAGE)
    table: dict[str, type] = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{MODELS_PACKAGE}.{info.name}")
        for obj in vars(module).values():
            if isinstance(obj, type) and obj.__module__ == module.__name__ and getattr(obj, "is_zoo_model", False):
                table[class_path(obj)] = obj
    return table


def import_class(path: str, source: str | None = None) -> type:
    """The zoo model class named ``path`` in a config, looked up in :func:`model_classes` (nothing else is ever
    imported or called)."""
    classes = model_classes()
    if isinstance(path, str) and path in classes:
        return classes[path]
    close = difflib.get_close_matches(path, list(classes), n=1, cutoff=0.8) if isinstance(path, str) else []
    hint = f" Did you mean {close[0]!r}?" if close else ""
    where = f"{source}: " if source else ""
    raise ExportError(f"{where}model_class={path!r} is not a class of the zoo package: a config may only name one "
                      f"of the zoo's {len(classes)} model classes (e.g. 'zoo.models.dcgan.DCGAN').{hint} Refusing "
                      f"to build it. Fix: use an export made by `zoo export`; this one is damaged or tampered with, "
                      f"not from gan-zoo, or from a version newer than {__version__} (then upgrade gan-zoo).")


def type_name(annotation: Any) -> str:
    if annotation is inspect.Parameter.empty:
        return "a value of any type"
    if isinstance(annotation, type) and not typing.get_args(annotation):
        return annotation.__name__
    return str(annotation).replace("typing.", "").replace("collections.abc.", "")


def matches_type(value: Any, annotation: Any) -> bool:
    """Whether a JSON value fits a constructor annotation (tuples and sequences arrive as JSON lists)."""
    if annotation in (Any, inspect.Parameter.empty):
        return True
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(matches_type(value, a) for a in args)
    if annotation in (None, type(None)):
        return value is None
    if annotation is bool:
        return isinstance(value, bool)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if annotation is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if annotation is str:
        return isinstance(value, str)
    if origin is typing.Literal:
        return value in args
    if origin is tuple or annotation is tuple:
        if not isinstance(value, (list, tuple)):
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(matches_type(v, args[0]) for v in value)
        return not args or (len(value) == len(args) and all(matches_type(v, a) for v, a in zip(value, args)))
    if origin in (list, collections.abc.Sequence, collections.abc.MutableSequence) or annotation in (
            list, collections.abc.Sequence):
        return isinstance(value, (list, tuple)) and (not args or all(matches_type(v, args[0]) for v in value))
    if origin in (dict, collections.abc.Mapping) or annotation in (dict, collections.abc.Mapping):
        return isinstance(value, dict) and (not args or all(
            matches_type(k, args[0]) and matches_type(v, args[1]) for k, v in value.items()))
    if isinstance(annotation, type):
        return isinstance(value, annotation)
    return True  # an annotation the zoo's models do not use: not checked


def check_hparams(cls: type, hparams: Any, source: str) -> dict[str, Any]:
    """Check a config's hyperparameters against ``cls.__init__``'s signature; an unknown, missing or wrong-typed
    one is an :class:`ExportError` naming the key, the expected type and the fix."""
    again = f"or export the model again with `zoo export` (gan-zoo {__version__})"
    if not isinstance(hparams, dict):
        raise ExportError(f"{source}: 'hparams' is a {type(hparams).__name__}, but {cls.__name__} expects a JSON "
                          f"object of its arguments. Fix: write them as an object, {again}.")
    signature = inspect.signature(cls.__init__)
    try:
        hints = typing.get_type_hints(cls.__init__)
    except Exception:  # an annotation that cannot be evaluated: check names only
        hints = {}
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    params = {n: p for n, p in list(signature.parameters.items())[1:] if p.kind in kinds}
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in signature.parameters.values())
    for key in hparams:
        if key not in params and not takes_any:
            close = difflib.get_close_matches(str(key), list(params), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ExportError(f"{source}: unknown hyperparameter {key!r}{hint}: {cls.__name__} takes "
                              f"{', '.join(params)}. Fix: remove {key!r} from 'hparams', {again}.")
    for key, param in params.items():
        expected = type_name(hints.get(key, param.annotation))
        if key not in hparams:
            if param.default is inspect.Parameter.empty:
                raise ExportError(f"{source}: missing hyperparameter {key!r}: {cls.__name__} requires it "
                                  f"({expected}). Fix: add it to 'hparams', {again}.")
            continue
        value = hparams[key]
        if not matches_type(value, hints.get(key, param.annotation)):
            default = "" if param.default is inspect.Parameter.empty else f" (default {param.default!r})"
            raise ExportError(f"{source}: hyperparameter {key!r} is {value!r} ({type(value).__name__}), but "
                              f"{cls.__name__} expects {expected}{default}. Fix: write it as {expected} in 'hparams', "
                              f"{again}.")
    return hparams


def build_model(model_class: Any, hparams: Any, source: str):
    """Build a zoo model from a config's (or checkpoint's) class path and hyperparameters, safely: the class must
    be on the allow-list and the hyperparameters must fit its signature; the model's own checks become an
    :class:`ExportError` naming ``source``."""
    cls = import_class(model_class, source)
    hparams = check_hparams(cls, hparams, source)
    try:
        return cls(**hparams)
    except (TypeError, ValueError) as err:
        raise ExportError(f"{source}: {cls.__name__} refused the hyperparameters: {err} Fix 'hparams', or export "
                          f"the model again with `zoo export`.") from err


def verify_checksums(folder: Path, config: dict[str, Any]) -> None:
    """Check every file whose sha256 ``config.json`` records (the weights at least) before anything is built."""
    source = folder / CONFIG
    recorded = config.get("sha256")
    if not isinstance(recorded, dict) or WEIGHTS not in recorded:
        raise ExportError(f"{source} records no sha256 for {WEIGHTS}, so the weights cannot be verified; the export "
                          f"is incomplete or not from gan-zoo: export it again with `zoo export`.")
    for name, digest in recorded.items():
        if not isinstance(name, str) or name in ("", ".", "..") or Path(name).name != name or "\\" in name:
            raise ExportError(f"{source}: sha256 names {name!r}, which is not a file of the export folder; the "
                              f"config is damaged or tampered with: export or download it again.")
        path = folder / name
        if not path.is_file():
            raise ExportError(f"{name} not found in {folder}; the export is incomplete: export or download it again.")
        actual = sha256_file(path)
        if actual != digest:
            raise ExportError(f"{path} does not match the sha256 recorded in {source} (recorded {str(digest)[:12]}..., "
                              f"file {actual[:12]}...): it is truncated or damaged, or was changed after export. "
                              f"Export or download it again.")


def jsonable_hparams(model) -> dict[str, Any]:
    hparams = {k: v for k, v in model.hparams.items() if not k.startswith("_")}  # LightningCLI adds _class_path
    try:
        return json.loads(json.dumps(hparams))
    except TypeError as err:
        raise ExportError(f"{type(model).__name__}'s hyperparameters are not all JSON values ({err}); the zoo "
                          f"saves primitive hyperparameters only.") from err


PARTIAL_SUFFIX = ".partial"
STALE_PARTIAL_SECONDS = 3600.0  # where a partial folder's process cannot be asked about (not POSIX)


def old_folder(target: Path) -> Path:
    """Where the swap keeps the previous export for a moment: ``.<name>.old`` beside it."""
    return target.with_name(f".{target.name}.old")


def recover_interrupted(target: str | os.PathLike) -> bool:
    """Put back the previous export when a swap was interrupted between its two renames (``target`` gone, only
    ``.<name>.old`` left). Return whether it did."""
    target = Path(target)
    old = old_folder(target)
    if target.name in ("", ".", "..") or target.exists() or not (old / CONFIG).is_file():
        return False
    try:
        old.rename(target)
    except OSError:
        return False
    return True


def user_umask() -> int:
    """The process umask, read without changing it where Linux allows."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def remove_stale_partials(target: Path) -> list[Path]:
    """Remove partial folders of earlier exports of ``target`` whose process is gone (killed, crashed)."""
    removed = []
    prefix = f".{target.name}."
    for partial in target.parent.glob(f"{glob.escape(prefix)}*{PARTIAL_SUFFIX}"):
        if not partial.is_dir():
            continue
        owner = partial.name[len(prefix):-len(PARTIAL_SUFFIX)].split("-", 1)[0]
        if os.name == "posix" and owner.isdigit():
            stale = not _process_alive(int(owner))
        else:  # the old mkdtemp names, or no way to ask: stale once old enough
            stale = not owner.isdigit() or time.time() - partial.stat().st_mtime > STALE_PARTIAL_SECONDS
        if stale:
            shutil.rmtree(partial, ignore_errors=True)
            removed.append(partial)
    return removed


def _new_partial(target: Path) -> Path:
    while True:
        tmp = target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}{PARTIAL_SUFFIX}")
        try:
            tmp.mkdir(mode=0o777)  # the umask applies, unlike mkdtemp's 0700
        except FileExistsError:
            continue
        return tmp


def _apply_umask(folder: Path) -> None:
    """Give everything under ``folder`` the permissions a plain ``open`` / ``mkdir`` would (0666 / 0777 less the
    umask): libraries may create files 0600."""
    mask = user_umask()
    for root, dirs, files in os.walk(folder):
        os.chmod(root, 0o777 & ~mask)
        for name in files:
            os.chmod(os.path.join(root, name), 0o666 & ~mask)


@contextlib.contextmanager
def atomic_folder(target: Path):
    """Yield a temporary folder that replaces ``target`` only if the block completes.

    Before it starts, an interrupted swap of ``target`` is recovered and partial folders of killed exports are
    removed. The swap is two renames (``target`` -> ``.<name>.old``, partial -> ``target``); if the second fails,
    the first is undone at once, and a process killed between them leaves ``.<name>.old``, which the next export
    or load of ``target`` puts back.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    recover_interrupted(target)
    remove_stale_partials(target)
    tmp = _new_partial(target)
    try:
        yield tmp
        _apply_umask(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = old_folder(target)
    moved = False
    try:
        if target.exists():
            shutil.rmtree(old, ignore_errors=True)  # left by a swap that completed its second rename
            target.rename(old)
            moved = True
        tmp.rename(target)
    except BaseException:
        if moved and not target.exists():
            with contextlib.suppress(OSError):
                old.rename(target)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n")


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write a file through a temporary sibling and a rename, so a reader never sees half of it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.partial")
    tmp.write_text(text)
    tmp.replace(path)
    return path


def write_json_atomic(path: str | os.PathLike, data: Any) -> Path:
    return write_text_atomic(path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def export(model, folder: str | os.PathLike, *, name: str | None = None, results: dict | None = None,
           card: str | None = None, samples: bool = True, extra: dict | None = None,
           training: dict | None = None, weights_dtype: str | None = None) -> Path:
    """Write ``model`` as a Hub-layout folder and return its path.

    Args:
        model: any zoo model (a ``ZooModel``).
        folder: the export folder; an existing one is replaced atomically.
        name: the zoo entry name this export is for (recorded in the config).
        results: metrics with their protocol (written as results.json and referenced by the card).
        card: model card text (README.md); by default a short card is generated.
        samples: also write samples.png, a grid drawn with seed 0, when the model samples images.
        extra: additional JSON-able config fields.
        training: the training record (steps, epochs, wall time, command), kept in the config for the card.
        weights_dtype: "float16" or "bfloat16" stores the parameters at half size (normalisation statistics,
            counters and other buffers stay exact); loading casts them back to the model's dtype.
    Returns:
        The folder path.
    """
    folder = Path(folder)
    config = {
        "model_class": class_path(model),
        "hparams": jsonable_hparams(model),
        "zoo_version": __version__,
        "name": name,
        "num_parameters": model.num_parameters(),
        "metrics_protocol": (results or {}).get("protocol"),
        **({"training": training} if training else {}),
        **({"weights_dtype": weights_dtype} if weights_dtype else {}),
        **(extra or {}),
    }
    with atomic_folder(folder) as tmp:
        save_weights(model, tmp / WEIGHTS, weights_dtype)
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


HALF_DTYPES = {"float16": torch.float16, "bfloat16": torch.bfloat16}


def save_weights(model, path: Path, weights_dtype: str | None = None) -> None:
    metadata = {"format": "pt", "zoo_version": __version__}
    if weights_dtype is None:
        save_model(model, str(path), metadata=metadata, force_contiguous=True)
        return
    if weights_dtype not in HALF_DTYPES:
        raise ExportError(f"weights_dtype={weights_dtype!r} is not supported; use one of {sorted(HALF_DTYPES)} or "
                          f"None (float32).")
    parameters = {name for name, _ in model.named_parameters(remove_duplicate=False)}
    state = {k: (v.to(HALF_DTYPES[weights_dtype]) if k in parameters and v.is_floating_point() else v)
             .detach().clone().contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(path), metadata={**metadata, "weights_dtype": weights_dtype})


def write_sample_grid(model, path: Path, n: int = 64, seed: int = 0) -> bool:
    """Save a grid of ``n`` samples (seed ``seed``) when the model samples images; return whether it did."""
    from torchvision.utils import save_image

    from zoo.schema import offers

    if not offers(model, "sample"):
        return False
    images = model.sample(n, generator=torch.Generator().manual_seed(seed))
    if images.dim() != 4:  # points of the 2-D toys
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
    if not isinstance(config, dict):
        raise ExportError(f"{path} holds a JSON {type(config).__name__}, not an object; the export is damaged or not "
                          f"from gan-zoo: export it again.")
    for key in ("model_class", "hparams"):
        if key not in config:
            raise ExportError(f"{path} has no {key!r} field; the export is damaged or not from gan-zoo.")
    return config


def load_folder(folder: str | os.PathLike, *, device: str | torch.device = "cpu", trainable: bool = False,
                expected: type | None = None):
    """Rebuild the model named in ``folder/config.json`` and load ``model.safetensors`` strictly.

    Nothing is built before the checks pass: the files' sha256 recorded in the config, the class (a zoo model
    class, see :func:`model_classes`) and its hyperparameters (against the class's signature).

    Args:
        folder: an export folder.
        device: where to put the model.
        trainable: leave the model in train mode (for fine-tuning); by default it is in eval mode.
        expected: refuse a folder whose class is not this class or a subclass (``CycleGAN.from_pretrained``).
    Returns:
        The model, with every tensor of the export loaded; a missing or unexpected tensor is an error.
    """
    folder = Path(folder)
    recover_interrupted(folder)
    config = read_config(folder)
    source = str(folder / CONFIG)
    cls = import_class(config["model_class"], source)
    if expected is not None and not issubclass(cls, expected):
        raise ExportError(f"{folder} holds a {cls.__name__} ({config['model_class']}), not a {expected.__name__}. "
                          f"Load it with Zoo.load({str(folder)!r}) or {cls.__name__}.from_pretrained(...).")
    hparams = check_hparams(cls, config["hparams"], source)
    weights = folder / WEIGHTS
    if not weights.is_file():
        raise ExportError(f"{WEIGHTS} not found in {folder}; the export is incomplete: export it again.")
    verify_checksums(folder, config)
    model = build_model(config["model_class"], hparams, source)
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
