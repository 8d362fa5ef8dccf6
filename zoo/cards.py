"""Model cards: the Hub README.md of an export, with model-index metadata, from an entry and its results.

Metadata is built with huggingface_hub's ModelCardData / EvalResult so that the Hub renders the results table.
"""
from __future__ import annotations

import json
from typing import Any

TASKS = {"fid": "Frechet Inception Distance", "kid": "Kernel Inception Distance", "is": "Inception Score",
         "modes_covered": "Modes covered", "high_quality": "High-quality samples", "reverse_kl": "Reverse KL"}


def default_card(config: dict[str, Any], results: dict | None) -> str:
    """A minimal card for an export that is not (yet) a zoo entry: what it is and how to load it."""
    name = config.get("name")
    lines = [
        "---", "library_name: gan-zoo", "tags:", "- gan", "- pytorch-lightning", "- gan-zoo", "---", "",
        f"# {name or 'gan-zoo export'}", "",
        f"A `{config['model_class']}` exported by gan-zoo {config['zoo_version']} "
        f"({config.get('num_parameters', 0):,} parameters).", "",
        "```python", "from zoo import Zoo", f'model = Zoo.load("{name or "path/to/this/folder"}")',
        "images = model.sample(64)", "```", "",
    ]
    if results:
        lines += ["## Results", "", "```json", json.dumps(results, indent=2), "```", ""]
    return "\n".join(lines)


def numeric_results(results: dict | None) -> dict[str, float]:
    return {k: float(v) for k, v in (results or {}).items() if isinstance(v, (int, float)) and k != "num_samples"}


def card_data(entry, results: dict | None):
    from huggingface_hub import EvalResult, ModelCardData

    task = "unconditional-image-generation"
    split = ((results or {}).get("protocol") or {}).get("reference_split") or entry.split  # where it was measured
    evals = [EvalResult(task_type=task, dataset_type=entry.dataset.lower(), dataset_name=entry.dataset,
                        dataset_split=split, metric_type=key, metric_name=TASKS.get(key, key),
                        metric_value=round(value, 4))
             for key, value in numeric_results(results).items()]
    return ModelCardData(library_name="gan-zoo", license=entry.license.lower(), model_name=entry.name,
                         tags=["gan", "pytorch-lightning", "gan-zoo", entry.model_class.rsplit(".", 1)[-1].lower()],
                         eval_results=evals or None)


def entry_card(name: str, results: dict | None = None) -> str:
    """The full model card of a zoo entry; ``results`` (from ``zoo eval``) overrides the entry's metrics."""
    from huggingface_hub import ModelCard

    from zoo.registry import Zoo

    entry = Zoo.info(name)
    results = results or ({**entry.metrics, "protocol": entry.protocol} if entry.metrics else None)
    data = card_data(entry, results)
    ours = numeric_results(results)
    protocol = (results or {}).get("protocol") or {}
    lines = [
        f"# {entry.name}", "",
        f"`{entry.model_class}` — an implementation of *{entry.paper}* (arXiv:{entry.arxiv}), "
        f"{entry.origin} on {entry.dataset} ({entry.split} split), {entry.num_parameters:,} parameters.", "",
        "## Load and sample", "",
        "```python", "from zoo import Zoo", f'model = Zoo.load("{entry.name}")',
        "images = model.sample(64)  # in [-1, 1]", "```", "",
        "## Training", "",
        f"Recipe: `{entry.recipe}` (`zoo fit --config {entry.recipe}`).", "",
        entry.training or "", "",
        "## Evaluation", "",
    ]
    if ours:
        lines += ["| metric | ours | published |", "|---|---|---|"]
        for key, value in ours.items():
            published = "; ".join(f"{v:g} ({k})" for k, v in entry.paper_metrics.items()
                                  if k.lower().startswith(key)) or "-"
            lines.append(f"| {key} | {value:.4g} | {published} |")
        lines.append("")
        lines += ["Protocol:", "", "```json", json.dumps(protocol, indent=2), "```", ""]
    else:
        lines += ["Not evaluated yet.", ""]
    lines += ["## Limitations", "", entry.limitations or "None recorded beyond those of the paper's method.", "",
              "## Data license", "", entry.data_license or "See the dataset's own terms.", ""]
    card = ModelCard(f"---\n{data.to_yaml()}\n---\n\n" + "\n".join(lines))
    return str(card)
