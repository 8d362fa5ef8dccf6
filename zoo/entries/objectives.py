"""Entries of the objective papers: WGAN, WGAN-GP, LSGAN, f-GAN and the stabilised GANs (issue 4).

Empty on purpose: no model of these papers has been trained to completion and exported yet (the CPU budget of the
first pass went to the tests and the toy mode-collapse bench; see benchmarks/issue4.md). Add a ZooEntry here only
for an export that exists, with the metrics measured on it.
"""
from zoo.registry import ZooEntry

ENTRIES: tuple[ZooEntry, ...] = ()
