"""InfoGAN (Chen et al. 2016, arXiv:1606.03657): interpretable codes by maximising their mutual information with G.

Eq. 6: min_{G,Q} max_D V_InfoGAN(D, G, Q) = V(D, G) - λ L_I(G, Q), with the variational lower bound (Eq. 5)
L_I(G, Q) = E_{c~P(c), x~G(z,c)}[log Q(c|x)] + H(c) <= I(c; G(z, c)).
MNIST setting (Sec. 7, Appendix C.1): 62 noise units, one categorical code Cat(K = 10) and two continuous codes
U(-1, 1); Q shares D's trunk and adds its own head (zoo.nets.infogan); Adam with learning rate 2e-4 for D and 1e-3
for G, β1 = 0.5. The categorical bound approaches H(c) = ln 10 ≈ 2.30 when Q recovers the category from G's image.

What the paper leaves open follows the authors' run (openai/InfoGAN, launchers/run_mnist_exp.py with
infogan/algos/infogan_trainer.py and infogan/misc/distributions.py):

- z ~ U(-1, 1)^62: the run's latent spec is ``Uniform(62)``, whose prior is ``tf.random_uniform(minval=-1,
  maxval=1)``; ``noise="normal"`` draws N(0, 1) instead (this zoo's earlier choice).
- λ = 1 for the continuous codes too: Sec. 6 notes that a smaller λ is "typically used" for continuous codes, but
  Appendix C sets λ = 1 unless noted otherwise (MNIST notes nothing), and the run passes ``info_reg_coeff=1.0``, which
  the trainer applies to the continuous term as to the categorical one. ``continuous_weight=0.1`` is this zoo's
  earlier choice. Q(c_cont|x) is a Gaussian of unit variance around Q's output, as in the run
  (``Uniform(1, fix_std=True)``).
- G's update draws fresh z and codes: the trainer's prior is a sampling op of the graph, evaluated anew by the
  discriminator's and the generator's ``sess.run``; ``fresh_generator_codes=False`` reuses the D step's G(z, c).
"""
from __future__ import annotations

import math
from typing import Mapping

import torch
import torch.nn.functional as F
from torch import Tensor

from zoo.core import losses, optim
from zoo.core.module import GANModule, check_count
from zoo.nets.infogan import InfoGANDiscriminator, InfoGANGenerator


