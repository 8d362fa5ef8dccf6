"""FID throughput of the zoo's pipeline vs torchmetrics' FrechetInceptionDistance used the default way.

Same images, same process, interleaved rounds. "images/s" counts the generated images evaluated per second of
wall time for one FID (plus KID, for the zoo) against a reference of the same size:
  - torchmetrics default: FrechetInceptionDistance(feature=2048); update(real); update(fake); compute()
    (an evaluation pays for the reference images every time);
  - zoo cold: zoo.metrics.images.image_metrics with an empty cache (features of both sets, FID + KID from one pass);
  - zoo warm: the same with the reference features cached (the usual case when evaluating models).
The share of the fp32 arithmetic limit uses 5.7 GFLOP per 299x299 InceptionV3 forward pass.

    python benchmarks/fid_throughput.py --n 100 --rounds 2 --peak-gflops 256
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

import torch

from zoo.metrics import images

GFLOP_PER_IMAGE = 5.7


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100, help="generated and reference images each")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--peak-gflops", type=float, default=None, help="the CPU's fp32 peak, for the share")
    args = parser.parse_args()
    os.environ["ZOO_CACHE"] = tempfile.mkdtemp()
    from torchmetrics.image.fid import FrechetInceptionDistance

    from zoo.data import MNISTDataModule

    test = MNISTDataModule().dataset("test").tensors[0]
    real, fake = test[: args.n], test[args.n: 2 * args.n].flip(-1)  # two different image sets
    timings: dict[str, list[float]] = {"torchmetrics default": [], "zoo cold": [], "zoo warm": []}
    values: dict[str, float] = {}
    images.inception()  # build once (both pipelines load the same weights file)
    for r in range(args.rounds):
        start = time.perf_counter()
        fid = FrechetInceptionDistance(feature=2048, feature_extractor_weights_path=str(images.weights_path()))
        for batch in images.to_uint8_rgb(real).split(100):
            fid.update(batch, real=True)
        for batch in images.to_uint8_rgb(fake).split(100):
            fid.update(batch, real=False)
        values["torchmetrics default"] = float(fid.compute())
        timings["torchmetrics default"].append(time.perf_counter() - start)

        key = f"bench-{r}"
        start = time.perf_counter()
        values["zoo cold"] = images.image_metrics(fake, real, reference_key=key, kid_subset_size=args.n // 2)["fid"]
        timings["zoo cold"].append(time.perf_counter() - start)
        start = time.perf_counter()
        values["zoo warm"] = images.image_metrics(fake, real, reference_key=key, kid_subset_size=args.n // 2)["fid"]
        timings["zoo warm"].append(time.perf_counter() - start)
        print(f"round {r}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in timings.items()), flush=True)
    base = statistics.median(timings["torchmetrics default"])
    print(f"\ntorch {torch.__version__}, {torch.get_num_threads()} threads, {args.n} generated + {args.n} reference "
          f"MNIST images (28x28, resized to 299)")
    print("| pipeline | FID | s per evaluation | generated images/s | vs default | Inception GFLOP/s |"
          + (" share of fp32 peak |" if args.peak_gflops else ""))
    for name, ts in timings.items():
        t = statistics.median(ts)
        passes = args.n if name == "zoo warm" else 2 * args.n
        gflops = passes * GFLOP_PER_IMAGE / t
        share = f" {100 * gflops / args.peak_gflops:.1f}% |" if args.peak_gflops else ""
        print(f"| {name} | {values[name]:.4f} | {t:.1f} | {args.n / t:.2f} | {base / t:.2f}x | {gflops:.1f} |{share}")
    rel = abs(values["zoo warm"] - values["torchmetrics default"]) / values["torchmetrics default"]
    print(f"relative FID difference zoo vs default: {rel:.2e}")


if __name__ == "__main__":
    main()
