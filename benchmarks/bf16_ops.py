"""Which ops make bf16 autocast slow on the CPU: torch.profiler over forward + backward of the zoo's nets.

For each net (CycleGAN's ResNet generator, Pix2Pix's U-Net, the PatchGAN discriminator: 64x64, batch 1, the CPU
recipes' widths; the MLP GAN's generator, batch 100, for linear layers), one warm-up and ``--iters`` profiled
iterations of ``net(x).float().mean().backward()`` in fp32 and under ``torch.autocast("cpu", torch.bfloat16)``.
Prints the total time of each, fp32's largest ops, and the ops that take the most time in bf16 with their share of
the bf16 time and their time in fp32: an op that exists only in bf16, or whose time grows far more than the others,
has left the fast path (oneDNN for convolutions, the BLAS for matrix products). Compare shares and ratios, not
absolute times, on a machine with other load.

    OMP_NUM_THREADS=2 python benchmarks/bf16_ops.py --iters 3
"""
from __future__ import annotations

import argparse
import contextlib
from collections import defaultdict

import torch
from torch.profiler import ProfilerActivity, profile

from zoo.nets.mlp import MLPGenerator
from zoo.nets.patchgan import PatchGANDiscriminator
from zoo.nets.resnet import ResNetGenerator
from zoo.nets.unet import UNetGenerator
from zoo.precision import onednn_bf16

NETS = {  # name -> (net, input); the widths of recipes/cyclegan/horse2zebra_cpu64.yaml and pix2pix/facades_cpu64.yaml
    "CycleGAN ResNet G (6 blocks, width 16), batch 1": lambda size: (ResNetGenerator(3, 3, 16, 6),
                                                                     torch.randn(1, 3, size, size)),
    "Pix2Pix U-Net G (6 downs, width 32), batch 1": lambda size: (UNetGenerator(3, 3, 6, 32),
                                                                   torch.randn(1, 3, size, size)),
    "PatchGAN D (width 16, instance norm), batch 1": lambda size: (PatchGANDiscriminator(3, 16, 3, "instance"),
                                                                    torch.randn(1, 3, size, size)),
    "GAN MLP G (100 -> 1200 -> 1200 -> 784), batch 100": lambda size: (MLPGenerator(100, (1, 28, 28)),
                                                                        torch.randn(100, 100)),
}


def op_times(net: torch.nn.Module, x: torch.Tensor, bf16: bool, iters: int) -> dict[str, float]:
    """Self CPU milliseconds per iteration of each aten op over forward + backward."""
    def step():
        with torch.autocast("cpu", torch.bfloat16) if bf16 else contextlib.nullcontext():
            loss = net(x).float().mean()
        loss.backward()
        net.zero_grad(set_to_none=True)

    step()  # warm-up: oneDNN primitives, allocator
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(iters):
            step()
    times: dict[str, float] = defaultdict(float)
    for event in prof.key_averages():
        if event.key.startswith("aten::"):
            times[event.key] += event.self_cpu_time_total / 1e3 / iters
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iters", type=int, default=3)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--top", type=int, default=6)
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, CPU capability "
          f"{torch.backends.cpu.get_cpu_capability()}, oneDNN bf16 support: {onednn_bf16()}")
    for name, build in NETS.items():
        torch.manual_seed(0)
        net, x = build(args.size)
        fp32, bf16 = op_times(net, x, False, args.iters), op_times(net, x, True, args.iters)
        total32, total16 = sum(fp32.values()), sum(bf16.values())
        print(f"\n{name}, input {tuple(x.shape)}: fp32 {total32:.1f} ms, bf16 autocast {total16:.1f} ms "
              f"per iteration ({total16 / total32:.1f}x)")
        top32 = sorted(fp32.items(), key=lambda kv: -kv[1])[:3]
        print("fp32's largest ops: " + ", ".join(f"{op} {t:.1f} ms ({100 * t / total32:.0f}%)" for op, t in top32))
        print("| op | bf16 ms | share of bf16 | fp32 ms | bf16 / fp32 |")
        print("|---|---|---|---|---|")
        for op, t in sorted(bf16.items(), key=lambda kv: -kv[1])[: args.top]:
            ratio = f"{t / fp32[op]:.1f}x" if fp32.get(op) else "bf16 only"
            print(f"| {op} | {t:.1f} | {100 * t / total16:.0f}% | {fp32.get(op, 0.0):.1f} | {ratio} |")


if __name__ == "__main__":
    main()
