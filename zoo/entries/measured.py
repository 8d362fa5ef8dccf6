"""Measured results of the reference exports, read from ``measured.json`` (written by ``zoo record``).

Keeping the numbers in a data file written from the exports' own results.json means no number in the registry is
typed by hand: ``zoo bench`` measures and exports, ``zoo record NAME`` copies the results and checksums here.
"""
from __future__ import annotations

import json
from pathlib import Path

from zoo import hub

PATH = Path(__file__).with_name("measured.json")
ENTRIES = ()  # this module holds data for the other entry modules, no entries of its own


def measured(name: str) -> dict:
    """{"metrics": {...}, "protocol": {...}, "checksums": {...}} of an entry's reference export, or {}."""
    if not PATH.is_file():
        return {}
    return json.loads(PATH.read_text()).get(name, {})


def record(name: str, folder: str | Path) -> dict:
    """Copy an export's results and file checksums into measured.json (atomically)."""
    folder = Path(folder)
    results_file = folder / hub.RESULTS
    if not results_file.is_file():
        raise FileNotFoundError(f"{results_file} not found: evaluate the export first (`zoo eval` or `zoo bench`).")
    results = json.loads(results_file.read_text())
    entry = {
        "metrics": {k: v for k, v in results.items() if isinstance(v, (int, float)) and k != "num_samples"},
        "protocol": results.get("protocol", {}),
        "checksums": {f: hub.sha256_file(folder / f) for f in (hub.CONFIG, hub.WEIGHTS)},
    }
    table = json.loads(PATH.read_text()) if PATH.is_file() else {}
    table[name] = entry
    tmp = PATH.with_suffix(".partial")
    tmp.write_text(json.dumps(table, indent=2, sort_keys=True) + "\n")
    tmp.replace(PATH)
    return entry
