"""Entries of the inference, sequence and mixture papers: SeqGAN (Yu et al. 2017), MIX+GAN (Arora et al. 2017).

Only models that were trained and exported here are listed, with the numbers measured on them (benchmarks/issue7.md).
"""
from zoo.metrics.oracle import ORACLE_PROTOCOL
from zoo.metrics.toy import TOY_PROTOCOL
from zoo.registry import ZooEntry

SEQGAN_PAPER = "SeqGAN: Sequence Generative Adversarial Nets with Policy Gradient"

ENTRIES: tuple[ZooEntry, ...] = (
    ZooEntry(
        name="mle-oracle",
        model_class="zoo.models.seqgan.SeqGAN",
        paper=SEQGAN_PAPER + " (MLE baseline)",
        arxiv="1609.05473",
        dataset="SeqGAN oracle (10,000 sequences of length 20)",
        split="train",
        recipe="recipes/seqgan/oracle_mle.yaml",
        license="Apache-2.0 (weights); the oracle's parameters are random numbers published with the paper's code",
        origin="trained here",
        num_parameters=7_710_577,
        metrics={"nll_oracle": 9.040},
        protocol={**ORACLE_PROTOCOL, "seed": 1, "training": "20 MLE epochs (paper: 120), CPU"},
        checksums={"model.safetensors": "f1ed53493f1e6d4ab1343c4ef22235f47043586db73e90c2548d524a9c0b6123"},
    ),
)
