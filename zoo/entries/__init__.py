"""The zoo's entries, one module per paper family. Each module declares ``ENTRIES`` (shipped: their weights are in
the repository's Hub mirror ``hub/<name>/``) and ``PLANNED`` (a recipe exists, the weights do not yet)."""
from __future__ import annotations

import importlib
import pkgutil

from zoo.schema import ZooEntry


def _collect(attribute: str) -> tuple[ZooEntry, ...]:
    found: list[ZooEntry] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        found.extend(getattr(importlib.import_module(f"{__name__}.{info.name}"), attribute))
    return tuple(found)


ENTRIES = _collect("ENTRIES")
PLANNED = _collect("PLANNED")
