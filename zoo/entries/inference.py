"""Entries of the inference, sequence and mixture papers: BiGAN (Donahue et al. 2016), SeqGAN (Yu et al. 2017),
MIX+GAN (Arora et al. 2017).

Only models that were trained and exported here are listed, with the numbers measured on them (benchmarks/issue7.md).
"""
from zoo.metrics.oracle import ORACLE_PROTOCOL
from zoo.metrics.toy import TOY_PROTOCOL
from zoo.entries.objectives import MNIST_LICENSE, MNIST_PROTOCOL, TOY_LICENSE
from zoo.registry import ZooEntry

MIXGAN_PAPER = "Generalization and Equilibrium in Generative Adversarial Nets (MIX+GAN)"
MIXGAN_MNIST_COMMAND = "bash benchmarks/scripts/mixgan_mnist_vs_gan.sh (recipes/mixgan/mnist_cpu.yaml)"

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
    ZooEntry(
        name="mixgan-grid",
        model_class="zoo.models.mixgan.MIXGAN",
        paper=MIXGAN_PAPER,
        arxiv="1703.00573",
        dataset="grid of 25 Gaussians",
        split="train",
        recipe="recipes/mixgan/grid.yaml",
        license="Apache-2.0",
        origin="trained here",
        num_parameters=174_745,
        metrics={"modes_covered": 25, "high_quality": 0.3228, "reverse_kl": 0.332},
        protocol={**TOY_PROTOCOL, "seed": 123, "training": "T = 5, entropy weight 0.1, 2,000 batches of 256, "
                  "Adam 1e-3; the single GAN with the same networks and updates: 14 modes, 0.017, 0.907"},
        checksums={"model.safetensors": "2695c1f3b839a79acb5a9d23cdcba2446fa34d2e47bdce43715813b157a82ecb"},
        paper_metrics={"modes_covered (PacGAN Table 1, GAN)": 17.3},
        training="142 s on one CPU thread: `python benchmarks/scripts/toy_modes.py mixgan grid --steps 2000 "
                 "--lr 0.001 --export $ZOO_HUB/mixgan-grid`",
        limitations="One seed. Equal updates, not equal compute: the five generators and 25 discriminator "
                    "evaluations of fakes per batch cost about 5x the single GAN (27 s for the same 2,000 batches).",
        data_license=TOY_LICENSE,
    ),
    ZooEntry(
        name="mixgan-mnist",
        model_class="zoo.models.mixgan.MIXGAN",
        paper=MIXGAN_PAPER,
        arxiv="1703.00573",
        dataset="MNIST",
        split="train",
        recipe="recipes/mixgan/mnist_cpu.yaml",
        license="Apache-2.0",
        origin="trained here",
        num_parameters=1_918_260,
        metrics={"fid": 72.27, "kid": 0.0650},
        protocol={**MNIST_PROTOCOL, "wall_time_s": 509.4, "train_wall_time_s": 1075,
                  "command": MIXGAN_MNIST_COMMAND},
        checksums={"model.safetensors": "06443341fda1b12ad44b72acbac742686776afa256f4751be63f1383995e17b7"},
        training="One epoch (937 batches of 64) of T = 5 DCGAN pairs of width 32 over the non-saturating "
                 "objective, entropy weight 0.1: 1,075 s on one CPU thread, then 509 s for FID/KID.",
        limitations="CPU-scaled (width 32 instead of 64, one epoch). The paper reports CIFAR-10 Inception scores, "
                    "not MNIST FID. At the same number of updates a single GAN (T = 1) scores FID 113.3; given the "
                    "same wall time (1,090 s, 11,481 updates, 12 epochs) a single GAN scores FID 26.0, better than this mixture.",
        data_license=MNIST_LICENSE,
    ),
    ZooEntry(
        name="bigan-mnist",
        model_class="zoo.models.bigan.BiGAN",
        paper="Adversarial Feature Learning (BiGAN)",
        arxiv="1605.09782",
        dataset="MNIST (permutation-invariant)",
        split="train (60,000); 1-NN measured on test (10,000)",
        recipe="recipes/bigan/mnist_cpu.yaml",
        license="Apache-2.0",
        origin="trained here",
        num_parameters=5_719_875,
        metrics={"one_nn_accuracy_cosine": 0.9547, "one_nn_accuracy_euclidean": 0.9533,
                 "reconstruction_mse_test": 0.2655},
        protocol={"metric": "1-NN accuracy of E(x) (BiGAN Table 1): each of the 10,000 test digits takes the label of "
                  "its nearest training digit in E's 50-d feature space (all 60,000 training digits)",
                  "controls": "raw pixels 0.9691 (euclidean); the same encoder untrained 0.9265 (cosine)",
                  "reconstruction_mse_test": "mean (G(E(x)) - x)^2 over the first 1,000 test digits, in [-1, 1]",
                  "command": "python benchmarks/scripts/bigan_mnist.py --width 1024 --minutes 70 --export "
                             "$ZOO_HUB/bigan-mnist"},
        checksums={"model.safetensors": "a1696fa9dcef96adc0bf8bab50b79932a51a3e11ce8ec281153e738f63995bec"},
        paper_metrics={"one_nn_accuracy_cosine (BiGAN Table 1, its one 1-NN value, 400 epochs)": 0.9739,
                       "one_nn_accuracy_euclidean (BiGAN Table 1, its one 1-NN value, 400 epochs)": 0.9739},
        training="74 epochs (34,432 updates of each player, batch 128) in 70 minutes of one CPU thread, the paper's "
                 "networks (G, E, D: two hidden layers of 1,024; BatchNorm in G and E) and Adam 2e-4 / beta1 0.5 / "
                 "weight decay 2.5e-5.",
        limitations="74 of the paper's 400 epochs, without its learning-rate decay: 1-NN accuracy 95.5% against the "
                    "paper's 97.39%, and still below raw pixels (96.9%) on this check; the encoder is 2.8 points "
                    "better than the same encoder untrained. Reconstructions keep the digit's class and pose "
                    "for most test digits, not its exact strokes.",
        data_license=MNIST_LICENSE,
    ),
)
