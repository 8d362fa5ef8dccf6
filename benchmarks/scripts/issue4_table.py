"""Lay the mode-collapse bench's per-run CSV out as one row per configuration, ring and grid side by side.

    python benchmarks/scripts/issue4_table.py benchmarks/results/mode-collapse/results.csv

Input: the CSV that `zoo bench recipes/bench/mode-collapse.yaml` writes (one row per run; entry names are
"<configuration>@<mixture>"). Output: a Markdown table of mean ± sample standard deviation over the seeds that
finished, with the number of seeds run and of runs that failed (a loss that became non-finite), and the mean wall
time of the `zoo fit` call that trained each run (from the run's results.json).
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from zoo.bench import mean_std


def main(path: str) -> None:
    runs: dict[tuple[str, str], list[dict]] = {}
    for row in csv.DictReader(open(path)):
        config, mixture = row["name"].rsplit("@", 1)
        runs.setdefault((config, mixture), []).append(row)
    configs = list(dict.fromkeys(c for c, _ in runs))
    print("| configuration | ring: modes (of 8) | ring: high quality % | ring: reverse KL | grid: modes (of 25) "
          "| grid: high quality % | grid: reverse KL | seeds (failed) | mean train s per run |")
    print("|---|---|---|---|---|---|---|---|---|")
    for config in configs:
        cells, seconds, seeds = [config], [], []
        for mixture in ("ring", "grid"):
            done = [r for r in runs.get((config, mixture), []) if not r.get("failed")]
            failed = len(runs.get((config, mixture), [])) - len(done)
            seeds.append(f"{len(done) + failed}" + (f" ({failed})" if failed else ""))
            # the training's wall time as first measured (a rerun of the suite reuses finished runs in ~1 s)
            seconds += [json.loads((Path(r["export"]) / "results.json").read_text())["protocol"]["bench_fit_call_s"]
                        for r in done]
            for key, scale, digits in (("modes_covered", 1, 1), ("high_quality", 100, 1), ("reverse_kl", 1, 2)):
                if done:
                    m, s = mean_std([float(r[key]) * scale for r in done])
                    cells.append(f"{m:.{digits}f} ± {s:.{digits}f}")
                else:
                    cells.append("-")
        cells.append(" / ".join(seeds))
        cells.append(f"{sum(seconds) / len(seconds):.0f}" if seconds else "-")
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1])
