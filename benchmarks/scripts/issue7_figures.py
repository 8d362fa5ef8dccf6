"""Figures of benchmarks/issue7.md: the SeqGAN/MLE NLL-oracle learning curve and the MIX+GAN weights on the toys.

Usage: python benchmarks/scripts/issue7_figures.py   (reads runs/seqgan-oracle/*.json, runs/toy/*.json and the
TensorBoard log of runs/mixgan-mnist)
"""
from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402

OUT = Path("benchmarks/figures")


def seqgan_curve(folder=Path("runs/seqgan-oracle")) -> None:
    curves = {name: json.loads((folder / f"curve_{name}.json").read_text())["curve"]
              for name in ("pretrain", "mle", "seqgan") if (folder / f"curve_{name}.json").is_file()}
    if "pretrain" not in curves:
        return
    pre = curves["pretrain"]
    fig, ax = plt.subplots(figsize=(6, 4))
    last_epoch = pre[-1]["mle_updates"] / 156
    ax.plot([r["mle_updates"] / 156 for r in pre], [r["nll_oracle"] for r in pre], "k.-", label="MLE pre-training")
    if "mle" in curves:
        rows = curves["mle"]
        ax.plot([r["mle_updates"] / 156 for r in rows], [r["nll_oracle"] for r in rows], "b.-", label="MLE (baseline)")
    if "seqgan" in curves:
        rows = curves["seqgan"]
        xs = [last_epoch + r["policy_updates"] for r in rows]
        ax.plot(xs, [r["nll_oracle"] for r in rows], "r.-", label="SeqGAN, weak D (run A)")
    second = Path("runs/seqgan-oracle-d600/curve_seqgan.json")
    if second.is_file():
        rows = json.loads(second.read_text())["curve"]
        ax.plot([last_epoch + r["policy_updates"] for r in rows], [r["nll_oracle"] for r in rows], "g.-",
                label="SeqGAN, stronger D (run B)")
    ax.axhline(9.038, color="b", ls=":", lw=0.8, label="paper MLE 9.038")
    ax.axhline(8.736, color="r", ls=":", lw=0.8, label="paper SeqGAN 8.736")
    ax.set_xlabel("MLE epochs, then adversarial generator updates")
    ax.set_ylabel("NLL-oracle (10,000 samples)")
    ax.legend(fontsize=8)
    ax.set_title("SeqGAN vs MLE on the oracle (CPU-scaled run)")
    fig.tight_layout()
    fig.savefig(OUT / "seqgan_oracle_curve.png", dpi=120)


def mixgan_weights(folder=Path("runs/toy")) -> None:
    runs = sorted(folder.glob("mixgan-*.json"))
    if not runs:
        return
    fig, axes = plt.subplots(2, len(runs), figsize=(4 * len(runs), 7), squeeze=False)
    for col, path in enumerate(runs):
        result = json.loads(path.read_text())
        trace = result["weights_trace"]
        xs = [r["batch"] for r in trace]
        weights = torch.tensor([r["generator"] for r in trace])
        for i in range(weights.shape[1]):
            axes[0, col].plot(xs, weights[:, i], label=f"G{i}")
        axes[0, col].set_title(f"{result['name']}: generator weights")
        axes[0, col].set_xlabel("batch")
        axes[0, col].legend(fontsize=7)
        samples = torch.load(path.with_suffix(".samples.pt"))
        axes[1, col].scatter(samples[:, 0], samples[:, 1], s=2)
        axes[1, col].set_title(f"{result['modes_covered']}/{result['num_modes']} modes, "
                               f"{100 * result['high_quality']:.0f}% high quality")
        axes[1, col].set_aspect("equal")
    fig.tight_layout()
    fig.savefig(OUT / "mixgan_toy_weights.png", dpi=110)


def toy_samples(folders=(Path("runs/toy"), Path("runs/toy10k"))) -> None:
    runs = sorted(p for folder in folders for p in folder.glob("*.json") if not p.name.startswith("mixgan"))
    if not runs:
        return
    columns = (len(runs) + 1) // 2
    fig, axes = plt.subplots(2, columns, figsize=(3.2 * columns, 6.8), squeeze=False)
    for ax in axes.flat[len(runs):]:
        ax.axis("off")
    for ax, path in zip(axes.flat, runs):
        result = json.loads(path.read_text())
        samples = torch.load(path.with_suffix(".samples.pt"))
        ax.scatter(samples[:, 0], samples[:, 1], s=2)
        steps = result["args"]["steps"]
        ax.set_title(f"{result['name']} ({steps} steps): {result['modes_covered']}/{result['num_modes']}", fontsize=8)
        ax.set_aspect("equal")
    fig.tight_layout()
    fig.savefig(OUT / "toy_samples_gan_bigan.png", dpi=110)


def mixgan_mnist_weights(folder=Path("runs/mixgan-mnist/lightning_logs")) -> None:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    logs = sorted(folder.glob("version_*"))
    if not logs:
        return
    events = EventAccumulator(str(logs[-1]))
    events.Reload()
    tags = sorted(t for t in events.Tags()["scalars"] if t.startswith("weight/generator_"))
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for tag in tags:
        rows = events.Scalars(tag)
        ax.plot([r.step for r in rows], [r.value for r in rows], label=tag.split("/")[1])
    ax.set_xlabel("batch (one D and one G update each)")
    ax.set_ylabel("mixture weight")
    ax.set_title("mixgan-mnist: generator weights (T = 5, entropy weight 0.1)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(OUT / "mixgan_mnist_weights.png", dpi=110)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    seqgan_curve()
    mixgan_weights()
    toy_samples()
    mixgan_mnist_weights()
