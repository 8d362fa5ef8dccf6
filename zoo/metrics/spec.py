"""Evaluation specs: the declarative description of how a model's headline metrics are measured.

A spec is a JSON-able dict: a ``kind`` and that kind's keys, e.g. ``{"kind": "fid", "reference": "mnist-test",
"num_samples": 5000}``. ``validate_spec`` checks it and returns a copy with every default filled in (what
results.json records as the protocol's ``spec``); ``zoo.metrics.protocols.evaluate_spec`` runs it. An unknown kind
or key, a missing required key or a bad value raises ValueError naming it, what was expected and an example.
"""
from __future__ import annotations

import difflib
import json
from typing import Any, Callable

REQUIRED = object()  # marks a key without a default
IMAGE_METRICS = ("fid", "kid", "is")


def _integer(minimum: int, optional: bool = False) -> Callable[[str, Any], Any]:
    def check(key: str, value: Any) -> Any:
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            what = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
            raise ValueError(f"{key}={value!r} is not allowed; expected {what}" + (" or null (all)" if optional
                                                                                    else "") + ".")
        return value
    return check


def _choice(*options: str, optional: bool = False) -> Callable[[str, Any], Any]:
    def check(key: str, value: Any) -> Any:
        if value is None and optional:
            return None
        if value not in options:
            raise ValueError(f"{key}={value!r} is not known; expected one of {list(options)}"
                             + (" or null" if optional else "") + ".")
        return value
    return check


def _text(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{key}={value!r} is not allowed; expected a non-empty string.")
    return value


def _reference(key: str, value: Any) -> str:
    from zoo.metrics.references import REFERENCES

    return _choice(*sorted(REFERENCES))(key, value)


def _image_metrics(key: str, value: Any) -> list[str]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not items:
        raise ValueError(f"{key}={value!r} is not allowed; expected a non-empty list drawn from {list(IMAGE_METRICS)}.")
    items = [str(m).strip().lower() for m in items]
    unknown = [m for m in items if m not in IMAGE_METRICS]
    if unknown:
        raise ValueError(f"{key} has unknown metrics {unknown}; expected some of {list(IMAGE_METRICS)}.")
    return items


SEED = (0, _integer(0))
# kind -> {key: (default or REQUIRED, check)}; "kind" itself is implied.
KINDS: dict[str, dict[str, tuple[Any, Callable]]] = {
    "fid": {"reference": (REQUIRED, _reference), "num_samples": (5000, _integer(1)),
            "num_reference": (None, _integer(1, optional=True)), "metrics": (["fid", "kid"], _image_metrics),
            "seed": SEED},
    "modes": {"mixture": (REQUIRED, _choice("ring", "grid")), "num_samples": (2500, _integer(1)), "seed": SEED},
    "judged": {"judge": ("mnist-classifier", _text), "per_class": (500, _integer(1)), "splits": (10, _integer(1)),
               "fid_samples": (0, _integer(0)), "reference": ("mnist-test", _reference),
               "num_reference": (None, _integer(1, optional=True)), "seed": SEED},
    "classification": {"num_test": (None, _integer(1, optional=True))},
    "code_error": {"num_test": (None, _integer(1, optional=True))},
    "one_nn": {"num_train": (None, _integer(1, optional=True)), "num_test": (None, _integer(1, optional=True)),
               "num_reconstruct": (1000, _integer(0))},
    "nll_oracle": {"num_samples": (10_000, _integer(1)), "seed": SEED},
    "translation": {"dataset": (REQUIRED, _text), "size": (64, _integer(1)),
                    "direction": (None, _choice("AtoB", "BtoA", optional=True)),
                    "num_images": (None, _integer(1, optional=True)),
                    "mode": (None, _choice("paper", "eval", optional=True)), "seed": SEED},
}

EXAMPLES: dict[str, dict[str, Any]] = {
    "fid": {"kind": "fid", "reference": "mnist-test", "num_samples": 5000},
    "modes": {"kind": "modes", "mixture": "ring", "num_samples": 2500},
    "judged": {"kind": "judged", "per_class": 500, "fid_samples": 2000},
    "classification": {"kind": "classification"},
    "code_error": {"kind": "code_error"},
    "one_nn": {"kind": "one_nn"},
    "nll_oracle": {"kind": "nll_oracle", "num_samples": 10000, "seed": 1},
    "translation": {"kind": "translation", "dataset": "horse2zebra", "size": 64},
}


def example(kind: str) -> str:
    return json.dumps(EXAMPLES[kind])


def validate_spec(spec: Any) -> dict[str, Any]:
    """Check an evaluation spec and return a copy with its kind's defaults filled in.

    Args:
        spec: {"kind": one of ``KINDS``, plus that kind's keys}.
    Returns:
        A new dict holding every key of the kind (given or default), "kind" first.
    Raises:
        ValueError: not a dict, unknown kind, unknown or missing key, or a bad value; the message names it.
    """
    if not isinstance(spec, dict):
        raise ValueError(f"an evaluation spec must be a dict (a JSON object) such as {example('fid')}; got "
                         f"{type(spec).__name__} {spec!r}.")
    kind = spec.get("kind")
    if kind not in KINDS:
        raise ValueError(f"evaluation spec kind={kind!r} is not known; expected one of {list(KINDS)}, e.g. "
                         f"{example('fid')}.")
    schema = KINDS[kind]
    unknown = [k for k in spec if k != "kind" and k not in schema]
    if unknown:
        close = difflib.get_close_matches(unknown[0], list(schema), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"evaluation spec of kind {kind!r}: unknown key {unknown[0]!r}; its keys are "
                         f"{list(schema)}.{hint} Example: {example(kind)}.")
    out: dict[str, Any] = {"kind": kind}
    for key, (default, check) in schema.items():
        if key not in spec:
            if default is REQUIRED:
                raise ValueError(f"evaluation spec of kind {kind!r} needs the key {key!r}. Example: {example(kind)}.")
            out[key] = list(default) if isinstance(default, list) else default
            continue
        try:
            out[key] = check(key, spec[key])
        except ValueError as err:
            raise ValueError(f"evaluation spec of kind {kind!r}: {err} Fix the spec's {key!r}, e.g. "
                             f"{example(kind)}.") from None
    return out
