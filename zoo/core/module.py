"""GANModule: the manual-optimisation scaffolding every paper in the zoo subclasses.

A paper file builds its networks, passes the generator here, and writes a ``training_step`` that reads like the
paper's algorithm box using the pieces below: ``noise`` to draw z, ``self.toggled_optimizer(opt)`` around each
player's forward pass, ``step(opt, loss, name, player)`` for one guarded update, ``generator_turn(k)`` for k inner
discriminator/critic steps per generator step. This class owns what is the same in every paper: the EMA copy of
the generator, the update counters (buffers, so checkpoints, exports and DDP ranks all carry them), the NaN guard,
the sample grid sent to the logger, RNG state in the Lightning checkpoint, and ``sample``.
"""
from __future__ import annotations

import math
import os
from typing import Any

import lightning as L
import torch
from torch import Tensor, nn
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

PLAYERS = ("generator", "discriminator")


class NonFiniteLossError(FloatingPointError):
    """A loss became NaN or infinite; training stops instead of silently corrupting the weights."""


class GANModule(L.LightningModule):
    """Base LightningModule for a two-player (or more) adversarial game trained with manual optimisation.

    Args:
        generator: the network that maps ``noise(n)`` to samples; it is ``self.generator``.
        latent_dim: size of z.
        ema_decay: if set (e.g. 0.999), keep ``self.generator_ema``, an exponential moving average of the
            generator's weights and buffers updated after every generator step; ``sample`` then uses it.
        sample_every_n_steps: send a grid of samples from fixed noise to the logger every this many generator
            updates (0 disables).
        num_fixed_samples: size of that grid.
    """

    def __init__(self, generator: nn.Module, *, latent_dim: int, ema_decay: float | None = None,
                 sample_every_n_steps: int = 500, num_fixed_samples: int = 64) -> None:
        super().__init__()
        self.automatic_optimization = False
        if ema_decay is not None and not 0.0 < ema_decay < 1.0:
            raise ValueError(f"ema_decay={ema_decay} must lie in (0, 1) (typical: 0.999), or be None to disable EMA.")
        if latent_dim < 1:
            raise ValueError(f"latent_dim={latent_dim} must be a positive integer.")
        self.latent_dim = latent_dim
        self.generator = generator
        self.generator_ema: AveragedModel | None = None
        if ema_decay is not None:
            self.generator_ema = AveragedModel(generator, multi_avg_fn=get_ema_multi_avg_fn(ema_decay),
                                               use_buffers=True)
            self.generator_ema.requires_grad_(False)
        self.sample_every_n_steps = sample_every_n_steps
        self.num_fixed_samples = num_fixed_samples
        # counters of completed updates: they drive inner-step schedules and survive checkpoints and exports
        self.register_buffer("generator_updates", torch.zeros((), dtype=torch.long))
        self.register_buffer("discriminator_updates", torch.zeros((), dtype=torch.long))

    # ------------------------------------------------------------------ noise and sampling
    def noise(self, n: int, generator: torch.Generator | None = None) -> Tensor:
        """Draw the generator's input for ``n`` samples: z ~ N(0, I) of shape (n, latent_dim) by default."""
        return self.draw(torch.randn, (n, self.latent_dim), generator)

    def draw(self, fn, shape: tuple[int, ...], generator: torch.Generator | None) -> Tensor:
        """Call a torch random function on the RNG's device (so a CPU ``generator`` works for a GPU model)."""
        device = generator.device if generator is not None else self.device
        return fn(*shape, generator=generator, device=device).to(self.device)

    @property
    def sampler(self) -> nn.Module:
        """The network used for inference: the EMA generator when there is one."""
        return self.generator_ema.module if self.generator_ema is not None else self.generator

    @torch.no_grad()
    def sample(self, n: int, *, generator: torch.Generator | None = None) -> Tensor:
        """Draw ``n`` samples (images in [-1, 1]).

        Args:
            n: number of samples, a positive integer.
            generator: torch RNG for reproducible samples, e.g. ``torch.Generator().manual_seed(0)``.
        Returns:
            Tensor of shape (n, *sample_shape).
        """
        check_count(n)
        return self.run_eval(self.sampler, self.noise(n, generator))

    @staticmethod
    def run_eval(net: nn.Module, *inputs: Tensor) -> Tensor:
        """Run ``net`` in eval mode (BatchNorm running statistics, no dropout) and restore its mode."""
        was_training = net.training
        net.eval()
        try:
            return net(*inputs)
        finally:
            net.train(was_training)

    # ------------------------------------------------------------------ updates
    def step(self, optimizer, loss: Tensor, name: str, player: str) -> Tensor:
        """One guarded update of ``player``: check the loss, zero grads, backward, optimizer step, count, log.

        Call it inside ``with self.toggled_optimizer(optimizer):`` so that only this player's parameters receive
        gradients. After a generator update the EMA copy follows the new weights.
        """
        if player not in PLAYERS:
            raise ValueError(f"player={player!r}; expected one of {PLAYERS}.")
        self.check_finite(loss, name)
        optimizer.zero_grad(set_to_none=True)
        self.manual_backward(loss)
        optimizer.step()
        counter = getattr(self, f"{player}_updates")
        counter += 1
        if player == "generator" and self.generator_ema is not None:
            self.generator_ema.update_parameters(self.generator)
        self.log(name, loss.detach(), prog_bar=True)
        return loss

    def generator_turn(self, discriminator_steps: int) -> bool:
        """True when ``discriminator_steps`` discriminator updates have been made since the last generator update.

        Goodfellow et al. 2014, Algorithm 1: "for k steps" of D, then one step of G. Counting updates (not batch
        indices) keeps the schedule right across epochs, resumes and variable schedules.
        """
        return int(self.discriminator_updates) >= discriminator_steps * (int(self.generator_updates) + 1)

    def check_finite(self, loss: Tensor, name: str) -> None:
        """Stop training with a clear message when a loss is NaN or infinite."""
        if not torch.isfinite(loss).all():
            raise NonFiniteLossError(
                f"{name} became {loss.detach().float().cpu().tolist()} at global step {self.global_step} "
                f"(epoch {self.current_epoch}, generator update {int(self.generator_updates)}). The weights were "
                f"not updated with it. Lower the learning rate, check the data range ([-1, 1] expected), or resume "
                f"from the last checkpoint.")

    # ------------------------------------------------------------------ monitoring
    def preview(self) -> Tensor | None:
        """Samples from fixed noise for the logger's grid; models with conditions override this."""
        fixed = self._buffers.get("fixed_noise")
        return None if fixed is None else self.run_eval(self.sampler, fixed)

    def setup(self, stage: str) -> None:
        # the fixed noise is a non-persistent buffer: the same grid for the whole run, never exported
        if self.num_fixed_samples and "fixed_noise" not in self._buffers:
            fixed = self.noise(self.num_fixed_samples, torch.Generator().manual_seed(1234))
            self.register_buffer("fixed_noise", fixed, persistent=False)

    def on_train_batch_end(self, outputs: Any, batch: Any, batch_idx: int) -> None:
        every = self.sample_every_n_steps
        updates = int(self.generator_updates)
        if not every or not updates or updates % every or self.trainer.sanity_checking:
            return
        if getattr(self, "_last_preview", None) == updates:  # the counter did not move in this batch
            return
        self._last_preview = updates
        with torch.no_grad():
            images = self.preview()
        if images is None or images.dim() != 4 or not self.trainer.is_global_zero:
            return
        log_image_grid(self.trainer, images, updates)

    # ------------------------------------------------------------------ checkpoints
    def on_save_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        # RNG state, so that a resumed run draws the same noise and the same shuffles as an uninterrupted one
        checkpoint["zoo_model_class"] = f"{type(self).__module__}.{type(self).__qualname__}"
        checkpoint["zoo_rng"] = {"torch": torch.get_rng_state()}
        if torch.cuda.is_available() and torch.cuda.is_initialized():
            checkpoint["zoo_rng"]["cuda"] = torch.cuda.get_rng_state_all()

    def on_load_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        state = checkpoint.get("zoo_rng")
        if state:
            torch.set_rng_state(state["torch"])
            if "cuda" in state and torch.cuda.is_available():
                torch.cuda.set_rng_state_all(state["cuda"])

    def num_parameters(self) -> int:
        """Trainable-network parameters counted once (EMA copies excluded)."""
        ema = {id(p) for p in self.generator_ema.parameters()} if self.generator_ema is not None else set()
        return sum(p.numel() for p in self.parameters() if id(p) not in ema)


