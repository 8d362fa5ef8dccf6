"""The MNIST sample panel of benchmarks/issue4.md: 64 samples (noise seed 0) of each objective entry, FID in the title.

Usage: ZOO_HUB=/work/zoo_hub python benchmarks/scripts/issue4_mnist_figure.py [--out FILE]
(default FILE: benchmarks/figures/issue4_mnist_samples.png)
The entries load through ``Zoo.load`` (so from $ZOO_HUB, checked against their registry checksums); the FID is the
registry's.
"""
from __future__ import annotations

import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402
from torchvision.utils import make_grid  # noqa: E402

from zoo import Zoo  # noqa: E402

ENTRIES = ("wgan-mnist", "wgan-gp-mnist", "lsgan-mnist")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default="benchmarks/figures/issue4_mnist_samples.png")
    ns = p.parse_args()
    fig, axes = plt.subplots(1, len(ENTRIES), figsize=(3.2 * len(ENTRIES), 3.4))
    for ax, name in zip(axes, ENTRIES):
        model = Zoo.load(name)
        with torch.no_grad():
            images = model.sample(64, generator=torch.Generator().manual_seed(0)).cpu()
        grid = make_grid(images, nrow=8, normalize=True, value_range=(-1, 1), pad_value=1.0)
        ax.imshow(grid.permute(1, 2, 0).numpy())
        ax.set_title(f"{name} (FID {Zoo.info(name).metrics['fid']:.1f})", fontsize=9)
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(ns.out, dpi=100)
    print(f"wrote {ns.out}")


if __name__ == "__main__":
    main()
