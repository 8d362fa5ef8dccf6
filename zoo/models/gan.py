"""Generative Adversarial Nets (Goodfellow et al. 2014, arXiv:1406.2661), Algorithm 1.

The paper's MNIST setting (Sec. 5): G is an MLP of rectifier layers fed with noise at its bottom layer only; D is an
MLP of maxout layers trained with dropout. The numbers the paper leaves out come from its code (goodfeli/adversarial,
``mnist.yaml`` and ``__init__.py``): G has two ReLU layers of 1200 units fed with 100 noise units, D two maxout layers
of 240 units with 5 pieces, dropout 0.2 on D's input and 0.5 on its hidden units; minibatch SGD with batch 100,
learning rate 0.1 and momentum 0.5. k = 1 discriminator step per generator step is "the least expensive option",
the one the paper used (Algorithm 1's caption).

Also from that configuration, on the SGD path (the paper's optimiser):

- the learning rate decays after every minibatch: lr_n = max(0.1 / 1.000004^n, 1e-6) after n minibatches
  (pylearn2 ``ExponentialDecay(decay_factor=1.000004, min_lr=1e-6)``, an SGD update callback);
- the momentum rises linearly with the epoch from 0.5 to 0.7 (pylearn2 ``MomentumAdjustor(start=1, saturate=250,
  final_momentum=0.7)``: 0.5 in the first epoch, 0.5 + 0.2 (e - 1) / 249 in epoch e (1-based), 0.7 from epoch 250).

The Adam path (``optimizer="adam"``, the optimiser of Lucic et al. 2018's comparison, used by the toy recipe) has no
schedule. Three more points where paper and code meet:

- the noise prior: the paper does not state it. ``mnist.yaml`` at commit f77a509 sets ``noise: 'uniform'``, which
  ``Generator.get_noise`` draws as U(-√3, √3) per unit (unit variance); another stored version of the file (068bb03)
  sets no ``noise`` and so gets the Generator's default, N(0, 1) (``noise="normal"``).
- D's loss: Algorithm 1 ascends (1/m) Σ [log D(x) + log(1 - D(G(z)))], the default; the code's ``AdversaryCost2``
  takes half of it (``d_obj = 0.5 * (cost(real) + cost(fake))``), half the step at the same learning rate
  (``discriminator_loss_scale=0.5``).
- the updates alternate as in Algorithm 1 (D, then G; the code updates both at once from one batch of samples), but
  G's step reuses the D step's samples G(z), as the code does, where Algorithm 1 samples a fresh minibatch of noise
  for G.

The SGD defaults do not train these nets on MNIST with the zoo's [-1, 1] images: with seed 0 the divergence guard
stops the run after 67 minibatches. The code also initialises the layers uniformly in a small range
(``weight_init="code"``), halves D's loss (``discriminator_loss_scale=0.5``) and feeds [0, 1] pixels. With its
initialisation alone the run stopped after 353 minibatches; with the halved loss too it ran the 1,500 measured
(``benchmarks/gan_sgd_stability.py``, BENCHMARKS.md). The MNIST recipe uses Adam.
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor

from zoo.core import losses, optim
from zoo.core.module import DiscriminatorScores, GANModule
from zoo.nets.mlp import MaxoutDiscriminator, MLPGenerator


class GAN(DiscriminatorScores, GANModule):
    """The original GAN with MLP players.

    Args:
        data_shape: shape of one example, (1, 28, 28) for MNIST or (2,) for the 2-D toys.
        latent_dim: size of z (code: 100).
        noise: "uniform" (code's mnist.yaml, f77a509: U[-√3, √3] per unit, unit variance) or "normal" (N(0, 1)).
        generator_hidden: G's ReLU layer widths (code: 1200, 1200).
        discriminator_hidden: D's maxout layer widths (code: 240, 240).
        maxout_pieces: pieces per maxout unit (code: 5).
        dropout: dropout on D's hidden units (code: 0.5; 0.2 on its input).
        discriminator_steps: k, discriminator updates per generator update (paper: 1).
        generator_loss: "non_saturating" (paper, Sec. 3: maximise log D(G(z))) or "minimax" (Eq. 1 as written).
        discriminator_loss_scale: factor on D's loss (paper, Algorithm 1: 1; code: 0.5).
        optimizer: "sgd" (paper, with momentum) or "adam".
        lr: initial learning rate (code: 0.1 with SGD).
        momentum: SGD momentum at the start, or Adam's β1 (code: 0.5).
        lr_decay: SGD only: the learning rate is divided by this after every minibatch (code: 1.000004; 1 disables).
        min_lr: SGD only: floor of the decayed learning rate (code: 1e-6).
        final_momentum: SGD only: momentum reached at epoch ``momentum_saturate_epoch`` (code: 0.7; set it to
            ``momentum`` to keep the momentum constant).
        momentum_saturate_epoch: SGD only: 1-based epoch from which the momentum is ``final_momentum`` (code: 250).
        output: G's output activation, "tanh" for [-1, 1] images, None for unbounded toy data.
        weight_init: "torch" (PyTorch's default initialisation of each layer) or "code" (pylearn2's ``irange`` of the
            code's mnist.yaml: weights U(-0.05, 0.05) in G and U(-0.005, 0.005) in D, biases 0).
    """

    def __init__(self, data_shape: Sequence[int] = (1, 28, 28), latent_dim: int = 100, noise: str = "uniform",
                 generator_hidden: Sequence[int] = (1200, 1200), discriminator_hidden: Sequence[int] = (240, 240),
                 maxout_pieces: int = 5, dropout: float = 0.5, discriminator_steps: int = 1,
                 generator_loss: str = "non_saturating", discriminator_loss_scale: float = 1.0,
                 optimizer: str = "sgd", lr: float = 0.1, momentum: float = 0.5, lr_decay: float = 1.000004,
                 min_lr: float = 1e-6, final_momentum: float = 0.7, momentum_saturate_epoch: int = 250,
                 output: str | None = "tanh", weight_init: str = "torch", ema_decay: float | None = None,
                 sample_every_n_steps: int = 500) -> None:
        super().__init__(MLPGenerator(latent_dim, data_shape, generator_hidden, output), latent_dim=latent_dim,
                         ema_decay=ema_decay, sample_every_n_steps=sample_every_n_steps)
        self.save_hyperparameters()
        losses.check_choice("generator_loss", generator_loss, ("non_saturating", "minimax"))
        losses.check_choice("optimizer", optimizer, ("sgd", "adam"))
        losses.check_choice("noise", noise, ("uniform", "normal"))
        losses.check_choice("weight_init", weight_init, ("torch", "code"))
        if discriminator_steps < 1:
            raise ValueError(f"discriminator_steps={discriminator_steps} must be at least 1.")
        if not discriminator_loss_scale > 0:
            raise ValueError(f"discriminator_loss_scale={discriminator_loss_scale} must be positive (paper: 1, "
                             f"code: 0.5).")
        if lr_decay < 1.0 or min_lr < 0 or momentum_saturate_epoch < 1:
            raise ValueError(f"lr_decay={lr_decay} must be >= 1 (1 disables the decay), min_lr={min_lr} >= 0 and "
                             f"momentum_saturate_epoch={momentum_saturate_epoch} >= 1 (code: 1.000004, 1e-6, 250).")
        self.discriminator = MaxoutDiscriminator(data_shape, discriminator_hidden, maxout_pieces, dropout)
        # mnist.yaml: irange .05 for G's layers, .005 for D's, biases 0 (except G's sigmoid output bias, which the code
        # sets from the training pixels' means: here it starts at 0 like the others)
        if weight_init == "code":
            for net, bound in ((self.generator, 0.05), (self.discriminator, 0.005)):
                for layer in net.modules():
                    if isinstance(layer, torch.nn.Linear):
                        torch.nn.init.uniform_(layer.weight, -bound, bound)
                        torch.nn.init.zeros_(layer.bias)
        self.discriminator_steps = discriminator_steps
        self.generator_objective = losses.GENERATOR_LOSSES[generator_loss]

    def noise(self, n: int, generator: torch.Generator | None = None) -> Tensor:
        if self.hparams.noise == "normal":
            return super().noise(n, generator)
        return (self.draw(torch.rand, (n, self.latent_dim), generator) * 2 - 1) * 3 ** 0.5

    def configure_optimizers(self):
        params = [self.generator.parameters(), self.discriminator.parameters()]
        if self.hparams.optimizer == "sgd":
            return [optim.sgd(p, lr=self.hparams.lr, momentum=self.hparams.momentum) for p in params]
        return [optim.adam(p, lr=self.hparams.lr, betas=(self.hparams.momentum, 0.999)) for p in params]

    def sgd_schedule(self, minibatches: int, epoch: int) -> tuple[float, float]:
        """(learning rate, momentum) of the code's SGD schedule after ``minibatches`` minibatches, in ``epoch``
        (0-based): pylearn2's ExponentialDecay (per minibatch) and MomentumAdjustor (per epoch, start 1)."""
        hp = self.hparams
        lr = max(hp.lr / hp.lr_decay ** minibatches, hp.min_lr) if hp.lr_decay > 1 else hp.lr
        span = hp.momentum_saturate_epoch - 1
        progress = 1.0 if span == 0 else min(max(epoch / span, 0.0), 1.0)  # epoch e + 1 is pylearn2's count
        return lr, hp.momentum + progress * (hp.final_momentum - hp.momentum)

    def apply_sgd_schedule(self, *optimizers) -> None:
        """Set every SGD optimizer's learning rate and momentum for this minibatch (the count of D updates, one per
        minibatch, and the epoch: both survive checkpoints, so a resumed run continues the schedule)."""
        lr, momentum = self.sgd_schedule(int(self.discriminator_updates), self.current_epoch)
        for opt in optimizers:
            for group in getattr(opt, "optimizer", opt).param_groups:
                group["lr"], group["momentum"] = lr, momentum

    def training_step(self, batch, batch_idx: int) -> None:
        real = batch[0]
        g_opt, d_opt = self.optimizers()
        if self.hparams.optimizer == "sgd":
            self.apply_sgd_schedule(g_opt, d_opt)
        # Algorithm 1, inner loop: a minibatch of m noise samples and m examples; ascend
        # (1/m) Σ [log D(x) + log(1 - D(G(z)))] with respect to D
        fake = self.generator(self.noise(len(real)))
        with self.toggled_optimizer(d_opt):
            loss_d = losses.minimax_discriminator(self.discriminator(real), self.discriminator(fake.detach()))
            loss_d = self.hparams.discriminator_loss_scale * loss_d
            self.step(d_opt, loss_d, "loss/discriminator", "discriminator")
        if not self.generator_turn(self.discriminator_steps):  # "for k steps" of D before each step of G
            return
        # Algorithm 1, outer step: descend (1/m) Σ log(1 - D(G(z))) with respect to G, or, with the
        # non-saturating trick of Sec. 3, ascend log D(G(z)); the fakes above are reused (G(z) once per batch)
        with self.toggled_optimizer(g_opt):
            loss_g = self.generator_objective(self.discriminator(fake))
            self.step(g_opt, loss_g, "loss/generator", "generator")
