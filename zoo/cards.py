"""Model cards: the Hub README.md of an export, generated from the entry's declaration and the export's own
results.json and config.json (never edited by hand; ``zoo card`` rewrites them and the tests compare).

Metadata is built with huggingface_hub's ModelCardData / EvalResult, so the Hub renders the results table and
validates the licence, task and datasets.
"""
from __future__ import annotations

import json
from typing import Any

METRIC_NAMES = {"fid": "Frechet Inception Distance", "kid": "Kernel Inception Distance",
                "modes_covered": "Modes covered", "high_quality": "High-quality samples",
                "reverse_kl": "Reverse KL", "judged_accuracy": "Judged accuracy", "digit_is": "Digit Inception Score",
                "test_error": "Test error", "test_accuracy": "Test accuracy", "nll_oracle": "NLL-oracle"}

USAGE = {
    "sample": ["import torch", "samples = model.sample(64, generator=torch.Generator().manual_seed(0))"],
    "translate": ["import torch", "photos = torch.rand(4, 3, 64, 64) * 2 - 1  # your images, in [-1, 1]",
                  "translated = model.translate(photos)            # A -> B",
                  "back = model.translate(translated, direction=\"BtoA\")  # B -> A"],
    "classify": ["import torch", "digits = torch.rand(8, 1, 28, 28) * 2 - 1  # MNIST-like images in [-1, 1]",
                 "labels = model.classify(digits)  # (8,) predicted digits"],
    "encode": ["import torch", "features = model.encode(torch.rand(8, 1, 28, 28) * 2 - 1)"],
    "generate": ["tokens = model.generate(16)  # (16, seq_len) token ids"],
}


def usage_lines(entry, directions: tuple[str, ...] = ("AtoB",)) -> list[str]:
    """The card's example for ``entry``'s verb; the way back only for a model whose ``directions`` include it."""
    lines = USAGE[entry.verb]
    if entry.verb == "translate" and "BtoA" not in directions:
        lines = lines[:-1]
    return lines


def default_card(config: dict[str, Any], results: dict | None) -> str:
    """A minimal card for an export that is not a zoo entry: what it is and how to load it."""
    name = config.get("name")
    lines = [
        "---", "library_name: gan-zoo", "tags:", "- gan", "- pytorch-lightning", "- gan-zoo", "---", "",
        f"# {name or 'gan-zoo export'}", "",
        f"A `{config['model_class']}` exported by gan-zoo {config['zoo_version']} "
        f"({config.get('num_parameters', 0):,} parameters).", "",
        "```python", "from zoo import Zoo", f'model = Zoo.load("{name or "path/to/this/folder"}")', "```", "",
    ]
    if results:
        lines += ["## Results", "", "```json", json.dumps(results, indent=2), "```", ""]
    return "\n".join(lines)


PROTOCOL_NUMBERS = ("num_samples",)  # numbers some protocols report beside the metrics: part of the protocol


def numeric_results(results: dict | None) -> dict[str, float]:
    """The metrics of a results.json: its top-level numbers, less the protocol's sample counts."""
    return {k: v for k, v in (results or {}).items()
            if isinstance(v, (int, float)) and not isinstance(v, bool) and k not in PROTOCOL_NUMBERS}


def card_data(entry, results: dict | None):
    from huggingface_hub import EvalResult, ModelCardData

    dataset = entry.datasets[0] if entry.datasets else entry.dataset
    protocol = (results or {}).get("protocol") or {}
    split = protocol.get("reference_split") or protocol.get("split") or protocol.get("test") or entry.split  # measured on
    evals = [EvalResult(task_type=entry.task, dataset_type=dataset, dataset_name=entry.dataset,
                        dataset_split=split, metric_type=key, metric_name=METRIC_NAMES.get(key, key),
                        metric_value=round(value, 6))
             for key, value in numeric_results(results).items()]
    return ModelCardData(library_name="gan-zoo", license=entry.license, model_name=entry.name,
                         datasets=list(entry.datasets) or None, pipeline_tag=entry.task,
                         tags=["gan", "pytorch-lightning", "gan-zoo", entry.model_class.rsplit(".", 1)[-1].lower()],
                         eval_results=evals or None)


def training_lines(entry, record: dict[str, Any]) -> list[str]:
    lines = [f"Recipe: `{entry.recipe}`. {entry.training}".rstrip(), ""]
    if record:
        facts = []
        if "iterations" in record:
            facts.append(f"{record['iterations']:,} training batches")
        if "optimizer_steps" in record:
            facts.append(f"{record['optimizer_steps']:,} optimizer steps")
        if "epochs" in record:
            facts.append(f"{record['epochs']} epochs")
        if "train_seconds" in record:
            facts.append(f"{record['train_seconds']:,.0f} s of training")
        if facts:
            lines += ["Measured: " + ", ".join(facts) + (f" ({record['hardware']})" if record.get("hardware") else "")
                      + ".", ""]
        if record.get("command"):
            lines += ["Command:", "", "```bash", *record["command"], "```", ""]
        if record.get("resumed"):
            lines += [f"Resumed: {record['resumed']}", ""]
    return lines


def entry_card(entry, results: dict | None, config: dict[str, Any] | None = None,
               directions: tuple[str, ...] = ("AtoB",)) -> str:
    """The model card of a zoo entry from its declaration, its export's ``results`` and ``config``; a translation
    model's ``directions`` (its class attribute) decide whether the example translates back."""
    from huggingface_hub import ModelCard

    config = config or {}
    data = card_data(entry, results)
    ours = numeric_results(results)
    protocol = (results or {}).get("protocol") or {}
    dtype = config.get("weights_dtype", "float32")
    alias = (f"Also loads as {', '.join(repr(a) for a in entry.aliases)} (with a warning naming this entry), the "
             f"paper-setting name, until a model at the paper's setting is shipped." if entry.aliases else "")
    arxiv = f" (arXiv:{entry.arxiv})" if entry.arxiv else ""
    lines = [
        f"# {entry.name}", "",
        f"`{entry.model_class}`: an implementation of *{entry.paper}*{arxiv}, {entry.origin} on {entry.dataset} "
        f"({entry.split}), {config.get('num_parameters', entry.num_parameters):,} parameters.", "",
        *([alias, ""] if alias else []),
        "## Use", "",
        "```python", "from zoo import Zoo", f'model = Zoo.load("{entry.name}")', *usage_lines(entry, directions),
        "```", "",
        "## Training", "", *training_lines(entry, config.get("training") or {}),
        "## Evaluation", "",
    ]
    if ours:
        lines += [f"Measured with `zoo eval {entry.name}` on the shipped weights ({dtype}).", "",
                  "| metric | ours | published |", "|---|---|---|"]
        for key, value in ours.items():
            published = "; ".join(f"{v:g} ({k})" for k, v in entry.paper_metrics.items()
                                  if k.split(" ", 1)[0] == key) or "-"
            lines.append(f"| {key} | {value:.4g} | {published} |")
        lines += ["", "Protocol:", "", "```json", json.dumps(protocol, indent=2, sort_keys=True), "```", ""]
    else:
        lines += ["Not evaluated yet.", ""]
    lines += ["## Limitations", "", entry.limitations or "None recorded beyond those of the paper's method.", "",
              "## Data terms", "", entry.data_terms or "See the dataset's own terms.", ""]
    return str(ModelCard(f"---\n{data.to_yaml()}\n---\n\n" + "\n".join(lines)))
