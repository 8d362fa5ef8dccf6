"""``zoo bench SUITE.yaml``: train each recipe of a suite (or resume / reuse its run), evaluate it with the stated
protocol, export it to ``$ZOO_HUB/<name>`` with its card, and write a results table (Markdown + CSV) and a plot.

Suite format::

    output: benchmarks/results/first-entries     # where the table, CSV and plot go
    entries:
      - name: dcgan-mnist                         # the zoo entry (or any name for an ad-hoc run)
        recipe: recipes/dcgan/mnist.yaml
        args: ["--trainer.max_epochs=5"]          # optional LightningCLI overrides
        eval: {metrics: [fid, kid], reference: mnist-test, num_samples: 5000}
      - name: gan-ring
        recipe: recipes/gan/ring.yaml
        seeds: [0, 1, 2]                          # optional: one run per seed, in runs/<name>/seed<k>
        eval: {metrics: [modes], mixture: ring, num_samples: 2500}

Optional suite key ``in_process: true`` runs each ``zoo fit`` inside the bench's own process (same arguments), which
saves the seconds of a fresh interpreter and torch import per run: worth it for the toys' short runs; suite key
``keep_going: true`` records a run that fails (e.g. a loss that diverged) as a "failed" row and goes on. With
``seeds``, the table shows mean ± standard deviation over the seeds (the CSV keeps one row per run), each seed's
export goes to ``<hub>/<name>/seed<k>``, and ``--seed_everything=k`` is passed to ``zoo fit``. Suites with toy
entries (metric ``modes``) also get ``samples.png``: the first seed's samples over the mixture's centres.
"""
from __future__ import annotations

import csv
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import torch
import yaml

from zoo import hub
from zoo.checkpoints import load_checkpoint
from zoo.lightning_cli import lightning_cli
from zoo.metrics.evaluate import evaluate, write_results
from zoo.recipes import read_recipe


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
        unknown = set(item) - {"name", "recipe", "eval", "args", "seeds"}
        if unknown:
            raise SuiteError(f"{path}: entry {item['name']} has unknown keys {sorted(unknown)}; "
                             f"allowed: name, recipe, eval, args, seeds.")
        seeds = item.get("seeds")
        if seeds is not None and (not isinstance(seeds, list) or not seeds
                                  or not all(isinstance(k, int) and not isinstance(k, bool) for k in seeds)
                                  or len(set(seeds)) != len(seeds)):
            raise SuiteError(f"{path}: entry {item['name']}: seeds must be a non-empty list of distinct integers, "
                             f"got {seeds!r}.")
    return suite


def run_dir(recipe: str | Path, name: str, args: list[str] | None = None) -> Path:
    """The run folder: a ``--trainer.default_root_dir=DIR`` among the entry's args, else the recipe's."""
    for arg in reversed(args or []):
        if arg.startswith("--trainer.default_root_dir="):
            return Path(arg.split("=", 1)[1])
    config = read_recipe(recipe)  # an overlay's folder, else its base's
    return Path((config.get("trainer") or {}).get("default_root_dir") or f"runs/{name}")


def runs_of(item: dict) -> list[tuple[str, Path, int | None, list[str]]]:
    """(label, run folder, seed, extra ``zoo fit`` arguments) of each run of a suite entry: one run without
    ``seeds``; with them one per seed, in ``<run folder>/seed<k>`` and with ``--seed_everything=k``."""
    root = run_dir(item["recipe"], item["name"], item.get("args"))
    if item.get("seeds") is None:
        return [(item["name"], root, None, [])]
    return [(f"{item['name']}/seed{k}", root / f"seed{k}", k,
             [f"--seed_everything={k}", f"--trainer.default_root_dir={root / f'seed{k}'}"]) for k in item["seeds"]]


