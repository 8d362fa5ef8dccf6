"""What a zoo entry is: the facts a person decides, and the facts measured from its shipped export.

An entry module declares only what a person decides (paper, recipe, licence, data terms, evaluation protocol,
limitations, the paper's numbers). What was measured — metrics, their protocol, file checksums, parameter count,
training record — is read from the shipped export (``hub/<name>/results.json`` and ``config.json``) through the
generated index ``measured.json``, so no number is typed twice.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Hub task ids (pipeline tags) by the inference verb of the model; the card's model-index uses the same ids.
TASKS = {
    "sample": "unconditional-image-generation",
    "translate": "image-to-image",
    "classify": "image-classification",
    "encode": "image-feature-extraction",
    "generate": "text-generation",
}


def offers(model: Any, verb: str) -> bool:
    """Whether ``model`` offers the inference verb ``verb`` (one of TASKS), as its class declares (``verbs``, see
    :class:`zoo.core.module.ZooModel`): what code that takes any model dispatches on."""
    if verb not in TASKS:
        raise ValueError(f"verb={verb!r} is not an inference verb; expected one of {sorted(TASKS)}.")
    return verb in getattr(type(model), "verbs", ())


@dataclass(frozen=True)
class ZooEntry:
    """One published checkpoint of the zoo.

    Declared (by a person, in ``zoo/entries/<family>.py``):
        name: opaque key, e.g. "dcgan-mnist" (never parsed).
        model_class: import path of the LightningModule.
        paper / arxiv: the paper's title and arXiv id.
        dataset / split: what it was trained on.
        recipe: the LightningCLI config that trained the shipped weights (relative to the repository root).
        license: the weights' licence as a Hub licence id ("mit", "apache-2.0", ...).
        data_terms: the training data's licence or terms (in the card body; the Hub has no field for them).
        datasets: Hub dataset ids of the training data (card metadata).
        evaluation: the spec ``zoo eval`` measures the headline metrics with (``zoo.metrics`` protocols).
        verb: the inference verb a user calls: sample, translate, classify, encode or generate.
        paper_metrics: the paper's (or best published reimplementation's) numbers, keyed by a label that says
            whose number it is.
        training: what the recipe does, in words (measured wall time and steps come from the export).
        limitations: what a user should know before relying on it.
        aliases: other names that load this entry with an ``AliasWarning`` (the paper-setting name of a
            scaled-down model).
        hub_repo / hub_revision: the Hub repo id and the commit ``zoo push`` returned; None until pushed.
        origin: "trained here" or "ported".

    Measured (filled by the registry from the shipped export; never declared):
        metrics, protocol: the headline numbers and how they were measured (results.json).
        checksums: sha256 of the export's files, checked when it loads.
        num_parameters: of the trainable networks (config.json).
        record: the training record written at export (steps, epochs, wall time, command).
    """

    name: str
    model_class: str
    paper: str
    arxiv: str
    dataset: str
    split: str
    recipe: str
    license: str
    verb: str = "sample"
    data_terms: str = ""
    datasets: tuple[str, ...] = ()
    evaluation: dict[str, Any] = field(default_factory=dict)
    paper_metrics: dict[str, float] = field(default_factory=dict)
    training: str = ""
    limitations: str = ""
    aliases: tuple[str, ...] = ()
    hub_repo: str | None = None
    hub_revision: str | None = None
    origin: str = "trained here"
    # measured: filled from the shipped export
    metrics: dict[str, float] = field(default_factory=dict)
    protocol: dict[str, Any] = field(default_factory=dict)
    checksums: dict[str, str] = field(default_factory=dict)
    num_parameters: int = 0
    record: dict[str, Any] = field(default_factory=dict)

    @property
    def task(self) -> str:
        return TASKS[self.verb]

    def row(self) -> dict[str, Any]:
        paper = self.paper if len(self.paper) <= 40 else self.paper[:37] + "..."
        name = self.name + (f" (alias {', '.join(self.aliases)})" if self.aliases else "")
        return {"name": name, "paper": f"{paper} ({self.arxiv})" if self.arxiv else paper,
                "dataset": f"{self.dataset} ({self.split})",
                "metrics": ", ".join(f"{k} {v:.4g}" for k, v in self.metrics.items()) or "-",
                "hub": self.hub_repo or "-"}


MEASURED_FIELDS = ("metrics", "protocol", "checksums", "num_parameters", "record")
