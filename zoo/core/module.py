"""The adversarial base of every paper in the zoo, and its noise -> sample family.

``AdversarialModule`` owns what every adversarial model shares, whatever its generator maps from: manual
optimisation, the update counters (buffers, so checkpoints, exports and DDP ranks all carry them), ``step`` (one
guarded update of one player: NaN and divergence guards, normalisation statistics put back when an update is
refused), ``generator_turn(k)`` for k discriminator steps per generator step, moving averages of any network
(``average``), and the preview grid sent to the logger. A paper file builds its networks and writes a
``training_step`` that reads like the paper's algorithm box with ``self.toggled_optimizer(opt)`` around each
player's forward pass and ``step(opt, loss, name, player)`` for each update.

Its siblings are the kinds of model, each with the inference verbs it offers (``verbs``, what the command line, the
exporter and the evaluation protocols dispatch on):

- ``GANModule`` (here): noise -> sample, ``sample(n)`` from ``noise(n)`` through ``sampler`` (the EMA generator
  when there is one);
- ``TranslationModule`` (``zoo.core.translation``): image -> image, ``translate(x)``;
- ``SequenceGANModule`` (``zoo.core.sequence``): token sequences, ``generate(n)``.

Role names are the same in every paper: the players are ``generator`` and ``discriminator``, in ``step``'s
``player``, the counters ``generator_updates`` / ``discriminator_updates``, the moving averages ``generator_ema`` /
``discriminator_ema``, the attributes that hold the networks (every model with one network per role answers to
``model.generator`` and ``model.discriminator``) and the logged losses (``loss/generator``, ``loss/discriminator``).
A second network of a role takes a suffix (``generator_ba``, ``discriminator_a``), a mixture the plural
(``discriminators``). A paper's own word for a role (WGAN's critic f_w) stays where it names the paper's own
quantity: constructor arguments that recipes pass (``critic_steps``, n_critic), the authors' schedule
(``critic_iterations``), and the registered name of weights shipped before this rule (WGAN-GP's ``critic.*``
tensors), which ``discriminator`` then aliases: renaming it would change the keys of the shipped exports.

``ZooModel`` is what every zoo model (these and the judge classifier) shares with the Hub and with Lightning
checkpoints: ``save_pretrained`` / ``from_pretrained``, ``verbs``, and the model class and RNG state in every
checkpoint. Only its subclasses defined in ``zoo.models`` can be loaded from an export.
"""
from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import lightning as L
import torch
from torch import Tensor, nn
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

PLAYERS = ("generator", "discriminator")
NORM_STATISTICS = ("running_mean", "running_var", "num_batches_tracked")  # buffers a forward pass in train mode moves
# the inference verbs (zoo.schema.TASKS) and how a user calls each one
VERB_CALLS = {"sample": "model.sample(n)", "translate": "model.translate(images) (images in [-1, 1], (N, C, H, W))",
              "classify": "model.classify(images)", "encode": "model.encode(x)", "generate": "model.generate(n)"}


class NonFiniteLossError(FloatingPointError):
    """A loss became NaN or infinite; training stops instead of silently corrupting the weights."""


class DivergenceError(FloatingPointError):
    """Training diverged: a loss or a player's parameter norm went beyond its bound, or a parameter is no longer
    finite after an update."""