def train(item: dict, extra: list[str] | None = None, label: str | None = None, root: Path | None = None,
          in_process: bool = False) -> tuple[Path, float]:
    """Train (or resume, or reuse when already finished) one recipe through ``zoo fit --ckpt_path last``."""
    root = root or run_dir(item["recipe"], item["name"], item.get("args"))
    start = time.perf_counter()
    # the seed's arguments last, so that they win over the entry's own
    args = ["fit", "--config", item["recipe"], "--ckpt_path", "last", *item.get("args", []), *(extra or [])]
    print(f"[bench] {label or item['name']}: zoo {' '.join(args)}", flush=True)
    if in_process:
        lightning_cli(args)
    else:
        subprocess.run([sys.executable, "-m", "zoo.cli", *args], check=True)
    return root, time.perf_counter() - start


def bench(suite_path: str | Path, *, skip_train: bool = False, hub_dir: str | Path | None = None) -> list[dict]:
    suite = read_suite(suite_path)
    out = Path(suite.get("output", "benchmarks/results"))
    out.mkdir(parents=True, exist_ok=True)
    hub_dir = Path(hub_dir or os.environ.get("ZOO_HUB", "exports"))
    rows, toy_samples = [], {}
    for item in suite["entries"]:
        for label, root, seed, extra in runs_of(item):
            if skip_train:
                train_s = 0.0
            else:
                try:
                    root, train_s = train(item, extra, label, root, in_process=bool(suite.get("in_process")))
                except (Exception, SystemExit) as err:  # noqa: BLE001 - a diverged run is a result of the bench
                    if not suite.get("keep_going"):
                        raise
                    print(f"[bench] {label}: FAILED: {err}", flush=True)
                    rows.append({"name": item["name"], **({} if seed is None else {"seed": seed}),
                                 "recipe": item["recipe"], "failed": f"{type(err).__name__}: {err}"[:160]})
                    continue
            model = load_checkpoint(root)
            results = reusable_results(root, item["eval"])
            if results is None:
                print(f"[bench] {label}: evaluating {item['eval']}", flush=True)
                ev = dict(item["eval"])
                results = evaluate(model, metrics=ev.pop("metrics", ["fid", "kid"]), **ev)
                # the wall time of this bench's `zoo fit` call: the whole training for a new run, ~0 for a finished one
                results["protocol"]["bench_fit_call_s"] = round(train_s, 1)
                write_results(results, root / hub.RESULTS)
            else:
                print(f"[bench] {label}: reusing {root / hub.RESULTS} (newer than the checkpoint, same protocol)")
            # a bench run is not a shipped entry: its card states its own results only (`zoo ship` makes entries)
            hub.export(model, hub_dir / label, name=item["name"], results=results)
            row = {"name": item["name"], **({} if seed is None else {"seed": seed}), "recipe": item["recipe"],
                   **{k: v for k, v in results.items() if isinstance(v, (int, float))},
                   "train_s": round(train_s, 1), "eval_s": results["protocol"]["wall_time_s"],
                   "export": label}  # the folder under the hub directory: tables carry no machine path
            rows.append(row)
            if "mixture" in results["protocol"] and item["name"] not in toy_samples:
                toy_samples[item["name"]] = (results["protocol"]["mixture"], model.sample(
                    500, generator=torch.Generator().manual_seed(0)).detach().cpu(), row)
            print(f"[bench] {label}: {json.dumps({k: v for k, v in row.items() if k != 'export'})}", flush=True)
    write_table(rows, out)
    if toy_samples:
        plot_toy_samples(toy_samples, out / "samples.png")
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


