"""The image -> image sibling of the adversarial base (Pix2Pix, CycleGAN, DiscoGAN): ``translate``, a preview grid of
fixed validation images, and the "constant, then linear decay to zero" learning-rate schedule. These models have no
noise input (Pix2Pix's only noise is dropout) and offer no ``sample``: asking for one says to call ``translate``.
"""
from __future__ import annotations

from typing import Callable

import torch
from torch import Tensor, nn

from zoo.core.module import AdversarialModule

DIRECTIONS = ("AtoB", "BtoA")


def linear_decay(n_epochs: int, n_epochs_decay: int):
    """Learning-rate factor per epoch: 1 for ``n_epochs`` epochs, then linear to 0 over ``n_epochs_decay`` epochs.

    Isola et al. 2017 / Zhu et al. 2017: "keep the same learning rate for the first 100 epochs and linearly decay
    the rate to zero over the next 100 epochs". Epoch e (0-based) trains with factor
    1 - max(0, e + 1 - n_epochs) / (n_epochs_decay + 1): exactly ``n_epochs`` epochs at the full rate, the first
    decayed epoch at n_epochs_decay / (n_epochs_decay + 1), the last at 1 / (n_epochs_decay + 1), and 0 once the
    schedule has ended. This is the ``lambda_rule`` of the authors' code (pytorch-CycleGAN-and-pix2pix,
    ``networks.get_scheduler`` with ``epoch_count`` 1, stepped after each epoch), so paper and code agree.
    """
    if n_epochs < 0 or n_epochs_decay < 0:
        raise ValueError(f"n_epochs={n_epochs}, n_epochs_decay={n_epochs_decay} must be >= 0.")

    def factor(epoch: int) -> float:
        if n_epochs_decay == 0:
            return 1.0
        return max(0.0, 1.0 - max(0, epoch + 1 - n_epochs) / (n_epochs_decay + 1))

    return factor


def check_images(x: Tensor, name: str = "x") -> Tensor:
    """Validate a batch (or one image) of floats in [-1, 1]; return it as (N, C, H, W)."""
    if not isinstance(x, Tensor) or not x.is_floating_point():
        raise ValueError(f"{name} must be a float tensor of images in [-1, 1] (N, C, H, W); got "
                         f"{type(x).__name__}{'' if not isinstance(x, Tensor) else ' ' + str(x.dtype)}. Convert "
                         f"uint8 images with x.float() / 127.5 - 1.")
    if x.dim() == 3:
        x = x.unsqueeze(0)
    if x.dim() != 4:
        raise ValueError(f"{name} must have shape (N, C, H, W) or (C, H, W); got {tuple(x.shape)}.")
    if x.numel() and (x.min() < -1.001 or x.max() > 1.001):
        raise ValueError(f"{name} has values in [{float(x.min()):.3g}, {float(x.max()):.3g}]; images must lie in "
                         f"[-1, 1] (x / 127.5 - 1 for 8-bit images).")
    return x


