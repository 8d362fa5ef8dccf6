"""Does the GAN paper's SGD setting train the zoo's ``GAN`` on MNIST, and which of the authors' code's choices keep it
stable? Minibatches until the zoo's divergence guard stops the run, per variant.

The paper's optimiser, from its code (goodfeli/adversarial ``mnist.yaml``): SGD, learning rate 0.1 decaying by
1.000004 per minibatch, momentum 0.5 rising to 0.7, batch 100 (the zoo's ``GAN`` defaults). Three choices of that
code are not the zoo's defaults, and each variant adds one:

- initialisation: pylearn2's ``irange``, U(-0.05, 0.05) for G's layers and U(-0.005, 0.005) for D's, biases 0
  (``weight_init="code"``; the default keeps PyTorch's initialisation);
- D's loss halved (``AdversaryCost2``; the zoo's ``discriminator_loss_scale=0.5``, default 1 as in Algorithm 1);
- pixels in [0, 1] (pylearn2's MNIST, G with a sigmoid output): here D is fed (x + 1) / 2 of the zoo's [-1, 1]
  images and of G's tanh output, which is a sigmoid of twice G's last pre-activation.

The control is the Adam setting of ``recipes/gan/mnist.yaml``. Each variant is one Lightning fit with the zoo's
guards (``max_loss`` 1e6 on each loss, the parameter-norm bound), seed 0, for at most ``--batches`` minibatches.

    OMP_NUM_THREADS=1 ZOO_DATA=<data> python benchmarks/gan_sgd_stability.py --batches 1500
"""
from __future__ import annotations

import argparse
import os

import lightning as L
import torch
from torch import nn

from zoo.core.module import DivergenceError
from zoo.data import MNISTDataModule
from zoo.models.gan import GAN

CODE = {"weight_init": "code"}
VARIANTS = {  # name: (GAN keyword arguments, D sees [0, 1] pixels)
    "paper defaults (SGD lr 0.1, PyTorch init)": ({}, False),
    "+ code's initialisation": (CODE, False),
    "+ code's initialisation, D loss halved": ({**CODE, "discriminator_loss_scale": 0.5}, False),
    "+ code's initialisation, D loss halved, [0, 1] pixels": ({**CODE, "discriminator_loss_scale": 0.5}, True),
    "control: Adam 2e-4, beta1 0.5 (recipes/gan/mnist.yaml)": (
        {"optimizer": "adam", "lr": 2e-4, "momentum": 0.5}, False),
}


class UnitRange(nn.Module):
    """[-1, 1] -> [0, 1], the pixel range of the authors' code."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x + 1) / 2


class LastLosses(L.Callback):
    monitor = "loss/discriminator"  # a monitoring callback makes the module record its losses every batch

    def __init__(self) -> None:
        self.batches, self.losses = 0, {}

    def on_train_batch_end(self, trainer, module, outputs, batch, batch_idx):
        self.batches += 1
        self.losses = {k: float(v) for k, v in trainer.callback_metrics.items() if k.startswith("loss/")}


def run(name: str, batches: int) -> dict:
    kwargs, unit_range = VARIANTS[name]
    L.seed_everything(0, verbose=False)
    model = GAN(sample_every_n_steps=0, **kwargs)
    if unit_range:
        model.discriminator = nn.Sequential(UnitRange(), model.discriminator)
    record = LastLosses()
    trainer = L.Trainer(accelerator="cpu", max_steps=2 * batches, logger=False, callbacks=[record],
                        enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False,
                        log_every_n_steps=1)
    stopped = None
    try:
        trainer.fit(model, datamodule=MNISTDataModule(batch_size=100))
    except DivergenceError as error:
        stopped = str(error).split(":")[0]
    return {"variant": name, "minibatches": record.batches, "diverged": stopped, "last_losses": record.losses}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batches", type=int, default=1500, help="minibatches per variant at most")
    parser.add_argument("--only", nargs="*", help="substrings of variant names to run")
    args = parser.parse_args()
    rows = [run(name, args.batches) for name in VARIANTS if not args.only or any(o in name for o in args.only)]
    print(f"\ntorch {torch.__version__}, {torch.get_num_threads()} threads, seed 0, at most {args.batches} minibatches"
          f" of 100; load average {os.getloadavg()[0]:.2f}")
    print("| variant | minibatches trained | stopped by the guard | losses at the last minibatch trained |")
    print("|---|---|---|---|")
    for row in rows:
        losses = ", ".join(f"{k} {v:.3g}" for k, v in sorted(row["last_losses"].items()))
        print(f"| {row['variant']} | {row['minibatches']} | {row['diverged'] or 'no'} | {losses} |")


if __name__ == "__main__":
    main()
