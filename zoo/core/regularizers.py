"""Stabilisers of adversarial training, as plain functions any model can call from its ``training_step``.

- ``clip_weights_``: WGAN's weight clipping (Arjovsky et al. 2017, Algorithm 1 line 7).
- ``gradient_penalty``: WGAN-GP's two-sided (or one-sided) penalty at random interpolates (Gulrajani et al. 2017,
  Algorithm 1 lines 6-7), with the gradient norm taken *per sample* over all non-batch dimensions.
- ``r1_penalty`` / ``r2_penalty``: ‖∇ₓD‖² on real / generated data (Mescheder, Geiger & Nowozin 2018, Eqs. 9-10).
- ``discriminator_gradient_penalty``: Nagarajan & Kolter 2017 ("Gradient descent GAN optimization is locally
  stable", Sec. 3): the generator also minimises η‖∇_{θ_D} V‖².
- ``consensus_gradients``: consensus optimisation (Mescheder, Nowozin & Geiger 2017, Algorithm 2): every player
  follows its own gradient plus γ∇L, L = ½‖v‖² and v the joint gradient field of the game.
- ``add_instance_noise`` / ``annealed_std``: Gaussian instance noise on D's inputs (Sønderby et al. 2017; Arjovsky &
  Bottou 2017), optionally annealed to zero.
- ``unrolled_parameters``: k differentiable updates of D (Metz et al. 2017, Eqs. 4-6) for the unrolled generator
  loss, through ``torch.func.functional_call``, with D's own optimizer's update rule (``zoo.core.unrolled``).

The input-gradient penalties differentiate ``D(x).sum()`` with respect to x, which gives each sample's own
gradient only when D treats samples independently: use critics without BatchNorm (layer norm or none).
"""
from __future__ import annotations

from typing import Callable, Sequence

import torch
from torch import Tensor, nn
from torch.func import functional_call


# ---------------------------------------------------------------------------------------------- Lipschitz constraints
@torch.no_grad()
def clip_weights_(module: nn.Module, clip_value: float) -> None:
    """Clamp every parameter of ``module`` to [−c, c] in place (WGAN, Algorithm 1 line 7: w ← clip(w, −c, c))."""
    if not clip_value > 0:
        raise ValueError(f"clip_value={clip_value} must be positive (WGAN: 0.01).")
    for p in module.parameters():
        p.clamp_(-clip_value, clip_value)


def input_gradient_norms(net: nn.Module, x: Tensor) -> Tensor:
    """‖∇ₓ net(x)‖₂ for each sample, the norm taken over all non-batch dimensions; differentiable (create_graph).

    Args:
        net: maps (N, ...) to one score per sample, (N,) or (N, 1).
        x: inputs (N, ...); they need not require gradients.
    Returns:
        (N,) gradient norms.
    """
    x = x.detach().requires_grad_(True)
    scores = net(x)
    if scores.numel() != x.shape[0]:
        raise ValueError(f"expected one score per sample from {type(net).__name__}, got shape {tuple(scores.shape)} "
                         f"for {x.shape[0]} inputs.")
    (grad,) = torch.autograd.grad(scores.sum(), x, create_graph=True)
    return grad.flatten(1).norm(2, dim=1)  # per sample: never the norm of the whole batch's gradient


def interpolate(real: Tensor, fake: Tensor, generator: torch.Generator | None = None) -> Tensor:
    """x̂ = εx + (1 − ε)x̃ with one ε ~ U[0, 1] per sample (Gulrajani et al. 2017, Algorithm 1 lines 4 and 6)."""
    if real.shape != fake.shape:
        raise ValueError(f"real {tuple(real.shape)} and fake {tuple(fake.shape)} batches must have the same shape.")
    device = generator.device if generator is not None else real.device
    eps = torch.rand((real.shape[0],) + (1,) * (real.dim() - 1), generator=generator, device=device)
    eps = eps.to(device=real.device, dtype=real.dtype)
    return eps * real.detach() + (1 - eps) * fake.detach()


