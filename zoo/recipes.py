"""Recipes: the LightningCLI configs under ``recipes/``, and overlays that change one of them.

An overlay is a recipe with a top-level key ``base`` naming the recipe it changes (a path relative to the overlay's
own folder) and holding only the keys it changes; a base may itself be an overlay. ``zoo fit --config OVERLAY``
runs ``zoo fit --config BASE --config OVERLAY``: LightningCLI merges stacked configs in order, later keys winning
(mappings merge key by key, anything else is replaced), so a paper default is written once, in the paper recipe,
and a CPU-scaled recipe states only what it scales.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

BASE_KEY = "base"
CONFIG_FLAGS = ("--config", "-c")


class RecipeError(ValueError):
    """A recipe, or the base an overlay names, cannot be read."""


def _load(path: Path) -> dict[str, Any]:
    from jsonargparse import get_loader  # the loader LightningCLI reads the same files with (1e-5 is a float)

    try:
        data = get_loader("yaml")(path.read_text())
    except FileNotFoundError:
        raise RecipeError(f"recipe {path} not found; recipes live under recipes/<paper>/, e.g. "
                          f"recipes/dcgan/mnist.yaml.") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RecipeError(f"{path} is not a recipe: expected a YAML mapping (model:, data:, trainer:, ...), got a "
                          f"{type(data).__name__}.")
    return data


def layers(path: str | Path) -> list[tuple[Path, dict[str, Any]]]:
    """The recipe at ``path`` and the bases it stands on, the full recipe first: (file, its keys less ``base``).

    Raises:
        RecipeError: a base that is not a file, not a relative path string, or a chain of bases that loops.
    """
    path = Path(path)
    found: list[tuple[Path, dict[str, Any]]] = []
    while True:
        data = _load(path)
        base = data.pop(BASE_KEY, None)
        found.append((path, data))
        if base is None:
            return found[::-1]
        how = (f"`{BASE_KEY}:` names the recipe this overlay changes, as a path relative to the overlay's folder "
               f"{path.parent}/ (e.g. `{BASE_KEY}: mnist.yaml`); remove the key to make {path.name} a full recipe")
        if not isinstance(base, str) or not base.strip() or Path(base).is_absolute():
            raise RecipeError(f"{path}: {BASE_KEY} {base!r} is not a relative path. {how}.")
        target = path.parent / base
        if not target.is_file():
            raise RecipeError(f"{path}: its {BASE_KEY} {base!r} is not a file (looked for {target}). {how}.")
        if target.resolve() in {p.resolve() for p, _ in found}:
            chain = " -> ".join(str(p) for p, _ in (*found, (target, {})))
            raise RecipeError(f"{path}: the bases loop ({chain}); the last recipe of a chain is a full recipe "
                              f"without a `{BASE_KEY}:` key.")
        path = target


def merge(base: dict[str, Any], overlay: dict[str, Any], where: str = "") -> dict[str, Any]:
    """``overlay`` stacked on ``base`` as LightningCLI stacks two configs: mappings merge key by key, anything else
    is replaced. An overlay keeps its base's classes: under another ``class_path`` jsonargparse keeps only those of
    the base's ``init_args`` that the new class accepts, which a merge of the files alone cannot tell."""
    merged = dict(base)
    for key, value in overlay.items():
        name = f"{where}.{key}" if where else key
        if key == "class_path" and key in base and value != base[key]:
            raise RecipeError(f"{name}: an overlay keeps its base's class ({base[key]}), got {value}; write a full "
                              f"recipe (without `{BASE_KEY}:`) to train another class.")
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = merge(base[key], value, name)
        else:
            merged[key] = value
    return merged


def read_recipe(path: str | Path, chain: list[tuple[Path, dict[str, Any]]] | None = None) -> dict[str, Any]:
    """The recipe at ``path`` with its bases merged in: the keys its ``zoo fit`` run is given (without the class
    signatures' defaults, which only LightningCLI adds). ``chain``: its :func:`layers`, when already read."""
    resolved: dict[str, Any] = {}
    for file, data in chain or layers(path):
        try:
            resolved = merge(resolved, data)
        except RecipeError as err:
            raise RecipeError(f"{file}: {err}") from None
    return resolved


def _is_file(value: str) -> bool:
    try:
        return Path(value).is_file()
    except OSError:  # a config string too long to be a file name
        return False


def stacked_configs(args: list[str]) -> list[str]:
    """Command-line arguments with each ``--config OVERLAY`` (``--config=OVERLAY``, ``-c OVERLAY``) replaced by
    ``--config BASE --config KEYS``: the full recipe as a file, then each overlay's own keys as a YAML string.
    Other arguments, config strings and plain recipes pass unchanged."""
    import yaml

    out: list[str] = []
    i = 0
    while i < len(args):
        flag, eq, value = args[i].partition("=")
        if flag not in CONFIG_FLAGS or not (eq or i + 1 < len(args)):
            out.append(args[i])
            i += 1
            continue
        if not eq:
            value = args[i + 1]
        i += 1 if eq else 2
        chain = layers(value) if _is_file(value) else []
        if len(chain) < 2:
            out += [flag, value]
            continue
        read_recipe(value, chain)  # refuses what LightningCLI would merge differently (another class_path)
        out += [flag, str(chain[0][0])]
        for _, data in chain[1:]:
            out += [flag, yaml.safe_dump(data, sort_keys=False)]
    return out
