"""``zoo eval``: sample a model and measure it with a stated protocol; results go to results.json."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Sequence

import torch

from zoo.hub import write_text_atomic
from zoo.metrics.images import image_metrics
from zoo.metrics.references import reference_images, reference_key
from zoo.metrics.toy import TOY_PROTOCOL, mode_statistics


def takes_labels(model) -> bool:
    """Whether ``model.sample`` is label-conditioned (cGAN, AC-GAN: ``sample(n, labels=...)``)."""
    import inspect

    sample = getattr(model, "sample", None)
    return callable(sample) and "labels" in inspect.signature(sample).parameters


@torch.no_grad()
def draw_samples(model, n: int, seed: int = 0, batch_size: int = 500) -> torch.Tensor:
    """``n`` samples from a model in fixed-size batches with one seeded RNG (reproducible).

    A label-conditioned model draws sample i with label i mod K (K = ``model.num_classes``): labels cycle 0..K-1.
    """
    rng = torch.Generator().manual_seed(seed)
    conditional = takes_labels(model)
    out = []
    for i in range(0, n, batch_size):
        size = min(batch_size, n - i)
        labels = {"labels": torch.arange(i, i + size) % model.num_classes} if conditional else {}
        out.append(model.sample(size, generator=rng, **labels).cpu())
    return torch.cat(out)


def evaluate(model, *, metrics: Sequence[str] = ("fid", "kid"), reference: str | None = None,
             num_samples: int = 5000, num_reference: int | None = None, mixture: str | None = None,
             seed: int = 0, progress: bool = True) -> dict:
    """Measure a model: FID/KID against a named reference split, or the toy mode statistics on a mixture.

    Args:
        model: a model that samples (``sample`` among its ``verbs``).
        metrics: "fid", "kid", "is" for images; "modes" for the 2-D toys.
        reference: reference split for image metrics, e.g. "mnist-test".
        num_samples: generated samples.
        num_reference: reference images (the first ones of the split; default: as many as generated, capped at
            the split's size).
        mixture: "ring" or "grid" for "modes".
        seed: seed of the sampling RNG.
    Returns:
        A dict with the numbers and a "protocol" entry.
    """
    start = time.perf_counter()
    metrics = [m.strip().lower() for m in metrics]
    if "modes" in metrics:
        if mixture is None:
            raise ValueError("metric 'modes' needs mixture='ring' or 'grid'.")
        result = mode_statistics(draw_samples(model, num_samples, seed), mixture)
        result["protocol"] = {**TOY_PROTOCOL, "num_samples": num_samples, "mixture": mixture, "seed": seed}
    else:
        if reference is None:
            raise ValueError("image metrics need a reference split, e.g. --reference mnist-test.")
        real = reference_images(reference, num_reference or num_samples)
        key = reference_key(reference, len(real))
        fake = draw_samples(model, num_samples, seed)
        result = image_metrics(fake, real, metrics=metrics, reference_key=key, progress=progress)
        result["protocol"].update({"reference_split": reference, "seed": seed, "sampler": "EMA generator" if
                                   getattr(model, "generator_ema", None) is not None else "generator"})
    result["protocol"]["wall_time_s"] = round(time.perf_counter() - start, 1)
    return result


def write_results(results: dict, path: str | Path) -> Path:
    """Write ``results`` as ``path`` (a results.json: keys in the protocol's order), atomically."""
    return write_text_atomic(path, json.dumps(results, indent=2) + "\n")