class ZooModel:
    """Mixin of every zoo model: its inference ``verbs``, Hub-style ``save_pretrained`` / ``from_pretrained`` over
    :mod:`zoo.hub`, and what a Lightning checkpoint of it records besides the weights.

    A config may only name a subclass of this class defined in ``zoo.models`` (the loader's allow-list).

    Attributes:
        verbs: the inference verbs the model offers, keys of ``zoo.schema.TASKS`` ("sample", "translate",
            "classify", "encode", "generate"); code that takes any model dispatches on them
            (``zoo.schema.offers``). Asking a model for a verb it does not offer raises an AttributeError that
            names the call to make instead.
    """

    is_zoo_model = True  # the marker the loader's allow-list checks (zoo.hub.model_classes)
    verbs: tuple[str, ...] = ()

    def __getattr__(self, name: str) -> Any:
        # reached only when normal lookup fails: nn.Module's lookup of submodules, parameters and buffers follows
        if name in VERB_CALLS and name not in type(self).verbs:
            calls = " or ".join(VERB_CALLS[v] for v in type(self).verbs) or "none of the inference verbs"
            raise AttributeError(f"{type(self).__name__} has no {name}(): it offers {', '.join(type(self).verbs)}. "
                                 f"Call {calls} instead.")
        return super().__getattr__(name)

    def save_pretrained(self, folder: str | os.PathLike, **kwargs: Any) -> Path:
        """Write this model as a Hub-layout export folder (``zoo.hub.export``; keyword arguments are passed on).

        Returns:
            The folder path; ``Zoo.load(folder)`` or ``type(model).from_pretrained(folder)`` loads it back.
        """
        from zoo import hub

        return hub.export(self, folder, **kwargs)

    @classmethod
    def from_pretrained(cls, name_or_path: str | os.PathLike, *, revision: str | None = None,
                        device: str = "cpu", trainable: bool = False):
        """Load an export of this class: a zoo entry name, a local export folder or a Hub repo id ("org/repo").

        Args:
            name_or_path: what ``Zoo.load`` takes.
            revision: a Hub revision (branch, tag or commit) for entries and repo ids.
            device: where to put the model.
            trainable: return it in train mode.
        Returns:
            The model. A folder holding another class is refused (a base class such as ``GANModule`` or
            ``AdversarialModule`` takes any of its subclasses).
        """
        from zoo import hub
        from zoo.registry import Zoo

        folder = Zoo.resolve(name_or_path, revision=revision)
        return hub.load_folder(folder, device=device, trainable=trainable, expected=cls)

    @staticmethod
    def run_eval(net: nn.Module, *inputs: Tensor) -> Tensor:
        """Run ``net`` in eval mode (BatchNorm running statistics, no dropout) and restore its mode."""
        was_training = net.training
        net.eval()
        try:
            return net(*inputs)
        finally:
            net.train(was_training)

    def num_parameters(self) -> int:
        """Parameters of the trained networks, each counted once (moving-average copies excluded): what an
        export's config records."""
        copies = {id(p) for m in self.modules() if isinstance(m, AveragedModel) for p in m.parameters()}
        return sum(p.numel() for p in self.parameters() if id(p) not in copies)

    def on_save_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        # the class, so that zoo.checkpoints.load_checkpoint (and `zoo export`) rebuilds it; the RNG states (torch,
        # CUDA, NumPy, Python), so that a resumed run draws the same noise, dropout masks and shuffles as an
        # uninterrupted one (zoo.core.resume)
        from zoo.core.resume import rng_state

        checkpoint["zoo_model_class"] = f"{type(self).__module__}.{type(self).__qualname__}"
        checkpoint["zoo_rng"] = rng_state()

    def on_load_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        from zoo.core.resume import set_rng_state

        state = checkpoint.get("zoo_rng")
        if state:
            set_rng_state(state)


