"""``zoo quickstart``: the whole zoo loop on embedded data, in about two minutes on two CPU cores.

Trains DCGAN on scikit-learn's digits (no download), writes a sample grid and a loss curve, exports the model as a
Hub-layout folder, loads it back through ``Zoo.load(path)``, samples from the loaded model and prints where
everything is.
"""
from __future__ import annotations

import time
from pathlib import Path


def plot_losses(metrics_csv: Path, out: Path) -> None:
    """Plot every ``loss/*`` column of a CSVLogger metrics file against the step."""
    import csv

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series: dict[str, tuple[list[int], list[float]]] = {}
    with open(metrics_csv) as f:
        for row in csv.DictReader(f):
            for key, value in row.items():
                if key.startswith("loss/") and value:
                    steps, values = series.setdefault(key, ([], []))
                    steps.append(int(row["step"]))
                    values.append(float(value))
    fig, ax = plt.subplots(figsize=(7, 4))
    for key, (steps, values) in sorted(series.items()):
        ax.plot(steps, values, label=key.removeprefix("loss/"), linewidth=1)
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)


def quickstart(output: str | Path = "zoo_out/quickstart", max_steps: int = 1200, seed: int = 0) -> dict[str, Path]:
    import lightning as L
    import torch
    from lightning.pytorch.loggers import CSVLogger
    from torchvision.utils import save_image

    from zoo import Zoo, hub
    from zoo.data import DigitsDataModule
    from zoo.models.dcgan import DCGAN

    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    L.seed_everything(seed, verbose=False)
    model = DCGAN(image_size=32, channels=1, generator_width=32, discriminator_width=32, ema_decay=0.99,
                  sample_every_n_steps=0)
    data = DigitsDataModule(image_size=32, batch_size=64)
    logger = CSVLogger(out, name="logs", version=0)
    trainer = L.Trainer(max_steps=2 * max_steps, accelerator="cpu", logger=logger, log_every_n_steps=min(10, max_steps),
                        enable_checkpointing=False, enable_model_summary=False,
                        limit_val_batches=0)
    print(f"Training DCGAN on scikit-learn digits (32x32) for {max_steps} generator updates...")
    start = time.perf_counter()
    trainer.fit(model, datamodule=data)
    seconds = time.perf_counter() - start

    paths = {"samples": out / "samples.png", "losses": out / "losses.png", "export": out / "export",
             "reloaded_samples": out / "samples_reloaded.png"}
    seed_rng = lambda: torch.Generator().manual_seed(seed)  # noqa: E731
    save_image(model.sample(64, generator=seed_rng()), paths["samples"], nrow=8, normalize=True,
               value_range=(-1, 1))
    plot_losses(Path(logger.log_dir) / "metrics.csv", paths["losses"])
    hub.export(model, paths["export"], name="dcgan-digits-quickstart")
    loaded = Zoo.load(paths["export"])
    again = loaded.sample(64, generator=seed_rng())
    save_image(again, paths["reloaded_samples"], nrow=8, normalize=True, value_range=(-1, 1))
    same = torch.equal(again, model.eval().sample(64, generator=seed_rng()))
    print(f"\nTrained {int(model.generator_updates)} generator updates in {seconds:.0f} s.")
    for key, path in paths.items():
        print(f"  {key:17s} {path}")
    print(f"Loaded the export with Zoo.load({str(paths['export'])!r}); its samples equal the trained model's "
          f"for the same seed: {same}.")
    return paths
