"""The papers' optimizers, built on torch's fused kernels wherever the parameters' device has them.

A fused optimizer applies the same update rule as torch's per-tensor loop (Adam, SGD with momentum), results equal
to rounding, but in one pass over all of its parameters per step. torch picks the per-tensor loop on a CPU unless
told otherwise, and that loop was the slowest choice measured here: one step over Pix2Pix's 8.0M parameters (one
thread of the 2-core CPU) took 8.5 ms with fused Adam against 38.6 ms per tensor and 44.6 ms with ``foreach``;
BiGAN's 5.7M: 6.3 against 19.0 and 35.8 ms; SGD with momentum on the MLP GAN's 3.7M: 2.9 against 4.7 ms
(``python benchmarks/optimizer_step.py``, BENCHMARKS.md). RMSprop has no fused kernel, and its per-tensor loop
measured faster than ``foreach`` on the CPU, so it keeps torch's own choice.
"""
from __future__ import annotations

from typing import Any, Iterable

import torch

FUSED_DEVICES = ("cpu", "cuda", "mps", "xpu")  # devices with torch's fused Adam and SGD kernels


def fused_if_supported(tensors: list[torch.Tensor]) -> dict[str, bool]:
    """``{"fused": True}`` when every tensor is a floating-point one on a device with fused kernels, else ``{}``
    (torch's default implementation)."""
    if tensors and all(t.is_floating_point() and t.device.type in FUSED_DEVICES for t in tensors):
        return {"fused": True}
    return {}


def _build(optimizer: type[torch.optim.Optimizer], params: Iterable[Any], options: dict[str, Any]):
    params = list(params)  # an iterator (``module.parameters()``) can be read only once
    tensors = [p for item in params for p in (item["params"] if isinstance(item, dict) else [item])]
    return optimizer(params, **{**fused_if_supported(tensors), **options})


def adam(params: Iterable[Any], **options: Any) -> torch.optim.Adam:
    """``torch.optim.Adam(params, **options)``, fused where supported."""
    return _build(torch.optim.Adam, params, options)


def sgd(params: Iterable[Any], **options: Any) -> torch.optim.SGD:
    """``torch.optim.SGD(params, **options)``, fused where supported."""
    return _build(torch.optim.SGD, params, options)
