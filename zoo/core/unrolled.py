"""Differentiable copies of torch optimizers' update rules, for unrolling a player's optimisation.

``optimizer_update`` applies the update rule of a ``torch.optim`` optimizer (Adam, AdamW, RMSprop or SGD, with the
hyperparameters of its parameter groups) to *copies* of some parameters and of their optimizer state, without
in-place operations, so that the result stays differentiable with respect to whatever the gradients depend on.
The optimizer itself (its parameters and its state) is never modified.

Metz et al. 2017 unroll the discriminator with the update of its own optimizer: their reference code
(github.com/poolio/unrolled_gan, "Unrolled GAN demo.ipynb") takes the symbolic update of D's Keras Adam optimizer
(new parameters, moments and iteration count after one step) and substitutes it into itself K - 1 times with
TensorFlow's ``graph_replace``, so every unrolled step is an Adam step that continues from D's current Adam state.
"""
from __future__ import annotations

import math
from typing import Any

import torch
from torch import Tensor

SUPPORTED = ("Adam", "AdamW", "RMSprop", "SGD")


def safe_sqrt(x: Tensor) -> Tensor:
    """√x with a zero (not NaN) derivative where x = 0: the second moment of a parameter that never had a gradient."""
    positive = x > 0
    return torch.where(positive, torch.where(positive, x, torch.ones_like(x)).sqrt(), torch.zeros_like(x))


def initial_state(kind: str, group: dict[str, Any], param: Tensor, state: dict[str, Any]) -> dict[str, Any]:
    """The optimizer's state for ``param``, detached, with zeros where it has not stepped yet."""
    def saved(key: str) -> Tensor:
        value = state.get(key)
        return torch.zeros_like(param) if value is None else value.detach()

    step = float(state["step"]) if "step" in state else 0.0
    if kind in ("Adam", "AdamW"):
        out = {"step": step, "exp_avg": saved("exp_avg"), "exp_avg_sq": saved("exp_avg_sq")}
        if group.get("amsgrad"):
            out["max_exp_avg_sq"] = saved("max_exp_avg_sq")
        return out
    if kind == "RMSprop":
        out = {"step": step, "square_avg": saved("square_avg")}
        if group.get("momentum", 0):
            out["momentum_buffer"] = saved("momentum_buffer")
        if group.get("centered"):
            out["grad_avg"] = saved("grad_avg")
        return out
    buffer = state.get("momentum_buffer")  # SGD: None until its first step with momentum
    return {"momentum_buffer": None if buffer is None else buffer.detach()}


def optimizer_update(kind: str, group: dict[str, Any], param: Tensor, grad: Tensor,
                     state: dict[str, Any]) -> tuple[Tensor, dict[str, Any]]:
    """One step of ``kind``'s rule (as ``torch.optim`` computes it) on a copy: returns (new param, new state)."""
    lr = group["lr"]
    if group.get("maximize"):
        grad = -grad
    weight_decay = group.get("weight_decay", 0)
    if kind in ("Adam", "AdamW"):
        beta1, beta2 = group["betas"]
        if weight_decay:
            if kind == "AdamW" or group.get("decoupled_weight_decay"):
                param = param * (1 - lr * weight_decay)
            else:
                grad = grad + weight_decay * param
        step = state["step"] + 1
        exp_avg = torch.lerp(state["exp_avg"], grad, 1 - beta1)
        exp_avg_sq = state["exp_avg_sq"] * beta2 + (1 - beta2) * grad * grad
        new = {"step": step, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}
        second = exp_avg_sq
        if group.get("amsgrad"):
            second = new["max_exp_avg_sq"] = torch.maximum(state["max_exp_avg_sq"], exp_avg_sq)
        denom = safe_sqrt(second) / math.sqrt(1 - beta2 ** step) + group["eps"]
        return param - (lr / (1 - beta1 ** step)) * exp_avg / denom, new
    if kind == "RMSprop":
        alpha, eps, momentum = group["alpha"], group["eps"], group.get("momentum", 0)
        if weight_decay:
            grad = grad + weight_decay * param
        square_avg = state["square_avg"] * alpha + (1 - alpha) * grad * grad
        new = {"step": state["step"] + 1, "square_avg": square_avg}
        if group.get("centered"):
            grad_avg = new["grad_avg"] = torch.lerp(state["grad_avg"], grad, 1 - alpha)
            avg = safe_sqrt(square_avg - grad_avg * grad_avg) + eps
        else:
            avg = safe_sqrt(square_avg) + eps
        if momentum:
            buffer = new["momentum_buffer"] = state["momentum_buffer"] * momentum + grad / avg
            return param - lr * buffer, new
        return param - lr * grad / avg, new
    momentum, dampening = group.get("momentum", 0), group.get("dampening", 0)  # SGD
    if weight_decay:
        grad = grad + weight_decay * param
    new = {"momentum_buffer": None}
    if momentum:
        previous = state["momentum_buffer"]
        buffer = grad if previous is None else previous * momentum + (1 - dampening) * grad
        new["momentum_buffer"] = buffer
        grad = grad + momentum * buffer if group.get("nesterov") else buffer
    return param - lr * grad, new


def optimizer_kind(optimizer: Any) -> tuple[torch.optim.Optimizer, str]:
    """The torch optimizer inside (a LightningOptimizer wraps one) and the name of its update rule."""
    inner = getattr(optimizer, "optimizer", optimizer)
    for kind in SUPPORTED:
        if type(inner) is getattr(torch.optim, kind):
            return inner, kind
    raise ValueError(f"cannot unroll {type(inner).__name__}: the differentiable update rules cover "
                     f"{', '.join(SUPPORTED)} (torch.optim). Use one of them for the unrolled player, or unroll "
                     f"plain gradient steps (no optimizer).")