class AdversarialModule(ZooModel, L.LightningModule):
    """Base LightningModule for a two-player (or more) adversarial game trained with manual optimisation.

    Args:
        generator: the network trained to fool the discriminator; it is ``self.generator``.
        sample_every_n_steps: send the ``preview`` grid to the logger every this many generator updates (0
            disables).
        num_fixed_samples: size of that grid.

    Attributes:
        max_loss: the divergence guard's bound on |loss| (default 1e6): a larger loss stops training before the
            update. None disables it. Set it on the model, in a subclass, or with the ``DivergenceBounds`` callback.
        max_parameter_norm: bound on the L2 norm of the parameters an update moved (default 1e6); beyond it, or
            with a non-finite parameter, training stops after that update. None disables the bound (non-finite
            parameters still stop training).
        parameter_check_every: check the parameters after every this many updates of each player (default 1:
            after each). The check reads every parameter the update moved: checked every 16 updates, a 64 px
            Pix2Pix step on two CPU threads ran 7% faster (BENCHMARKS.md). With n > 1 training stops at most n - 1
            updates after the one that diverged.
    """

    max_loss: float | None = 1e6
    max_parameter_norm: float | None = 1e6
    _parameter_check_every = 1

    @property
    def parameter_check_every(self) -> int:
        return self._parameter_check_every

    @parameter_check_every.setter
    def parameter_check_every(self, every: int) -> None:
        self._parameter_check_every = check_every(every)

    def __init__(self, generator: nn.Module, *, sample_every_n_steps: int = 500, num_fixed_samples: int = 64) -> None:
        super().__init__()
        self.automatic_optimization = False
        self.generator = generator
        self.sample_every_n_steps = sample_every_n_steps
        self.num_fixed_samples = num_fixed_samples
        # counters of completed updates: they drive inner-step schedules and survive checkpoints and exports
        self.register_buffer("generator_updates", torch.zeros((), dtype=torch.long))
        self.register_buffer("discriminator_updates", torch.zeros((), dtype=torch.long))
        self._statistics_slots: list[tuple[nn.Module, str]] | None = None  # statistics_slots(), found when first used
        self._statistics: list[Tensor] | None = None  # the last snapshot_statistics(), in slot order

    # ------------------------------------------------------------------ moving averages
    def average(self, role: str, decay: float | None, *, argument: str = "ema_decay",
                use_buffers: bool = True) -> None:
        """Keep ``self.<role>_ema``, an exponential moving average of the network ``self.<role>``, which follows
        it after every update of the player ``role`` (``step``); its first update copies the network.

        Args:
            role: "generator" or "discriminator" (the network and the player of that name).
            decay: weight of the old average per update, in (0, 1) (e.g. 0.999); None keeps no average and sets
                ``<role>_ema`` to None.
            argument: the constructor argument that set ``decay``, named in the error for a bad value.
            use_buffers: average the buffers (BatchNorm statistics) too, instead of keeping the copy's own.
        """
        if role not in PLAYERS:
            raise ValueError(f"role={role!r}; expected one of {PLAYERS}.")
        if decay is not None and not 0.0 < decay < 1.0:
            raise ValueError(f"{argument}={decay} must lie in (0, 1) (typical: 0.999), or be None to keep no moving "
                             f"average.")
        ema = None
        if decay is not None:
            ema = AveragedModel(getattr(self, role), multi_avg_fn=get_ema_multi_avg_fn(decay), use_buffers=use_buffers)
            ema.requires_grad_(False)
        setattr(self, f"{role}_ema", ema)

    def averaged(self, role: str) -> nn.Module:
        """The moving average of the network ``self.<role>`` when one is kept, else the network itself."""
        ema = getattr(self, f"{role}_ema", None)
        return ema.module if ema is not None else getattr(self, role)

    # ------------------------------------------------------------------ updates
    def step(self, optimizer, loss: Tensor, name: str, player: str) -> Tensor:
        """One guarded update of ``player``: check the loss, zero grads, backward, optimizer step, then
        ``count_update``.

        Call it inside ``with self.toggled_optimizer(optimizer):`` so that only this player's parameters receive
        gradients.

        Guards: a non-finite loss (``NonFiniteLossError``) or one beyond ``max_loss`` (``DivergenceError``) stops
        training before the update, with the normalisation statistics (BatchNorm running means and variances) put
        back as they were before this update's forward passes; parameters that are not finite or whose norm
        exceeds ``max_parameter_norm`` after the update stop it too (``DivergenceError``).
        """
        if player not in PLAYERS:
            raise ValueError(f"player={player!r}; expected one of {PLAYERS}.")
        self.check_finite(loss, name)
        optimizer.zero_grad(set_to_none=True)
        self.manual_backward(loss)
        optimizer.step()
        self.count_update(optimizer, loss, name, player)
        return loss

    def count_update(self, optimizer, loss: Tensor, name: str, player: str) -> None:
        """What follows an optimizer step of ``player``: its counter, the parameter guard, its moving average, the
        statistics snapshot for the next update, the logged loss. An update that makes its own gradients
        (consensus optimisation) calls it after each player's optimizer step."""
        counter = getattr(self, f"{player}_updates")
        counter += 1
        if int(counter) % self.parameter_check_every == 0:
            self.check_parameters(optimizer, name, player)
        ema = getattr(self, f"{player}_ema", None)
        if ema is not None:
            ema.update_parameters(getattr(self, player))
        self.snapshot_statistics()  # the next update's forward passes start from here
        self.log(name, loss.detach(), prog_bar=True)

    def generator_turn(self, discriminator_steps: int) -> bool:
        """True when ``discriminator_steps`` discriminator updates have been made since the last generator update.

        Goodfellow et al. 2014, Algorithm 1: "for k steps" of D, then one step of G. Counting updates (not batch
        indices) keeps the schedule right across epochs, resumes and variable schedules.
        """
        return int(self.discriminator_updates) >= discriminator_steps * (int(self.generator_updates) + 1)

    def where(self) -> str:
        return (f"global step {self.global_step} (epoch {self.current_epoch}, generator update "
                f"{int(self.generator_updates)})")

    def check_finite(self, loss: Tensor, name: str) -> None:
        """Stop training with a clear message when a loss is NaN or infinite, or beyond ``max_loss``; the
        normalisation statistics are restored first (see ``step``)."""
        largest = float(loss.detach().abs().max()) if loss.numel() else 0.0  # one device sync for both checks
        bound = self.max_loss
        if math.isfinite(largest) and (bound is None or largest <= bound):
            return
        statistics = ("normalisation statistics restored to before this update's forward passes"
                      if self.restore_statistics() else "normalisation statistics NOT restored (no snapshot: "
                      "step was called outside a training batch), so BatchNorm running statistics may hold the "
                      "bad batch")
        if not math.isfinite(largest):
            raise NonFiniteLossError(
                f"{name} became {loss.detach().float().cpu().tolist()} at {self.where()}. The weights were not "
                f"updated with it ({statistics}). Lower the learning rate, check the data range ([-1, 1] "
                f"expected), or resume from the last checkpoint.")
        raise DivergenceError(
            f"{name} reached {largest:.4g} at {self.where()}, beyond max_loss={bound:g}: training diverged. The "
            f"weights were not updated with it ({statistics}). Lower the learning rate or resume from the last "
            f"checkpoint; if such losses are expected, raise the bound (model.max_loss, or the DivergenceBounds "
            f"callback; None disables it).")

    def check_parameters(self, optimizer, name: str, player: str) -> None:
        """Stop training when the parameters ``optimizer`` updates are no longer finite or their L2 norm exceeds
        ``max_parameter_norm``."""
        groups = getattr(optimizer, "optimizer", optimizer).param_groups
        params = [p for group in groups for p in group["params"]]
        if not params:
            return
        with torch.no_grad():
            norm = float(torch.nn.utils.get_total_norm(params, norm_type=2.0))
        bound = self.max_parameter_norm
        if math.isfinite(norm) and (bound is None or norm <= bound):
            return
        lr = groups[0].get("lr")
        what = (f"is {norm:.4g}, beyond max_parameter_norm={bound:g}" if math.isfinite(norm) else
                "is not finite (a parameter overflowed or became NaN)")
        every = self.parameter_check_every
        when = "" if every == 1 else f" within its last {every} updates (parameters checked every {every})"
        raise DivergenceError(
            f"the {player}'s parameter norm after the update of {name} {what} at {self.where()}: training "
            f"diverged{when} (learning rate {lr}). The weights in memory include this update: resume from the last "
            f"checkpoint with a lower learning rate; if such weights are expected, raise the bound "
            f"(model.max_parameter_norm, or the DivergenceBounds callback; None disables it).")

    def statistics_slots(self) -> list[tuple[nn.Module, str]]:
        """(module, buffer name) of every normalisation statistic (``NORM_STATISTICS``) in the model, found once
        and kept until the next fit starts: walking the module tree on every update cost a 64 px Pix2Pix 0.26 ms
        of Python per walk, three walks per batch. Slots, not tensors, so that moving the model to a device or
        memory format (which replaces the buffer tensors) keeps them valid."""
        if self._statistics_slots is None:
            self._statistics_slots = [(module, name) for module in self.modules()
                                      for name, buffer in module._buffers.items()
                                      if buffer is not None and name in NORM_STATISTICS]
        return self._statistics_slots

    def snapshot_statistics(self) -> None:
        """Remember the normalisation statistics, so that a stopped update can put them back: one copy into
        buffers kept for it (``torch._foreach_copy_``) instead of a fresh clone of each statistic per update."""
        live = [module._buffers[name] for module, name in self.statistics_slots()]
        with torch.no_grad():
            saved = self._statistics
            if saved is None or len(saved) != len(live) or any(a.dtype != b.dtype or a.device != b.device
                                                               for a, b in zip(saved, live)):  # moved or cast
                self._statistics = [t.detach().clone() for t in live]
            elif live:
                torch._foreach_copy_(saved, live)

    def restore_statistics(self) -> bool:
        """Put back the statistics of the last snapshot; return whether there was one."""
        slots, saved = self.statistics_slots(), self._statistics
        if saved is None or len(saved) != len(slots):
            return False
        with torch.no_grad():
            for (module, name), value in zip(slots, saved):
                module._buffers[name].copy_(value)
        return True

    def on_train_start(self) -> None:
        self._statistics_slots = self._statistics = None  # found again for the networks of this fit

    def on_train_batch_start(self, batch: Any, batch_idx: int) -> None:
        self.snapshot_statistics()  # before the batch's first forward pass
        self._values_read = self.training_values_are_read()

    # ------------------------------------------------------------------ logging
    def training_values_are_read(self) -> bool:
        """Whether this batch's per-step values reach anyone: a progress bar that shows them, a callback that
        monitors a logged value, or a logger that writes this batch (every ``log_every_n_steps`` batches)."""
        trainer = self._trainer
        if trainer is None:
            return True
        bar = trainer.progress_bar_callback
        if bar is not None and bar.is_enabled:
            return True
        if any(getattr(callback, "monitor", None) for callback in trainer.callbacks):
            return True
        # Lightning's own test of whether this batch is written; where it is missing, log every batch
        return bool(trainer.loggers) and bool(getattr(trainer._logger_connector, "should_update_logs", True))

    def log(self, name: str, value: Any, *args: Any, **kwargs: Any) -> None:
        """``LightningModule.log``, except that a training step's per-step value is recorded only on the batches
        where it is read (``training_values_are_read``): recording one costs about 1.6 ms of Python in Lightning,
        several percent of a small model's step when done for every loss of every batch. Values logged with
        ``on_epoch=True``, and everything logged outside ``training_step``, are always recorded."""
        in_training_step = getattr(self, "_current_fx_name", None) == "training_step"  # Lightning's hook name
        if in_training_step and not kwargs.get("on_epoch") and not getattr(self, "_values_read", True):
            return
        super().log(name, value, *args, **kwargs)

    # ------------------------------------------------------------------ monitoring
    def preview(self) -> Tensor | None:
        """Images for the logger's grid (fixed inputs, the same for the whole run), or None for no grid."""
        return None

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


