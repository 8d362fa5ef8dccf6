"""Measure and export the issue-5 entries from their training runs.

    python benchmarks/scripts/issue5.py classifier runs/mnist-classifier
    python benchmarks/scripts/issue5.py sgan runs/sgan-mnist-100
    python benchmarks/scripts/issue5.py conditional runs/cgan-mnist --name cgan-mnist
    python benchmarks/scripts/issue5.py conditional runs/acgan-mnist --name acgan-mnist
    python benchmarks/scripts/issue5.py infogan runs/infogan-mnist

Each reads the run's last checkpoint (weights_only), measures on the 10,000 MNIST test images or on generated
samples, writes results.json into the export folder $ZOO_HUB/<entry> (zoo.hub.export) and prints the numbers.
Optional FID/KID (``--fid N``): N samples (seed 0) against mnist-test[:5000] (``--fid-reference``) through
zoo.metrics.evaluate.evaluate.
"""
from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import torch

from zoo import hub
from zoo.checkpoints import find_checkpoint, load_checkpoint
from zoo.data.images import MNISTDataModule

JUDGE = "mnist-classifier"


def hub_folder(name: str) -> Path:
    return Path(os.environ.get("ZOO_HUB", "/work/zoo_hub")) / name


def mnist_test() -> tuple[torch.Tensor, torch.Tensor]:
    return MNISTDataModule().load(train=False).tensors


@torch.no_grad()
def batched(fn, x: torch.Tensor, batch_size: int = 1000) -> torch.Tensor:
    return torch.cat([fn(chunk) for chunk in x.split(batch_size)])


def run_info(run: str) -> dict:
    ckpt = find_checkpoint(run)
    meta = torch.load(ckpt, map_location="cpu", weights_only=True)
    return {"checkpoint": str(ckpt), "epochs": int(meta.get("epoch", -1)) + 1, "global_step": meta.get("global_step")}


def fid(model, n: int, num_reference: int = 5000, seed: int = 0) -> dict:
    """FID and KID of ``n`` samples (seed ``seed``) against the first ``num_reference`` MNIST test images
    (zoo.metrics.evaluate; the reference features are cached, so only the samples cost Inception passes)."""
    from zoo.metrics.evaluate import evaluate

    out = evaluate(model, metrics=("fid", "kid"), reference="mnist-test", num_samples=n, num_reference=num_reference,
                   seed=seed, progress=False)
    return {k: v for k, v in out.items() if k != "protocol"} | {"fid_protocol": out["protocol"]}


def finish(model, name: str, results: dict, extra: dict | None = None) -> None:
    folder = hub.export(model, hub_folder(name), name=name, results=results, extra=extra)
    print(json.dumps({k: v for k, v in results.items() if k != "protocol"}, indent=2))
    print(f"exported to {folder}")


def cmd_classifier(ns) -> None:
    model = load_checkpoint(ns.run)
    x, y = mnist_test()
    accuracy = float((batched(model.classify, x) == y).float().mean())
    results = {"test_accuracy": accuracy, **run_info(ns.run),
               "protocol": {"split": "MNIST test (10,000)", "metric": "top-1 accuracy, eval mode"}}
    finish(model, "mnist-classifier", results)


def cmd_sgan(ns) -> None:
    from zoo.data.semi import SemiSupervisedMNIST

    model = load_checkpoint(ns.run)
    x, y = mnist_test()
    errors = int((batched(model.classify, x) != y).sum())
    subset = SemiSupervisedMNIST(labelled_per_class=ns.per_class, seed=ns.seed).subset_record()
    results = {"test_error": errors / len(y), "test_errors": errors, "num_labelled": subset["num_labelled"],
               **run_info(ns.run),
               "protocol": {"split": "MNIST test (10,000)", "metric": "error of classify() (argmax of D's K logits, "
                            "moving-average weights, eval mode)", "labelled": f"{subset['num_labelled']} "
                            f"(balanced, seed {subset['seed']}); the other 59,900 training labels never read"}}
    finish(model, "sgan-mnist-100", results, extra={"labelled_subset": subset})


