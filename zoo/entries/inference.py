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
    ZooEntry(
        name="seqgan-oracle",
        model_class="zoo.models.seqgan.SeqGAN",
        paper=SEQGAN_PAPER,
        arxiv="1609.05473",
        dataset="SeqGAN oracle (10,000 sequences of length 20)",
        split="train",
        recipe="recipes/seqgan/oracle.yaml",
        license="Apache-2.0 (weights); the oracle's parameters are random numbers published with the paper's code",
        origin="trained here",
        num_parameters=7_710_577,
        metrics={"nll_oracle": 8.971},
        protocol={**ORACLE_PROTOCOL, "seed": 1, "training": "20 MLE epochs, 600 D steps, 15 policy updates with "
                  "4 roll-outs and 5 D steps each (paper: 120 / ~23,400 / 200 / 16 / ~2,340), CPU; its MLE start "
                  "(mle-oracle) scores 9.040"},
        checksums={"model.safetensors": "530596083cdf70b7e8a806d9263f12fe1e77f5360aea3bce58e712e050bc7feb"},
    ),
    ZooEntry(
        name="mixgan-ring",
        model_class="zoo.models.mixgan.MIXGAN",
        paper="Generalization and Equilibrium in Generative Adversarial Nets (MIX+GAN)",
        arxiv="1703.00573",
        dataset="ring of 8 Gaussians (sigma 0.01)",
        split="train",
        recipe="recipes/mixgan/ring.yaml",
        license="Apache-2.0",
        origin="trained here",
        num_parameters=174_745,
        metrics={"modes_covered": 8, "high_quality": 0.929, "reverse_kl": 0.0055},
        protocol={**TOY_PROTOCOL, "seed": 123, "training": "T = 5, entropy weight 0.1, 2,000 batches of 256, "
                  "Adam 1e-3; the single GAN with the same networks and updates: 8 modes, 0.320, 0.524"},
        checksums={"model.safetensors": "22336a68ee5dc7b6001675fa565dc69e7802318d45c86e2502fbfe61a69b9503"},
    ),
)
