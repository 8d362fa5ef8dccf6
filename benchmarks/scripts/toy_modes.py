"""Mode coverage on the 2-D ring/grid (PacGAN protocol): MIX+GAN vs the single GAN with the same networks, BiGAN.

Usage: python benchmarks/scripts/toy_modes.py {mixgan,gan,bigan} {ring,grid} --seed 0 --steps 3000
Writes runs/toy/<model>-<mixture>-s<seed>.json (mode statistics of 2,500 samples, wall time, mixture weights).
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import lightning as L
import torch

from zoo.data.toy import ToyMixtureDataModule
from zoo.metrics.toy import TOY_PROTOCOL, mode_statistics
from zoo.models.bigan import BiGAN
from zoo.models.mixgan import MIXGAN


class WeightTrace(L.Callback):
    def __init__(self, every: int = 50) -> None:
        self.every, self.rows = every, []

    def on_train_batch_end(self, trainer, module, outputs, batch, batch_idx) -> None:
        if batch_idx % self.every == 0 and isinstance(module, MIXGAN):
            self.rows.append({"batch": batch_idx, "generator": module.generator_weights.tolist(),
                              "discriminator": module.discriminator_weights.tolist()})


def build(kind: str, a) -> L.LightningModule:
    nets = dict(latent_dim=a.latent_dim, generator_hidden=(a.width,) * a.depth,
                discriminator_hidden=(a.width,) * a.depth, lr=a.lr, sample_every_n_steps=0)
    if kind == "bigan":
        return BiGAN(data_shape=(2,), output=None, encoder_hidden=(a.width,) * a.depth, noise="normal",
                     dropout=0.0, weight_decay=0.0, stochastic_encoder=a.ali, batch_norm=a.batch_norm, **nets)
    return MIXGAN(architecture="mlp", data_shape=(2,), num_components=a.components if kind == "mixgan" else 1,
                  entropy_weight=a.entropy_weight, **nets)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("model", choices=["mixgan", "gan", "bigan"])
    p.add_argument("mixture", choices=["ring", "grid"])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--steps", type=int, default=3000, help="batches = generator updates")
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--components", type=int, default=5)
    p.add_argument("--entropy-weight", type=float, default=0.1)
    p.add_argument("--latent-dim", type=int, default=8)
    p.add_argument("--width", type=int, default=128)
    p.add_argument("--depth", type=int, default=2)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--ali", action="store_true", help="BiGAN with ALI's stochastic encoder")
    p.add_argument("--batch-norm", action="store_true", help="BiGAN: BatchNorm in G and E (the first runs had none)")
    p.add_argument("--out", default="runs/toy")
    p.add_argument("--export", default=None, help="export folder for the trained model")
    a = p.parse_args()
    torch.set_num_threads(1)
    L.seed_everything(a.seed)
    model = build(a.model, a)
    data = ToyMixtureDataModule(a.mixture, num_samples=a.steps * a.batch, batch_size=a.batch, seed=a.seed)
    trace = WeightTrace()
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False, callbacks=[trace])
    start = time.perf_counter()
    trainer.fit(model, datamodule=data)
    wall = time.perf_counter() - start
    samples = model.sample(2500, generator=torch.Generator().manual_seed(123))
    stats = mode_statistics(samples, a.mixture)
    name = f"{a.model}{'-ali' if a.ali else ''}{'-bn' if a.batch_norm else ''}-{a.mixture}-s{a.seed}"
    result = {"name": name, "args": vars(a), "wall_s": round(wall, 1), **stats, "protocol": TOY_PROTOCOL,
              "num_parameters": model.num_parameters(), "weights_trace": trace.rows}
    if isinstance(model, MIXGAN):
        result["final_generator_weights"] = model.generator_weights.tolist()
        per = [mode_statistics(model.sample(500, generator=torch.Generator().manual_seed(7), component=i),
                               a.mixture)["modes_covered"] for i in range(a.components if a.model == "mixgan" else 1)]
        result["modes_covered_per_component_500"] = per
    if isinstance(model, BiGAN):  # reconstruction error of data points: does E invert G?
        x = data.dataset("val").tensors[0][:2500]
        result["reconstruction_mse"] = float((model.reconstruct(x) - x).pow(2).mean())
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    torch.save(samples, out / f"{name}.samples.pt")
    (out / f"{name}.json").write_text(json.dumps(result, indent=1))
    if a.export:
        from zoo import hub
        hub.export(model, a.export, name=Path(a.export).name, results={k: result[k] for k in (
            "modes_covered", "num_modes", "high_quality", "reverse_kl", "wall_s", "protocol")})
    print(json.dumps({k: v for k, v in result.items() if k != "weights_trace"}))


if __name__ == "__main__":
    main()
