"""Adversarial objectives, written on the discriminator's raw outputs (logits or critic scores).

Each function returns a scalar to *minimise*. Notation: ``real`` = D(x) on data, ``fake`` = D(G(z)) on samples;
for the probabilistic objectives D(x) = sigmoid(real), so log D = -softplus(-real) and log(1 - D) = -softplus(real)
(numerically stable forms of the same quantities).
"""
from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor


def gan_value(real: Tensor, fake: Tensor) -> Tensor:
    """The minimax value V(D, G) of Goodfellow et al. 2014, Eq. 1.

    V = E_x[log D(x)] + E_z[log(1 - D(G(z)))]. At the optimum of the game, D* = 1/2 everywhere and V = -log 4.

    Args:
        real: D's logits on data, any shape.
        fake: D's logits on generated samples, any shape.
    """
    return -F.softplus(-real).mean() - F.softplus(fake).mean()


def minimax_discriminator(real: Tensor, fake: Tensor) -> Tensor:
    """Discriminator loss -V(D, G) (Goodfellow et al. 2014, Algorithm 1: ascend V); equals log 4 at D = 1/2."""
    return -gan_value(real, fake)


def minimax_generator(fake: Tensor) -> Tensor:
    """Generator loss E_z[log(1 - D(G(z)))] (Goodfellow et al. 2014, Algorithm 1: descend). Saturates when D wins."""
    return -F.softplus(fake).mean()


def non_saturating_generator(fake: Tensor) -> Tensor:
    """Generator loss -E_z[log D(G(z))] (Goodfellow et al. 2014, Sec. 3: same fixed point, strong early gradients)."""
    return F.softplus(-fake).mean()


def least_squares_discriminator(real: Tensor, fake: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    """LSGAN discriminator loss (Mao et al. 2017, Eq. 2): ½E[(D(x) - b)²] + ½E[(D(G(z)) - a)²].

    Args:
        real: D's outputs on data.
        fake: D's outputs on samples.
        a: target for fake data.
        b: target for real data.
    """
    return 0.5 * ((real - b) ** 2).mean() + 0.5 * ((fake - a) ** 2).mean()


def least_squares_generator(fake: Tensor, c: float = 1.0) -> Tensor:
    """LSGAN generator loss (Mao et al. 2017, Eq. 2): ½E[(D(G(z)) - c)²], c the value G wants D to believe."""
    return 0.5 * ((fake - c) ** 2).mean()


def hinge_discriminator(real: Tensor, fake: Tensor) -> Tensor:
    """Hinge loss (Lim & Ye 2017; Miyato et al. 2018, Eq. 16): E[max(0, 1 - D(x))] + E[max(0, 1 + D(G(z)))]."""
    return F.relu(1.0 - real).mean() + F.relu(1.0 + fake).mean()


def hinge_generator(fake: Tensor) -> Tensor:
    """Hinge generator loss (Miyato et al. 2018, Eq. 17): -E[D(G(z))]."""
    return -fake.mean()


def wasserstein_critic(real: Tensor, fake: Tensor) -> Tensor:
    """Critic loss E[f(G(z))] - E[f(x)] (Arjovsky et al. 2017, Algorithm 1 line 5, negated to be minimised).

    Its negation is the critic's estimate of the Wasserstein-1 distance (up to the Lipschitz constant).
    """
    return fake.mean() - real.mean()


def wasserstein_generator(fake: Tensor) -> Tensor:
    """Generator loss -E[f(G(z))] (Arjovsky et al. 2017, Algorithm 1 line 10)."""
    return -fake.mean()


DISCRIMINATOR_LOSSES = {
    "minimax": minimax_discriminator,
    "non_saturating": minimax_discriminator,  # the trick changes only G's objective (Goodfellow et al. 2014, Sec. 3)
    "least_squares": least_squares_discriminator,
    "hinge": hinge_discriminator,
    "wasserstein": wasserstein_critic,
}

GENERATOR_LOSSES = {
    "minimax": minimax_generator,
    "non_saturating": non_saturating_generator,
    "least_squares": least_squares_generator,
    "hinge": hinge_generator,
    "wasserstein": wasserstein_generator,
}


def check_choice(name: str, value: str, choices) -> str:
    """Return ``value`` if it is one of ``choices``, else raise a ValueError that lists them."""
    if value not in choices:
        raise ValueError(f"{name}={value!r} is not supported; expected one of {sorted(choices)}.")
    return value