class GANModule(AdversarialModule):
    """noise -> sample: the generator maps z = ``noise(n)`` to samples; ``sample(n)`` draws them.

    Args:
        generator: the network that maps ``noise(n)`` to samples; it is ``self.generator``.
        latent_dim: size of z.
        ema_decay: if set (e.g. 0.999), keep ``self.generator_ema``, an exponential moving average of the
            generator's weights and buffers updated after every generator step; ``sample`` then uses it.
        sample_every_n_steps: send a grid of samples from fixed noise to the logger every this many generator
            updates (0 disables).
        num_fixed_samples: size of that grid.
    """

    verbs = ("sample",)

    def __init__(self, generator: nn.Module, *, latent_dim: int, ema_decay: float | None = None,
                 sample_every_n_steps: int = 500, num_fixed_samples: int = 64) -> None:
        super().__init__(generator, sample_every_n_steps=sample_every_n_steps, num_fixed_samples=num_fixed_samples)
        if latent_dim < 1:
            raise ValueError(f"latent_dim={latent_dim} must be a positive integer.")
        self.latent_dim = latent_dim
        self.average("generator", ema_decay)

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
        return self.averaged("generator")

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

    def preview(self) -> Tensor | None:
        """Samples from fixed noise for the logger's grid; models with conditions override this."""
        fixed = self._buffers.get("fixed_noise")
        return None if fixed is None else self.run_eval(self.sampler, fixed)

    def setup(self, stage: str) -> None:
        # the fixed noise is a non-persistent buffer: the same grid for the whole run, never exported
        if self.num_fixed_samples and "fixed_noise" not in self._buffers:
            fixed = self.noise(self.num_fixed_samples, torch.Generator().manual_seed(1234))
            self.register_buffer("fixed_noise", fixed, persistent=False)


