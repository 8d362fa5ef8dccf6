"""Evaluate, export and time the image-to-image entries of issue 6 (Pix2Pix, CycleGAN, DiscoGAN).

    python benchmarks/issue6_eval.py eval   ENTRY [--run runs/ENTRY] [--out benchmarks/issue6]
    python benchmarks/issue6_eval.py card   ENTRY [--out benchmarks/issue6]
    python benchmarks/issue6_eval.py export ENTRY [--run runs/ENTRY] [--out benchmarks/issue6] [--hub $ZOO_HUB]
    python benchmarks/issue6_eval.py speed  ENTRY [--threads 1] [--size 256]

``eval`` loads the run's last checkpoint, translates the whole test split at the training resolution and writes
``<out>/<ENTRY>.results.json`` (FID/KID of translated test images against the real test images of the target domain,
through zoo.metrics.images; L1 to the ground truth for Pix2Pix; cycle reconstruction errors for CycleGAN/DiscoGAN;
the FID of the untranslated inputs against the same targets as a do-nothing baseline) and ``<out>/<ENTRY>.png``
(rows: inputs, outputs, reconstructions or ground truth, for the first 8 test images). ``export`` writes the Hub
folder with that results.json and ``model_cards/<ENTRY>.md`` as its card. ``speed`` times ``translate`` on 256x256
images and a few training iterations at the recipe's settings, and reports the peak resident memory.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path

import torch
import torch.nn.functional as F

ENTRIES = {  # entry -> (dataset, kind, recipe)
    "pix2pix-facades-64px": ("facades", "paired", "recipes/pix2pix/facades_cpu64.yaml"),
    "cyclegan-horse2zebra-64px": ("horse2zebra", "unpaired", "recipes/cyclegan/horse2zebra_cpu64.yaml"),
    "discogan-horse2zebra-64px": ("horse2zebra", "unpaired", "recipes/discogan/horse2zebra_cpu64.yaml"),
}


def load_run(entry: str, run: str | None):
    """The model of a run's last checkpoint (weights_only). LightningCLI stores ``_class_path`` among the
    hyperparameters, which zoo.checkpoints.load_checkpoint passes to the constructor; it is dropped here."""
    from zoo import hub
    from zoo.checkpoints import find_checkpoint

    path = find_checkpoint(run or f"runs/{entry}")
    ckpt = torch.load(path, map_location="cpu", weights_only=True)
    hparams = {k: v for k, v in ckpt["hyper_parameters"].items() if not k.startswith("_")}
    model = hub.import_class(ckpt["zoo_model_class"])(**hparams)
    hub.load_state_strict(model, dict(ckpt["state_dict"]), str(path))
    print(f"loaded {path} (epoch {ckpt['epoch']}, global step {ckpt['global_step']})")
    return model.eval()


def image_size(model) -> int:
    hp = model.hparams
    return 2 ** hp.num_downs if "num_downs" in hp else 64


def test_split(entry: str, size: int):
    from zoo.data.common import data_root
    from zoo.data.translation import PairedImageDataset, load_images

    dataset, kind, _ = ENTRIES[entry]
    root = data_root() / dataset
    if kind == "paired":  # facades: labels (B, right) -> photo (A, left)
        pairs = PairedImageDataset(root / "test", "BtoA", size, size, train=False)
        inputs, targets = zip(*(pairs[i] for i in range(len(pairs))))
        return torch.stack(inputs), torch.stack(targets)
    return load_images(root / "testA", size), load_images(root / "testB", size)


def translate_all(model, x: torch.Tensor, direction: str = "AtoB", **kw) -> torch.Tensor:
    return torch.cat([model.translate(b, direction, **kw) for b in x.split(16)])


def cmd_eval(ns) -> None:
    from torchvision.utils import save_image

    from zoo.metrics.images import fid_from_features, image_metrics, reference_features

    model = load_run(ns.entry, ns.run)
    size = image_size(model)
    a, b = test_split(ns.entry, size)
    out = Path(ns.out)
    out.mkdir(parents=True, exist_ok=True)
    dataset = ENTRIES[ns.entry][0]

    def metric(fake, real, key):  # real features cached on disk under a key per test split and size
        return image_metrics(fake, real, metrics=("fid", "kid"), reference_key=f"{dataset}-{key}-{size}px")

    def baseline(inputs, real, input_key, real_key):  # FID of the untranslated inputs (a do-nothing model)
        return fid_from_features(reference_features(real, f"{dataset}-{real_key}-{size}px").double(),
                                 reference_features(inputs, f"{dataset}-{input_key}-{size}px").double())
    results: dict = {"entry": ns.entry, "image_size": size, "generator_updates": int(model.generator_updates)}
    start = time.perf_counter()
    if ENTRIES[ns.entry][1] == "paired":
        labels, photos = a, b
        fake = translate_all(model, labels, generator=torch.Generator().manual_seed(0))  # paper mode: dropout on
        fake_eval = translate_all(model, labels, mode="eval")
        m = metric(fake, photos, "test-photos")
        results["labels_to_photo"] = {
            "fid": m["fid"], "kid": m["kid"], "kid_std": m["kid_std"],
            "l1": F.l1_loss(fake, photos).item(), "l1_eval_mode": F.l1_loss(fake_eval, photos).item(),
            "fid_eval_mode": metric(fake_eval, photos, "test-photos")["fid"] if ns.full else None,
            "fid_inputs_baseline": baseline(labels, photos, "test-labels", "test-photos") if ns.full else None}
        results["protocol"] = {**m["protocol"], "test_set": "facades test: 106 label maps -> 106 photos (the same "
                               "106 real photos are the FID reference)", "translate_mode": "paper (dropout and "
                               "per-image batch statistics, seed 0); *_eval_mode: eval mode",
                               "l1": "mean |G(x) - y| over pixels, images in [-1, 1] (x127.5 for 8-bit levels)"}
        rows = [labels[:8], fake[:8], photos[:8]]
    else:
        horses, zebras = a, b
        ab, ba = translate_all(model, horses), translate_all(model, zebras, "BtoA")
        aba, bab = translate_all(model, ab, "BtoA"), translate_all(model, ba)
        m_ab, m_ba = metric(ab, zebras, "testB"), metric(ba, horses, "testA")
        results["AtoB"] = {"fid": m_ab["fid"], "kid": m_ab["kid"], "kid_std": m_ab["kid_std"],
                           "fid_inputs_baseline": baseline(horses, zebras, "testA", "testB"),
                           "cycle_l1": F.l1_loss(aba, horses).item(), "cycle_mse": F.mse_loss(aba, horses).item()}
        results["BtoA"] = {"fid": m_ba["fid"], "kid": m_ba["kid"], "kid_std": m_ba["kid_std"],
                           "fid_inputs_baseline": baseline(zebras, horses, "testB", "testA"),
                           "cycle_l1": F.l1_loss(bab, zebras).item(), "cycle_mse": F.mse_loss(bab, zebras).item()}
        results["protocol"] = {**m_ab["protocol"], "num_fake": None, "num_real": None,
                               "test_set": "horse2zebra testA (120 horses) and testB (140 zebras); AtoB: 120 "
                               "translated horses vs the 140 real zebras; BtoA: 140 translated zebras vs the 120 "
                               "real horses", "cycle": "mean |F(G(x)) - x| (and squared) over pixels, [-1, 1]"}
        rows = [horses[:8], ab[:8], aba[:8], zebras[:8], ba[:8], bab[:8]]
    results["protocol"]["image_size"] = [3, size, size]
    results["protocol"]["note"] = (f"images resized (bicubic) to {size}x{size}, the training resolution; small "
                                   "test sets make FID biased upward and noisy; not comparable with 256x256 numbers")
    results["eval_seconds"] = round(time.perf_counter() - start, 1)
    (out / f"{ns.entry}.results.json").write_text(json.dumps(results, indent=2) + "\n")
    save_image(torch.cat(rows), str(out / f"{ns.entry}.png"), nrow=8, normalize=True, value_range=(-1, 1), padding=1)
    print(json.dumps(results, indent=2))

DESCRIPTIONS = {
    "pix2pix-facades-64px": dict(
        title="Pix2Pix, facades labels -> photo (CPU-scaled: 64x64, 20,000 iterations)",
        paper="Image-to-Image Translation with Conditional Adversarial Networks (Isola et al. 2017, arXiv:1611.07004)",
        usage='photos = model.translate(label_maps)            # (N, 3, 64, 64) in [-1, 1]; mode="paper" (dropout on)\n'
              'photos = model.translate(label_maps, mode="eval")  # deterministic',
        scaled="64x64 images (resize 72, random crop 64, flip) instead of 256x256; a U-Net with 6 downsamplings and "
               "G and D of width 32 instead of U-Net-256 with width 64; 20,000 iterations at batch 1 (200 'epochs' "
               "of 100 iterations: 100 at lr 2e-4, 100 decaying linearly to 0; 50 passes over the 400 training "
               "pairs) instead of 200 epochs of 400 pairs. Losses (cGAN + 100 L1, D halved), PatchGAN (70x70 "
               "field) and Adam as in the paper.",
        data="facades (CMP Facade Database, Tylecek & Sara 2013, as repackaged for pix2pix): 400 train / 106 test "
             "pairs; research use.",
        published="FID 119.14 at 256x256 (the value quoted in the issue for the official model); not comparable."),
    "cyclegan-horse2zebra-64px": dict(
        title="CycleGAN, horse <-> zebra (CPU-scaled: 64x64, 7,000 iterations)",
        paper="Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial Networks (Zhu et al. 2017, "
              "arXiv:1703.10593)",
        usage='zebras = model.translate(horses)                    # (N, 3, H, W) in [-1, 1], H, W divisible by 4\n'
              'horses = model.translate(zebras, direction="BtoA")',
        scaled="64x64 images (resize 72, random crop 64, flip) instead of 256x256; ResNet generators with 6 blocks "
               "and width 16 and PatchGANs of width 16 instead of 9 blocks / width 64; 7,000 iterations at batch 1 "
               "(70 'epochs' of 100 iterations: 35 at lr 2e-4, 35 decaying linearly to 0; 6.5 passes over "
               "trainA) instead of 200 epochs. Losses (LSGAN, cycle 10, identity 5, D halved), pool of 50 and Adam "
               "as in the paper.",
        data="horse2zebra (from ImageNet synsets n02381460 and n02391049): 1,067/1,334 train and 120/140 test images; "
             "ImageNet terms (non-commercial research).",
        published="horse2zebra FID 62.11 (official CycleGAN), 64.52 (MMGeneration); zebra2horse 138.65, all at "
                  "256x256; not comparable."),
    "discogan-horse2zebra-64px": dict(
        title="DiscoGAN (paper losses), horse <-> zebra (CPU-scaled: width 16, batch 8, 10,000 iterations)",
        paper="Learning to Discover Cross-Domain Relations with Generative Adversarial Networks (Kim et al. 2017, "
              "arXiv:1703.05192)",
        usage='zebras = model.translate(horses_64px)                 # (N, 3, 64, 64) in [-1, 1]\n'
              'horses = model.translate(zebras_64px, direction="BtoA")',
        scaled="64x64 as in the paper, but networks of width 16 instead of 64, batch 8 instead of 64 and 10,000 "
               "iterations (80,000 pairs). The paper's losses (variant='paper': GAN + squared-error reconstruction, "
               "one D and one G update per batch); Adam 2e-4, betas (0.5, 0.999), weight decay 1e-5 as in the "
               "authors' code. The paper did not train on horse2zebra; this pair was chosen from the shared data.",
        data="horse2zebra (from ImageNet synsets n02381460 and n02391049); ImageNet terms (non-commercial research).",
        published="none for this pair."),
}


def fmt(value: float) -> str:
    return f"{value:.2f}" if abs(value) >= 1 else f"{value:.4f}"


def training_note(recipe: str, updates: int) -> str:
    """What the run did against what its recipe plans (trainer.max_epochs "epochs" of limit_train_batches)."""
    import yaml

    trainer = yaml.safe_load(Path(recipe).read_text())["trainer"]
    planned = trainer["max_epochs"] * trainer["limit_train_batches"]
    if updates >= planned:
        return f"Trained on one CPU thread for the recipe's {planned:,} iterations ({updates:,} generator updates)."
    return (f"Trained on one CPU thread: the run stopped after {updates:,} of the recipe's {planned:,} iterations "
            "(its max_time, or stopped by hand), before the end of the learning-rate schedule.")


def alias_note(entry: str) -> list[str]:
    from zoo import Zoo

    return [f'`Zoo.load("{alias}")`, the paper\'s name, also loads this model (an alias, with a warning), until a '
            "model at the paper's settings (256 px) is trained." for alias in Zoo.info(entry).aliases] + [""]


def cmd_card(ns) -> None:
    results = json.loads((Path(ns.out) / f"{ns.entry}.results.json").read_text())
    d, (_, kind, recipe) = DESCRIPTIONS[ns.entry], ENTRIES[ns.entry]
    if kind == "paired":
        r = results["labels_to_photo"]
        table = ["| direction | FID | KID | L1 to ground truth | FID (eval mode) | L1 (eval mode) | FID of the inputs |",
                 "|---|---|---|---|---|---|---|",
                 f"| labels -> photo | {fmt(r['fid'])} | {fmt(r['kid'])} ± {fmt(r['kid_std'])} | {fmt(r['l1'])} | "
                 f"{fmt(r['fid_eval_mode']) if r['fid_eval_mode'] is not None else 'not measured'} | {fmt(r['l1_eval_mode'])} | "
                 f"{fmt(r['fid_inputs_baseline']) if r['fid_inputs_baseline'] is not None else 'not measured'} |"]
    else:
        table = ["| direction | FID | KID | cycle L1 | cycle MSE | FID of the inputs (do nothing) |",
                 "|---|---|---|---|---|---|"]
        for key, name in (("AtoB", "horse -> zebra"), ("BtoA", "zebra -> horse")):
            r = results[key]
            table.append(f"| {name} | {fmt(r['fid'])} | {fmt(r['kid'])} ± {fmt(r['kid_std'])} | {fmt(r['cycle_l1'])} "
                         f"| {fmt(r['cycle_mse'])} | {fmt(r['fid_inputs_baseline'])} |")
    protocol = results["protocol"]
    lines = [
        "---", "library_name: gan-zoo", "tags:", "- gan", "- image-to-image", "- pytorch-lightning", "- gan-zoo", "---",
        "", f"# {ns.entry}: {d['title']}", "", f"Paper: {d['paper']}.", "", *alias_note(ns.entry),
        "```python", "from zoo import Zoo", f'model = Zoo.load("{ns.entry}")', d["usage"], "```", "",
        "## This is a scaled-down CPU training, not the paper's setting", "",
        d["scaled"] + f" Recipe: `{recipe}` (the paper's setting: `{recipe.replace('_cpu64', '')}`). "
        + training_note(recipe, results["generator_updates"])
        + " Expect weak translations: this entry shows the pipeline, not the paper's quality.", "",
        "## Results (measured here)", "", *table, "",
        f"Protocol: {protocol['test_set']}. {protocol['feature_extractor']}; {protocol['resize']}; "
        f"{protocol['note']}. KID: cubic polynomial kernel, 100 subsets of the smaller set's size. "
        "'FID of the inputs' compares the untranslated inputs with the same targets: a model that does nothing.",
        "", f"Published (the paper's setting, not this model): {d['published']}", "",
        ("![label maps, translated photos and ground-truth photos of the first 8 test pairs](translations.png)"
         if kind == "paired" else "![rows: horses, G(horses), reconstructions, zebras, F(zebras), "
         "reconstructions; the first 8 test images](translations.png)"), "",
        "## Data", "", d["data"], "",
    ]
    Path(f"model_cards/{ns.entry}.md").write_text("\n".join(lines))
    print("\n".join(lines))


def cmd_export(ns) -> None:
    from zoo import hub

    model = load_run(ns.entry, ns.run)
    results = json.loads((Path(ns.out) / f"{ns.entry}.results.json").read_text())
    card = Path(f"model_cards/{ns.entry}.md").read_text()
    folder = hub.export(model, Path(ns.hub) / ns.entry, name=ns.entry, results=results, card=card,
                        extra={"recipe": ENTRIES[ns.entry][2]})
    figure = Path(ns.out) / f"{ns.entry}.png"
    if figure.is_file():  # the evaluation figure travels with the export
        (folder / "translations.png").write_bytes(figure.read_bytes())
    config = json.loads((folder / "config.json").read_text())
    print(folder, config["num_parameters"], config["sha256"])


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cmd_speed(ns) -> None:
    import yaml

    from zoo.hub import import_class

    torch.set_num_threads(ns.threads)
    recipe_path = ENTRIES[ns.entry][2].replace("_cpu64", "") if ns.paper else ENTRIES[ns.entry][2]
    recipe = yaml.safe_load(Path(recipe_path).read_text())
    model = import_class(recipe["model"]["class_path"])(**recipe["model"]["init_args"]).eval()
    rss_model = peak_rss_mib()
    size = 64 if ns.entry.startswith("discogan") else ns.size  # DiscoGAN's networks are fixed at 64x64
    x = torch.rand(ns.batch, 3, size, size) * 2 - 1
    kw = {"mode": "eval"} if ns.entry.startswith("pix2pix") else {}
    model.translate(x, **kw)  # warm-up
    reps, start = 0, time.perf_counter()
    while reps < 3 or time.perf_counter() - start < ns.seconds:
        model.translate(x, **kw)
        reps += 1
    translate_s = time.perf_counter() - start
    report = {"entry": ns.entry, "threads": ns.threads, "image_size": size, "batch": ns.batch,
              "translate_images_per_s": round(reps * ns.batch / translate_s, 2),
              "peak_rss_mib_after_translate": round(peak_rss_mib(), 1), "rss_mib_after_build": round(rss_model, 1),
              "load_average": os.getloadavg(), "recipe": recipe_path}
    if ns.train_iters == 0:
        print(json.dumps(report))
        return
    # training iterations/s at the recipe's settings, on random batches of the recipe's size and batch size
    import lightning as L
    from torch.utils.data import DataLoader, TensorDataset

    data = recipe["data"]["init_args"]
    n, crop = data.get("batch_size", 1), data["crop_size"]
    iters = ns.train_iters
    batches = TensorDataset(torch.rand(n * (iters + 2), 3, crop, crop) * 2 - 1, torch.rand(n * (iters + 2), 3, crop, crop) * 2 - 1)
    model = import_class(recipe["model"]["class_path"])(**{**recipe["model"]["init_args"], "sample_every_n_steps": 0})
    timer = {}

    class Clock(L.Callback):
        def on_train_batch_start(self, trainer, module, batch, i):
            if i == 2:  # after two warm-up iterations
                timer["start"] = time.perf_counter()

    trainer = L.Trainer(max_epochs=1, limit_train_batches=iters + 2, logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False, callbacks=[Clock()])
    trainer.fit(model, DataLoader(batches, batch_size=n))
    report["train_iterations_per_s"] = round(iters / (time.perf_counter() - timer["start"]), 3)
    report["train_batch_size"], report["train_image_size"] = n, crop
    report["peak_rss_mib_after_training"] = round(peak_rss_mib(), 1)
    print(json.dumps(report))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("eval", "card", "export", "speed"))
    parser.add_argument("entry", choices=sorted(ENTRIES))
    parser.add_argument("--run", default=None)
    parser.add_argument("--out", default="benchmarks/issue6")
    parser.add_argument("--hub", default=os.environ.get("ZOO_HUB", "/work/zoo_hub"))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--train-iters", type=int, default=10)
    parser.add_argument("--paper", action="store_true", help="speed: the paper recipe's networks instead")
    parser.add_argument("--full", action="store_true", help="pix2pix: also FID in eval mode and of the inputs")
    ns = parser.parse_args()
    {"eval": cmd_eval, "card": cmd_card, "export": cmd_export, "speed": cmd_speed}[ns.command](ns)


if __name__ == "__main__":
    main()
