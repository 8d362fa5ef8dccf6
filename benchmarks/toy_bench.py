"""The mode-collapse bench of issue 4: objectives and stabilisers on the ring (8 modes) and grid (25 modes).

Every configuration is trained from the zoo's own classes through Lightning, for the same number of generator
updates, on ``ToyMixtureDataModule``; then 2,500 samples are scored with the PacGAN protocol
(``zoo.metrics.toy.mode_statistics``: modes covered, share of high-quality samples within 3σ, reverse KL).

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/toy_bench.py --out runs/issue4_bench/all.jsonl
    python benchmarks/toy_bench.py --summarise runs/issue4_bench/*.jsonl --figure benchmarks/issue4_toys.png \
        --results benchmarks/issue4_toys.jsonl

Scaled to a 2-core CPU (see benchmarks/issue4.md): smaller MLPs and far fewer generator updates than the papers.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import time
from pathlib import Path

import lightning as L
import torch
from lightning.pytorch.callbacks import Callback

from zoo.data.toy import ToyMixtureDataModule, mixture_modes, sample_mixture
from zoo.metrics.toy import mode_statistics

# name -> (class path, init args). Shared toy settings are added in ``build``.
CONFIGS: dict[str, tuple[str, dict]] = {
    "gan": ("zoo.models.regularized.RegularizedGAN", dict(regularizer="none")),
    "lsgan": ("zoo.models.lsgan.LSGAN", dict()),
    "wgan": ("zoo.models.wgan.WGAN", dict()),
    "wgan-gp": ("zoo.models.wgan_gp.WGANGP", dict(penalty_weight=0.1, betas=(0.5, 0.9))),
    "fgan-kl": ("zoo.models.fgan.FGAN", dict(divergence="kl")),
    "fgan-reverse-kl": ("zoo.models.fgan.FGAN", dict(divergence="reverse_kl")),
    "fgan-pearson": ("zoo.models.fgan.FGAN", dict(divergence="pearson")),
    "fgan-hellinger": ("zoo.models.fgan.FGAN", dict(divergence="squared_hellinger")),
    "fgan-js": ("zoo.models.fgan.FGAN", dict(divergence="jensen_shannon")),
    "gan+r1": ("zoo.models.regularized.RegularizedGAN", dict(regularizer="r1")),
    "gan+gp": ("zoo.models.regularized.RegularizedGAN", dict(regularizer="gradient_penalty")),
    "gan+gradient-norm": ("zoo.models.regularized.RegularizedGAN", dict(regularizer="gradient_norm")),
    "gan+consensus": ("zoo.models.regularized.RegularizedGAN", dict(regularizer="consensus", optimizer="rmsprop")),
    "gan+instance-noise": ("zoo.models.regularized.RegularizedGAN",
                           dict(regularizer="instance_noise", noise_anneal_steps=0)),
    "gan+unrolled": ("zoo.models.regularized.RegularizedGAN", dict(regularizer="unrolled", unroll_steps=5)),
}


DEFAULT_CONFIGS = ["gan", "lsgan", "wgan", "wgan-gp", "fgan-kl", "fgan-reverse-kl", "fgan-js", "gan+r1",
                   "gan+gradient-norm", "gan+consensus", "gan+instance-noise", "gan+unrolled"]


class StopAfterGeneratorUpdates(Callback):
    """Stop when the model has made ``n`` generator updates (the same budget for every objective)."""

    def __init__(self, n: int) -> None:
        self.n = n

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx) -> None:
        if int(pl_module.generator_updates) >= self.n:
            trainer.should_stop = True


def build(name: str, args) -> L.LightningModule:
    import importlib

    path, kwargs = CONFIGS[name]
    module, _, cls = path.rpartition(".")
    shared = dict(data_shape=(2,), latent_dim=args.latent_dim, hidden=tuple(args.hidden), sample_every_n_steps=0,
                  lr=args.lr)
    if name == "wgan":  # the authors' warm-up, shortened: 100 critic steps per generator step cost too much here
        shared["warmup_critic_steps"] = args.wgan_warmup_critic_steps
    return getattr(importlib.import_module(module), cls)(**{**shared, **kwargs})


def run_one(name: str, mixture: str, seed: int, args) -> dict:
    L.seed_everything(seed, workers=True, verbose=False)
    model = build(name, args)
    data = ToyMixtureDataModule(mixture, num_samples=args.num_samples, batch_size=args.batch_size, seed=seed)
    start = time.time()
    L.Trainer(max_epochs=10_000, logger=False, enable_checkpointing=False, enable_progress_bar=False,
              enable_model_summary=False, accelerator="cpu", num_sanity_val_steps=0, limit_val_batches=0,
              callbacks=[StopAfterGeneratorUpdates(args.generator_updates)]).fit(model, data)
    seconds = time.time() - start
    samples = model.sample(2500, generator=torch.Generator().manual_seed(1000 + seed))
    stats = mode_statistics(samples, mixture)
    return {"config": name, "mixture": mixture, "seed": seed, **stats,
            "generator_updates": int(model.generator_updates),
            "discriminator_updates": int(model.discriminator_updates), "seconds": round(seconds, 1),
            "samples": samples[:500].tolist()}


def summarise(paths: list[str], figure: str | None, results: str | None = None) -> str:
    rows, seen = [], set()
    for line in (line for path in paths for line in Path(path).read_text().splitlines() if line.strip()):
        row = json.loads(line)
        key = (row["config"], row["mixture"], row["seed"])
        if key not in seen:  # a run repeated in two files (same seed, same settings) counts once
            seen.add(key)
            rows.append(row)
    if results:  # the numbers without the stored samples, small enough to keep beside the table
        Path(results).write_text("".join(json.dumps({k: v for k, v in r.items() if k != "samples"}) + "\n"
                                         for r in rows))
    table = {}
    for r in rows:
        table.setdefault((r["config"], r["mixture"]), []).append(r)

    def mean_std(values):
        m = sum(values) / len(values)
        s = math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1)) if len(values) > 1 else 0.0
        return m, s

    names = sorted(dict.fromkeys(r["config"] for r in rows),
                   key=lambda n: list(CONFIGS).index(n) if n in CONFIGS else len(CONFIGS))
    lines = ["| configuration | ring: modes (of 8) | ring: high quality % | ring: reverse KL | grid: modes (of 25) "
             "| grid: high quality % | grid: reverse KL | seeds | wall s per run |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name in names:
        cells = [name]
        seconds, seeds = [], 0
        for mixture in ("ring", "grid"):
            runs = table.get((name, mixture), [])
            if not runs:
                cells += ["-", "-", "-"]
                continue
            seeds = max(seeds, len(runs))
            seconds += [r["seconds"] for r in runs]
            for key, scale, fmt in (("modes_covered", 1, "{:.1f} ± {:.1f}"), ("high_quality", 100, "{:.1f} ± {:.1f}"),
                                    ("reverse_kl", 1, "{:.2f} ± {:.2f}")):
                m, s = mean_std([r[key] * scale for r in runs])
                cells.append(fmt.format(m, s))
        cells += [str(seeds), f"{sum(seconds) / max(len(seconds), 1):.0f}"]
        lines.append("| " + " | ".join(cells) + " |")
    text = "\n".join(lines)
    if figure:
        plot(rows, names, figure)
    return text


def plot(rows, names, figure: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    first = {}
    for r in rows:  # the lowest seed of each configuration and mixture
        key = (r["config"], r["mixture"])
        if key not in first or r["seed"] < first[key]["seed"]:
            first[key] = r
    fig, axes = plt.subplots(2, len(names), figsize=(1.6 * len(names), 3.4), squeeze=False)
    for col, name in enumerate(names):
        for row, mixture in enumerate(("ring", "grid")):
            ax = axes[row][col]
            centres, _ = mixture_modes(mixture)
            ax.scatter(centres[:, 0], centres[:, 1], s=12, c="tab:red", marker="x", linewidths=0.8)
            r = first.get((name, mixture))
            if r is not None:
                pts = torch.tensor(r["samples"])
                ax.scatter(pts[:, 0], pts[:, 1], s=1, c="tab:blue", alpha=0.4)
                ax.set_title(f"{name}\n{r['modes_covered']}/{r['num_modes']}, {100 * r['high_quality']:.0f}%"
                             if row == 0 else f"{r['modes_covered']}/{r['num_modes']}, "
                             f"{100 * r['high_quality']:.0f}%", fontsize=6)
            lim = 1.6 if mixture == "ring" else 5.5
            ax.set_xlim(-lim, lim)
            ax.set_ylim(-lim, lim)
            ax.set_xticks([])
            ax.set_yticks([])
    fig.tight_layout(pad=0.2)
    fig.savefig(figure, dpi=80)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="benchmarks/issue4_toys.jsonl")
    parser.add_argument("--configs", nargs="*", default=DEFAULT_CONFIGS)
    parser.add_argument("--mixtures", nargs="*", default=["ring", "grid"])
    parser.add_argument("--seeds", nargs="*", type=int, default=[0, 1])
    parser.add_argument("--generator-updates", type=int, default=500)
    parser.add_argument("--hidden", nargs="*", type=int, default=[128, 128, 128])
    parser.add_argument("--latent-dim", type=int, default=16)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--num-samples", type=int, default=100_000)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--wgan-warmup-critic-steps", type=int, default=20)
    parser.add_argument("--summarise", nargs="+", metavar="JSONL", help="print the table of results files and stop")
    parser.add_argument("--figure", help="with --summarise: write the figure of samples here")
    parser.add_argument("--results", help="with --summarise: write the rows without their samples here")
    args = parser.parse_args()
    if args.summarise:
        print(summarise(args.summarise, args.figure, args.results))
        return
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    done = set()
    if Path(args.out).exists():  # resume: skip runs already in the file
        lines = Path(args.out).read_text().splitlines()
        done = {(r["config"], r["mixture"], r["seed"]) for r in map(json.loads, lines)}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    for seed in args.seeds:
        for name in args.configs:
            for mixture in args.mixtures:
                if (name, mixture, seed) in done:
                    continue
                result = run_one(name, mixture, seed, args)
                result["settings"] = {k: getattr(args, k) for k in ("generator_updates", "hidden", "latent_dim",
                                                                    "batch_size", "lr", "wgan_warmup_critic_steps")}
                with open(args.out, "a") as f:
                    f.write(json.dumps(result) + "\n")
                print(f"{name:20s} {mixture:5s} seed {seed}: {result['modes_covered']}/{result['num_modes']} modes, "
                      f"{100 * result['high_quality']:.1f}% high quality, reverse KL {result['reverse_kl']:.2f} "
                      f"({result['seconds']:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