def without_ema(model):
    """The same model with its raw generator as the sampler: rebuilt with ema_decay=None, EMA tensors dropped.

    For short runs: an EMA with decay 0.999 over ~900 generator updates still weighs the random initial weights
    by 0.999^900 ≈ 0.4, so its samples are not digits although the raw generator's are.
    """
    hparams = {**dict(model.hparams), "ema_decay": None}
    raw = type(model)(**hparams)
    state = {k: v for k, v in model.state_dict().items() if not k.startswith("generator_ema.")}
    hub.load_state_strict(raw, state, "checkpoint without its EMA copy")
    return raw.eval()


def cmd_conditional(ns) -> None:
    from zoo.metrics.judge import conditional_scores

    model = load_checkpoint(ns.run)
    if ns.drop_ema:
        model = without_ema(model)
    judge = str(hub_folder(JUDGE))
    scores = conditional_scores(model.sample, per_class=ns.per_class, judge=hub.load_folder(judge))
    scores["protocol"]["judge"] = f"{JUDGE} ({judge})"
    results = {**{k: v for k, v in scores.items() if k != "protocol"}, **run_info(ns.run),
               "sampler": "raw generator (EMA copy dropped)" if ns.drop_ema else "model.sampler"}
    if ns.fid:
        results.update(fid(model, ns.fid, ns.fid_reference))
    results["protocol"] = scores["protocol"]
    finish(model, ns.name, results)


def cmd_infogan(ns) -> None:
    from torchvision.utils import save_image

    from zoo.metrics.judge import best_matching_error

    model = load_checkpoint(ns.run)
    x, y = mnist_test()
    codes = batched(lambda chunk: model.infer_codes(chunk)["category"], x)
    error, mapping = best_matching_error(codes, y, model.categories)
    results = {"categorical_code_matching_error": error, "code_to_digit": mapping, **run_info(ns.run),
               "protocol": {"split": "MNIST test (10,000)", "metric": "error of argmax Q(c_cat|x) under the best "
                            "one-to-one map of the 10 codes to the 10 digits (Hungarian algorithm)"}}
    figures = Path(ns.figures)
    figures.mkdir(parents=True, exist_ok=True)
    for code in range(model.continuous_codes):  # rows: categories (ordered by matched digit); columns: c from -2 to 2
        grid = model.code_grid(code=code, steps=9, span=2.0, seed=0).view(model.categories, 9, *x.shape[1:])
        order = sorted(range(model.categories), key=lambda c: mapping[c])
        save_image(grid[order].flatten(0, 1), str(figures / f"infogan_c{code + 1}.png"), nrow=9, normalize=True,
                   value_range=(-1, 1))
    finish(model, "infogan-mnist", results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(required=True)
    p = sub.add_parser("classifier")
    p.add_argument("run")
    p.set_defaults(func=cmd_classifier)
    p = sub.add_parser("sgan")
    p.add_argument("run")
    p.add_argument("--per-class", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_sgan)
    p = sub.add_parser("conditional")
    p.add_argument("run")
    p.add_argument("--name", required=True)
    p.add_argument("--per-class", type=int, default=1000)
    p.add_argument("--fid", type=int, default=0, help="number of samples for FID (0 skips it)")
    p.add_argument("--fid-reference", type=int, default=5000, help="MNIST test images in the FID reference")
    p.add_argument("--drop-ema", action="store_true", help="sample with the raw generator and export it without EMA")
    p.set_defaults(func=cmd_conditional)
    p = sub.add_parser("infogan")
    p.add_argument("run")
    p.add_argument("--figures", default="benchmarks/figures")
    p.set_defaults(func=cmd_infogan)
    ns = parser.parse_args()
    start = time.time()
    ns.func(ns)
    print(f"evaluation wall time {time.time() - start:.0f} s")


if __name__ == "__main__":
    main()
