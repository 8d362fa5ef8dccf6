"""The f-divergences of f-GAN (Nowozin, Cseke & Tomioka 2016, arXiv:1606.00709, Tables 1 and 2).

An f-divergence D_f(P‖Q) = ∫ q(x) f(p(x)/q(x)) dx (Eq. 2) is bounded below through the convex conjugate
f*(t) = sup_u {u·t − f(u)} (Eq. 3):

    D_f(P‖Q) ≥ sup_T  E_P[T(x)] − E_Q[f*(T(x))]                                            (Eq. 4)

f-GAN writes the variational function as T(x) = g_f(V(x)) with V the network's unbounded output and g_f an output
activation that maps R onto the domain of f* (Table 2), so the saddle objective is (Eq. 6)

    F(θ, ω) = E_P[g_f(V(x))] + E_Q[−f*(g_f(V(x)))].

Each ``Divergence`` below holds f, f*, g_f and its domain, and ``conjugate_of_activation(v)`` = f*(g_f(v)) written
in a numerically stable closed form (e.g. for the GAN row f*(g_f(v)) = softplus(v)). The Pearson χ² conjugate
t²/4 + t of Table 2 is the conjugate of (u − 1)² over all real u; over u > 0 (densities) it agrees for t ≥ −2 and
is an upper bound below that, so the bound (Eq. 4) stays valid. Note that with the f of
Table 1 the "Jensen-Shannon" row measures 2·JS(P‖Q) and the "GAN" row 2·JS(P‖Q) − log 4 (Table 1's f are used
unchanged, as in the paper's experiments).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F
from torch import Tensor

LOG2 = math.log(2.0)


@dataclass(frozen=True)
class Divergence:
    """One row of f-GAN's Tables 1 and 2.

    Attributes:
        name: key, e.g. "kl".
        title: the paper's name of the divergence.
        f: the generator function f(u), u = p/q > 0 (Table 1).
        conjugate: f*(t) (Table 2), defined on ``domain``.
        activation: g_f(v), mapping R into the domain of f* (Table 2).
        conjugate_of_activation: f*(g_f(v)) in a stable closed form.
        domain: (low, high) of dom f* (open ends); ±inf when unbounded.
        threshold: f'(1), the value of T at which p = q (Table 2, last column).
    """

    name: str
    title: str
    f: Callable[[Tensor], Tensor]
    conjugate: Callable[[Tensor], Tensor]
    activation: Callable[[Tensor], Tensor]
    conjugate_of_activation: Callable[[Tensor], Tensor]
    domain: tuple[float, float]
    threshold: float


# ---------------------------------------------------------------------------------------------- Jeffrey (Lambert W)
def lambert_w_exp(x: Tensor, iterations: int = 30) -> Tensor:
    """W(eˣ), the principal branch of Lambert's W at eˣ, for any real x (no overflow for large x).

    Solves w + log w = x for w > 0 by Newton's method in log space (w = eʸ), started at y = x for x < 1 and at
    y = log x otherwise. Not differentiable itself: callers use it under the envelope theorem (see ``jeffrey``).
    """
    with torch.no_grad():
        x = x.detach().double()
        y = torch.where(x < 1.0, x, torch.log(x.clamp(min=1.0)))
        for _ in range(iterations):
            w = y.exp()
            y = y - (w + y - x) / (w + 1.0)  # Newton on h(y) = eʸ + y − x, h' = eʸ + 1 (convex, monotone)
        return y.exp()


def _jeffrey_f(u: Tensor) -> Tensor:
    return (u - 1) * torch.log(u)


def _jeffrey_conjugate(t: Tensor) -> Tensor:
    # f*(t) = W(e^{1−t}) + 1/W(e^{1−t}) + t − 2 (Table 2). The supremum is attained at u* = 1/W(e^{1−t}), which
    # solves f'(u) = log u + 1 − 1/u = t; writing f*(t) = t·u* − f(u*) with u* held constant gives the same value
    # and, by the envelope theorem (df*/dt = u*), the exact gradient on any device.
    u = (1.0 / lambert_w_exp(1.0 - t)).to(t.dtype)
    return t * u - _jeffrey_f(u)


# ---------------------------------------------------------------------------------------------- the table
DIVERGENCES: dict[str, Divergence] = {d.name: d for d in (
    Divergence("total_variation", "Total variation",
               f=lambda u: 0.5 * (u - 1).abs(),
               conjugate=lambda t: t,
               activation=lambda v: 0.5 * torch.tanh(v),
               conjugate_of_activation=lambda v: 0.5 * torch.tanh(v),
               domain=(-0.5, 0.5), threshold=0.0),
    Divergence("kl", "Kullback-Leibler",
               f=lambda u: u * torch.log(u),
               conjugate=lambda t: torch.exp(t - 1),
               activation=lambda v: v,
               conjugate_of_activation=lambda v: torch.exp(v - 1),
               domain=(-math.inf, math.inf), threshold=1.0),
    Divergence("reverse_kl", "Reverse Kullback-Leibler",
               f=lambda u: -torch.log(u),
               conjugate=lambda t: -1 - torch.log(-t),
               activation=lambda v: -torch.exp(-v),
               conjugate_of_activation=lambda v: v - 1,  # −1 − log(e^{−v})
               domain=(-math.inf, 0.0), threshold=-1.0),
    Divergence("pearson", "Pearson chi-squared",
               f=lambda u: (u - 1) ** 2,
               conjugate=lambda t: 0.25 * t ** 2 + t,
               activation=lambda v: v,
               conjugate_of_activation=lambda v: 0.25 * v ** 2 + v,
               domain=(-math.inf, math.inf), threshold=0.0),
    Divergence("neyman", "Neyman chi-squared",
               f=lambda u: (1 - u) ** 2 / u,
               conjugate=lambda t: 2 - 2 * torch.sqrt(1 - t),
               activation=lambda v: 1 - torch.exp(-v),
               conjugate_of_activation=lambda v: 2 - 2 * torch.exp(-0.5 * v),  # 2 − 2·sqrt(e^{−v})
               domain=(-math.inf, 1.0), threshold=0.0),
    Divergence("squared_hellinger", "Squared Hellinger",
               f=lambda u: (torch.sqrt(u) - 1) ** 2,
               conjugate=lambda t: t / (1 - t),
               activation=lambda v: 1 - torch.exp(-v),
               conjugate_of_activation=lambda v: torch.expm1(v),  # (1 − e^{−v}) / e^{−v}
               domain=(-math.inf, 1.0), threshold=0.0),
    Divergence("jeffrey", "Jeffrey",
               f=_jeffrey_f,
               conjugate=_jeffrey_conjugate,
               activation=lambda v: v,
               conjugate_of_activation=_jeffrey_conjugate,
               domain=(-math.inf, math.inf), threshold=0.0),
    Divergence("jensen_shannon", "Jensen-Shannon",
               f=lambda u: -(u + 1) * torch.log((1 + u) / 2) + u * torch.log(u),
               conjugate=lambda t: -torch.log(2 - torch.exp(t)),
               activation=lambda v: LOG2 - F.softplus(-v),
               conjugate_of_activation=lambda v: F.softplus(v) - LOG2,  # −log(2 − 2σ(v)) = −log(2σ(−v))
               domain=(-math.inf, LOG2), threshold=0.0),
    Divergence("gan", "GAN",
               f=lambda u: u * torch.log(u) - (u + 1) * torch.log(u + 1),
               conjugate=lambda t: -torch.log(1 - torch.exp(t)),
               activation=lambda v: -F.softplus(-v),  # log σ(v)
               conjugate_of_activation=lambda v: F.softplus(v),  # −log(1 − σ(v))
               domain=(-math.inf, 0.0), threshold=-LOG2),
)}


def get_divergence(name: str) -> Divergence:
    """The row of the table called ``name``; an unknown name raises an error listing the known ones."""
    if name not in DIVERGENCES:
        raise ValueError(f"divergence={name!r} is not supported; expected one of {sorted(DIVERGENCES)}.")
    return DIVERGENCES[name]


def variational_bound(divergence: Divergence, real: Tensor, fake: Tensor) -> Tensor:
    """F = E_P[g_f(V(x))] − E_Q[f*(g_f(V(x)))] (Eq. 6), the lower bound on D_f(P‖Q) the discriminator maximises.

    Args:
        divergence: a row of ``DIVERGENCES``.
        real: V(x) on data (P), any shape.
        fake: V(x) on generated samples (Q), any shape.
    """
    return divergence.activation(real).mean() - divergence.conjugate_of_activation(fake).mean()
