"""The ``zoo`` command.

``zoo fit|validate|test --config RECIPE`` is LightningCLI (any GANModule, any LightningDataModule); the other
sub-commands are the zoo's own: quickstart, list, info, sample, export, push, eval, bench.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

LIGHTNING_COMMANDS = ("fit", "validate", "test", "predict")


def lightning_cli(args: list[str] | None = None, run: bool = True):
    """Build (and by default run) the LightningCLI the recipes are written for.

    With ``run=False`` the classes are only instantiated (a leading "fit"/"validate"/... is dropped), which is how
    the tests parse every recipe.
    """
    if not run and args and args[0] in LIGHTNING_COMMANDS:
        args = args[1:]
    import lightning as L
    from lightning.pytorch.cli import LightningCLI

    from zoo.core.callbacks import RunCheckpoint

    # any LightningModule (every GANModule, and the judge classifier zoo.models.classifier.DigitClassifier)
    return LightningCLI(L.LightningModule, L.LightningDataModule, subclass_mode_model=True, subclass_mode_data=True,
                        trainer_defaults={"callbacks": [RunCheckpoint()]}, save_config_kwargs={"overwrite": True},
                        args=args, run=run)


def cmd_list(ns) -> None:
    from zoo.registry import Zoo

    filters = dict(f.split("=", 1) for f in ns.filter)
    print(Zoo.table(Zoo.list(**filters)))


def cmd_info(ns) -> None:
    import dataclasses
    import json

    from zoo.registry import Zoo

    print(json.dumps(dataclasses.asdict(Zoo.info(ns.name)), indent=2))


def cmd_sample(ns) -> None:
    import torch
    from torchvision.utils import save_image

    from zoo.registry import Zoo

    model = Zoo.load(ns.model, device=ns.device)
    images = model.sample(ns.n, generator=torch.Generator().manual_seed(ns.seed))
    if images.dim() != 4:
        raise SystemExit(f"{ns.model} does not draw images (sample shape {tuple(images.shape[1:])}).")
    Path(ns.output).parent.mkdir(parents=True, exist_ok=True)
    save_image(images.float().cpu(), ns.output, nrow=ns.nrow, normalize=True, value_range=(-1, 1))
    print(f"wrote {ns.n} samples of {ns.model} (seed {ns.seed}) to {ns.output}")


def cmd_export(ns) -> None:
    import json

    from zoo import hub
    from zoo.checkpoints import load_checkpoint

    model = load_checkpoint(ns.checkpoint)
    results = json.loads(Path(ns.results).read_text()) if ns.results else None
    card = None
    if ns.name:
        from zoo.cards import entry_card
        from zoo.registry import EntryNotFoundError

        try:
            card = entry_card(ns.name, results)
        except EntryNotFoundError:
            card = None
    out = Path(ns.output or Path("exports") / (ns.name or Path(ns.checkpoint).stem))
    hub.export(model, out, name=ns.name, results=results, card=card)
    print(f"exported {type(model).__name__} to {out}")


def cmd_push(ns) -> None:
    from zoo.push import push

    commit = push(ns.folder, ns.repo_id, private=ns.private, token=ns.token)
    print(f"pushed {ns.folder} to {ns.repo_id} at revision {commit}")


def cmd_eval(ns) -> None:
    from zoo.metrics.evaluate import evaluate, write_results
    from zoo.registry import Zoo

    folder = Zoo.resolve(ns.model)
    from zoo import hub

    model = hub.load_folder(folder, device=ns.device)
    reference = ns.reference or (hub.read_config(folder).get("metrics_protocol") or {}).get("reference_split")
    results = evaluate(model, metrics=ns.metrics.split(","), reference=reference, num_samples=ns.num_samples,
                       num_reference=ns.num_reference, mixture=ns.mixture, seed=ns.seed)
    path = write_results(results, ns.output or Path(folder) / hub.RESULTS)
    numbers = {k: v for k, v in results.items() if k != "protocol"}
    print(f"{ns.model}: {numbers}\nwrote {path}")


def cmd_bench(ns) -> None:
    from zoo.bench import bench

    bench(ns.suite, skip_train=ns.skip_train, hub_dir=ns.hub)


def cmd_record(ns) -> None:
    import os

    from zoo.entries.measured import record

    root = Path(ns.hub or os.environ.get("ZOO_HUB", "exports"))
    for name in ns.names:
        entry = record(name, root / name)
        print(f"recorded {name}: {entry['metrics']}")


def cmd_card(ns) -> None:
    import json

    from zoo.cards import entry_card

    results = json.loads(Path(ns.results).read_text()) if ns.results else None
    text = entry_card(ns.name, results)
    if ns.output:
        Path(ns.output).write_text(text)
        print(f"wrote {ns.output}")
    else:
        print(text)


def cmd_quickstart(ns) -> None:
    from zoo.quickstart import quickstart

    quickstart(ns.output, max_steps=ns.steps, seed=ns.seed)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zoo", description="gan-zoo: train, sample, evaluate and export GANs. "
                                     "`zoo fit --config RECIPE` (and validate/test) run LightningCLI.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("quickstart", help="train DCGAN on scikit-learn's digits, export, reload and sample")
    p.add_argument("-o", "--output", default="zoo_out/quickstart")
    p.add_argument("--steps", type=int, default=1200, help="generator updates (default about two minutes on 2 cores)")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_quickstart)

    p = sub.add_parser("list", help="list the zoo's entries")
    p.add_argument("filter", nargs="*", help="FIELD=VALUE filters, e.g. dataset=mnist")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("info", help="show one entry")
    p.add_argument("name")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("sample", help="draw a grid of samples from an entry or export folder")
    p.add_argument("model", help="entry name or export folder")
    p.add_argument("-n", type=int, default=64)
    p.add_argument("-o", "--output", default="samples.png")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--nrow", type=int, default=8)
    p.add_argument("--device", default="cpu")
    p.set_defaults(func=cmd_sample)

    p = sub.add_parser("export", help="write a Hub-layout folder from a Lightning checkpoint or run folder")
    p.add_argument("checkpoint", help=".ckpt file or run folder (its checkpoints/last.ckpt is used)")
    p.add_argument("--name", help="zoo entry name (its card is written into the export)")
    p.add_argument("-o", "--output", help="export folder (default exports/<name>)")
    p.add_argument("--results", help="results.json from `zoo eval` to include")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("eval", help="measure FID/KID (images) or mode statistics (toys) into results.json")
    p.add_argument("model", help="entry name or export folder")
    p.add_argument("--metrics", default="fid,kid", help="comma-separated: fid,kid,is or modes")
    p.add_argument("--reference", help="reference split, e.g. mnist-test (default: the export's protocol)")
    p.add_argument("--num-samples", type=int, default=5000)
    p.add_argument("--num-reference", type=int, default=None)
    p.add_argument("--mixture", choices=["ring", "grid"], help="for --metrics modes")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="cpu")
    p.add_argument("-o", "--output", help="results file (default: results.json in the export folder)")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("bench", help="train, evaluate and export every entry of a suite; write a results table")
    p.add_argument("suite", help="suite YAML, e.g. recipes/bench/first-entries.yaml")
    p.add_argument("--skip-train", action="store_true", help="evaluate the existing runs only")
    p.add_argument("--hub", help="export root (default $ZOO_HUB, else exports/)")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("record", help="copy reference exports' results and checksums into the registry data")
    p.add_argument("names", nargs="+")
    p.add_argument("--hub", help="export root (default $ZOO_HUB, else exports/)")
    p.set_defaults(func=cmd_record)

    p = sub.add_parser("card", help="write an entry's model card (from the registry or a results.json)")
    p.add_argument("name")
    p.add_argument("--results", help="results.json to report instead of the registry's numbers")
    p.add_argument("-o", "--output", help="file to write (default: print)")
    p.set_defaults(func=cmd_card)

    p = sub.add_parser("push", help="upload an export folder to the Hugging Face Hub (one commit)")
    p.add_argument("folder")
    p.add_argument("--repo-id", required=True)
    p.add_argument("--private", action="store_true")
    p.add_argument("--token", default=None)
    p.set_defaults(func=cmd_push)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in LIGHTNING_COMMANDS:
        lightning_cli(argv)  # None: LightningCLI reads sys.argv itself
        return
    ns = build_parser().parse_args(args)
    try:
        ns.func(ns)
    except (FileNotFoundError, ValueError, KeyError) as err:
        raise SystemExit(f"zoo {ns.command}: {err}") from None


if __name__ == "__main__":
    main()
