"""Training throughput, the zoo's Lightning modules vs plain PyTorch loops running the same step, for three families.

- DCGAN on MNIST 28x28, batch 64 (zoo.nets.dcgan, 64-channel), Adam(2e-4, (0.5, 0.999)): the naive textbook loop,
  the zoo's step written as a plain loop, its memory-format / optimizer / compile options, and the zoo's ``DCGAN``;
- the MLP GAN on MNIST (Goodfellow et al. 2014, the zoo's ``GAN``: 1200-unit ReLU G, maxout D) with the optimiser
  of ``recipes/gan/mnist.yaml``, Adam(2e-4, (0.5, 0.999)), batch 100 (the paper's SGD setting diverges after tens
  of minibatches with the zoo's nets, ``gan_sgd_stability.py``, so it cannot be timed over many steps);
- translation at 64x64, batch 1, with the CPU recipes' nets: CycleGAN (6 residual blocks, widths 16, pooled fakes)
  and Pix2Pix (U-Net with 6 downsamplings, widths 32, batch norm) on random images (speed does not depend on content).

Each plain loop runs exactly the zoo's step (same nets from a zoo module, same losses, optimizers and toggling, and
the zoo's guards, its module's ``check_finite`` and ``check_parameters``) with no Trainer;
"Lightning's share" is 1 - zoo / plain for the pair that runs the same step. A "naive" loop is the textbook loop:
the same step without the guards, with torch's per-tensor optimizer loop (its CPU default; the zoo builds fused
optimizers, zoo.core.optim), and for DCGAN also G(z) computed twice; "zoo vs naive" is zoo Lightning / naive. The
variants "parameters checked every 16 updates" measure the guard's cost (DivergenceBounds(parameter_check_every)).
Variants are interleaved round by round in one process, so that the machine's load affects all of them alike, and
each round starts one variant later than the one before, so that none always runs first; the table gives the median
over rounds of images/s (timed after warm-up steps).

    OMP_NUM_THREADS=2 ZOO_DATA=<data> python benchmarks/throughput.py --rounds 3 --steps 30 --out throughput.json
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from typing import Callable

import lightning as L
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

from zoo.core import AdversarialModule, DivergenceBounds, losses
from zoo.data import MNISTDataModule
from zoo.models.cyclegan import CycleGAN
from zoo.models.dcgan import DCGAN
from zoo.models.gan import GAN
from zoo.models.pix2pix import Pix2Pix

WIDTH, LATENT, BATCH = 64, 100, 64  # DCGAN
MLP_BATCH = 100  # the GAN paper's code (mnist.yaml)
TRANSLATION_SIZE = 64


def mnist_images(n_images: int) -> TensorDataset:
    return TensorDataset(MNISTDataModule().dataset("train").tensors[0][:n_images])


def image_pairs(n_images: int) -> TensorDataset:
    g = torch.Generator().manual_seed(0)
    a, b = (torch.rand(n_images, 3, TRANSLATION_SIZE, TRANSLATION_SIZE, generator=g) * 2 - 1 for _ in range(2))
    return TensorDataset(a, b)


def timed(loader: DataLoader, steps: int, warmup: int, step: Callable, fmt=torch.contiguous_format) -> float:
    """Images/s of ``step(*batch)`` over ``steps`` batches after ``warmup`` batches (the loader is cycled)."""
    done, images, start = 0, 0, 0.0
    while True:
        for batch in loader:
            if done == warmup:
                start = time.perf_counter()
            if done == steps + warmup:
                return images / (time.perf_counter() - start)
            step(*(x.contiguous(memory_format=fmt) for x in batch))
            images += len(batch[0]) if done >= warmup else 0
            done += 1


def per_tensor(*optimizers: torch.optim.Optimizer) -> None:
    """Switch optimizers to torch's per-tensor loop (its CPU default before the zoo chose fused kernels)."""
    for opt in optimizers:
        for group in opt.param_groups:
            group["fused"], group["foreach"] = False, False