def gradient_penalty(critic: nn.Module, real: Tensor, fake: Tensor, *, one_sided: bool = False,
                     generator: torch.Generator | None = None) -> Tensor:
    """WGAN-GP's penalty E_x̂[(‖∇_x̂ D(x̂)‖₂ − 1)²] (Gulrajani et al. 2017, Eq. 3), to be weighted by λ.

    Args:
        critic: D, one score per sample, without BatchNorm (Sec. 4: it couples the samples of a batch).
        real: a batch of data.
        fake: a batch of generated samples of the same shape (detached inside).
        one_sided: penalise only norms above 1, max(0, ‖∇‖ − 1)² (the paper's Appendix variant).
        generator: RNG for ε.
    Returns:
        A scalar.
    """
    excess = input_gradient_norms(critic, interpolate(real, fake, generator)) - 1.0
    if one_sided:
        excess = excess.clamp(min=0.0)
    return (excess ** 2).mean()


def r1_penalty(discriminator: nn.Module, real: Tensor) -> Tensor:
    """R1 = E_{p_D}[‖∇ₓD(x)‖²] (Mescheder et al. 2018, Eq. 9), to be weighted by γ/2 in D's loss."""
    return (input_gradient_norms(discriminator, real) ** 2).mean()


def r2_penalty(discriminator: nn.Module, fake: Tensor) -> Tensor:
    """R2 = E_{p_θ}[‖∇ₓD(x)‖²] (Mescheder et al. 2018, Eq. 10) on generated samples, weighted by γ/2 in D's loss."""
    return (input_gradient_norms(discriminator, fake) ** 2).mean()


# ---------------------------------------------------------------------------------------------- game dynamics
def detached_parameters(module: nn.Module) -> dict[str, Tensor]:
    """Copies of ``module``'s parameters that require grad: a starting point for ``functional_call`` that works
    even inside another player's ``toggled_optimizer`` (which switches this module's ``requires_grad`` off)."""
    return {name: p.detach().requires_grad_(True) for name, p in module.named_parameters()}


def discriminator_gradient_penalty(discriminator: nn.Module, discriminator_loss: Callable[[Tensor, Tensor], Tensor],
                                   real: Tensor, fake: Tensor) -> Tensor:
    """‖∇_{θ_D} V(θ_D, θ_G)‖² for the generator's loss (Nagarajan & Kolter 2017, Sec. 3), to be weighted by η.

    ``fake`` must carry the graph to the generator: the penalty is differentiated with respect to θ_G, where it
    damps the rotation of the game around an equilibrium.

    Args:
        discriminator: D.
        discriminator_loss: D's loss as a function of (D(real), D(fake)), e.g. ``losses.minimax_discriminator``.
        real: a batch of data.
        fake: G(z), not detached.
    """
    params = detached_parameters(discriminator)
    loss = discriminator_loss(functional_call(discriminator, params, (real,)),
                              functional_call(discriminator, params, (fake,)))
    grads = torch.autograd.grad(loss, list(params.values()), create_graph=True)
    return sum((g ** 2).sum() for g in grads)


def consensus_gradients(player_losses: Sequence[Tensor], player_params: Sequence[Sequence[Tensor]],
                        weight: float) -> list[list[Tensor]]:
    """Each player's update direction under consensus optimisation (Mescheder et al. 2017, Algorithm 2).

    With v = (∇_{θ_1} L_1, ..., ∇_{θ_n} L_n) the joint gradient field of the losses the players minimise, and
    L = ½‖v‖², player i descends ∇_{θ_i} L_i + γ ∇_{θ_i} L. All players are updated simultaneously from the same
    point, so call this outside ``toggled_optimizer`` (every player's parameters must require gradients).

    Args:
        player_losses: one scalar loss per player, each computed without detaching the other players.
        player_params: the parameters each player updates.
        weight: γ (paper: 10 on the 2-D mixture).
    Returns:
        For each player, gradients aligned with its parameters (detached), ready to assign to ``.grad``.
    """
    fields = [torch.autograd.grad(loss, list(params), create_graph=True)
              for loss, params in zip(player_losses, player_params)]
    consensus = 0.5 * sum((g ** 2).sum() for field in fields for g in field)
    directions = []
    for field, params in zip(fields, player_params):
        extra = torch.autograd.grad(consensus, list(params), retain_graph=True, allow_unused=True)
        directions.append([g.detach() + (weight * e.detach() if e is not None else 0.0)
                           for g, e in zip(field, extra)])
    return directions


