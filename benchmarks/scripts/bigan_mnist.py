"""BiGAN on permutation-invariant MNIST, scaled to a shared CPU: train for a time budget, then the paper's check,
1-NN accuracy of E(x) on the 10,000 test digits against E of the 60,000 training digits (paper: 97.39%).

Usage: ZOO_DATA=/work/zoo_data python benchmarks/scripts/bigan_mnist.py --width 256 --minutes 12
Writes runs/bigan-mnist/result.json and reconstructions.png; --export FOLDER exports the model.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import lightning as L
import torch

from zoo.data import MNISTDataModule
from zoo.metrics.features import nearest_neighbour_accuracy
from zoo.models.bigan import BiGAN


def features(model: BiGAN, x: torch.Tensor) -> torch.Tensor:
    return torch.cat([model.encode(part) for part in x.split(1000)])


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--width", type=int, default=256)
    p.add_argument("--minutes", type=float, default=12.0)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--no-batch-norm", action="store_true", help="drop BatchNorm from G and E (the first run)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", default="runs/bigan-mnist")
    p.add_argument("--export", default=None)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    L.seed_everything(0)
    hidden = (a.width, a.width)
    model = BiGAN(generator_hidden=hidden, encoder_hidden=hidden, discriminator_hidden=hidden,
                  batch_norm=not a.no_batch_norm, sample_every_n_steps=0)
    data = MNISTDataModule(batch_size=a.batch)
    data.setup("fit")
    data.setup("test")
    train_x, train_y = data.dataset("train").tensors
    test_x, test_y = data.dataset("test").tensors
    untrained = {m: nearest_neighbour_accuracy(features(model, train_x), train_y, features(model, test_x), test_y, m)
                 for m in ("euclidean", "cosine")}
    trainer = L.Trainer(max_time={"minutes": a.minutes}, max_epochs=1000, accelerator="cpu", logger=False,
                        enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False)
    start = time.perf_counter()
    trainer.fit(model, datamodule=data)
    wall = time.perf_counter() - start
    f_train, f_test = features(model, train_x), features(model, test_x)
    result = {"args": vars(a), "wall_s": round(wall, 1), "epochs": trainer.current_epoch,
              "generator_updates": int(model.generator_updates), "num_parameters": model.num_parameters(),
              "one_nn_accuracy_euclidean": nearest_neighbour_accuracy(f_train, train_y, f_test, test_y, "euclidean"),
              "one_nn_accuracy_cosine": nearest_neighbour_accuracy(f_train, train_y, f_test, test_y, "cosine"),
              "one_nn_accuracy_untrained_encoder": untrained,
              "one_nn_accuracy_raw_pixels_euclidean": nearest_neighbour_accuracy(train_x, train_y, test_x, test_y),
              "reconstruction_mse_test": float((model.reconstruct(test_x[:1000]) - test_x[:1000]).pow(2).mean()),
              "protocol": {"metric": "1-NN accuracy of E(x) (BiGAN Table 1)", "train": "60,000 MNIST training digits",
                           "test": "10,000 MNIST test digits", "features": f"E(x), {model.latent_dim}-d"}}
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    from torchvision.utils import save_image

    originals = test_x[:32]
    save_image(torch.cat([originals, model.reconstruct(originals)]), str(out / "reconstructions.png"), nrow=16,
               normalize=True, value_range=(-1, 1))
    (out / "result.json").write_text(json.dumps(result, indent=1))
    if a.export:
        from zoo import hub
        hub.export(model, a.export, name=Path(a.export).name, results={
            k: result[k] for k in ("one_nn_accuracy_euclidean", "one_nn_accuracy_cosine", "wall_s", "epochs",
                                   "protocol")})
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