def update(opt: torch.optim.Optimizer, loss: torch.Tensor, player: str, guarded_by: AdversarialModule | None) -> None:
    """One optimizer step of ``player``; with ``guarded_by``, that module's own guards around it, as
    ``AdversarialModule.step`` runs them: the loss is checked before the step, the parameters it moved after it."""
    if guarded_by is not None:
        guarded_by.check_finite(loss, f"loss/{player}")
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    if guarded_by is not None:
        guarded_by.check_parameters(opt, f"loss/{player}", player)


# ---------------------------------------------------------------------------------------------- plain loops
def dcgan_plain(data, steps, warmup, *, adam="fused", channels_last=False, generate_once=True, compile=False,
                guard=True):
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
    guarded_by = model if guard else None

    def step(real):
        fake = g_run(torch.randn(BATCH, LATENT))
        d.requires_grad_(True)
        update(d_opt, losses.minimax_discriminator(d_run(real), d_run(fake.detach())), "discriminator", guarded_by)
        if not generate_once:
            fake = g_run(torch.randn(BATCH, LATENT))
        d.requires_grad_(False)
        update(g_opt, losses.non_saturating_generator(d_run(fake)), "generator", guarded_by)

    return timed(DataLoader(data, batch_size=BATCH, shuffle=True, drop_last=True), steps, warmup, step, fmt)


def gan_mlp() -> GAN:  # recipes/gan/mnist.yaml's nets and optimiser
    return GAN(optimizer="adam", lr=2e-4, momentum=0.5, sample_every_n_steps=0)


def gan_plain(data, steps, warmup, naive=False):
    """``GAN.training_step`` (k = 1, Adam, G(z) once) without Lightning."""
    torch.manual_seed(0)
    model = gan_mlp()
    g, d = model.generator, model.discriminator
    g_opt, d_opt = model.configure_optimizers()
    if naive:
        per_tensor(g_opt, d_opt)
    guarded_by = None if naive else model

    def step(real):
        fake = g(model.noise(len(real)))
        d.requires_grad_(True)
        update(d_opt, losses.minimax_discriminator(d(real), d(fake.detach())), "discriminator", guarded_by)
        d.requires_grad_(False)
        update(g_opt, losses.non_saturating_generator(d(fake)), "generator", guarded_by)

    return timed(DataLoader(data, batch_size=MLP_BATCH, shuffle=True, drop_last=True), steps, warmup, step)


def cyclegan_plain(data, steps, warmup, naive=False):
    """``CycleGAN.training_step`` (both Gs, then both Ds on pooled fakes) without Lightning."""
    torch.manual_seed(0)
    model = cyclegan()
    discriminators = (model.discriminator_a, model.discriminator_b)
    (g_opt, d_opt), _ = model.configure_optimizers()
    if naive:
        per_tensor(g_opt, d_opt)
    guarded_by = None if naive else model

    def step(real_a, real_b):
        fake_b, fake_a = model.generator(real_a), model.generator_ba(real_b)
        for d in discriminators:
            d.requires_grad_(False)
        update(g_opt, sum(model.generator_losses(real_a, real_b, fake_b, fake_a).values()), "generator", guarded_by)
        for d in discriminators:
            d.requires_grad_(True)
        pooled_b, pooled_a = model.pool_b.query(fake_b), model.pool_a.query(fake_a)
        loss_d_b = losses.least_squares_discriminator(model.discriminator_b(real_b), model.discriminator_b(pooled_b))
        loss_d_a = losses.least_squares_discriminator(model.discriminator_a(real_a), model.discriminator_a(pooled_a))
        update(d_opt, loss_d_a + loss_d_b, "discriminator", guarded_by)

    return timed(DataLoader(data, batch_size=1, shuffle=True), steps, warmup, step)