class TranslationModule(AdversarialModule):
    """Base of the image-to-image models: ``translate(x, direction)``.

    ``self.generator`` is the A -> B generator. Subclasses implement ``translator(direction)`` and may extend
    ``preview_rows`` (e.g. with cycle reconstructions).

    Args:
        generator: the A -> B network.
        n_epochs / n_epochs_decay: epochs at the initial learning rate, then of linear decay to zero.
        sample_every_n_steps: log a preview grid every this many generator updates (0 disables).
        num_fixed_samples: validation images in the preview grid.
    """

    verbs = ("translate",)
    directions: tuple[str, ...] = DIRECTIONS

    def __init__(self, generator: nn.Module, *, n_epochs: int = 100, n_epochs_decay: int = 100,
                 sample_every_n_steps: int = 500, num_fixed_samples: int = 8) -> None:
        super().__init__(generator, sample_every_n_steps=sample_every_n_steps, num_fixed_samples=num_fixed_samples)
        self.lr_factor = linear_decay(n_epochs, n_epochs_decay)

    # ------------------------------------------------------------------ inference
    def translator(self, direction: str) -> nn.Module:
        raise NotImplementedError

    def check_direction(self, direction: str) -> str:
        if direction not in self.directions:
            raise ValueError(f"direction={direction!r}; {type(self).__name__} translates "
                             f"{' and '.join(repr(d) for d in self.directions)}.")
        return direction

    @torch.no_grad()
    def translate(self, x: Tensor, direction: str = "AtoB") -> Tensor:
        """Translate images from one domain to the other.

        Args:
            x: images in [-1, 1], (N, C, H, W) or (C, H, W).
            direction: "AtoB" (``self.generator``) or "BtoA".
        Returns:
            Translated images in [-1, 1], (N, C, H, W), on ``x``'s device.
        """
        net = self.translator(self.check_direction(direction))
        x = check_images(x)
        return self.run_eval(net, x.to(self.device)).to(x.device)

    # ------------------------------------------------------------------ monitoring
    def setup(self, stage: str) -> None:
        # fixed validation inputs for the preview grid (non-persistent: never exported)
        if not self.num_fixed_samples or "fixed_inputs" in self._buffers:
            return
        datamodule = getattr(self.trainer, "datamodule", None) if self._trainer is not None else None
        dataset = getattr(datamodule, "dataset", None)
        if dataset is None:
            return
        try:
            val = dataset("val")
        except (ValueError, FileNotFoundError):
            return
        n = min(self.num_fixed_samples, len(val))
        self.register_buffer("fixed_inputs", torch.stack([val[i][0] for i in range(n)]).to(self.device),
                             persistent=False)

    def preview_rows(self, inputs: Tensor) -> list[Tensor]:
        """Rows of the preview grid for fixed inputs: the inputs and their translations."""
        return [inputs, self.translate(inputs)]

    def preview(self) -> Tensor | None:
        """Inputs and outputs (and reconstructions where defined) for fixed validation images, or None."""
        fixed = self._buffers.get("fixed_inputs")
        if fixed is None:
            return None
        return torch.cat(self.preview_rows(fixed))

    # ------------------------------------------------------------------ schedule
    def schedulers_for(self, *optimizers) -> list[torch.optim.lr_scheduler.LambdaLR]:
        return [torch.optim.lr_scheduler.LambdaLR(opt, self.lr_factor) for opt in optimizers]

    def on_train_epoch_end(self) -> None:
        from zoo.core.resume import epoch_finished

        if not epoch_finished(self.trainer):  # stopped mid-epoch (max_steps): the resumed run ends this epoch
            return
        schedulers = self.lr_schedulers()
        for scheduler in schedulers if isinstance(schedulers, list) else [schedulers]:
            if scheduler is not None:
                scheduler.step()  # manual optimisation: Lightning does not step schedulers itself


class TwoWayTranslationModule(TranslationModule):
    """A translation model with a generator each way: ``generator`` maps A -> B and ``generator_ba`` B -> A
    (CycleGAN's G and F, DiscoGAN's G_AB and G_BA). Its preview adds the reconstructions x -> G(x) -> F(G(x)), and
    validation logs the reconstruction error each way under the subclass's ``reconstruction`` (metric name,
    distance): ``val/<name>_a`` = d(F(G(x)), x) and ``val/<name>_b`` = d(G(F(y)), y)."""

    generator_ba: nn.Module
    reconstruction: tuple[str, Callable[[Tensor, Tensor], Tensor]]

    def translator(self, direction: str) -> nn.Module:
        return self.generator if direction == "AtoB" else self.generator_ba

    def preview_rows(self, inputs: Tensor) -> list[Tensor]:
        """Inputs (domain A), their translations G(x) and the reconstructions F(G(x))."""
        fake = self.translate(inputs)
        return [inputs, fake, self.translate(fake, "BtoA")]

    def validation_step(self, batch, batch_idx: int) -> None:
        real_a, real_b = batch[0], batch[1]
        rec_a = self.translate(self.translate(real_a), "BtoA")
        rec_b = self.translate(self.translate(real_b, "BtoA"))
        name, distance = self.reconstruction
        self.log_dict({f"val/{name}_a": distance(rec_a, real_a), f"val/{name}_b": distance(rec_b, real_b)},
                      batch_size=len(real_a))