def check_count(n: Any) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n={n!r}: the number of samples must be a positive integer.")


def log_image_grid(trainer: L.Trainer, images: Tensor, step: int, tag: str = "samples") -> None:
    """Send a grid of [-1, 1] images to the first logger that takes images, else save a PNG in the log dir."""
    from torchvision.utils import make_grid, save_image

    grid = make_grid(images.detach().float().cpu(), nrow=int(math.ceil(math.sqrt(len(images)))),
                     normalize=True, value_range=(-1, 1))
    for logger in trainer.loggers:
        experiment = getattr(logger, "experiment", None)
        if hasattr(experiment, "add_image"):
            experiment.add_image(tag, grid, step)
            return
    folder = os.path.join(trainer.log_dir or trainer.default_root_dir, tag)
    os.makedirs(folder, exist_ok=True)
    save_image(grid, os.path.join(folder, f"step_{step:07d}.png"))


class DiscriminatorScores:
    """Mixin for models with one unconditional ``self.discriminator``: ``zoo validate`` / ``zoo test`` report D's
    mean score (logit) on held-out real images and on as many generated ones. A gap that keeps growing on held-out
    data while the training losses look balanced is the classic sign of D memorising its training set."""

    def validation_step(self, batch, batch_idx: int) -> None:
        self._log_scores(batch, "val")

    def test_step(self, batch, batch_idx: int) -> None:
        self._log_scores(batch, "test")

    def _log_scores(self, batch, stage: str) -> None:
        real = batch[0]
        fake = self.sampler(self.noise(len(real)))
        self.log_dict({f"{stage}/real_score": self.discriminator(real).mean(),
                       f"{stage}/fake_score": self.discriminator(fake).mean()}, prog_bar=True)
