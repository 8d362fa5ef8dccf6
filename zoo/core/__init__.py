"""Shared mechanics: the base module, adversarial losses, regularisers and callbacks."""
from zoo.core.module import GANModule, NonFiniteLossError

__all__ = ["GANModule", "NonFiniteLossError"]
