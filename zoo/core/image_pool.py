"""History of generated images (Shrivastava et al. 2017, Sec. 2.3), used by CycleGAN (Zhu et al. 2017, Sec. 4).

The discriminator is updated with a mix of the newest generated images and ones generated earlier, which reduces
model oscillation. Once the pool holds ``size`` images, each new image is, with probability 1/2, swapped for a
stored one (which is returned instead); otherwise it is returned as is and the pool is left unchanged.

An exact resume needs the stored images: a resumed run whose pools start empty feeds its discriminators other
images than the uninterrupted run. ``ImagePoolCheckpoint`` keeps them in the Lightning checkpoint only; the pool is
no part of the module's ``state_dict``, so exports (``model.safetensors``) hold the networks alone. The coin flips
and choices come from the global torch RNG unless a generator is passed, and ``ZooModel`` (``zoo.core.module``)
restores that RNG from the checkpoint (``zoo.core.resume``).
"""
from __future__ import annotations

from typing import Any

import torch
from torch import Tensor

CHECKPOINT_KEY = "zoo_image_pools"


class ImagePool:
    """A buffer of at most ``size`` generated images (CycleGAN: 50 per discriminator; 0 disables it).

    Args:
        size: capacity of the pool.
    """

    def __init__(self, size: int = 50) -> None:
        if size < 0:
            raise ValueError(f"size={size} must be >= 0 (CycleGAN uses 50; 0 turns the pool off).")
        self.size = size
        self.images: list[Tensor] = []

    def __len__(self) -> int:
        return len(self.images)

    @torch.no_grad()
    def query(self, images: Tensor, generator: torch.Generator | None = None) -> Tensor:
        """Return a batch of the same shape: each image is the new one or, once the pool is full, an old one (p ½).

        Args:
            images: (N, C, H, W) freshly generated images (they are stored detached).
            generator: torch RNG for the coin flips and choices (CPU); None draws from the global torch RNG.
        """
        if self.size == 0:
            return images.detach()
        if self.images and self.images[0].device != images.device:  # restored from a run on another device
            self.images = [image.to(images.device) for image in self.images]
        out = []
        for image in images.detach():
            if len(self.images) < self.size:  # fill the pool first, returning the new image
                self.images.append(image.clone())
                out.append(image)
            elif torch.rand((), generator=generator) < 0.5:  # return an old image and keep the new one
                i = int(torch.randint(self.size, (), generator=generator))
                out.append(self.images[i].clone())
                self.images[i] = image.clone()
            else:  # return the new image, pool unchanged
                out.append(image)
        return torch.stack(out)

    def state_dict(self) -> dict[str, Any]:
        """The stored images, in order (their slots decide which one a later swap replaces), as plain tensors."""
        return {"size": self.size, "images": list(self.images)}  # never changed in place: no copies

    def load_state_dict(self, state: dict[str, Any]) -> None:
        images = list(state["images"])
        if len(images) > self.size:
            raise ValueError(f"the saved pool holds {len(images)} images but this pool's size is {self.size}; "
                             f"resume with the size it was saved with (pool_size={state.get('size')}).")
        self.images = images


def image_pools(model: Any) -> dict[str, ImagePool]:
    """The pools held as attributes of ``model``, by attribute name."""
    return {name: value for name, value in vars(model).items() if isinstance(value, ImagePool)}


class ImagePoolCheckpoint:
    """LightningModule mixin (listed before the module's base): every ``ImagePool`` attribute is saved in the
    Lightning checkpoint under ``"zoo_image_pools"`` and restored from it, so a resumed run continues with the
    history the interrupted one had. Checkpoints written before pools were saved load with empty pools, which
    refill in ``size`` updates, as such a resume always did."""

    def on_save_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        super().on_save_checkpoint(checkpoint)
        checkpoint[CHECKPOINT_KEY] = {name: pool.state_dict() for name, pool in image_pools(self).items()}

    def on_load_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        super().on_load_checkpoint(checkpoint)
        saved, pools = checkpoint.get(CHECKPOINT_KEY), image_pools(self)
        if saved is None:
            return
        if set(saved) != set(pools):
            raise ValueError(f"the checkpoint holds image pools {sorted(saved)} but {type(self).__name__} has "
                             f"{sorted(pools)}; resume it with the model class it was saved from.")
        for name, state in saved.items():
            pools[name].load_state_dict(state)
