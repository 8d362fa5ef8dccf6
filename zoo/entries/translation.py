"""Entries of the image-to-image papers: Pix2Pix (Isola et al. 2017), CycleGAN (Zhu et al. 2017), DiscoGAN (Kim et al.
2017). All three were trained here on one CPU thread with scaled-down recipes (64x64 images, narrow networks,
7,000-20,000 iterations), which their names (``-64px``), ``dataset`` field and cards say plainly. The papers' names
(``cyclegan-horse2zebra``) are aliases that load them with a warning until a model at the papers' settings (the
recipes without ``_cpu64``) is trained. Numbers and protocols: benchmarks/issue6.md and each export's results.json.
"""
from zoo.registry import ZooEntry

FID_PROTOCOL = {
    "feature_extractor": "torchmetrics NoTrainInceptionV3 'inception-v3-compat' pool3 (2048-d), weights "
                         "inception-2015-12-05",
    "resize": "bicubic to 64x64 (the training size), then bilinear antialiased to 299x299",
    "dtype": "float32 features, float64 statistics",
}

ENTRIES: tuple[ZooEntry, ...] = (
    ZooEntry(
        name="pix2pix-facades-64px",
        aliases=("pix2pix-facades",),  # the paper-setting name, until a 256 px model is trained
        model_class="zoo.models.pix2pix.Pix2Pix",
        paper="Image-to-Image Translation with Conditional Adversarial Networks",
        arxiv="1611.07004",
        dataset="facades labels -> photo (CPU-scaled: 64x64, width 32, 20,000 iterations)",
        split="train (400 pairs)",
        recipe="recipes/pix2pix/facades_cpu64.yaml",
        license="Apache-2.0 (weights); CMP Facade Database: research use",
        origin="trained here",
        num_parameters=8_011_268,
        metrics={"fid": 258.06, "l1": 0.3415},
        protocol={**FID_PROTOCOL, "test_set": "facades test, 106 label maps -> photos vs the 106 real photos",
                  "translate_mode": "paper (dropout, per-image batch statistics), seed 0",
                  "l1": "mean |G(x) - y|, images in [-1, 1]"},
        checksums={"model.safetensors": "ddfcf44839160c5f83a6be0998215277d0da1f9d5a030983869af13a12d81f4e"},
    ),
    ZooEntry(
        name="cyclegan-horse2zebra-64px",
        aliases=("cyclegan-horse2zebra",),  # the paper-setting name, until a 256 px model is trained
        model_class="zoo.models.cyclegan.CycleGAN",
        paper="Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial Networks",
        arxiv="1703.10593",
        dataset="horse2zebra, both directions (CPU-scaled: 64x64, 6 blocks of width 16, 7,000 iterations)",
        split="trainA/trainB (1,067/1,334 images)",
        recipe="recipes/cyclegan/horse2zebra_cpu64.yaml",
        license="Apache-2.0 (weights); horse2zebra: ImageNet terms (non-commercial research)",
        origin="trained here",
        num_parameters=1_338_344,
        metrics={"fid_horse2zebra": 263.02, "fid_zebra2horse": 280.96, "cycle_l1_horse": 0.1750,
                 "cycle_l1_zebra": 0.2000},
        protocol={**FID_PROTOCOL, "test_set": "testA (120 horses) -> vs testB (140 zebras), and testB -> vs testA",
                  "baseline": "untranslated inputs vs the targets: FID 203.14",
                  "cycle": "mean |F(G(x)) - x|, images in [-1, 1]"},
        checksums={"model.safetensors": "b4ec5860579701c4822017302f98c97d77a301bc3d4be22eb11b3c02f18d4dbe"},
    ),
    ZooEntry(
        name="discogan-horse2zebra-64px",
        aliases=("discogan-horse2zebra",),  # the paper-setting name, until a 256 px model is trained
        model_class="zoo.models.discogan.DiscoGAN",
        paper="Learning to Discover Cross-Domain Relations with Generative Adversarial Networks",
        arxiv="1703.05192",
        dataset="horse2zebra, both directions (CPU-scaled: 64x64, width 16, batch 8, 10,000 iterations)",
        split="trainA/trainB (1,067/1,334 images)",
        recipe="recipes/discogan/horse2zebra_cpu64.yaml",
        license="Apache-2.0 (weights); horse2zebra: ImageNet terms (non-commercial research)",
        origin="trained here",
        num_parameters=1_043_136,
        metrics={"fid_horse2zebra": 290.99, "fid_zebra2horse": 276.76, "recon_mse_horse": 0.3670,
                 "recon_mse_zebra": 0.3040},
        protocol={**FID_PROTOCOL, "test_set": "testA (120 horses) -> vs testB (140 zebras), and testB -> vs testA",
                  "baseline": "untranslated inputs vs the targets: FID 203.14",
                  "reconstruction": "mean (G_BA(G_AB(x)) - x)^2, images in [-1, 1]", "variant": "paper"},
        checksums={"model.safetensors": "54bad726a5923b30215e1ed11696508714b2781b91e9d10cc12cf92398bd6cf9"},
    ),
)