class InfoGAN(GANModule):
    """InfoGAN with one categorical and ``continuous_codes`` uniform codes.

    Args:
        noise_dim: incompressible noise z (paper: 62).
        noise: prior of z, "uniform" U(-1, 1) (authors' run) or "normal" N(0, 1).
        categories: size of the categorical code (paper: 10).
        continuous_codes: number of U(-1, 1) codes (paper: 2).
        channels: image channels (28x28 images).
        width: base channels of the convolutions (paper: 64).
        fc_units: width of the fully connected layers of G and of D's trunk (paper: 1024).
        info_weight: λ of the categorical code (paper: 1).
        continuous_weight: λ of the continuous codes (Appendix C and the authors' run: 1; this zoo's earlier 0.1).
        fresh_generator_codes: G's update draws its own z and codes (authors' trainer) instead of reusing the D
            step's.
        generator_lr / discriminator_lr: Adam learning rates (paper: 1e-3 / 2e-4); Q trains with D's optimiser.
        betas: Adam (β1, β2) (paper: β1 = 0.5).
    """

    def __init__(self, noise_dim: int = 62, categories: int = 10, continuous_codes: int = 2, channels: int = 1,
                 width: int = 64, fc_units: int = 1024, noise: str = "uniform", info_weight: float = 1.0,
                 continuous_weight: float = 1.0, fresh_generator_codes: bool = True, generator_lr: float = 1e-3,
                 discriminator_lr: float = 2e-4, betas: tuple[float, float] = (0.5, 0.999),
                 ema_decay: float | None = None, sample_every_n_steps: int = 500) -> None:
        losses.check_choice("noise", noise, ("uniform", "normal"))
        if categories < 2:
            raise ValueError(f"categories={categories} must be at least 2.")
        latent_dim = noise_dim + categories + continuous_codes
        super().__init__(InfoGANGenerator(latent_dim, channels, width, fc_units), latent_dim=latent_dim, ema_decay=ema_decay,
                         sample_every_n_steps=sample_every_n_steps, num_fixed_samples=categories ** 2)
        self.save_hyperparameters()
        self.noise_dim, self.categories, self.continuous_codes = noise_dim, categories, continuous_codes
        self.discriminator = InfoGANDiscriminator(channels, categories + continuous_codes, width, fc_units)

    # ------------------------------------------------------------------ latent codes
    def latent(self, z: Tensor, category: Tensor, continuous: Tensor) -> Tensor:
        """G's input [z, one_hot(category), continuous]."""
        return torch.cat([z, F.one_hot(category, self.categories).float(), continuous], dim=1)

    def draw_noise(self, n: int, generator: torch.Generator | None = None) -> Tensor:
        """z: U(-1, 1)^noise_dim (authors' run) or N(0, I) (``noise="normal"``)."""
        if self.hparams.noise == "normal":
            return self.draw(torch.randn, (n, self.noise_dim), generator)
        return self.draw(torch.rand, (n, self.noise_dim), generator) * 2 - 1

    def draw_codes(self, n: int, generator: torch.Generator | None = None) -> tuple[Tensor, Tensor, Tensor]:
        """z from ``draw_noise``, category ~ Cat(K) uniform, continuous ~ U(-1, 1): the prior P(c) of the paper."""
        z = self.draw_noise(n, generator)
        category = (self.draw(torch.rand, (n,), generator) * self.categories).long().clamp_(max=self.categories - 1)
        continuous = self.draw(torch.rand, (n, self.continuous_codes), generator) * 2 - 1
        return z, category, continuous

    def noise(self, n: int, generator: torch.Generator | None = None) -> Tensor:
        return self.latent(*self.draw_codes(n, generator))

    def information_loss(self, q_out: Tensor, category: Tensor, continuous: Tensor) -> tuple[Tensor, Tensor]:
        """(-λ L_I weighted loss, categorical lower bound L_I = H(c) - CE) from Q's outputs on G(z, c)."""
        logits, means = q_out[:, :self.categories], q_out[:, self.categories:]
        cross_entropy = F.cross_entropy(logits, category)                # -E log Q(c_cat | x)
        gaussian_nll = 0.5 * (means - continuous).pow(2).sum(1).mean()   # -E log Q(c_cont | x) + const (σ = 1)
        loss = self.hparams.info_weight * cross_entropy + self.hparams.continuous_weight * gaussian_nll
        return loss, math.log(self.categories) - cross_entropy.detach()  # Eq. 5 with H(c) = ln K

    # ------------------------------------------------------------------ training (Eq. 6)
    def configure_optimizers(self):
        betas = tuple(self.hparams.betas)
        return [optim.adam(self.generator.parameters(), lr=self.hparams.generator_lr, betas=betas),
                # D's trunk and heads and Q's head: Q is the D network's second head
                optim.adam(self.discriminator.parameters(), lr=self.hparams.discriminator_lr, betas=betas)]

    def training_step(self, batch, batch_idx: int) -> None:
        real = batch[0]                             # labels are never used: the codes are learnt unsupervised
        g_opt, d_opt = self.optimizers()
        z, category, continuous = self.draw_codes(len(real))
        fake = self.generator(self.latent(z, category, continuous))  # G(z, c) once per batch
        # D ascends V(D, G); Q (sharing D's trunk) ascends L_I on the same fakes: min_Q -λ L_I
        with self.toggled_optimizer(d_opt):
            logits_fake, q_out = self.discriminator.forward_with_codes(fake.detach())
            info_d, _ = self.information_loss(q_out, category, continuous)
            loss_d = losses.minimax_discriminator(self.discriminator(real), logits_fake)
            self.step(d_opt, loss_d + info_d, "loss/discriminator", "discriminator")
        # G: non-saturating V plus -λ L_I (Eq. 6: G also maximises the information its images carry), on fresh
        # z and codes as in the authors' trainer (its prior is sampled anew for the generator's update)
        if self.hparams.fresh_generator_codes:
            z, category, continuous = self.draw_codes(len(real))
            fake = self.generator(self.latent(z, category, continuous))
        with self.toggled_optimizer(g_opt):
            logits_fake, q_out = self.discriminator.forward_with_codes(fake)
            info_g, mutual_information = self.information_loss(q_out, category, continuous)
            loss_g = losses.non_saturating_generator(logits_fake) + info_g
            self.step(g_opt, loss_g, "loss/generator", "generator")
        self.log_dict({"info/L_I_categorical": mutual_information, "info/loss_q": info_d.detach()},
                      prog_bar=True)

    # ------------------------------------------------------------------ inference
    @torch.no_grad()
    def sample(self, n: int, *, codes: Mapping[str, Tensor | int | float] | None = None,
               generator: torch.Generator | None = None) -> Tensor:
        """Draw ``n`` images; codes not given are drawn from their prior.

        Args:
            n: number of samples.
            codes: optional {"category": int or (n,) ints in [0, K), "continuous": (n, C) or (C,) values
                (the prior is U(-1, 1); values beyond it extrapolate)}.
            generator: torch RNG for z and the codes not given.
        Returns:
            Images (n, C, 28, 28) in [-1, 1].
        """
        check_count(n)
        codes = dict(codes or {})
        unknown = set(codes) - {"category", "continuous"}
        if unknown:
            raise ValueError(f"unknown code name(s) {sorted(unknown)}; expected 'category' and/or 'continuous'.")
        z, category, continuous = self.draw_codes(n, generator)
        if "category" in codes:
            category = torch.as_tensor(codes["category"], device=self.device).long().expand(n).clone()
            if int(category.min()) < 0 or int(category.max()) >= self.categories:
                raise ValueError(f"codes['category'] must lie in [0, {self.categories}), got {category.unique()}.")
        if "continuous" in codes:
            value = torch.as_tensor(codes["continuous"], dtype=torch.float32, device=self.device)
            if value.shape[-1] != self.continuous_codes:
                raise ValueError(f"codes['continuous'] has {value.shape[-1]} values per sample; expected "
                                 f"{self.continuous_codes}.")
            continuous = value.expand(n, self.continuous_codes).clone()
        return self.run_eval(self.sampler, self.latent(z, category, continuous))

    @torch.no_grad()
    def infer_codes(self, x: Tensor) -> dict[str, Tensor]:
        """Q's estimate for images ``x``: {"category": argmax (N,), "category_logits": (N, K), "continuous": (N, C)}."""
        q_out = self.run_eval(self.discriminator.q_head, self.run_eval(self.discriminator.trunk, x))
        logits = q_out[:, :self.categories]
        return {"category": logits.argmax(1), "category_logits": logits, "continuous": q_out[:, self.categories:]}

    @torch.no_grad()
    def code_grid(self, code: int = 0, steps: int = 9, span: float = 2.0, seed: int = 0) -> Tensor:
        """The paper's Fig. 2 layout: rows = categories, columns = continuous code ``code`` from -span to span,
        the other continuous codes 0 and one z per row. Returns (K * steps, C, 28, 28)."""
        if not 0 <= code < self.continuous_codes:
            raise ValueError(f"code={code} must lie in [0, {self.continuous_codes}).")
        rng = torch.Generator().manual_seed(seed)
        z = self.draw_noise(self.categories, rng).repeat_interleave(steps, 0)
        category = torch.arange(self.categories, device=self.device).repeat_interleave(steps)
        continuous = torch.zeros(self.categories * steps, self.continuous_codes, device=self.device)
        continuous[:, code] = torch.linspace(-span, span, steps, device=self.device).repeat(self.categories)
        return self.run_eval(self.sampler, self.latent(z, category, continuous))

    def setup(self, stage: str) -> None:
        if "fixed_noise" not in self._buffers:  # one row per category, the same z and codes in each column
            z, _, continuous = self.draw_codes(self.categories, torch.Generator().manual_seed(1234))
            category = torch.arange(self.categories).repeat_interleave(self.categories).to(self.device)
            fixed = self.latent(z.repeat(self.categories, 1), category, continuous.repeat(self.categories, 1))
            self.register_buffer("fixed_noise", fixed, persistent=False)
