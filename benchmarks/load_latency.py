"""Cost of ``Zoo.load(name)`` + 64 samples from a warm local cache ($ZOO_HUB), in a fresh process.

    ZOO_HUB=... python benchmarks/load_latency.py dcgan-mnist --repeats 5
"""
from __future__ import annotations

import argparse
import statistics
import time

t0 = time.perf_counter()
import torch  # noqa: E402

from zoo import Zoo  # noqa: E402

IMPORT_S = time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("name")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    first = None
    timings = []
    for i in range(args.repeats):
        start = time.perf_counter()
        model = Zoo.load(args.name)
        model.sample(64, generator=torch.Generator().manual_seed(0))
        timings.append(time.perf_counter() - start)
        first = first or timings[0]
    print(f"import torch + zoo: {IMPORT_S:.2f} s")
    print(f"Zoo.load({args.name!r}) + 64 samples: first {first:.3f} s, median of {args.repeats} "
          f"{statistics.median(timings):.3f} s ({torch.get_num_threads()} threads)")


if __name__ == "__main__":
    main()
