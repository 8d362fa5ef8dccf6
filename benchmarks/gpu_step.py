"""Training-step and FID throughput on a GPU, with the share of the device's measured peak.

One prepared run for a GPU machine (the CPU tables are ``throughput.py`` and ``fid_throughput.py``):

- the zoo's ``DCGAN`` with its paper defaults (64x64x3, widths 128, batch 128) and ``CycleGAN`` with its paper
  defaults (256x256, 9 residual blocks, widths 64, batch 1), each under the Lightning Trainer as a user runs it, in
  fp32 and bf16-mixed, in NCHW and channels_last, and with ``torch.compile`` of every network; random images (speed
  does not depend on content);
- the FID Inception network (``zoo.metrics.images.features``) at several batch sizes.

Each training variant reports images/s (median of ``--rounds`` interleaved rounds of ``--steps`` timed batches after
``--warmup``), and TFLOP/s: the FLOPs of one batch counted once with ``torch.utils.flop_counter`` (fp32, two per
multiply-add) times batches/s. The peaks are square ``torch.mm`` products on the same device in the same run: fp32
(TF32 off), TF32 and bf16. PyTorch runs fp32 convolutions with TF32 by default on such GPUs
(``torch.backends.cudnn.allow_tf32``), so fp32 variants are compared with the TF32 peak and bf16 ones with the bf16
peak.

The FID part needs the standard Inception weights in torch's hub cache (``python ../shared/tools/fid_weights.py``
installs them; their speed does not depend on their values); ``--skip-fid`` leaves it out.

    python benchmarks/gpu_step.py --out gpu.json
    python benchmarks/gpu_step.py --device cpu --tiny   # a check of the script itself, in seconds
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Callable

import lightning as L
import torch
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.flop_counter import FlopCounterMode

from throughput import Timer
from zoo.models.cyclegan import CycleGAN
from zoo.models.dcgan import DCGAN


def random_images(n: int, size: int, pairs: bool) -> TensorDataset:
    g = torch.Generator().manual_seed(0)
    tensors = [torch.rand(n, 3, size, size, generator=g) * 2 - 1 for _ in range(2 if pairs else 1)]
    return TensorDataset(*tensors)


Builder = Callable[[bool], L.LightningModule]  # channels_last -> a fresh module


def families(tiny: bool) -> dict[str, tuple[Builder, int, int, bool]]:
    """name: (module builder with channels_last as argument, image size, batch size, paired data)."""
    if tiny:
        return {"DCGAN": (lambda cl: DCGAN(image_size=32, generator_width=8, discriminator_width=8,
                                           channels_last=cl, sample_every_n_steps=0), 32, 4, False),
                "CycleGAN": (lambda cl: CycleGAN(n_blocks=1, generator_width=4, discriminator_width=4,
                                                 sample_every_n_steps=0, num_fixed_samples=0), 32, 1, True)}
    return {"DCGAN": (lambda cl: DCGAN(channels_last=cl, sample_every_n_steps=0), 64, 128, False),
            "CycleGAN": (lambda cl: CycleGAN(sample_every_n_steps=0, num_fixed_samples=0), 256, 1, True)}


def compiled(module: L.LightningModule) -> L.LightningModule:
    """Every direct child network (G, D, ...) replaced by its torch.compile'd wrapper."""
    for name, child in list(module.named_children()):
        if any(True for _ in child.parameters()):
            setattr(module, name, torch.compile(child))
    return module


