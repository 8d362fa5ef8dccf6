"""Keeping the processes of a distributed (DDP) run identical where DDP itself does not.

DDP broadcasts rank 0's parameters once, when it wraps the model, and afterwards averages gradients. Anything that
sets parameters from a process's own data outside a backward pass (a data-dependent initialisation) leaves the
processes with different weights unless it is followed by ``broadcast_from_rank_zero``.
"""
from __future__ import annotations

import torch
from torch import nn


def distributed_world_size() -> int:
    """The number of processes of the initialised default process group, 1 when there is none."""
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        return torch.distributed.get_world_size()
    return 1


@torch.no_grad()
def broadcast_from_rank_zero(module: nn.Module) -> None:
    """Give every process rank 0's parameters and floating-point buffers of ``module`` (a no-op outside a
    distributed run).

    Every process must call it at the same point (it is a collective operation).
    """
    if distributed_world_size() == 1:
        return
    for tensor in [*module.parameters(), *(b for b in module.buffers() if b.is_floating_point())]:
        torch.distributed.broadcast(tensor.data, src=0)
