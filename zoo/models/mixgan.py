"""MIX+GAN: Generalization and Equilibrium in Generative Adversarial Nets (Arora, Ge, Liang, Ma & Zhang 2017,
arXiv:1703.00573), Sec. 4.

Each player is a mixture: T generators G_i with weights u = softmax(w_u) and T discriminators D_j with weights
v = softmax(w_v), the logits learned with the networks. The payoff is the base objective averaged under the
mixtures (Sec. 4, "MIX+GAN"):

    V(u, v) = Σ_i Σ_j u_i v_j φ(G_i, D_j),

and each player's loss adds a regulariser on its own weights that keeps the mixture from collapsing onto one component.
The default is the authors' (PrincetonML/MIX-plus-GANs, cifar10/train_mixgan.py: ``Gen_weights_entropy`` and
``Disc_weights_entropy``, weight ``mix_entloss_weight`` 0.1, T = ``ng`` = ``nd`` = 5):

    λ · (-(1/T) Σ_k log(p_k + 1e-6))       (``entropy_term="log_barrier"``)

the cross-entropy from the uniform distribution to p, a barrier: it grows like -log p_k as a component's weight
falls, and its gradient on that component's logit tends to -λ/T (descending it lifts the weight back) until p_k
nears the 1e-6 offset. The zoo's earlier term, the negative entropy

    λ · Σ_k p_k log p_k = -λ H(p)          (``entropy_term="negative_entropy"``)

is smallest at the same uniform mixture, but its gradient on a dying component's logit, λ p_k (log p_k + H(p)),
vanishes with p_k: once a component is nearly dead, the regulariser no longer brings it back. Both are 0 (up to
1e-6) and constant for T = 1.
The base objective is any of ``zoo.core.losses`` (the official code wraps DCGAN and WGAN); with "wasserstein" D's
weights are clipped (WGAN). ``num_components=1`` is the plain GAN with the same networks, the fair baseline.
Networks: DCGAN's (``architecture="dcgan"``, images) or MLPs (``"mlp"``, e.g. the 2-D toys).
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor, nn

from zoo.core import losses, optim
from zoo.core.module import GANModule, check_count
from zoo.nets.dcgan import DCGANDiscriminator, DCGANGenerator
from zoo.nets.mlp import MLPDiscriminator, MLPGenerator

ARCHITECTURES = ("dcgan", "mlp")


def negative_entropy(logits: Tensor) -> Tensor:
    """Σ_k p_k log p_k with p = softmax(logits): -H(p), at least -log T (uniform) and at most 0 (one component)."""
    return (torch.softmax(logits, 0) * torch.log_softmax(logits, 0)).sum()


def log_barrier(logits: Tensor, eps: float = 1e-6) -> Tensor:
    """-(1/T) Σ_k log(p_k + eps) with p = softmax(logits): the authors' mixture-weight regulariser (train_mixgan.py).

    About log T at the uniform mixture (its minimum), about -log(eps) (T - 1) / T ≈ 11.05 for T = 5 when one
    component has all the weight.
    """
    return -torch.log(torch.softmax(logits, 0) + eps).mean()


ENTROPY_TERMS = {"log_barrier": log_barrier, "negative_entropy": negative_entropy}


def mixture_payoff(scores: Tensor, u: Tensor, v: Tensor) -> Tensor:
    """Σ_i Σ_j u_i v_j φ_ij for a (T_G, T_D) table of per-pair losses φ_ij = φ(G_i, D_j)."""
    return u @ scores @ v


class MixtureGenerator(nn.Module):
    """T generators and the logits of their mixture weights; ``forward(z, component)`` routes each z."""

    def __init__(self, components: Sequence[nn.Module]) -> None:
        super().__init__()
        self.components = nn.ModuleList(components)
        self.logits = nn.Parameter(torch.zeros(len(components)))  # uniform weights at the start

    def forward(self, z: Tensor, component: Tensor | None = None) -> Tensor:
        if component is None:
            component = torch.zeros(len(z), dtype=torch.long, device=z.device)
        out = None
        for i, g in enumerate(self.components):
            rows = (component == i).nonzero().squeeze(1)
            if len(rows):
                part = g(z[rows])
                out = part.new_empty(len(z), *part.shape[1:]) if out is None else out
                out[rows] = part
        return out


class MIXGAN(GANModule):
    """MIX+GAN over a base GAN objective.

    Args:
        num_components: T, generators and discriminators (official default: 5).
        entropy_weight: λ of the regulariser on both mixtures' weights (official default: 0.1).
        entropy_term: "log_barrier" (official code: -(1/T) Σ log(p_k + 1e-6)) or "negative_entropy" (Σ p log p).
        objective: base objective from ``zoo.core.losses`` ("non_saturating", "minimax", "least_squares", "hinge",
            "wasserstein").
        architecture: "dcgan" (image_size, channels, widths) or "mlp" (data_shape, hidden widths).
        discriminator_steps: D updates per G update (WGAN: 5).
        clip_value: clip D's weights to [-c, c] after each D step (WGAN: 0.01); None disables. Required > 0 with
            "wasserstein".
        lr / betas: Adam for both players (DCGAN: 2e-4, (0.5, 0.999)).
    """

    def __init__(self, num_components: int = 5, entropy_weight: float = 0.1, entropy_term: str = "log_barrier",
                 objective: str = "non_saturating",
                 architecture: str = "dcgan", image_size: int = 28, channels: int = 1,
                 data_shape: Sequence[int] = (2,), latent_dim: int = 100, generator_width: int = 64,
                 discriminator_width: int = 64, generator_hidden: Sequence[int] = (128, 128),
                 discriminator_hidden: Sequence[int] = (128, 128), discriminator_steps: int = 1,
                 clip_value: float | None = None, lr: float = 2e-4, betas: tuple[float, float] = (0.5, 0.999),
                 sample_every_n_steps: int = 500) -> None:
        losses.check_choice("objective", objective, losses.GENERATOR_LOSSES)
        losses.check_choice("architecture", architecture, ARCHITECTURES)
        losses.check_choice("entropy_term", entropy_term, ENTROPY_TERMS)
        if num_components < 1:
            raise ValueError(f"num_components={num_components} must be a positive integer (official default: 5).")
        if entropy_weight < 0:
            raise ValueError(f"entropy_weight={entropy_weight} must be >= 0 (official default: 0.1).")
        if objective == "wasserstein" and not clip_value:
            raise ValueError("objective='wasserstein' needs a Lipschitz constraint: set clip_value (WGAN: 0.01).")
        if architecture == "dcgan":
            make_g = lambda: DCGANGenerator(latent_dim, channels, image_size, generator_width)  # noqa: E731
            make_d = lambda: DCGANDiscriminator(channels, image_size, discriminator_width,  # noqa: E731
                                                norm="none" if objective == "wasserstein" else "batch")
        else:
            make_g = lambda: MLPGenerator(latent_dim, data_shape, generator_hidden, output=None)  # noqa: E731
            make_d = lambda: MLPDiscriminator(data_shape, discriminator_hidden, "leaky_relu")  # noqa: E731
        super().__init__(MixtureGenerator([make_g() for _ in range(num_components)]), latent_dim=latent_dim,
                         sample_every_n_steps=sample_every_n_steps)
        self.save_hyperparameters()
        self.discriminators = nn.ModuleList(make_d() for _ in range(num_components))
        self.discriminator_logits = nn.Parameter(torch.zeros(num_components))
        self.discriminator_loss = losses.DISCRIMINATOR_LOSSES[objective]
        self.generator_loss = losses.GENERATOR_LOSSES[objective]
        self.weight_regularizer = ENTROPY_TERMS[entropy_term]

    # ------------------------------------------------------------------ mixture weights and sampling
    @property
    def generator_weights(self) -> Tensor:
        """u = softmax(w_u), the generators' mixture weights (sum to one)."""
        return torch.softmax(self.generator.logits, 0)

    @property
    def discriminator_weights(self) -> Tensor:
        """v = softmax(w_v), the discriminators' mixture weights (sum to one)."""
        return torch.softmax(self.discriminator_logits, 0)

    def draw_components(self, n: int, generator: torch.Generator | None = None) -> Tensor:
        """Which generator each of ``n`` samples comes from: i ~ Categorical(u)."""
        u = torch.softmax(self.sampler.logits.detach().float(), 0).cpu()
        return torch.multinomial(u, n, replacement=True, generator=generator).to(self.device)

    @torch.no_grad()
    def sample(self, n: int, *, generator: torch.Generator | None = None,
               component: int | None = None) -> Tensor:
        """Draw ``n`` samples from the mixture (or from one ``component``).

        Returns:
            (n, *sample_shape): images in [-1, 1] for "dcgan", points for "mlp".
        """
        check_count(n)
        if component is not None and not 0 <= component < self.hparams.num_components:
            raise ValueError(f"component={component} must lie in [0, {self.hparams.num_components}).")
        z = self.noise(n, generator)
        which = (self.draw_components(n, generator) if component is None
                 else torch.full((n,), component, dtype=torch.long, device=self.device))
        return self.run_eval(self.sampler, z, which)

    def preview(self) -> Tensor | None:
        fixed = self._buffers.get("fixed_noise")
        if fixed is None:
            return None
        which = torch.arange(len(fixed), device=fixed.device) % self.hparams.num_components  # rows by component
        return self.run_eval(self.sampler, fixed, which)

    # ------------------------------------------------------------------ training
    def configure_optimizers(self):
        adam = dict(lr=self.hparams.lr, betas=tuple(self.hparams.betas))
        d_params = [*self.discriminators.parameters(), self.discriminator_logits]
        return [optim.adam(self.generator.parameters(), **adam), optim.adam(d_params, **adam)]

    def training_step(self, batch, batch_idx: int) -> None:
        real = batch[0]
        g_opt, d_opt = self.optimizers()
        n, T = len(real), self.hparams.num_components
        # every generator draws a batch: G_i(z_i), i = 1 … T, once per batch (detached for D)
        fakes = [g(self.noise(n)) for g in self.generator.components]
        with self.toggled_optimizer(d_opt):
            real_scores = [d(real) for d in self.discriminators]
            phi = torch.stack([torch.stack([self.discriminator_loss(real_scores[j], d(fake.detach()))
                                            for j, d in enumerate(self.discriminators)]) for fake in fakes])
            # D's side: min over (D_j, v) of Σ_ij u_i v_j φ_D(G_i, D_j) + λ R(v), u held fixed
            loss_d = mixture_payoff(phi, self.generator_weights.detach(), self.discriminator_weights)
            loss_d = loss_d + self.hparams.entropy_weight * self.weight_regularizer(self.discriminator_logits)
            self.step(d_opt, loss_d, "loss/discriminator", "discriminator")
        if self.hparams.clip_value:  # WGAN, Algorithm 1 line 7: keep each critic in a compact weight set
            with torch.no_grad():
                for p in self.discriminators.parameters():
                    p.clamp_(-self.hparams.clip_value, self.hparams.clip_value)
        if not self.generator_turn(self.hparams.discriminator_steps):
            return
        with self.toggled_optimizer(g_opt):
            phi = torch.stack([torch.stack([self.generator_loss(d(fake)) for d in self.discriminators])
                               for fake in fakes])
            # G's side: min over (G_i, u) of Σ_ij u_i v_j φ_G(G_i, D_j) + λ R(u), v held fixed
            loss_g = mixture_payoff(phi, self.generator_weights, self.discriminator_weights.detach())
            loss_g = loss_g + self.hparams.entropy_weight * self.weight_regularizer(self.generator.logits)
            self.step(g_opt, loss_g, "loss/generator", "generator")
        if T > 1:
            self.log_dict({f"weight/generator_{i}": w for i, w in enumerate(self.generator_weights.detach())})
