"""History of generated images (Shrivastava et al. 2017, Sec. 2.3), used by CycleGAN (Zhu et al. 2017, Sec. 4).

The discriminator is updated with a mix of the newest generated images and ones generated earlier, which reduces
model oscillation. Once the pool holds ``size`` images, each new image is, with probability 1/2, swapped for a
stored one (which is returned instead); otherwise it is returned as is and the pool is left unchanged.
"""
from __future__ import annotations

import torch
from torch import Tensor


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
            generator: torch RNG for the coin flips and choices (CPU), for reproducible tests.
        """
        if self.size == 0:
            return images.detach()
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