def pix2pix_plain(data, steps, warmup, naive=False):
    """``Pix2Pix.training_step`` (D on (x, y) and (x, G(x)), then G: non-saturating + λ L1) without Lightning."""
    torch.manual_seed(0)
    model = pix2pix()
    g, d = model.generator, model.discriminator
    (g_opt, d_opt), _ = model.configure_optimizers()
    if naive:
        per_tensor(g_opt, d_opt)
    guarded_by = None if naive else model

    def step(x, y):
        fake = g(x)
        d.requires_grad_(True)
        loss_d = 0.5 * losses.minimax_discriminator(d(torch.cat([x, y], 1)), d(torch.cat([x, fake.detach()], 1)))
        update(d_opt, loss_d, "discriminator", guarded_by)
        d.requires_grad_(False)
        loss_g = losses.non_saturating_generator(d(torch.cat([x, fake], 1)))
        update(g_opt, loss_g + model.hparams.lambda_l1 * F.l1_loss(fake, y), "generator", guarded_by)

    return timed(DataLoader(data, batch_size=1, shuffle=True), steps, warmup, step)


def cyclegan() -> CycleGAN:  # recipes/cyclegan/horse2zebra_cpu64.yaml's nets
    return CycleGAN(n_blocks=6, generator_width=16, discriminator_width=16, sample_every_n_steps=0,
                    num_fixed_samples=0)


def pix2pix() -> Pix2Pix:  # recipes/pix2pix/facades_cpu64.yaml's nets
    return Pix2Pix(num_downs=6, generator_width=32, discriminator_width=32, sample_every_n_steps=0, num_fixed_samples=0)


# ---------------------------------------------------------------------------------------------- Lightning
class Timer(L.Callback):
    """Wall time of the batches after ``warmup``; on a CUDA ``device`` synchronised at both ends (its kernels run
    asynchronously)."""

    def __init__(self, warmup: int, device: torch.device | None = None) -> None:
        self.warmup, self.device, self.start, self.end, self.batches, self.images = warmup, device, None, None, 0, 0

    def now(self) -> float:
        if self.device is not None and self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
        return time.perf_counter()

    def on_train_batch_start(self, trainer, module, batch, batch_idx):
        if self.batches == self.warmup:
            self.start = self.now()

    def on_train_batch_end(self, trainer, module, outputs, batch, batch_idx):
        self.images += len(batch[0]) if self.batches >= self.warmup else 0
        self.batches += 1
        self.end = self.now()


def lightning_loop(build: Callable[[], L.LightningModule], data, batch_size: int, steps: int, warmup: int,
                   check_every: int = 1) -> float:
    """Images/s of the zoo module's own training step under a quiet Trainer (two optimizer steps per batch), its
    parameter guard run after every ``check_every`` updates of each player."""
    torch.manual_seed(0)
    model, timer = build(), Timer(warmup)
    callbacks = [timer, DivergenceBounds(parameter_check_every=check_every)]
    trainer = L.Trainer(accelerator="cpu", max_steps=2 * (steps + warmup), logger=False, callbacks=callbacks,
                        enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model, DataLoader(data, batch_size=batch_size, shuffle=True, drop_last=True))
    return timer.images / (timer.end - timer.start)


def dcgan(channels_last: bool = True) -> Callable[[], DCGAN]:
    return lambda: DCGAN(28, 1, LATENT, WIDTH, WIDTH, sample_every_n_steps=0, channels_last=channels_last)


