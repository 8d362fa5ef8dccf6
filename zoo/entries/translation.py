"""Entries of the image-to-image papers: Pix2Pix (Isola et al. 2017), CycleGAN (Zhu et al. 2017), DiscoGAN (Kim et al.
2017). Trained here on one CPU thread with scaled-down recipes (64x64 images, narrow networks), which their names
(``-64px``), ``dataset`` field and cards say plainly. The papers' names (``cyclegan-horse2zebra``) are aliases that
load them with a warning until a model at the papers' settings (the recipes without ``_cpu64``) is trained."""
from zoo.entries.common import IMAGENET_TERMS
from zoo.schema import ZooEntry

HORSE2ZEBRA = {"kind": "translation", "dataset": "horse2zebra", "size": 64}

ENTRIES: tuple[ZooEntry, ...] = (
    ZooEntry(
        name="cyclegan-horse2zebra-64px", aliases=("cyclegan-horse2zebra",), model_class="zoo.models.cyclegan.CycleGAN",
        verb="translate", paper="Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial Networks",
        arxiv="1703.10593", dataset="horse2zebra, both directions (CPU-scaled: 64x64, 6 blocks of width 16)",
        split="trainA/trainB (1,067/1,334 images)", recipe="recipes/cyclegan/horse2zebra_cpu64_continued.yaml",
        license="apache-2.0", datasets=("huggan/horse2zebra",), data_terms=IMAGENET_TERMS, evaluation=HORSE2ZEBRA,
        paper_metrics={"fid_horse2zebra (official model, 256 px)": 62.1},
        training="The paper's losses, pool and optimiser at 64x64 with width-16 networks, in two runs, each with the "
                 "paper's schedule shape (constant rate, then linear decay to zero) in epochs of 100 iterations at "
                 "batch 1: 60 + 60 epochs (recipes/cyclegan/horse2zebra_cpu64.yaml, 12,000 iterations), then all four "
                 "networks continued from those weights with fresh Adam state for 190 + 190 epochs (38,000 "
                 "iterations): 50,000 iterations in all, about 47 passes over the 1,067 horses (the paper: 200 passes "
                 "at 256 px).",
        limitations="64x64 and narrow networks on a CPU budget: far from the paper's 256 px quality. The published "
                    "FID is at 256 px and not comparable. Its first run was trained before the schedule's decay was "
                    "aligned with the paper: that decay began one 100-iteration epoch later (factor "
                    "min(1, (120 - e) / 60) in epoch e), so a rerun of the first recipe differs slightly."),
    ZooEntry(
        name="pix2pix-facades-64px", aliases=("pix2pix-facades",), model_class="zoo.models.pix2pix.Pix2Pix",
        verb="translate", paper="Image-to-Image Translation with Conditional Adversarial Networks", arxiv="1611.07004",
        dataset="facades labels -> photo (CPU-scaled: 64x64, width 32)", split="train (400 pairs)",
        recipe="recipes/pix2pix/facades_cpu64.yaml", license="apache-2.0", datasets=("huggan/facades",),
        data_terms="CMP Facade Database: research use.",
        evaluation={"kind": "translation", "dataset": "facades", "size": 64},
        paper_metrics={"fid (256 px)": 119.1},
        training="The paper's losses and its full schedule, 100 epochs at the initial rate + 100 of linear decay "
                 "over the 400 training pairs (80,000 iterations at batch 1), at 64x64 with width-32 networks.",
        limitations="64x64 and narrow networks on a CPU budget (the paper: 256x256, width 64). The published FID "
                    "is at 256 px and not comparable."),
    ZooEntry(
        name="discogan-horse2zebra-64px", aliases=("discogan-horse2zebra",), model_class="zoo.models.discogan.DiscoGAN",
        verb="translate", paper="Learning to Discover Cross-Domain Relations with Generative Adversarial Networks",
        arxiv="1703.05192", dataset="horse2zebra, both directions (CPU-scaled: 64x64, width 16, batch 8)",
        split="trainA/trainB (1,067/1,334 images)", recipe="recipes/discogan/horse2zebra_cpu64.yaml",
        license="apache-2.0", datasets=("huggan/horse2zebra",), data_terms=IMAGENET_TERMS, evaluation=HORSE2ZEBRA,
        training="The paper's reconstruction and GAN losses at 64x64, width-16 networks, batch 8, 100 epochs of 100 "
                 "iterations (10,000 iterations).",
        limitations="Narrow networks on a CPU budget (10,000 iterations at batch 8, about 60 passes over the horses): "
                    "its translations score a worse FID than the untranslated inputs in both directions."),
)

PLANNED: tuple[ZooEntry, ...] = ()