def add_instance_noise(x: Tensor, std: float, generator: torch.Generator | None = None) -> Tensor:
    """x + σε, ε ~ N(0, I): instance noise on D's inputs, real and fake alike (Sønderby et al. 2017)."""
    if std < 0:
        raise ValueError(f"instance noise std={std} must be non-negative.")
    if std == 0:
        return x
    device = generator.device if generator is not None else x.device
    noise = torch.randn(x.shape, generator=generator, device=device).to(device=x.device, dtype=x.dtype)
    return x + std * noise


def annealed_std(initial_std: float, step: int, anneal_steps: int) -> float:
    """σ linearly annealed from ``initial_std`` to 0 over ``anneal_steps`` steps (0: constant σ)."""
    if anneal_steps <= 0:
        return initial_std
    return initial_std * max(0.0, 1.0 - step / anneal_steps)


def unrolled_parameters(discriminator: nn.Module, discriminator_loss: Callable[[Tensor, Tensor], Tensor],
                        real: Tensor, fake: Tensor, steps: int, lr: float | None = None, *,
                        optimizer: torch.optim.Optimizer | None = None) -> dict[str, Tensor]:
    """θ_D^K: K updates of D on its loss, kept differentiable (Metz et al. 2017, Eq. 4).

    The generator's unrolled loss f_K(θ_G, θ_D) = f(θ_G, θ_D^K(θ_G, θ_D)) (Eq. 5) evaluates D with these parameters
    (``functional_call(discriminator, params, (fake,))``); its gradient (Eq. 6) then includes how D would react to
    G's move, which discourages G from jumping between modes. D's own update is unaffected.

    With ``optimizer`` (D's own), each unrolled step is that optimizer's update rule applied to copies of D's
    parameters and of its current state (``zoo.core.unrolled``), as in the authors' reference code, which unrolls
    D's Adam update (github.com/poolio/unrolled_gan); the real optimizer state is not touched. Without it, plain
    gradient steps of size ``lr``. D's buffers (BatchNorm statistics) are copied too, so the real D is unchanged.

    Args:
        discriminator: D; its parameters and buffers are not modified.
        discriminator_loss: D's loss on (D(real), D(fake)).
        real: a batch of data.
        fake: G(z), not detached, so that θ_D^K depends on θ_G.
        steps: K (paper: 5 to 10 on the 2-D mixture).
        lr: the step size: with ``optimizer`` it replaces the learning rate of its groups (None keeps them);
            without, the size of the plain gradient steps (required).
        optimizer: D's torch optimizer (Adam, AdamW, RMSprop or SGD), or a LightningOptimizer around one.
    """
    from zoo.core.unrolled import initial_state, optimizer_kind, optimizer_update

    if steps < 0:
        raise ValueError(f"unroll steps={steps} must be non-negative.")
    if optimizer is None and lr is None:
        raise ValueError("unrolled_parameters needs D's optimizer (to unroll its update rule) or a step size lr.")
    params = detached_parameters(discriminator)
    buffers = {name: b.detach().clone() for name, b in discriminator.named_buffers()}  # the surrogate's own copy
    rules: dict[str, tuple[str, dict]] = {}  # parameter name -> (rule, hyperparameters), for the optimized ones
    states: dict[str, dict] = {}
    if optimizer is not None:
        inner, kind = optimizer_kind(optimizer)
        names = {id(p): name for name, p in discriminator.named_parameters()}
        for group in inner.param_groups:
            group = {**group, "lr": group["lr"] if lr is None else lr}
            for p in group["params"]:
                if id(p) in names:
                    rules[names[id(p)]] = (kind, group)
                    states[names[id(p)]] = initial_state(kind, group, p, inner.state.get(p, {}))
    for _ in range(steps):
        loss = discriminator_loss(functional_call(discriminator, {**params, **buffers}, (real,)),
                                  functional_call(discriminator, {**params, **buffers}, (fake,)))
        moving = [name for name in params if optimizer is None or name in rules]
        grads = dict(zip(moving, torch.autograd.grad(loss, [params[n] for n in moving], create_graph=True,
                                                     allow_unused=True)))
        updated = dict(params)
        for name, g in grads.items():
            if g is None:  # not on the loss's path: an optimizer step skips a parameter without a gradient
                continue
            if optimizer is None:
                updated[name] = params[name] - lr * g  # Eq. 4, one gradient step
            else:  # Eq. 4 with D's own update rule, continuing from its current state
                kind, group = rules[name]
                updated[name], states[name] = optimizer_update(kind, group, params[name], g, states[name])
        params = updated
    return params