# name -> (dataset, runner(data, steps, warmup) -> images/s)
VARIANTS: dict[str, tuple[str, Callable]] = {
    "DCGAN plain: naive (for-loop Adam, NCHW, G(z) twice)": (
        "mnist", lambda d, s, w: dcgan_plain(d, s, w, adam="for-loop", generate_once=False, guard=False)),
    "DCGAN plain: same step as zoo (fused Adam, NCHW, G(z) once)": ("mnist", dcgan_plain),
    "DCGAN plain: + channels_last": ("mnist", lambda d, s, w: dcgan_plain(d, s, w, channels_last=True)),
    "DCGAN plain: foreach Adam instead of fused": ("mnist", lambda d, s, w: dcgan_plain(d, s, w, adam="foreach")),
    "DCGAN plain: + torch.compile + channels_last": (
        "mnist", lambda d, s, w: dcgan_plain(d, s, w, channels_last=True, compile=True)),
    "DCGAN zoo Lightning, NCHW (fused Adam, G(z) once)": (
        "mnist", lambda d, s, w: lightning_loop(dcgan(False), d, BATCH, s, w)),
    "DCGAN zoo Lightning, default (channels_last, fused Adam, G(z) once)": (
        "mnist", lambda d, s, w: lightning_loop(dcgan(), d, BATCH, s, w)),
    "GAN MLP plain: naive (per-tensor Adam)": ("mnist", lambda d, s, w: gan_plain(d, s, w, naive=True)),
    "GAN MLP plain: same step as zoo": ("mnist", gan_plain),
    "GAN MLP zoo Lightning": ("mnist", lambda d, s, w: lightning_loop(gan_mlp, d, MLP_BATCH, s, w)),
    "CycleGAN 64px plain: naive (per-tensor Adam)": ("pairs", lambda d, s, w: cyclegan_plain(d, s, w, naive=True)),
    "CycleGAN 64px plain: same step as zoo": ("pairs", cyclegan_plain),
    "CycleGAN 64px zoo Lightning": ("pairs", lambda d, s, w: lightning_loop(cyclegan, d, 1, s, w)),
    "Pix2Pix 64px plain: naive (per-tensor Adam)": ("pairs", lambda d, s, w: pix2pix_plain(d, s, w, naive=True)),
    "Pix2Pix 64px plain: same step as zoo": ("pairs", pix2pix_plain),
    "Pix2Pix 64px zoo Lightning": ("pairs", lambda d, s, w: lightning_loop(pix2pix, d, 1, s, w)),
    "Pix2Pix 64px zoo Lightning, parameters checked every 16 updates": (
        "pairs", lambda d, s, w: lightning_loop(pix2pix, d, 1, s, w, check_every=16)),
    "DCGAN zoo Lightning, parameters checked every 16 updates": (
        "mnist", lambda d, s, w: lightning_loop(dcgan(), d, BATCH, s, w, check_every=16)),
}
SAME_STEP = {  # family: (plain loop running the zoo's step, the zoo's Lightning module)
    "DCGAN": ("DCGAN plain: + channels_last", "DCGAN zoo Lightning, default (channels_last, fused Adam, G(z) once)"),
    "DCGAN, NCHW": ("DCGAN plain: same step as zoo (fused Adam, NCHW, G(z) once)",
                    "DCGAN zoo Lightning, NCHW (fused Adam, G(z) once)"),
    "GAN MLP": ("GAN MLP plain: same step as zoo", "GAN MLP zoo Lightning"),
    "CycleGAN 64px": ("CycleGAN 64px plain: same step as zoo", "CycleGAN 64px zoo Lightning"),
    "Pix2Pix 64px": ("Pix2Pix 64px plain: same step as zoo", "Pix2Pix 64px zoo Lightning"),
}


NAIVE = {  # family: (the naive plain loop, the zoo's Lightning module)
    "DCGAN": ("DCGAN plain: naive (for-loop Adam, NCHW, G(z) twice)", SAME_STEP["DCGAN"][1]),
    "GAN MLP": ("GAN MLP plain: naive (per-tensor Adam)", SAME_STEP["GAN MLP"][1]),
    "CycleGAN 64px": ("CycleGAN 64px plain: naive (per-tensor Adam)", SAME_STEP["CycleGAN 64px"][1]),
    "Pix2Pix 64px": ("Pix2Pix 64px plain: naive (per-tensor Adam)", SAME_STEP["Pix2Pix 64px"][1]),
}


def paired(results: dict[str, list[float]], numerator: str, denominator: str) -> list[float]:
    """Per-round ratios of two variants' images/s: both ran in the same round, under the same load."""
    return [a / b for a, b in zip(results[numerator], results[denominator])]


