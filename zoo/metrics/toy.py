"""Mode-collapse metrics on the 2-D mixtures, following PacGAN (Lin et al. 2018, Sec. 5.1) and VEEGAN.

Protocol: draw ``num_samples`` (PacGAN: 2,500) samples; assign each to its nearest mode; a sample is *high
quality* when it lies within 3σ of that mode's centre; a mode is *covered* when at least one high-quality sample
falls on it. The reverse KL is KL(p_G || p_data) between the histogram of high-quality samples over the modes and
the true uniform weights (0 when every mode gets an equal share, log M when one mode takes everything).
"""
from __future__ import annotations

import math

import torch
from torch import Tensor

from zoo.data.toy import mixture_modes


def mode_statistics(samples: Tensor, mixture: str, threshold_std: float = 3.0) -> dict[str, float]:
    """Score 2-D samples against a mixture.

    Args:
        samples: (N, 2) points.
        mixture: "ring" or "grid".
        threshold_std: distance, in σ, within which a sample counts as high quality (PacGAN: 3).
    Returns:
        {"modes_covered", "num_modes", "high_quality" (a share in [0, 1]), "reverse_kl", "num_samples"}.
    """
    if samples.dim() != 2 or samples.shape[1] != 2:
        raise ValueError(f"samples must have shape (N, 2), got {tuple(samples.shape)}.")
    centres, std = mixture_modes(mixture)
    distance = torch.cdist(samples.detach().float().cpu(), centres)
    nearest, mode = distance.min(dim=1)
    good = nearest <= threshold_std * std
    counts = torch.bincount(mode[good], minlength=len(centres)).double()
    covered = int((counts > 0).sum())
    if counts.sum() > 0:
        p = counts / counts.sum()
        nz = p > 0
        reverse_kl = float((p[nz] * (p[nz] * len(centres)).log()).sum())
    else:
        reverse_kl = math.log(len(centres))  # nothing lands on any mode: as bad as total collapse
    return {"modes_covered": covered, "num_modes": len(centres), "high_quality": float(good.float().mean()),
            "reverse_kl": reverse_kl, "num_samples": len(samples)}


TOY_PROTOCOL = {"metric": "PacGAN mode statistics", "num_samples": 2500, "threshold": "3 sigma of the nearest mode",
                "reverse_kl": "KL(histogram of high-quality samples over modes || uniform)"}
