"""The FID Inception network with every BatchNorm folded into the convolution before it.

torchmetrics' ``NoTrainInceptionV3`` (torch-fidelity's port of the TF FID graph) runs each ``BasicConv2d`` as
conv -> BatchNorm(eps=1e-3, running statistics) -> ReLU. In eval mode the BatchNorm is a per-channel affine map,
so conv + BN is one convolution with a bias (Ioffe & Szegedy 2015, arXiv:1502.03167, Algorithm 2 line 11: at
inference BN is y = gamma / sqrt(Var + eps) * x + (beta - gamma * E[x] / sqrt(Var + eps))):

    W' = W * gamma / sqrt(var + eps)                b' = beta - mean * gamma / sqrt(var + eps)

computed in float64 and cast once to float32. The folded network is a copy of torchmetrics' module with each
``bn`` replaced by an identity, so its forward pass — uint8 input, bilinear antialiased resize to 299,
``(x - 128) / 128``, pool3 2048-d output — is torchmetrics' own code. Only the rounding of the convolution
arithmetic differs: features agree with torchmetrics' within 1e-4 relative (tests/test_metrics.py).
"""
from __future__ import annotations

import copy

import torch
from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_weights


def fold_batchnorm(conv: nn.Conv2d, bn: nn.BatchNorm2d) -> nn.Conv2d:
    """A convolution with a bias computing ``bn(conv(x))`` for ``bn`` in eval mode (its running statistics):
    torch's own ``fuse_conv_bn_weights``, fed float64 copies so the algebra runs in float64."""
    if bn.running_mean is None or bn.running_var is None:
        raise ValueError(f"{bn} tracks no running statistics, so it is not a fixed affine map and cannot be folded.")
    as64 = (lambda t: None if t is None else t.detach().double())
    weight, bias = fuse_conv_bn_weights(as64(conv.weight), as64(conv.bias), as64(bn.running_mean),
                                        as64(bn.running_var), bn.eps, as64(bn.weight), as64(bn.bias))
    folded = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride, conv.padding,
                       conv.dilation, conv.groups, bias=True, padding_mode=conv.padding_mode,
                       device=conv.weight.device, dtype=conv.weight.dtype)
    with torch.no_grad():
        folded.weight.copy_(weight.to(conv.weight.dtype))
        folded.bias.copy_(bias.to(conv.weight.dtype))
    return folded.requires_grad_(False)


def fold_inception(net: nn.Module) -> nn.Module:
    """A copy of an Inception network whose ``BasicConv2d`` blocks (``.conv`` then ``.bn``) are folded.

    Raises:
        ValueError: when the network has no such block (not torch-fidelity's / torchmetrics' InceptionV3).
    """
    folded = copy.deepcopy(net).eval()
    blocks = [m for m in folded.modules() if isinstance(getattr(m, "conv", None), nn.Conv2d)
              and isinstance(getattr(m, "bn", None), nn.BatchNorm2d)]
    if not blocks:
        raise ValueError(f"{type(net).__name__} has no conv + bn blocks to fold; expected torchmetrics' "
                         "NoTrainInceptionV3 (torch-fidelity's BasicConv2d: conv -> bn -> relu).")
    for block in blocks:
        block.conv = fold_batchnorm(block.conv, block.bn)
        block.bn = nn.Identity()
    return folded