def summarize(run: dict) -> dict:
    """Print a run's table and its comparisons; returns the run with them added.

    The comparisons are given two ways: the ratio of the two variants' medians, and the median of their per-round
    ratios with its range (rounds of one variant spread by tens of percent on a shared machine; a ratio taken
    within a round cancels what the round had in common)."""
    results, load = run["rounds"], run["load_average"]
    table = {n: statistics.median(v) for n, v in results.items()}
    print(f"\ntorch {run['torch']}, {run['threads']} threads, {run['steps']} timed steps after {run['warmup']}, "
          f"medians of {len(next(iter(results.values())))} rounds; load average (1 min) "
          f"{min(x[0] for x in load):.2f}-{max(x[0] for x in load):.2f} during the run")
    print("| variant | images/s (median) | rounds |\n|---|---|---|")
    for name, value in table.items():
        print(f"| {name} | {value:.1f} | {', '.join(f'{v:.1f}' for v in results[name])} |")
    shares, speedups = {}, {}
    for family, (plain, zoo) in SAME_STEP.items():
        if plain in table and zoo in table:
            ratios = paired(results, zoo, plain)
            shares[family] = {"of_medians": 1 - table[zoo] / table[plain],
                              "paired_median": 1 - statistics.median(ratios),
                              "paired_range": [1 - max(ratios), 1 - min(ratios)]}
            low, high = shares[family]["paired_range"]
            print(f"Lightning's share, {family} (1 - zoo Lightning / the plain loop with the same step): "
                  f"{100 * shares[family]['of_medians']:.1f}% of the medians; per round "
                  f"{100 * shares[family]['paired_median']:.1f}% (median), {100 * low:.1f}% to {100 * high:.1f}%")
    for family, (naive, zoo) in NAIVE.items():
        if naive in table and zoo in table:
            ratios = paired(results, zoo, naive)
            speedups[family] = {"of_medians": table[zoo] / table[naive], "paired_median": statistics.median(ratios),
                                "paired_range": [min(ratios), max(ratios)]}
            low, high = speedups[family]["paired_range"]
            print(f"zoo vs naive, {family} (zoo Lightning / the naive plain loop): "
                  f"{speedups[family]['of_medians']:.2f}x of the medians; per round "
                  f"{speedups[family]['paired_median']:.2f}x (median), {low:.2f}x to {high:.2f}x")
    return {**run, "median_images_per_s": table, "lightning_share": shares, "zoo_vs_naive": speedups}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--only", nargs="*", help="substrings of variant names to run (e.g. DCGAN CycleGAN)")
    parser.add_argument("--skip", nargs="*", default=[], help="substrings of variant names to leave out (e.g. compile)")
    parser.add_argument("--out", default=None, help="write the run (rounds, load, comparisons) to this JSON file")
    parser.add_argument("--from-json", default=None, help="print the summary of a run saved with --out; runs nothing")
    args = parser.parse_args()
    if args.from_json:
        with open(args.from_json) as f:
            summarize(json.load(f))
        return
    batches = args.steps + args.warmup + 1
    datasets = {"mnist": mnist_images(max(BATCH, MLP_BATCH) * batches), "pairs": image_pairs(batches)}
    names = [n for n in VARIANTS if (not args.only or any(o in n for o in args.only))
             and not any(s in n for s in args.skip)]
    results: dict[str, list[float]] = {n: [] for n in names}
    load = [os.getloadavg()]
    for r in range(args.rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:  # rotated: no variant always runs first
            dataset, run = VARIANTS[name]
            results[name].append(run(datasets[dataset], args.steps, args.warmup))
            print(f"round {r}: {name}: {results[name][-1]:.1f} images/s", flush=True)
        load.append(os.getloadavg())
    run = summarize({"rounds": results, "load_average": load, "threads": torch.get_num_threads(),
                     "torch": torch.__version__, "steps": args.steps, "warmup": args.warmup})
    if args.out:
        with open(args.out, "w") as f:
            json.dump(run, f, indent=2)


if __name__ == "__main__":
    main()
