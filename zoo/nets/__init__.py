"""Architectures shared across papers. Algorithms live in zoo.models."""
from zoo.nets.dcgan import DCGANDiscriminator, DCGANGenerator, dcgan_init
from zoo.nets.mlp import MLP, MaxoutDiscriminator, Maxout, MLPDiscriminator, MLPGenerator

__all__ = ["DCGANDiscriminator", "DCGANGenerator", "dcgan_init", "MLP", "Maxout", "MaxoutDiscriminator",
           "MLPDiscriminator", "MLPGenerator"]
