"""FID throughput: torchmetrics' FrechetInceptionDistance used the default way vs the zoo's pipeline, option by option.

Same images, same process, interleaved rounds (every variant once per round, so the machine's load hits all alike).
Each row is one FID of ``--n`` generated MNIST images against ``--n`` reference images:

  - torchmetrics default: FrechetInceptionDistance(feature=2048); update(real); update(fake); compute() — the
    reference images pass through the network on every evaluation;
  - every other row reads the reference features from the zoo's cache (computed once before the rounds), so only the
    generated images pass through the network. "torchmetrics network" is torchmetrics' own network run the way
    torchmetrics runs it (NCHW, no_grad, batches of 100); each "+ option" row adds one option alone; "zoo default"
    is ``zoo.metrics.images.features`` as ``image_metrics`` calls it (all options together); "zoo default, 1 thread"
    is the same with ``torch.set_num_threads(1)``.

Columns: generated images/s (per evaluation, FID included); the network's GFLOP/s (FLOPs counted once per image with
torch.utils.flop_counter, over the time spent in the network); that rate as a share of the fp32 matmul rate measured
in the same run (a torch.mm loop between the rounds); and the largest relative difference of a row's features from
torchmetrics' network on the same images (per image: max |a - b| / max |a|).

    OMP_NUM_THREADS=2 ZOO_DATA=<data> python benchmarks/fid_throughput.py --n 200 --rounds 2 --out fid.json
"""
from __future__ import annotations

import argparse
import contextlib
import copy
import json
import os
import platform
import statistics
import tempfile
import time

import torch
from torch import Tensor, nn

from zoo.metrics import images

BASE_BATCH = 100  # what torchmetrics' FID is fed per update() in the default row, and the zoo's default batch size


