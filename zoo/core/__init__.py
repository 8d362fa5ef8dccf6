"""Shared mechanics: the base module, adversarial losses, regularisers and callbacks."""
from zoo.core.module import DivergenceBounds, DivergenceError, GANModule, NonFiniteLossError, ZooModel

__all__ = ["DivergenceBounds", "DivergenceError", "GANModule", "NonFiniteLossError", "ZooModel"]
