"""Entries of the foundation papers: GAN (Goodfellow et al. 2014) and DCGAN (Radford et al. 2015)."""
from zoo.registry import ZooEntry

ENTRIES: tuple[ZooEntry, ...] = ()
