"""Shared mechanics: the base module, adversarial losses, regularisers and callbacks."""
from zoo.core.module import (AdversarialModule, DivergenceBounds, DivergenceError, GANModule, NonFiniteLossError,
                             ZooModel)

__all__ = ["AdversarialModule", "DivergenceBounds", "DivergenceError", "GANModule", "NonFiniteLossError", "ZooModel"]