class DivergenceBounds(L.Callback):
    """Set the divergence guard's bounds from a recipe (``trainer.callbacks``) or a Trainer.

    Args:
        max_loss: bound on |loss| (default 1e6); None disables it.
        max_parameter_norm: bound on the L2 norm of the parameters an update moved (default 1e6); None disables it.
        parameter_check_every: check the parameters after every this many updates of each player (default 1);
            larger values save the read of every parameter per update, and stop training up to that many updates
            late.
    """

    def __init__(self, max_loss: float | None = 1e6, max_parameter_norm: float | None = 1e6,
                 parameter_check_every: int = 1) -> None:
        for label, value in (("max_loss", max_loss), ("max_parameter_norm", max_parameter_norm)):
            if value is not None and not value > 0:
                raise ValueError(f"{label}={value}: the bound must be a positive number (e.g. 1e6) or None.")
        self.max_loss, self.max_parameter_norm = max_loss, max_parameter_norm
        self.parameter_check_every = check_every(parameter_check_every)

    def setup(self, trainer: L.Trainer, pl_module: L.LightningModule, stage: str) -> None:
        pl_module.max_loss, pl_module.max_parameter_norm = self.max_loss, self.max_parameter_norm
        pl_module.parameter_check_every = self.parameter_check_every


def alias(name: str) -> property:
    """A read-only attribute for the module registered as ``name``: the role name of a network registered under a
    paper's word, whose shipped weights' keys carry that word (WGAN's ``discriminator = alias("critic")``)."""
    return property(lambda self: getattr(self, name), doc=f"The network registered as ``{name}``.")


def check_every(every: Any) -> int:
    if isinstance(every, bool) or not isinstance(every, int) or every < 1:
        raise ValueError(f"parameter_check_every={every!r}: expected a positive integer (1 checks the parameters "
                         f"after every update).")
    return every


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
