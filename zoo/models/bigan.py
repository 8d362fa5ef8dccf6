"""BiGAN / ALI: Adversarial Feature Learning (Donahue, Krähenbühl & Darrell 2016, arXiv:1605.09782) and
Adversarially Learned Inference (Dumoulin et al. 2016, arXiv:1606.00704).

Besides G: z -> x, an encoder E: x -> z is learned; the discriminator sees pairs and tells (x, E(x)), x from the
data, from (G(z), z), z from the prior (BiGAN Eq. 3):

    min_{G,E} max_D  V(D, E, G) = E_x[log D(x, E(x))] + E_z[log(1 - D(G(z), z))].

At the optimum E and G invert each other (BiGAN Theorem 2), so ``encode`` gives features and ``reconstruct`` = G(E(x))
approximate x. G and E are trained together with the labels swapped (BiGAN Sec. 3.4, the "inverse" objective,
strong gradients like the non-saturating trick). ALI's stochastic encoder is the ``stochastic_encoder`` option.

Defaults follow BiGAN's permutation-invariant MNIST experiment (Sec. 4.1, Appendix): z of 50 uniform on [-1, 1];
G, E and D each MLPs with two hidden layers of 1024 units; Adam with learning rate 2e-4, β1 = 0.5 and weight decay
2.5e-5, batch 128, 400 epochs; BatchNorm on the hidden layers of G and E, none in D, which uses ALI's dropout 0.2.
Without the BatchNorm, G collapsed to one noise-like image on MNIST here.

The learning rate is constant for 200 epochs, then decays exponentially to 1/100 of itself (2e-4 -> 2e-6) over the
next 200: the paper's appendix decays the step size exponentially to 2e-6 from halfway through training, and the
authors' MNIST script does exactly this (jeffdonahue/bigan, train_mnist.sh: ``--epochs 200 --decay_epochs 200``
without ``--linear_decay``, so train_gan.py's ``set_lr`` takes its exponential branch with ``final_lr_mult`` 0.01;
the epoch's rate is lr · 0.01^((e - 199) / 200) for 0-based epochs e >= 200). ``lr_schedule="linear"`` is the
script's other branch (to 0 by default), ``"constant"`` none.

The authors' MNIST discriminator feeds z into its second hidden layer, not its input (net.py, ``mnist_mlp``:
h1 = LReLU(W1 x), h2 = LReLU(BN(W2 h1 + V z)), no dropout): ``discriminator_z_layer=2,
discriminator_batch_norm=True, dropout=0`` builds it (zoo.nets.encoders.JointDiscriminator). The default feeds
[x, z] to the input, the joint-input form of the paper's D(x, z). Their code also differs in ways not offered here:
no biases, N(0, 0.02) initialisation, half-weighted cross-entropies, and D, G and E updated together from one batch.
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor

from zoo.core import losses, optim
from zoo.core.module import GANModule
from zoo.nets.encoders import JointDiscriminator, MLPEncoder
from zoo.nets.mlp import MLPGenerator


class BiGAN(GANModule):
    """BiGAN (deterministic encoder) or ALI (``stochastic_encoder=True``) with MLP networks.

    Args:
        data_shape: shape of one example: (1, 28, 28) for MNIST, (2,) for the 2-D toys.
        latent_dim: size of z (paper, MNIST: 50).
        noise: prior of z, "uniform" on [-1, 1] (BiGAN) or "normal" (ALI).
        generator_hidden / encoder_hidden / discriminator_hidden: MLP widths (paper: 1024, 1024 each).
        dropout: dropout in D (ALI: 0.2).
        stochastic_encoder: ALI's E(x) = μ(x) + σ(x)ε instead of BiGAN's deterministic E.
        batch_norm: BatchNorm on the hidden layers of G and E (paper, MNIST).
        output: G's output activation: "tanh" for [-1, 1] images, None for the toys.
        lr / betas / weight_decay: Adam for both players (paper: 2e-4, (0.5, 0.999), 2.5e-5).
        lr_schedule: "exponential" (paper and authors' script), "linear" (the script's option) or "constant".
        lr_decay_start_epoch: epochs at the initial rate before the decay (authors' script: 200, half of 400).
        lr_decay_epochs: epochs of the decay (authors' script: 200).
        final_lr_factor: final rate / initial rate; None: 0.01 for "exponential" (paper: 2e-6 from 2e-4), 0 for
            "linear" (train_gan.py's defaults).
        discriminator_z_layer: 0 feeds z with x at D's input; k adds it into D's hidden layer k (authors' MNIST D: 2).
        discriminator_batch_norm: BatchNorm on D's hidden layers after the first (authors' MNIST D).
        discriminator_maxout_pieces: 1 for D's LeakyReLU layers, k > 1 for maxout layers of k pieces (PacGAN's ALI on
            the 2-D grid: 5).
    """

    verbs = ("sample", "encode")

    def __init__(self, data_shape: Sequence[int] = (1, 28, 28), latent_dim: int = 50, noise: str = "uniform",
                 generator_hidden: Sequence[int] = (1024, 1024), encoder_hidden: Sequence[int] = (1024, 1024),
                 discriminator_hidden: Sequence[int] = (1024, 1024), dropout: float = 0.2,
                 stochastic_encoder: bool = False, batch_norm: bool = True, output: str | None = "tanh",
                 lr: float = 2e-4, betas: tuple[float, float] = (0.5, 0.999), weight_decay: float = 2.5e-5,
                 lr_schedule: str = "exponential", lr_decay_start_epoch: int = 200, lr_decay_epochs: int = 200,
                 final_lr_factor: float | None = None, discriminator_z_layer: int = 0,
                 discriminator_batch_norm: bool = False, discriminator_maxout_pieces: int = 1,
                 ema_decay: float | None = None,
                 sample_every_n_steps: int = 500) -> None:
        super().__init__(MLPGenerator(latent_dim, data_shape, generator_hidden, output, batch_norm),
                         latent_dim=latent_dim, ema_decay=ema_decay, sample_every_n_steps=sample_every_n_steps)
        self.save_hyperparameters()
        losses.check_choice("noise", noise, ("uniform", "normal"))
        losses.check_choice("lr_schedule", lr_schedule, ("exponential", "linear", "constant"))
        if lr_decay_start_epoch < 0 or lr_decay_epochs < 1:
            raise ValueError(f"lr_decay_start_epoch={lr_decay_start_epoch} must be >= 0 and lr_decay_epochs="
                             f"{lr_decay_epochs} >= 1 (authors' MNIST script: 200 and 200).")
        if final_lr_factor is not None and not (0 <= final_lr_factor <= 1 and
                                                (final_lr_factor > 0 or lr_schedule != "exponential")):
            raise ValueError(f"final_lr_factor={final_lr_factor} must lie in [0, 1], and be positive for an "
                             f"exponential decay (authors' default: 0.01 exponential, 0 linear).")
        self.encoder = MLPEncoder(data_shape, latent_dim, encoder_hidden, stochastic_encoder, batch_norm)
        self.discriminator = JointDiscriminator(data_shape, latent_dim, discriminator_hidden, dropout,
                                                discriminator_z_layer, discriminator_batch_norm,
                                                discriminator_maxout_pieces)

    def noise(self, n: int, generator: torch.Generator | None = None) -> Tensor:
        if self.hparams.noise == "normal":
            return super().noise(n, generator)
        return self.draw(torch.rand, (n, self.latent_dim), generator) * 2 - 1  # BiGAN: z ~ U[-1, 1]^d

    # ------------------------------------------------------------------ inference
    @torch.no_grad()
    def encode(self, x: Tensor, *, sample: bool = False, generator: torch.Generator | None = None) -> Tensor:
        """E(x): features of ``x`` (N, *data_shape) -> (N, latent_dim).

        With the stochastic (ALI) encoder the mean μ(x) is returned unless ``sample`` is set.
        """
        was_training = self.encoder.training
        self.encoder.eval()
        try:
            if self.encoder.stochastic and not sample:
                return self.encoder.mean(x.to(self.device))
            return self.encoder(x.to(self.device), generator)
        finally:
            self.encoder.train(was_training)

    @torch.no_grad()
    def reconstruct(self, x: Tensor, **kwargs) -> Tensor:
        """G(E(x)): the model's reconstruction of ``x`` (same shape)."""
        return self.run_eval(self.sampler, self.encode(x, **kwargs))

    # ------------------------------------------------------------------ training
    def configure_optimizers(self):
        adam = dict(lr=self.hparams.lr, betas=tuple(self.hparams.betas), weight_decay=self.hparams.weight_decay)
        generator_encoder = [*self.generator.parameters(), *self.encoder.parameters()]
        return [optim.adam(generator_encoder, **adam), optim.adam(self.discriminator.parameters(), **adam)]

    def learning_rate(self, epoch: int) -> float:
        """Both players' learning rate in (0-based) ``epoch``: the authors' ``set_lr`` (train_gan.py)."""
        hp = self.hparams
        if hp.lr_schedule == "constant" or epoch < hp.lr_decay_start_epoch:
            return hp.lr
        if hp.lr_schedule == "linear":  # (e - start) / n, so that the last decay epoch keeps a non-zero rate
            factor = 0.0 if hp.final_lr_factor is None else hp.final_lr_factor
            progress = min((epoch - hp.lr_decay_start_epoch) / hp.lr_decay_epochs, 1.0)
            return hp.lr * (1 + progress * (factor - 1))
        factor = 0.01 if hp.final_lr_factor is None else hp.final_lr_factor
        progress = min((epoch - hp.lr_decay_start_epoch + 1) / hp.lr_decay_epochs, 1.0)  # geometric in the epoch
        return hp.lr * factor ** progress

    def on_train_epoch_start(self) -> None:
        lr = self.learning_rate(self.current_epoch)  # set per epoch, as the authors' loop does
        for opt in self.trainer.optimizers:
            for group in opt.param_groups:
                group["lr"] = lr

    def training_step(self, batch, batch_idx: int) -> None:
        real = batch[0]
        ge_opt, d_opt = self.optimizers()
        z = self.noise(len(real))                       # z ~ p_Z
        fake = self.generator(z)                        # G(z), once per batch
        latent = self.encoder(real)                     # E(x), x ~ p_X
        # Eq. 3, D's side: ascend log D(x, E(x)) + log(1 - D(G(z), z)); (x, E(x)) is "real", (G(z), z) "fake"
        with self.toggled_optimizer(d_opt):
            loss_d = losses.minimax_discriminator(self.discriminator(real, latent.detach()),
                                                  self.discriminator(fake.detach(), z))
            self.step(d_opt, loss_d, "loss/discriminator", "discriminator")
        # G and E: the same cross-entropy with the labels swapped (Sec. 3.4): G wants (G(z), z) called real,
        # E wants (x, E(x)) called fake; gradients reach G through G(z) and E through E(x)
        with self.toggled_optimizer(ge_opt):
            loss_ge = losses.minimax_discriminator(self.discriminator(fake, z), self.discriminator(real, latent))
            self.step(ge_opt, loss_ge, "loss/generator_encoder", "generator")
