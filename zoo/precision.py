"""A warning for bf16 training on the CPU, where it was measured several times slower than fp32.

On a CPU without native bf16 instructions (AVX2 only: oneDNN reports no bf16 support), every bf16 convolution and
transposed convolution leaves oneDNN for PyTorch's reference im2col path (``aten::_slow_conv2d_forward`` /
``_slow_conv2d_backward`` / ``slow_conv_transpose2d``), and bf16 matrix products run a generic GEMM instead of the
fp32 BLAS; those ops then hold 90% or more of the step. Measured with ``benchmarks/bf16_ops.py`` (BENCHMARKS.md,
Performance): forward + backward under bf16 autocast against fp32 is 4-11x slower for the CycleGAN generator, the
Pix2Pix U-Net and the PatchGAN (64x64, batch 1), and 14x for the MLP GAN's generator (batch 100).
"""
from __future__ import annotations

import lightning as L
import torch
from lightning.pytorch.accelerators import CPUAccelerator
from lightning.pytorch.utilities import rank_zero_warn


def onednn_bf16() -> bool:
    """Whether oneDNN runs bf16 natively on this CPU (AVX512-BF16 or AMX)."""
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):  # a build without oneDNN
        return False


def cpu_bf16_warning(precision: str | int | None, accelerator: str) -> str | None:
    """The warning for a run at ``precision`` on ``accelerator`` ("cpu", "cuda", ...), or None when there is none."""
    if accelerator != "cpu" or not str(precision).startswith("bf16"):
        return None
    native = "has" if onednn_bf16() else "lacks"
    return (f"precision={precision!r} on the CPU: bf16 was measured 4-14x slower than 32-true for the zoo's conv "
            f"and MLP nets on a CPU without native bf16 (this CPU, {torch.backends.cpu.get_cpu_capability()}, "
            f"{native} oneDNN bf16 support): convolutions fall back to PyTorch's slow im2col path and matrix "
            "products to a generic GEMM (benchmarks/bf16_ops.py). Train on the CPU with --trainer.precision 32-true.")


class CPUPrecisionCheck(L.Callback):
    """Warns at the start of a fit, validate, ... when the trainer runs bf16 on a CPU accelerator."""

    def setup(self, trainer: L.Trainer, pl_module: L.LightningModule, stage: str) -> None:
        accelerator = "cpu" if isinstance(trainer.accelerator, CPUAccelerator) else type(trainer.accelerator).__name__
        message = cpu_bf16_warning(trainer.precision, accelerator)
        if message:
            rank_zero_warn(message)