def mean_std(values: list[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (0 for a single value)."""
    m = sum(values) / len(values)
    s = math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1)) if len(values) > 1 else 0.0
    return m, s


def summarise_seeds(rows: list[dict]) -> list[dict]:
    """One row per entry: numbers of entries run with several seeds become "mean ± std" strings."""
    by_name: dict[str, list[dict]] = {}
    for r in rows:
        by_name.setdefault(r["name"], []).append(r)
    table = []
    for name, runs in by_name.items():
        if "seed" not in runs[0]:
            table += runs
            continue
        row = {"name": name, "seeds": len(runs)}
        failed = sum("failed" in r for r in runs)
        if failed:  # the numbers below are over the runs that finished
            row["failed"] = f"{failed} of {len(runs)}"
        keys = dict.fromkeys(k for r in runs for k in r if k not in ("name", "seed", "recipe", "export", "failed"))
        for key in keys:
            values = [r[key] for r in runs if isinstance(r.get(key), (int, float))]
            if values and len(set(values)) == 1 and key in ("num_modes", "num_samples"):
                row[key] = values[0]  # the protocol, the same for every seed
            elif values:
                m, s = mean_std([float(v) for v in values])
                row[key] = f"{m:.4g} ± {s:.2g}"
        table.append(row)
    return table


def write_table(rows: list[dict], out: Path) -> None:
    keys = list(dict.fromkeys(k for row in rows for k in row))
    with open(out / "results.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=keys)
        writer.writeheader()
        writer.writerows(rows)
    table = summarise_seeds(rows)
    shown = [k for k in dict.fromkeys(k for row in table for k in row) if k not in ("export", "recipe")]
    fmt = lambda v: f"{v:.4g}" if isinstance(v, float) else str(v)  # noqa: E731
    lines = ["| " + " | ".join(shown) + " |", "|" + "---|" * len(shown)]
    lines += ["| " + " | ".join(fmt(r.get(k, "")) for k in shown) + " |" for r in table]
    (out / "results.md").write_text("\n".join(lines) + "\n")
    metric = next((m for m in ("fid", "modes_covered", "kid") if any(m in r for r in rows)), None)
    if metric:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        named = [r for r in rows if metric in r]
        fig, ax = plt.subplots(figsize=(1.2 * len(named) + 2, 3))
        ax.bar([r["name"] + (f"/{r['seed']}" if "seed" in r else "") for r in named], [r[metric] for r in named])
        ax.set_ylabel(metric)
        ax.tick_params(axis="x", labelrotation=90, labelsize=6)
        fig.tight_layout()
        fig.savefig(out / f"{metric}.png", dpi=110)
        plt.close(fig)


def plot_toy_samples(samples: dict[str, tuple[str, torch.Tensor, dict]], path: Path) -> None:
    """One panel per toy entry (its first seed), one row per mixture: samples (blue) over the centres (red x),
    titled with the modes covered and the share of high-quality samples of that run."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from zoo.data.toy import mixture_modes

    mixtures = list(dict.fromkeys(m for m, _, _ in samples.values()))
    rows = [[(name, pts, row) for name, (m, pts, row) in samples.items() if m == mixture] for mixture in mixtures]
    cols = max(len(r) for r in rows)
    fig, axes = plt.subplots(len(rows), cols, figsize=(1.5 * cols, 1.7 * len(rows)), squeeze=False)
    for i, (mixture, panels) in enumerate(zip(mixtures, rows)):
        centres, _ = mixture_modes(mixture)
        lim = 1.6 if mixture == "ring" else 5.5
        for j in range(cols):
            ax = axes[i][j]
            ax.set_xticks([])
            ax.set_yticks([])
            if j >= len(panels):
                ax.axis("off")
                continue
            name, pts, row = panels[j]
            ax.scatter(pts[:, 0], pts[:, 1], s=1, c="tab:blue", alpha=0.4)
            ax.scatter(centres[:, 0], centres[:, 1], s=12, c="tab:red", marker="x", linewidths=0.8)
            ax.set_xlim(-lim, lim)
            ax.set_ylim(-lim, lim)
            ax.set_title(f"{name}\n{row['modes_covered']}/{row['num_modes']}, {100 * row['high_quality']:.0f}% HQ",
                         fontsize=6)
    fig.tight_layout(pad=0.2)
    fig.savefig(path, dpi=90)
    plt.close(fig)
