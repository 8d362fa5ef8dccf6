"""The zoo's entries, one module per paper family; each module defines ``ENTRIES``, a tuple of ZooEntry."""
from __future__ import annotations

import importlib
import pkgutil

from zoo.registry import ZooEntry


def all_entries() -> tuple[ZooEntry, ...]:
    found: list[ZooEntry] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        found.extend(importlib.import_module(f"{__name__}.{info.name}").ENTRIES)
    return tuple(found)


ENTRIES = all_entries()
