"""The ``zoo`` command.

``zoo fit|validate|test --config RECIPE`` is LightningCLI (any GANModule, any LightningDataModule); the other
sub-commands are the zoo's own: quickstart, list, info, sample, translate, export, push, eval, bench.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from zoo.lightning_cli import LIGHTNING_COMMANDS, lightning_cli
from zoo.recipes import RecipeError


def cmd_list(ns) -> None:
    from zoo.registry import Zoo

    from zoo import registry

    bad = [f for f in ns.filter if "=" not in f]
    if bad:
        raise ValueError(f"filter {bad[0]!r} is not FIELD=VALUE; for example: zoo list dataset=mnist")
    filters = dict(f.split("=", 1) for f in ns.filter)
    if ns.planned:
        print(Zoo.table(registry.planned()))
        print("(planned: a recipe exists, the weights are not shipped yet)")
        return
    print(Zoo.table(Zoo.list(**filters)))


def cmd_info(ns) -> None:
    import dataclasses
    import json

    from zoo.registry import Zoo

    print(json.dumps(dataclasses.asdict(Zoo.info(ns.name)), indent=2))


MAX_SAMPLES = 10_000  # `zoo sample` writes one grid image: at most this many samples ...
MAX_GRID_PIXELS = 1 << 28  # ... and at most this many sample pixels (256 Mpx: 4,096 images of 256x256)
SAMPLE_BATCH = 500  # drawn this many at a time (a multiple of 10, so class-cycling grids keep their rows)


def cmd_sample(ns) -> None:
    import torch
    from PIL import Image
    from torchvision.utils import make_grid

    from zoo.outputs import check_device, check_image_file
    from zoo.registry import Zoo
    from zoo.schema import offers

    if ns.n < 1 or ns.n > MAX_SAMPLES:
        raise ValueError(f"-n {ns.n}: zoo sample writes one grid image of 1 to {MAX_SAMPLES:,} samples. Pass a "
                         f"smaller -n (e.g. -n 64); for more samples call model.sample in batches from Python "
                         f"(Zoo.load(...).sample(n)), or use `zoo eval` for metrics.")
    if ns.nrow < 1:
        raise ValueError(f"--nrow {ns.nrow}: the number of images per grid row must be a positive integer.")
    output = check_image_file(ns.output, "-o")  # before any loading or sampling
    check_device(ns.device)
    model = Zoo.load(ns.model, device=ns.device)
    if offers(model, "translate"):
        raise ValueError(f"{ns.model} is an image-to-image model ({type(model).__name__}): it translates images "
                         f"instead of drawing samples. Use `zoo translate {ns.model} IN_DIR OUT_DIR` (or "
                         f"model.translate(images) in Python).")
    if not offers(model, "sample"):
        raise ValueError(f"{ns.model} ({type(model).__name__}) does not draw samples; `zoo sample` takes a "
                         f"generative model (`zoo list` shows each entry's verb).")
    generator = torch.Generator().manual_seed(ns.seed)
    batches, done = [], 0
    while done < ns.n:
        images = model.sample(min(SAMPLE_BATCH, ns.n - done), generator=generator)
        if images.dim() != 4:
            raise ValueError(f"{ns.model} does not draw images (sample shape {tuple(images.shape[1:])}); "
                             f"`zoo sample` writes image grids.")
        if not done and ns.n * images.shape[-1] * images.shape[-2] > MAX_GRID_PIXELS:
            fit = MAX_GRID_PIXELS // (images.shape[-1] * images.shape[-2])
            raise ValueError(f"-n {ns.n}: a grid of {ns.n:,} {images.shape[-1]}x{images.shape[-2]} images is too "
                             f"large to write as one image (at most {MAX_GRID_PIXELS:,} sample pixels: -n {fit:,}). "
                             f"Pass a smaller -n, or call model.sample in batches from Python.")
        # the 8-bit pixels torchvision's save_image(normalize=True, value_range=(-1, 1)) writes
        scaled = (images.detach().float().cpu().clamp(-1, 1) + 1) / 2
        batches.append(scaled.mul(255).add(0.5).clamp(0, 255).to(torch.uint8))
        done += len(images)
    grid = make_grid(torch.cat(batches), nrow=ns.nrow)
    Image.fromarray(grid.permute(1, 2, 0).numpy()).save(output)
    print(f"wrote {ns.n} samples of {ns.model} (seed {ns.seed}) to {output}")


def cmd_translate(ns) -> None:
    import json
    import warnings

    from zoo import hub
    from zoo.outputs import check_device
    from zoo.registry import EntryNotFoundError, Zoo
    from zoo.schema import offers
    from zoo.translate import (DEFAULT_SIZE, check_output_folder, check_size, list_input_images, model_size,
                               preflight, translate_folder)

    files = list_input_images(ns.in_dir)  # inputs and outputs are checked before the model is loaded
    check_output_folder(ns.out_dir, ns.in_dir)
    if ns.size is not None and ns.size < 1:
        raise ValueError(f"--size {ns.size}: expected a positive integer (the model's resolution, e.g. 256).")
    check_device(ns.device)
    folder = Zoo.resolve(ns.model)
    model = hub.load_folder(folder, device=ns.device)
    if not offers(model, "translate"):
        raise ValueError(f"{ns.model} ({type(model).__name__}) draws samples and does not translate images; use "
                         f"`zoo sample {ns.model}`. `zoo translate` takes an image-to-image entry such as "
                         f"cyclegan-horse2zebra-64px.")
    model.check_direction(ns.direction)
    size = ns.size
    if size is None:
        config = json.loads((folder / hub.CONFIG).read_text())
        entry_size = None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                entry_size = (Zoo.info(config.get("name") or ns.model).evaluation or {}).get("size")
            except (EntryNotFoundError, AttributeError):
                pass
        size = model_size(config, entry_size)
        if size is None:
            size = DEFAULT_SIZE
            print(f"{ns.model} does not record the resolution it was trained at: translating at {size}x{size} "
                  f"(the papers'); pass --size N to change it.")
    size = check_size(model, size)
    preflight(model, size, ns.direction)
    written, skipped = translate_folder(model, ns.in_dir, ns.out_dir, direction=ns.direction, size=size,
                                        side_by_side=ns.side_by_side)
    kind = "input|output figures" if ns.side_by_side else "translations"
    print(f"wrote {len(written)} {kind} of {ns.in_dir} ({ns.direction}, {type(model).__name__} at {size}x{size}) "
          f"to {ns.out_dir}")
    if skipped:
        raise ValueError(f"{len(skipped)} of {len(files)} files could not be read and were skipped: "
                         f"{'; '.join(skipped[:5])}{' ...' if len(skipped) > 5 else ''}. Remove or replace them.")


def cmd_export(ns) -> None:
    import json

    from zoo import hub, mirror
    from zoo.checkpoints import load_checkpoint, training_record
    from zoo.registry import EntryNotFoundError

    model = load_checkpoint(ns.checkpoint)
    results = json.loads(Path(ns.results).read_text()) if ns.results else None
    out = Path(ns.output or Path("exports") / (ns.name or Path(ns.checkpoint).stem))
    hub.export(model, out, name=ns.name, results=results, training=training_record(ns.checkpoint),
               weights_dtype=ns.weights_dtype)
    if ns.name:
        try:  # the entry's card, with this export's own results only (never the registry's numbers)
            mirror.write_card(out, mirror.declared(ns.name))
        except EntryNotFoundError:
            pass
    print(f"exported {type(model).__name__} to {out}")


def cmd_push(ns) -> None:
    from zoo.push import push

    commit = push(ns.folder, ns.repo_id, private=ns.private, token=ns.token)
    print(f"pushed {ns.folder} to {ns.repo_id} at revision {commit}")


def check_eval_flags(ns) -> None:
    """Refuse bad numbers before any work, in one line naming the value and the fix."""
    for flag, value, minimum, example in (("--num-samples", ns.num_samples, 1, 5000),
                                          ("--num-reference", ns.num_reference, 1, 10000), ("--seed", ns.seed, 0, 0)):
        if value is not None and value < minimum:
            what = "a positive integer" if minimum else "an integer >= 0"
            raise SystemExit(f"zoo eval: {flag} {value} is not allowed; pass {what}, e.g. {flag} {example}.")


def eval_spec(ns, entry_spec: dict | None, config: dict) -> dict:
    """The spec `zoo eval` runs: --spec, else one built from --metrics / --mixture, else the entry's; then the
    --num-samples / --num-reference / --reference / --seed overrides."""
    import json

    if ns.spec:
        try:
            spec = json.loads(ns.spec)
        except json.JSONDecodeError as err:
            raise ValueError(f"--spec is not valid JSON ({err}); e.g. --spec '{{\"kind\": \"fid\", \"reference\": "
                             f"\"mnist-test\"}}'.") from None
        if not isinstance(spec, dict):
            raise ValueError(f"--spec must be a JSON object such as '{{\"kind\": \"classification\"}}', got {ns.spec}.")
    elif ns.metrics or ns.mixture:
        metrics = [m.strip().lower() for m in (ns.metrics or "modes").split(",") if m.strip()]
        if "modes" in metrics:
            if metrics != ["modes"]:
                raise ValueError(f"--metrics {ns.metrics}: 'modes' (2-D toys) cannot be combined with image metrics.")
            spec = {"kind": "modes", "mixture": ns.mixture or (entry_spec or {}).get("mixture")}
            spec = {k: v for k, v in spec.items() if v is not None}
        else:
            reference = ((entry_spec or {}).get("reference")
                         or (config.get("metrics_protocol") or {}).get("reference_split"))
            spec = {"kind": "fid", "metrics": metrics, **({"reference": reference} if reference else {})}
    elif entry_spec:
        spec = dict(entry_spec)
    else:
        name = config.get("name")
        raise ValueError(f"no evaluation spec for {ns.model}: " + (f"the entry {name!r} declares none" if name else
                         "it names no zoo entry") + ". Pass one, e.g. --metrics fid,kid --reference mnist-test, "
                         "--mixture ring, or --spec '{\"kind\": \"classification\"}'.")
    for key, value in (("num_samples", ns.num_samples), ("num_reference", ns.num_reference),
                       ("reference", ns.reference), ("seed", ns.seed)):
        if value is not None:
            spec[key] = value
    return spec


def cmd_eval(ns) -> None:
    import json

    from zoo import hub
    from zoo.metrics.evaluate import write_results
    from zoo.metrics.images import MetricUnavailableError
    from zoo.metrics.protocols import evaluate_spec
    from zoo.metrics.spec import validate_spec
    from zoo.registry import EntryNotFoundError, Zoo

    check_eval_flags(ns)
    folder = Path(ns.model).expanduser()
    config = json.loads((folder / hub.CONFIG).read_text()) if (folder / hub.CONFIG).is_file() else {}
    name = config.get("name") if folder.is_dir() else ns.model
    try:
        entry = Zoo.info(name) if name else None
    except EntryNotFoundError:
        if not folder.is_dir():
            Zoo.resolve(ns.model)  # a path that does not exist: its error says so
            raise
        entry = None
    if entry is not None and not config:  # by name: the entry's recorded protocol names its reference split
        config = {"name": entry.name, "metrics_protocol": entry.protocol}
    spec = validate_spec(eval_spec(ns, getattr(entry, "evaluation", None) or None, config))
    folder = Zoo.resolve(ns.model)
    model = hub.load_folder(folder, device=ns.device)
    print(f"zoo eval {ns.model}: {json.dumps(spec)}", flush=True)
    try:
        results = evaluate_spec(model, spec, progress=True)
    except MetricUnavailableError as err:
        raise SystemExit(f"zoo eval: {err}") from None
    registered = entry.metrics if entry is not None and not ns.output else {}
    for key, value in results.items():
        if key != "protocol":
            shown = f"{value:.6g}" if isinstance(value, float) else f"{value}"
            print(f"  {key}: {shown}" + (f"   (registered: {registered[key]:.6g})" if key in registered else ""))
    from zoo.registry import MIRROR

    if not ns.output and Path(folder).resolve().parent == MIRROR:  # the shipped results are `zoo ship`'s to write
        print(f"measured the shipped weights in {folder} (wall time {results['protocol']['wall_time_s']} s); the "
              f"registered numbers are unchanged: pass -o FILE to keep these results")
        return
    path = write_results(results, ns.output or Path(folder) / hub.RESULTS)
    print(f"wrote {path} (wall time {results['protocol']['wall_time_s']} s)")


def cmd_bench(ns) -> None:
    from zoo.bench import bench

    bench(ns.suite, skip_train=ns.skip_train, hub_dir=ns.hub)


def cmd_ship(ns) -> None:
    from zoo import mirror

    folder = mirror.ship(ns.name, ns.run, weights_dtype=ns.weights_dtype, train_seconds=ns.train_seconds,
                         resumed=ns.resumed, hardware=ns.hardware, evaluate=not ns.no_eval,
                         continues=ns.continues)
    print(f"shipped {ns.name} to {folder}")
    for path in mirror.regenerate():
        print(f"regenerated {path}")


def cmd_docs(ns) -> None:
    from zoo import mirror

    changed = mirror.regenerate()
    print("\n".join(f"regenerated {p}" for p in changed) or "cards, index and tables are up to date")


def cmd_card(ns) -> None:
    from zoo import mirror, registry

    entry = mirror.declared(ns.name)
    text = mirror.folder_card(Path(ns.folder) if ns.folder else registry.MIRROR / entry.name, entry)
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
    p.add_argument("--planned", action="store_true", help="the planned entries (recipe, no shipped weights yet)")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("info", help="show one entry")
    p.add_argument("name")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("sample", help="draw a grid of samples from an entry or export folder")
    p.add_argument("model", help="entry name, export folder or Hub repo id (org/repo)")
    p.add_argument("-n", type=int, default=64, help=f"number of samples, 1 to {MAX_SAMPLES:,} (drawn in batches of "
                                                     f"{SAMPLE_BATCH})")
    p.add_argument("-o", "--output", default="samples.png", help="image file (.png, .jpg, ...)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--nrow", type=int, default=8)
    p.add_argument("--device", default="cpu")
    p.set_defaults(func=cmd_sample)

    p = sub.add_parser("translate", help="translate every image of a folder with an image-to-image model")
    p.add_argument("model", help="entry name, export folder or Hub repo id (e.g. cyclegan-horse2zebra-64px)")
    p.add_argument("in_dir", metavar="IN_DIR", help="folder of images (any size; sub-folders are not searched)")
    p.add_argument("out_dir", metavar="OUT_DIR", help="folder for the outputs, written under the inputs' names")
    p.add_argument("--direction", default="AtoB", choices=["AtoB", "BtoA"])
    p.add_argument("--size", type=int, default=None,
                   help="resolution the model runs at (default: the one its export records, else 256)")
    p.add_argument("--device", default="cpu")
    p.add_argument("--side-by-side", action="store_true", help="write input|output figures")
    p.set_defaults(func=cmd_translate)

    p = sub.add_parser("export", help="write a Hub-layout folder from a Lightning checkpoint or run folder")
    p.add_argument("checkpoint", help=".ckpt file or run folder (its checkpoints/last.ckpt is used)")
    p.add_argument("--name", help="zoo entry name (its card is written into the export)")
    p.add_argument("-o", "--output", help="export folder (default exports/<name>)")
    p.add_argument("--results", help="results.json from `zoo eval` to include")
    p.add_argument("--weights-dtype", choices=["float16", "bfloat16"], help="store parameters at half size")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("eval", help="measure an entry's headline metrics with its evaluation spec into results.json",
                       description="Measure a model with an evaluation spec (zoo.metrics.spec): the entry's own "
                       "(by name, or the entry named in an export folder's config.json), --spec JSON, or one built "
                       "from --metrics / --mixture. --num-samples, --num-reference, --reference and --seed override "
                       "keys.")
    p.add_argument("model", help="entry name or export folder")
    p.add_argument("--spec", help='an evaluation spec as JSON, e.g. \'{"kind": "fid", "reference": "mnist-test"}\'')
    p.add_argument("--metrics", help="build an image spec (fid,kid,is) or a toy spec (modes) instead of the entry's")
    p.add_argument("--reference", help="reference split, e.g. mnist-test (default: the entry's or the export's)")
    p.add_argument("--num-samples", type=int, default=None, help="override the spec's num_samples")
    p.add_argument("--num-reference", type=int, default=None, help="override the spec's num_reference")
    p.add_argument("--mixture", choices=["ring", "grid"], help="for --metrics modes")
    p.add_argument("--seed", type=int, default=None, help="override the spec's seed")
    p.add_argument("--device", default="cpu")
    p.add_argument("-o", "--output", help="results file (default: results.json in the export folder)")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("bench", help="train, evaluate and export every entry of a suite; write a results table")
    p.add_argument("suite", help="suite YAML, e.g. recipes/bench/first-entries.yaml")
    p.add_argument("--skip-train", action="store_true", help="evaluate the existing runs only")
    p.add_argument("--hub", help="export root (default $ZOO_HUB, else exports/)")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("ship", help="export a finished run of an entry's recipe into the mirror hub/<entry>, "
                       "evaluate it, write its card and the registry index")
    p.add_argument("name", help="entry name (zoo list, or a planned entry)")
    p.add_argument("--run", help="run folder or .ckpt (default: the recipe's default_root_dir)")
    p.add_argument("--weights-dtype", choices=["float16", "bfloat16"], help="store parameters at half size")
    p.add_argument("--train-seconds", type=float, help="training time, for runs whose checkpoint lacks it")
    p.add_argument("--resumed", help="how the run was resumed, in words, for the card")
    p.add_argument("--hardware", help="what it trained on, in words (default: one thread of this machine's CPU)")
    p.add_argument("--no-eval", action="store_true", help="export and card only")
    p.add_argument("--continues", help="the shipped entry or export folder the run started from (StartFrom): the "
                   "card's training counts and commands cover both runs")
    p.set_defaults(func=cmd_ship)

    p = sub.add_parser("docs", help="regenerate the registry index, every card and BENCHMARKS.md's entry tables")
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("card", help="print (or write) an entry's model card from its export")
    p.add_argument("name")
    p.add_argument("--folder", help="export folder (default: the mirror's hub/<name>)")
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
        try:
            lightning_cli(argv)  # None: sys.argv
        except (FloatingPointError, RecipeError) as err:  # the NaN / divergence guards, a bad overlay: one line
            raise SystemExit(f"zoo {args[0]}: {err}") from None
        return
    ns = build_parser().parse_args(args)
    try:
        ns.func(ns)
    except (OSError, ValueError, KeyError, FloatingPointError) as err:  # user mistakes: one line, no traceback
        raise SystemExit(f"zoo {ns.command}: {err}") from None


if __name__ == "__main__":
    main()
