"""The token-sequence sibling of the adversarial base (SeqGAN): the generator is a policy over tokens, and
``generate(n)`` draws sequences from it.

A sequence model has no noise input (its randomness is the token draws) and no image grid to preview.
"""
from __future__ import annotations

import torch
from torch import Tensor, nn

from zoo.core.module import AdversarialModule, check_count


class SequenceGANModule(AdversarialModule):
    """Base of the token-sequence models: ``generate(n)``.

    Args:
        generator: the policy, a network with ``sample(n, generator)`` that returns (n, seq_len) token ids.
    """

    verbs = ("generate",)

    def __init__(self, generator: nn.Module) -> None:
        super().__init__(generator, sample_every_n_steps=0, num_fixed_samples=0)

    @torch.no_grad()
    def generate(self, n: int, *, generator: torch.Generator | None = None) -> Tensor:
        """Draw ``n`` sequences from the generator. Returns (n, seq_len) int64 token ids."""
        check_count(n)
        return self.generator.sample(n, generator)
