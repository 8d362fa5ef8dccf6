"""What several entry families share: data terms, Hub dataset ids and evaluation specs."""
from __future__ import annotations

ENTRIES = PLANNED = ()  # this module declares no entry of its own

MNIST = ("mnist",)
MNIST_TERMS = "MNIST (LeCun, Cortes & Burges), usually cited as CC BY-SA 3.0."
TOY_TERMS = "Synthetic: drawn by zoo.data.ToyMixtureDataModule."
IMAGENET_TERMS = "horse2zebra: ImageNet images (non-commercial research use)."

# one MNIST FID protocol for every MNIST generator: 5,000 samples (seed 0) against all 10,000 test images
MNIST_FID = {"kind": "fid", "reference": "mnist-test", "num_samples": 5000, "num_reference": 10000, "seed": 0}


def modes(mixture: str) -> dict:
    """PacGAN's mode statistics of 2,500 samples on the ring or the grid."""
    return {"kind": "modes", "mixture": mixture, "num_samples": 2500, "seed": 0}