def matmul_gflops(size: int, seconds: float) -> float:
    """fp32 rate of a square torch.mm loop (2 size^3 FLOPs per product), over about ``seconds``."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    torch.mm(a, b)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        torch.mm(a, b)
        count += 1
    return count * 2 * size ** 3 / (time.perf_counter() - start) / 1e9


def gflop_per_image(net: nn.Module, image_size: tuple[int, ...]) -> float:
    """FLOPs of one image through the network (convolutions and the classifier-free pool3 path), in GFLOP."""
    from torch.utils.flop_counter import FlopCounterMode

    x = torch.zeros(1, *image_size, dtype=torch.uint8)
    with torch.inference_mode(), FlopCounterMode(display=False) as counter:
        net(x)
    return counter.get_total_flops() / 1e9


def extract(net: nn.Module, fake: Tensor, batch_size: int, channels_last: bool, inference: bool) -> Tensor:
    """Features of ``fake`` the way the options say (the zoo's images.features with its choices made switchable)."""
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    with torch.inference_mode() if inference else torch.no_grad():
        return torch.cat([net(images.to_uint8_rgb(b).contiguous(memory_format=fmt)).float()
                          for b in fake.split(batch_size)])


def max_relative_difference(a: Tensor, b: Tensor) -> float:
    return float(((a - b).abs().amax(1) / b.abs().amax(1)).max())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=200, help="generated and reference images each")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--batch-sizes", type=int, nargs="*", default=[25],
                        help=f"batch sizes to try alone, beside the base {BASE_BATCH}")
    parser.add_argument("--mm-size", type=int, default=2048, help="side of the matmul that measures the fp32 rate")
    parser.add_argument("--mm-seconds", type=float, default=5.0, help="matmul time per round")
    parser.add_argument("--out", default=None, help="write the numbers as JSON here")
    args = parser.parse_args()
    os.environ["ZOO_CACHE"] = tempfile.mkdtemp()  # a fresh reference cache, filled below before the rounds
    from torchmetrics.image.fid import FrechetInceptionDistance, NoTrainInceptionV3

    from zoo.data import MNISTDataModule
    from zoo.metrics.inception import fold_inception

    load = [os.getloadavg()]
    threads = torch.get_num_threads()
    test = MNISTDataModule().dataset("test").tensors[0]
    real, fake = test[: args.n], test[args.n: 2 * args.n].flip(-1)  # two different image sets
    key = f"mnist-test[:{args.n}]"
    tm_net = NoTrainInceptionV3(name="inception-v3-compat", features_list=["2048"],
                                feature_extractor_weights_path=str(images.weights_path()))
    folded_net = fold_inception(tm_net)
    tm_cl = copy.deepcopy(tm_net).to(memory_format=torch.channels_last)
    flops = gflop_per_image(tm_net, tuple(images.to_uint8_rgb(fake[:1]).shape[1:]))
    reference = {"torchmetrics": images.reference_features(real, key, network="torchmetrics"),
                 "folded": images.reference_features(real, key, network="folded")}

    def option(net, ref, batch_size=BASE_BATCH, channels_last=False, inference=False):
        return lambda: (extract(net, fake, batch_size, channels_last, inference), reference[ref])

    variants = {
        "torchmetrics network (NCHW, no_grad, batch 100)": option(tm_net, "torchmetrics"),
        "+ folded BatchNorm": option(folded_net, "folded"),
        "+ channels_last": option(tm_cl, "torchmetrics", channels_last=True),
        "+ inference_mode": option(tm_net, "torchmetrics", inference=True),
        **{f"+ batch {b}": option(tm_net, "torchmetrics", batch_size=b) for b in args.batch_sizes},
        "zoo default (all of the above)": lambda: (images.features(fake), images.reference_features(None, key)),
    }
    if threads > 1:
        variants["zoo default, 1 thread"] = variants["zoo default (all of the above)"]
    default_row = "torchmetrics default (reference recomputed)"
    rows = [default_row, *variants]
    evaluation = {r: [] for r in rows}  # seconds per FID evaluation
    network = {r: [] for r in rows}  # seconds in the network
    fid, feats, matmul = {}, {}, []
    for r in range(args.rounds):
        matmul.append(matmul_gflops(args.mm_size, args.mm_seconds))
        start = time.perf_counter()
        metric = FrechetInceptionDistance(feature=2048, feature_extractor_weights_path=str(images.weights_path()))
        for part in (real, fake):
            for batch in images.to_uint8_rgb(part).split(BASE_BATCH):
                metric.update(batch, real=part is real)
        network[default_row].append(time.perf_counter() - start)
        fid[default_row] = float(metric.compute())
        evaluation[default_row].append(time.perf_counter() - start)
        for name, run in variants.items():
            context = single_thread() if name.endswith("1 thread") else contextlib.nullcontext()
            with context:
                start = time.perf_counter()
                fake_feats, ref_feats = run()
                network[name].append(time.perf_counter() - start)
                fid[name] = images.fid_from_features(ref_feats.double(), fake_feats.double())
                evaluation[name].append(time.perf_counter() - start)
            feats[name] = fake_feats
        load.append(os.getloadavg())
        print(f"round {r}: matmul {matmul[-1]:.1f} GFLOP/s; "
              + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in evaluation.items()), flush=True)

    rate = statistics.median(matmul)
    base = statistics.median(evaluation[default_row])
    base_feats = feats[rows[1]]
    print(f"\ntorch {torch.__version__}, {threads} threads, {platform.machine()} {platform.processor() or ''}; "
          f"load average (1 min) {min(x[0] for x in load):.2f}-{max(x[0] for x in load):.2f} during the run")
    print(f"{args.n} generated + {args.n} reference MNIST images (28x28 -> 299); Inception {flops:.2f} GFLOP per "
          f"image (FlopCounterMode); fp32 matmul ({args.mm_size}^2) {rate:.1f} GFLOP/s (median of "
          f"{', '.join(f'{m:.1f}' for m in matmul)}); medians of {args.rounds} rounds\n")
    print("| pipeline | FID | s per evaluation | generated images/s | vs default | network GFLOP/s | share of matmul "
          "| max rel. feature diff |")
    print("|---|---|---|---|---|---|---|---|")
    table = {}
    for name in rows:
        t, t_net = statistics.median(evaluation[name]), statistics.median(network[name])
        passes = 2 * args.n if name == default_row else args.n
        gflops = passes * flops / t_net
        diff = max_relative_difference(feats[name], base_feats) if name in feats else None
        table[name] = {"fid": fid[name], "s_per_evaluation": t, "images_per_s": args.n / t, "vs_default": base / t,
                       "network_gflops": gflops, "share_of_matmul": gflops / rate, "max_rel_feature_diff": diff}
        print(f"| {name} | {fid[name]:.4f} | {t:.1f} | {args.n / t:.2f} | {base / t:.2f}x | {gflops:.1f} | "
              f"{100 * gflops / rate:.1f}% | {'-' if diff is None else f'{diff:.1e}'} |")
    zoo = table["zoo default (all of the above)"]
    fid_diff = abs(zoo["fid"] - fid[default_row]) / abs(fid[default_row])
    per_image = statistics.median(network["zoo default (all of the above)"]) / args.n
    print(f"\nzoo default vs torchmetrics default: FID relative difference {fid_diff:.1e}, features max relative "
          f"difference {zoo['max_rel_feature_diff']:.1e}; at this rate 5,000 generated images take "
          f"{5000 * per_image / 60:.1f} min in the network")
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"table": table, "rounds": {"evaluation_s": evaluation, "network_s": network},
                       "matmul_gflops": matmul, "gflop_per_image": flops, "load_average": load,
                       "threads": threads, "torch": torch.__version__, "n": args.n}, f, indent=2)


@contextlib.contextmanager
def single_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


if __name__ == "__main__":
    main()
