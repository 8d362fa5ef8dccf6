"""Entries of the foundation papers: GAN (Goodfellow et al. 2014) and DCGAN (Radford et al. 2015).

Metrics and checksums are those of the reference exports made by ``zoo bench recipes/bench/first-entries.yaml``
(see BENCHMARKS.md); the entries are not pushed to the Hub yet, so they load from ``$ZOO_HUB``.
"""
from zoo.entries.measured import measured
from zoo.registry import ZooEntry

GAN_PAPER = ("Generative Adversarial Nets", "1406.2661")
DCGAN_PAPER = ("Unsupervised Representation Learning with Deep Convolutional Generative Adversarial Networks",
               "1511.06434")
MNIST_LICENSE = "MNIST (LeCun, Cortes & Burges), usually cited as CC BY-SA 3.0."
DIGITS_LICENSE = "scikit-learn's copy of the UCI optical recognition of handwritten digits data (CC BY 4.0)."

def _entry(name, cls, paper, dataset, split, recipe, params, **kw) -> ZooEntry:
    found = measured(name)
    return ZooEntry(name=name, model_class=cls, paper=paper[0], arxiv=paper[1], dataset=dataset, split=split,
                    recipe=recipe, license="MIT", origin="trained here", num_parameters=params,
                    metrics=found.get("metrics", {}), protocol=found.get("protocol", {}),
                    checksums=found.get("checksums", {}), **kw)


ENTRIES: tuple[ZooEntry, ...] = (
    _entry("gan-ring", "zoo.models.gan.GAN", GAN_PAPER, "ring of 8 Gaussians", "train", "recipes/gan/ring.yaml",
           83587, paper_metrics={"modes_covered (PacGAN Table 2, GAN)": 6.3,
                                 "high_quality (PacGAN Table 2, GAN)": 0.982},
           training="20 epochs of 250 batches of 256 (5,000 updates of each player): 116 s on one thread of a shared "
                    "2-core CPU.",
           data_license="Synthetic (drawn by zoo.data.ToyMixtureDataModule).",
           limitations="A toy: 2-D points, not images. Mode statistics vary between seeds."),
    _entry("dcgan-digits", "zoo.models.dcgan.DCGAN", DCGAN_PAPER, "scikit-learn digits", "train",
           "recipes/dcgan/digits.yaml", 536418, data_license=DIGITS_LICENSE,
           training="100 epochs of 23 batches of 64: 700 s on one thread of a shared 2-core CPU.",
           limitations="8x8 digits upsampled to 32x32: blurry by construction. The FID reference is the training "
                       "split itself (its first 500 images, against 500 samples; the set has no larger held-out split)."),
    _entry("gan-mnist", "zoo.models.gan.GAN", GAN_PAPER, "MNIST", "train", "recipes/gan/mnist.yaml", 3735425,
           paper_metrics={"fid (Lucic et al. 2018, best of search, NS GAN)": 6.8,
                          "fid (Lucic et al. 2018, best of search, MM GAN)": 9.8},
           data_license=MNIST_LICENSE, training="10 epochs of 600 batches of 100: 481 s on one thread of a shared "
                                                "2-core CPU.",
           limitations="MLP players: blurrier strokes than convolutional models. Adam instead of the paper's SGD; "
                       "10 epochs. Lucic et al.'s numbers use 10k samples, ours 5k (FID is biased upwards at "
                       "smaller sample sizes)."),
    _entry("dcgan-mnist", "zoo.models.dcgan.DCGAN", DCGAN_PAPER, "MNIST", "train", "recipes/dcgan/mnist.yaml",
           898370, paper_metrics={"fid (Lucic et al. 2018, best of search, NS GAN)": 6.8},
           data_license=MNIST_LICENSE,
           training="12 epochs of 937 batches of 64, run as 5 epochs (886 s) then resumed with --ckpt_path last for 7 "
                    "more (1,277 s), on one thread of a shared 2-core CPU.",
           limitations="12 epochs at batch 64 with 64-channel nets (the paper: batch 128, wider nets). Lucic et "
                       "al.'s numbers use 10k samples, ours 5k (FID is biased upwards at smaller sample sizes)."),
)
