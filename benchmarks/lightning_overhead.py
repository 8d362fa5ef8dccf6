"""Where a zoo training batch spends its time, by package, from a cProfile of the Lightning loop.

``throughput.py`` compares images/s of the Lightning loop with a plain loop; on a small step the difference is a few
percent, under the spread of repeated rounds. This script measures Lightning's cost directly instead: it profiles
``throughput.lightning_loop`` (the zoo's module under a quiet Trainer, the guards on) for each family and sums the
time spent in each package's own Python frames (cProfile's tottime): Lightning (lightning, lightning_fabric,
lightning_utilities), torch's data loading (torch.utils.data), the zoo, the rest of torch's Python, the native
kernels (built-in calls), Python's standard library (context managers and the like, called by all of them) and the
benchmark's own timer callback. The profile spans the whole ``Trainer.fit``, its setup included. cProfile adds a
fixed cost to every Python call, which falls mostly on Lightning's many small calls: its share here is an upper
bound of its share without the profiler.

    OMP_NUM_THREADS=1 ZOO_DATA=<data> python benchmarks/lightning_overhead.py --steps 100
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
from typing import Callable

import torch

import throughput as tp

FAMILIES: dict[str, tuple[str, Callable, int]] = {  # name: (dataset, module builder, batch size)
    "DCGAN MNIST, batch 64": ("mnist", tp.dcgan(), tp.BATCH),
    "GAN MLP MNIST, batch 100": ("mnist", tp.gan_mlp, tp.MLP_BATCH),
    "CycleGAN 64px, batch 1": ("pairs", tp.cyclegan, 1),
    "Pix2Pix 64px, batch 1": ("pairs", tp.pix2pix, 1),
}
CATEGORIES = ("Lightning", "data loading", "zoo", "torch (Python)", "native (built-in calls)", "Python's library",
              "benchmark timer", "other")


def category(filename: str) -> str:
    path = filename.replace(os.sep, "/")
    if filename.startswith("~") or filename.startswith("<built-in"):
        return "native (built-in calls)"
    if any(f"/{name}/" in path for name in ("lightning", "lightning_fabric", "lightning_utilities")):
        return "Lightning"
    if "/torch/utils/data/" in path:
        return "data loading"
    if "/zoo/" in path:
        return "zoo"
    if "/torch/" in path:
        return "torch (Python)"
    if "/benchmarks/" in path:
        return "benchmark timer"
    if "/lib/python3" in path and "-packages/" not in path:
        return "Python's library"
    return "other"


def profile(family: str, steps: int, warmup: int) -> dict[str, float]:
    dataset, build, batch_size = FAMILIES[family]
    data = tp.mnist_images(batch_size * (steps + warmup + 1)) if dataset == "mnist" else tp.image_pairs(
        steps + warmup + 1)
    tp.lightning_loop(build, data, batch_size, 2, 1)  # imports and first-call costs outside the profile
    profiler = cProfile.Profile()
    profiler.enable()
    tp.lightning_loop(build, data, batch_size, steps, warmup)
    profiler.disable()
    seconds = dict.fromkeys(CATEGORIES, 0.0)
    for (filename, _, _), (_, _, own_time, _, _) in pstats.Stats(profiler).stats.items():
        seconds[category(filename)] += own_time
    batches = steps + warmup
    return {name: 1000 * s / batches for name, s in seconds.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=100, help="profiled batches after the warm-up ones")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--only", nargs="*", help="substrings of family names to run")
    args = parser.parse_args()
    rows = {f: profile(f, args.steps, args.warmup) for f in FAMILIES if not args.only or any(o in f for o in args.only)}
    print(f"\ntorch {torch.__version__}, {torch.get_num_threads()} threads, {args.steps + args.warmup} profiled "
          f"batches per family; load average {os.getloadavg()[0]:.2f}")
    print("| family | ms per batch | " + " | ".join(CATEGORIES) + " |")
    print("|---|---|" + "---|" * len(CATEGORIES))
    for family, ms in rows.items():
        total = sum(ms.values())
        cells = " | ".join(f"{ms[c]:.2f} ms ({100 * ms[c] / total:.1f}%)" for c in CATEGORIES)
        print(f"| {family} | {total:.1f} | {cells} |")


if __name__ == "__main__":
    main()
