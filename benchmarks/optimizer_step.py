"""One optimizer step over a zoo model's parameters: torch's per-tensor loop (its CPU default), ``foreach`` and
``fused``, for Adam, SGD with momentum and RMSprop (which has no fused kernel).

Every parameter gets a fixed random gradient; the table gives milliseconds per ``step()`` (median of the timed
repeats, after warm-up steps). zoo.core.optim chose its defaults from this table.

    OMP_NUM_THREADS=1 python benchmarks/optimizer_step.py --repeats 20 --out optimizer_step.json
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from typing import Callable

import torch

from zoo.models.bigan import BiGAN
from zoo.models.dcgan import DCGAN
from zoo.models.gan import GAN
from zoo.models.pix2pix import Pix2Pix

MODELS: dict[str, Callable[[], torch.nn.Module]] = {
    "Pix2Pix 64px (CPU recipe's nets)": lambda: Pix2Pix(num_downs=6, generator_width=32, discriminator_width=32,
                                                          sample_every_n_steps=0, num_fixed_samples=0),
    "BiGAN MNIST (paper's MLPs)": lambda: BiGAN(sample_every_n_steps=0),
    "GAN MNIST (paper's maxout MLPs)": lambda: GAN(sample_every_n_steps=0),
    "DCGAN MNIST (64 channels)": lambda: DCGAN(28, 1, 100, 64, 64, sample_every_n_steps=0),
}
OPTIMIZERS: dict[str, Callable[..., torch.optim.Optimizer]] = {
    "Adam": lambda p, **kw: torch.optim.Adam(p, lr=1e-4, **kw),
    "SGD momentum": lambda p, **kw: torch.optim.SGD(p, lr=1e-4, momentum=0.5, **kw),
    "RMSprop": lambda p, **kw: torch.optim.RMSprop(p, lr=1e-4, **kw),
}
IMPLEMENTATIONS = {"per-tensor loop": {"foreach": False}, "foreach": {"foreach": True}, "fused": {"fused": True}}


def milliseconds_per_step(optimizer: torch.optim.Optimizer, repeats: int, warmup: int) -> float:
    for _ in range(warmup):
        optimizer.step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        optimizer.step()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    torch.manual_seed(0)
    load, results = [os.getloadavg()], {}
    for model_name, build in MODELS.items():
        params = list(build().parameters())
        for p in params:
            p.grad = torch.randn_like(p)
        size = sum(p.numel() for p in params) / 1e6
        for opt_name, make in OPTIMIZERS.items():
            row = {}
            for impl, options in IMPLEMENTATIONS.items():
                try:
                    optimizer = make(params, **options)
                except (RuntimeError, TypeError, ValueError):  # no such implementation (RMSprop has no fused)
                    continue
                row[impl] = milliseconds_per_step(optimizer, args.repeats, args.warmup)
            results[f"{model_name}, {size:.1f}M parameters in {len(params)} tensors | {opt_name}"] = row
        load.append(os.getloadavg())
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, median of {args.repeats} steps after "
          f"{args.warmup}; load average (1 min) {min(x[0] for x in load):.2f}-{max(x[0] for x in load):.2f}")
    print("| parameters | optimizer | " + " | ".join(f"{i} (ms)" for i in IMPLEMENTATIONS) + " |")
    print("|---|---|" + "---|" * len(IMPLEMENTATIONS))
    for key, row in results.items():
        model_name, opt_name = key.split(" | ")
        cells = [f"{row[i]:.2f}" if i in row else "none" for i in IMPLEMENTATIONS]
        print(f"| {model_name} | {opt_name} | " + " | ".join(cells) + " |")
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"ms_per_step": results, "threads": torch.get_num_threads(), "torch": torch.__version__,
                       "repeats": args.repeats, "load_average": load}, f, indent=2)


if __name__ == "__main__":
    main()