def fit(module: L.LightningModule, data: TensorDataset, batch_size: int, batches: int, device: torch.device,
        precision: str, callbacks: list) -> None:
    trainer = L.Trainer(accelerator=device.type, devices=1, precision=precision, max_epochs=1,
                        limit_train_batches=batches, logger=False, callbacks=callbacks, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(module, DataLoader(data, batch_size=batch_size, shuffle=False, drop_last=True))


def flops_per_batch(build: Builder, data: TensorDataset, batch_size: int, device: torch.device) -> float:
    with FlopCounterMode(display=False) as counter:
        fit(build(False), data, batch_size, 1, device, "32-true", [])
    return float(counter.get_total_flops())


def images_per_second(build: Builder, channels_last: bool, precision: str, compile_nets: bool, data, batch_size,
                      steps: int, warmup: int, device: torch.device) -> float:
    torch.manual_seed(0)
    module = build(channels_last)
    if channels_last:
        module.to(memory_format=torch.channels_last)
    if compile_nets:
        module = compiled(module)
    timer = Timer(warmup, device)
    fit(module, data, batch_size, steps + warmup, device, precision, [timer])
    return timer.images / (timer.end - timer.start)


def matmul_tflops(device: torch.device, dtype: torch.dtype, tf32: bool, size: int, seconds: float) -> float:
    previous = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = tf32
    try:
        a, b = (torch.randn(size, size, device=device, dtype=dtype) for _ in range(2))
        torch.mm(a, b)
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            for _ in range(10):
                torch.mm(a, b)
            count += 10
            if device.type == "cuda":
                torch.cuda.synchronize(device)
        return count * 2 * size ** 3 / (time.perf_counter() - start) / 1e12
    finally:
        torch.backends.cuda.matmul.allow_tf32 = previous


def fid_rates(device: torch.device, batch_sizes: list[int], n: int, rounds: int) -> dict[int, float]:
    from zoo.metrics import images

    fake = torch.rand(n, 3, 32, 32) * 2 - 1
    images.features(fake[:batch_sizes[0]], batch_size=batch_sizes[0], device=device)  # weights loaded, kernels warm
    rates: dict[int, list[float]] = {b: [] for b in batch_sizes}
    for _ in range(rounds):
        for b in batch_sizes:
            if device.type == "cuda":
                torch.cuda.synchronize(device)
            start = time.perf_counter()
            images.features(fake, batch_size=b, device=device)
            rates[b].append(n / (time.perf_counter() - start))
    return {b: statistics.median(v) for b, v in rates.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--tiny", action="store_true",
                        help="small nets and images: checks the script, measures nothing")
    parser.add_argument("--skip", nargs="*", default=[], help="substrings of variant names to leave out")
    parser.add_argument("--skip-fid", action="store_true", help="leave out the FID Inception network")
    parser.add_argument("--fid-images", type=int, default=2000)
    parser.add_argument("--fid-batch-sizes", type=int, nargs="*", default=[100, 250, 500])
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise SystemExit(f"--device {args.device}: torch {torch.__version__} sees no CUDA device; run this on the GPU "
                         "machine, or pass --device cpu --tiny to check the script here.")
    peak_seconds, peak_size = (0.2, 256) if args.tiny else (2.0, 8192)
    peaks = {"fp32": matmul_tflops(device, torch.float32, False, peak_size, peak_seconds),
             "tf32": matmul_tflops(device, torch.float32, True, peak_size, peak_seconds),
             "bf16": matmul_tflops(device, torch.bfloat16, False, peak_size, peak_seconds)}
    settings = {  # variant: (channels_last, precision, compile)
        "fp32, NCHW": (False, "32-true", False),
        "fp32, channels_last": (True, "32-true", False),
        "bf16-mixed, NCHW": (False, "bf16-mixed", False),
        "bf16-mixed, channels_last": (True, "bf16-mixed", False),
        "bf16-mixed, channels_last, torch.compile": (True, "bf16-mixed", True),
    }
    settings = {k: v for k, v in settings.items() if not any(s in k for s in args.skip)}
    rows = []
    for family, (build, size, batch_size, pairs) in families(args.tiny).items():
        data = random_images(batch_size * (args.steps + args.warmup + 1), size, pairs)
        flops = flops_per_batch(build, data, batch_size, device)
        rates: dict[str, list[float]] = {k: [] for k in settings}
        for r in range(args.rounds):
            names = list(settings)
            for name in names[r % len(names):] + names[:r % len(names)]:
                rates[name].append(images_per_second(build, *settings[name], data, batch_size, args.steps,
                                                     args.warmup, device))
                print(f"round {r}: {family}, {name}: {rates[name][-1]:.1f} images/s", flush=True)
        for name, values in rates.items():
            ips = statistics.median(values)
            tflops = flops * ips / batch_size / 1e12
            peak = peaks["bf16" if "bf16" in name else "tf32"]
            rows.append({"family": family, "variant": name, "images_per_s": ips, "rounds": values,
                         "tflops": tflops, "share_of_peak": tflops / peak, "gflop_per_batch": flops / 1e9})
    fid = {} if args.skip_fid else fid_rates(device, args.fid_batch_sizes, 200 if args.tiny else args.fid_images,
                                              args.rounds)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    print(f"\n{name}, torch {torch.__version__}; matmul peaks measured: fp32 {peaks['fp32']:.1f}, TF32 "
          f"{peaks['tf32']:.1f}, bf16 {peaks['bf16']:.1f} TFLOP/s; median of {args.rounds} rounds, {args.steps} timed "
          f"batches after {args.warmup}")
    print("| family | variant | images/s | rounds | TFLOP/s | share of the peak (TF32 or bf16) |\n"
          "|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['family']} | {row['variant']} | {row['images_per_s']:.1f} | "
              f"{', '.join(f'{v:.1f}' for v in row['rounds'])} | {row['tflops']:.3g} | "
              f"{100 * row['share_of_peak']:.1f}% |")
    if fid:
        print("| FID Inception features, batch | images/s |\n|---|---|")
        for b, rate in fid.items():
            print(f"| {b} | {rate:.1f} |")
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"device": name, "torch": torch.__version__, "peaks_tflops": peaks, "training": rows,
                       "fid_images_per_s": fid, "rounds": args.rounds, "steps": args.steps, "warmup": args.warmup,
                       "tiny": args.tiny}, f, indent=2)


if __name__ == "__main__":
    main()
