"""``zoo bench SUITE.yaml``: train each recipe of a suite (or resume / reuse its run), evaluate it with the stated
protocol, export it to ``$ZOO_HUB/<name>`` with its card, and write a results table (Markdown + CSV) and a plot.

Suite format::

    output: benchmarks/results/first-entries     # where the table, CSV and plot go
    entries:
      - name: dcgan-mnist                         # the zoo entry (or any name for an ad-hoc run)
        recipe: recipes/dcgan/mnist.yaml
        args: ["--trainer.max_epochs=5"]          # optional LightningCLI overrides
        eval: {metrics: [fid, kid], reference: mnist-test, num_samples: 5000}
"""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import yaml

from zoo import hub
from zoo.checkpoints import load_checkpoint
from zoo.metrics.evaluate import evaluate, write_results


class SuiteError(ValueError):
    """The suite file is malformed."""


def read_suite(path: str | Path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"suite {path} not found; see recipes/bench/*.yaml for examples.")
    suite = yaml.safe_load(path.read_text()) or {}
    entries = suite.get("entries")
    if not isinstance(entries, list) or not entries:
        raise SuiteError(f"{path}: expected a non-empty 'entries' list.")
    for i, item in enumerate(entries):
        missing = {"name", "recipe", "eval"} - set(item)
        if missing:
            raise SuiteError(f"{path}: entry {i} ({item.get('name', '?')}) lacks {sorted(missing)}.")
        unknown = set(item) - {"name", "recipe", "eval", "args"}
        if unknown:
            raise SuiteError(f"{path}: entry {item['name']} has unknown keys {sorted(unknown)}; "
                             f"allowed: name, recipe, eval, args.")
    return suite


def run_dir(recipe: str | Path, name: str) -> Path:
    config = yaml.safe_load(Path(recipe).read_text()) or {}
    return Path((config.get("trainer") or {}).get("default_root_dir") or f"runs/{name}")


def train(item: dict) -> tuple[Path, float]:
    """Train (or resume, or reuse when already finished) one recipe through ``zoo fit --ckpt_path last``."""
    root = run_dir(item["recipe"], item["name"])
    start = time.perf_counter()
    cmd = [sys.executable, "-m", "zoo.cli", "fit", "--config", item["recipe"], "--ckpt_path", "last",
           *item.get("args", [])]
    print(f"[bench] {item['name']}: {' '.join(cmd[2:])}", flush=True)
    subprocess.run(cmd, check=True)
    return root, time.perf_counter() - start


def bench(suite_path: str | Path, *, skip_train: bool = False, hub_dir: str | Path | None = None) -> list[dict]:
    suite = read_suite(suite_path)
    out = Path(suite.get("output", "benchmarks/results"))
    out.mkdir(parents=True, exist_ok=True)
    hub_dir = Path(hub_dir or os.environ.get("ZOO_HUB", "exports"))
    rows = []
    for item in suite["entries"]:
        if skip_train:
            root, train_s = run_dir(item["recipe"], item["name"]), 0.0
        else:
            root, train_s = train(item)
        model = load_checkpoint(root)
        results = reusable_results(root, item["eval"])
        if results is None:
            print(f"[bench] {item['name']}: evaluating {item['eval']}", flush=True)
            ev = dict(item["eval"])
            results = evaluate(model, metrics=ev.pop("metrics", ["fid", "kid"]), **ev)
            # the wall time of this bench's `zoo fit` call: the whole training for a new run, ~0 for a finished one
            results["protocol"]["bench_fit_call_s"] = round(train_s, 1)
            write_results(results, root / hub.RESULTS)
        else:
            print(f"[bench] {item['name']}: reusing {root / hub.RESULTS} (newer than the checkpoint, same protocol)")
        card = _card(item["name"], results)
        folder = hub.export(model, hub_dir / item["name"], name=item["name"], results=results, card=card)
        row = {"name": item["name"], "recipe": item["recipe"],
               **{k: v for k, v in results.items() if isinstance(v, (int, float))},
               "train_s": round(train_s, 1), "eval_s": results["protocol"]["wall_time_s"], "export": str(folder)}
        rows.append(row)
        print(f"[bench] {item['name']}: {json.dumps({k: v for k, v in row.items() if k != 'export'})}", flush=True)
    write_table(rows, out)
    return rows


def reusable_results(root: Path, spec: dict) -> dict | None:
    """The run's results.json when it is newer than its last checkpoint and was measured with ``spec``."""
    from zoo.checkpoints import find_checkpoint

    path = root / hub.RESULTS
    if not path.is_file() or path.stat().st_mtime < find_checkpoint(root).stat().st_mtime:
        return None
    results = json.loads(path.read_text())
    protocol = results.get("protocol", {})
    metrics = spec.get("metrics", ["fid", "kid"])
    if "modes" in metrics:
        same = protocol.get("mixture") == spec.get("mixture") and protocol.get("num_samples") == spec.get(
            "num_samples", 5000)
    else:
        same = (protocol.get("reference_split") == spec.get("reference")
                and protocol.get("num_fake") == spec.get("num_samples", 5000)
                and all(m in results for m in metrics))
    return results if same else None


def _card(name: str, results: dict) -> str | None:
    from zoo.cards import entry_card
    from zoo.registry import EntryNotFoundError

    try:
        return entry_card(name, results)
    except EntryNotFoundError:
        return None


def write_table(rows: list[dict], out: Path) -> None:
    keys = list(dict.fromkeys(k for row in rows for k in row))
    with open(out / "results.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=keys)
        writer.writeheader()
        writer.writerows(rows)
    shown = [k for k in keys if k not in ("export", "recipe")]
    fmt = lambda v: f"{v:.4g}" if isinstance(v, float) else str(v)  # noqa: E731
    lines = ["| " + " | ".join(shown) + " |", "|" + "---|" * len(shown)]
    lines += ["| " + " | ".join(fmt(r.get(k, "")) for k in shown) + " |" for r in rows]
    (out / "results.md").write_text("\n".join(lines) + "\n")
    metric = next((m for m in ("fid", "modes_covered", "kid") if any(m in r for r in rows)), None)
    if metric:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        named = [r for r in rows if metric in r]
        fig, ax = plt.subplots(figsize=(1.2 * len(named) + 2, 3))
        ax.bar([r["name"] for r in named], [r[metric] for r in named])
        ax.set_ylabel(metric)
        fig.tight_layout()
        fig.savefig(out / f"{metric}.png", dpi=110)
        plt.close(fig)
