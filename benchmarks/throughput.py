"""DCGAN training throughput on MNIST 28x28, batch 64: the zoo's Lightning module vs a plain PyTorch loop.

Every variant trains the same nets (zoo.nets.dcgan, 64-channel) with Adam(2e-4, (0.5, 0.999)) on the same batches.
Variants are interleaved round by round in one process, so that the machine's load affects all of them alike;
the table gives the median over rounds of images/s (timed after warm-up steps).

    python benchmarks/throughput.py --rounds 3 --steps 40 --out benchmarks/throughput.json
"""
from __future__ import annotations

import argparse
import json
import statistics
import time

import lightning as L
import torch
from torch.utils.data import DataLoader, TensorDataset

from zoo.core import losses
from zoo.data import MNISTDataModule
from zoo.models.dcgan import DCGAN

WIDTH, LATENT, BATCH = 64, 100, 64


def mnist_batches(n_images: int) -> TensorDataset:
    train = MNISTDataModule().dataset("train")
    return TensorDataset(train.tensors[0][:n_images])


def plain_loop(data, steps, warmup, *, adam="foreach", channels_last=False, generate_once=True, compile=False):
    """The textbook loop without Lightning. Returns images/s over the timed steps."""
    torch.manual_seed(0)
    model = DCGAN(28, 1, LATENT, WIDTH, WIDTH, sample_every_n_steps=0)
    g, d = model.generator, model.discriminator
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    g.to(memory_format=fmt)
    d.to(memory_format=fmt)
    kw = {"foreach": {"foreach": True}, "fused": {"fused": True}, "for-loop": {"foreach": False}}[adam]
    g_opt = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999), **kw)
    d_opt = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999), **kw)
    g_run, d_run = (torch.compile(g), torch.compile(d)) if compile else (g, d)
    loader = DataLoader(data, batch_size=BATCH, shuffle=True, drop_last=True)
    done, start = 0, None
    while done < steps + warmup:
        for (real,) in loader:
            if done == warmup:
                start = time.perf_counter()
            if done == steps + warmup:
                break
            real = real.contiguous(memory_format=fmt)
            fake = g_run(torch.randn(BATCH, LATENT))
            d.requires_grad_(True)
            loss_d = losses.minimax_discriminator(d_run(real), d_run(fake.detach()))
            d_opt.zero_grad(set_to_none=True)
            loss_d.backward()
            d_opt.step()
            if not generate_once:
                fake = g_run(torch.randn(BATCH, LATENT))
            d.requires_grad_(False)
            loss_g = losses.non_saturating_generator(d_run(fake))
            g_opt.zero_grad(set_to_none=True)
            loss_g.backward()
            g_opt.step()
            done += 1
    return steps * BATCH / (time.perf_counter() - start)


class Timer(L.Callback):
    def __init__(self, warmup: int) -> None:
        self.warmup, self.start, self.end, self.batches = warmup, None, None, 0

    def on_train_batch_start(self, trainer, module, batch, batch_idx):
        if self.batches == self.warmup:
            self.start = time.perf_counter()

    def on_train_batch_end(self, trainer, module, outputs, batch, batch_idx):
        self.batches += 1
        self.end = time.perf_counter()


def lightning_loop(data, steps, warmup, *, channels_last=False):
    torch.manual_seed(0)
    model = DCGAN(28, 1, LATENT, WIDTH, WIDTH, sample_every_n_steps=0, channels_last=channels_last)
    timer = Timer(warmup)
    trainer = L.Trainer(accelerator="cpu", max_steps=2 * (steps + warmup), logger=False, callbacks=[timer],
                        enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model, DataLoader(data, batch_size=BATCH, shuffle=True, drop_last=True))
    return (timer.batches - warmup) * BATCH / (timer.end - timer.start)


VARIANTS = {
    "plain: naive (for-loop Adam, NCHW, G(z) twice)": lambda d, s, w: plain_loop(d, s, w, adam="for-loop",
                                                                                   generate_once=False),
    "plain: same step as zoo (foreach Adam, NCHW, G(z) once)": lambda d, s, w: plain_loop(d, s, w),
    "plain: + channels_last": lambda d, s, w: plain_loop(d, s, w, channels_last=True),
    "plain: + fused Adam + channels_last": lambda d, s, w: plain_loop(d, s, w, adam="fused", channels_last=True),
    "plain: + torch.compile + channels_last": lambda d, s, w: plain_loop(d, s, w, channels_last=True, compile=True),
    "zoo Lightning DCGAN (foreach Adam, NCHW, G(z) once)": lambda d, s, w: lightning_loop(d, s, w),
    "zoo Lightning DCGAN + channels_last": lambda d, s, w: lightning_loop(d, s, w, channels_last=True),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--only", nargs="*", help="substrings of variant names to run")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    data = mnist_batches(BATCH * (args.steps + args.warmup + 1))
    names = [n for n in VARIANTS if not args.only or any(o in n for o in args.only)]
    results: dict[str, list[float]] = {n: [] for n in names}
    for r in range(args.rounds):
        for name in names:
            results[name].append(VARIANTS[name](data, args.steps, args.warmup))
            print(f"round {r}: {name}: {results[name][-1]:.1f} images/s", flush=True)
    table = {n: statistics.median(v) for n, v in results.items()}
    print(f"\ntorch {torch.__version__}, {torch.get_num_threads()} threads, batch {BATCH}, {args.steps} timed steps")
    for name, value in table.items():
        print(f"{value:8.1f} images/s  {name}")
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"median_images_per_s": table, "rounds": results, "threads": torch.get_num_threads(),
                       "torch": torch.__version__, "steps": args.steps}, f, indent=2)


if __name__ == "__main__":
    main()
