"""Entries of issue 5: the MNIST judge classifier and the label/code-conditioned GANs trained here.

Only exports that were made (in $ZOO_HUB) and measured are listed; numbers come from benchmarks/issue5.md.
"""
from zoo.registry import ZooEntry

ENTRIES: tuple[ZooEntry, ...] = ()
