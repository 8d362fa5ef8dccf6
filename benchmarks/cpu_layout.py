"""How to spend two CPU cores on one training: one process with two threads, or a 2-process DDP fit (gloo) with one
thread each; and for translation, batch 1 against batch 4.

Each layout runs in its own process tree (threads are fixed at start-up), with the zoo's Lightning module and the
nets of throughput.py: DCGAN on MNIST 28x28 and CycleGAN at 64 px (the CPU recipe's nets, random images). Under DDP
each rank trains on its own half of the global batch, so "DDP 2 x 32" keeps DCGAN's global batch of 64 (its
BatchNorm then normalises over 32 images per rank: not the same algorithm, which is why the table says so); CycleGAN
at batch 1 per rank doubles the global batch. Throughput is images of the global batch per second, timed on rank 0
after warm-up; DDP's gradient all-reduce is inside the timed steps (the strategy the README gives for manual
optimisation, ddp_find_unused_parameters_true).

    OMP_NUM_THREADS=1 ZOO_DATA=<data> python benchmarks/cpu_layout.py --steps 30 --out cpu_layout.json
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

LAYOUTS = {  # name -> (model, processes, threads per process, batch per process)
    "DCGAN, 1 process x 2 threads, batch 64": ("dcgan", 1, 2, 64),
    "DCGAN, DDP 2 processes x 1 thread, batch 2 x 32": ("dcgan", 2, 1, 32),
    "CycleGAN 64px, 1 process x 2 threads, batch 1": ("cyclegan", 1, 2, 1),
    "CycleGAN 64px, DDP 2 processes x 1 thread, batch 2 x 1": ("cyclegan", 2, 1, 1),
    "CycleGAN 64px, 1 process x 2 threads, batch 4": ("cyclegan", 1, 2, 4),
}


def worker(model_name: str, processes: int, batch: int, steps: int, warmup: int) -> None:
    """Train ``steps`` batches after ``warmup`` and print the global images/s (rank 0) as a JSON line."""
    import lightning as L
    import torch
    from torch.utils.data import DataLoader

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import throughput as tp

    torch.manual_seed(0)
    batches = (steps + warmup + 1) * processes
    if model_name == "dcgan":
        model, data = tp.dcgan()(), tp.mnist_images(batch * batches)
    else:
        model, data = tp.cyclegan(), tp.image_pairs(batch * batches)
    timer = tp.Timer(warmup)
    trainer = L.Trainer(accelerator="cpu", devices=processes, strategy="ddp_find_unused_parameters_true" if processes > 1 else "auto",
                        max_steps=2 * (steps + warmup), logger=False, callbacks=[timer], enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model, DataLoader(data, batch_size=batch, shuffle=True, drop_last=True))
    if trainer.global_rank == 0:
        print(json.dumps({"images_per_s": processes * timer.images / (timer.end - timer.start),
                          "threads": torch.get_num_threads()}), flush=True)


def run_layout(name: str, steps: int, warmup: int) -> dict:
    model_name, processes, threads, batch = LAYOUTS[name]
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    command = [sys.executable, os.path.abspath(__file__), "--worker", model_name, str(processes), str(batch),
               "--steps", str(steps), "--warmup", str(warmup)]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"layout {name!r} failed (exit {out.returncode}):\n{out.stderr[-3000:]}")
    return json.loads(lines[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--worker", nargs=3, metavar=("MODEL", "PROCESSES", "BATCH"), help=argparse.SUPPRESS)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    if args.worker:
        model_name, processes, batch = args.worker
        worker(model_name, int(processes), int(batch), args.steps, args.warmup)
        return
    import torch

    load, results = [os.getloadavg()], {}
    for name in LAYOUTS:
        start = time.perf_counter()
        results[name] = run_layout(name, args.steps, args.warmup)
        load.append(os.getloadavg())
        print(f"{name}: {results[name]['images_per_s']:.1f} images/s ({time.perf_counter() - start:.0f} s with "
              f"start-up)", flush=True)
    print(f"\ntorch {torch.__version__}, {args.steps} timed steps after {args.warmup}; load average (1 min) "
          f"{min(x[0] for x in load):.2f}-{max(x[0] for x in load):.2f} during the run")
    print("| layout | images/s |\n|---|---|")
    for name, result in results.items():
        print(f"| {name} | {result['images_per_s']:.1f} |")
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"layouts": results, "torch": torch.__version__, "steps": args.steps, "load_average": load},
                      f, indent=2)


if __name__ == "__main__":
    main()
