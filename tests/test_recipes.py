"""The recipes: every one (overlays included) parses with the zoo's LightningCLI into the classes it names, with its
values; the paper recipes hold the papers' settings (one table); an overlay is its base plus its own keys; no two
recipes train into the same folder; a bad base is refused with a message that says how to fix it."""
from __future__ import annotations

import contextlib
import io
import sys
from operator import attrgetter
from pathlib import Path

import pytest
from jsonargparse import get_loader

from zoo import Zoo, registry
from zoo.bench import run_dir
from zoo.cli import main
from zoo.lightning_cli import lightning_cli
from zoo.nets.text import PAPER_FILTER_SIZES, PAPER_NUM_FILTERS
from zoo.recipes import layers, merge, read_recipe

RECIPES_DIR = Path(__file__).resolve().parents[1] / "recipes"
RECIPES = sorted(p.relative_to(RECIPES_DIR).as_posix() for p in RECIPES_DIR.rglob("*.yaml") if p.parent.name != "bench")
OVERLAYS = [r for r in RECIPES if len(layers(RECIPES_DIR / r)) > 1]
GAN_TOY_MLP = (512, 512, 512)  # the authors' gan_toy.py networks (WGAN-GP code), the toys' paper setting


def length(n: int):
    """An expected value: a container of ``n`` items."""
    return lambda value: len(value) == n


def holds(class_name: str):
    """An expected value: a list holding an instance of ``class_name``."""
    return lambda value: any(type(v).__name__ == class_name for v in value)


# (recipe, attribute of its built LightningCLI, the paper's value): what each paper recipe must keep.
PAPER_SETTINGS = [
    ("classifier/mnist.yaml", "model.__class__.__name__", "DigitClassifier"),
    ("classifier/mnist.yaml", "datamodule.__class__.__name__", "MNISTDataModule"),
    ("cgan/mnist.yaml", "model.__class__.__name__", "CGAN"),
    ("cgan/mnist.yaml", "datamodule.__class__.__name__", "MNISTDataModule"),
    ("cgan/mnist_mlp.yaml", "model.__class__.__name__", "CGAN"),
    ("cgan/mnist_mlp.yaml", "datamodule.__class__.__name__", "MNISTDataModule"),
    ("cgan/mnist_mlp.yaml", "model.hparams.architecture", "mlp"),  # Mirza & Osindero's MLPs, SGD with decay
    ("cgan/mnist_mlp.yaml", "model.hparams.optimizer", "sgd"),
    ("cgan/mnist_mlp.yaml", "model.hparams.lr", 0.1),
    ("cgan/mnist_mlp.yaml", "model.hparams.lr_decay", 1.00004),
    ("infogan/mnist.yaml", "model.__class__.__name__", "InfoGAN"),
    ("infogan/mnist.yaml", "datamodule.__class__.__name__", "MNISTDataModule"),
    ("infogan/mnist.yaml", "model.noise_dim", 62),
    ("infogan/mnist.yaml", "model.categories", 10),
    ("infogan/mnist.yaml", "model.continuous_codes", 2),
    ("infogan/mnist.yaml", "model.hparams.info_weight", 1.0),
    # the authors' run: z ~ U(-1, 1), λ = 1 for the continuous codes too, fresh z and codes for G's update
    ("infogan/mnist.yaml", "model.hparams.noise", "uniform"),
    ("infogan/mnist.yaml", "model.hparams.continuous_weight", 1.0),
    ("infogan/mnist.yaml", "model.hparams.fresh_generator_codes", True),
    ("acgan/mnist.yaml", "model.__class__.__name__", "ACGAN"),
    ("acgan/mnist.yaml", "datamodule.__class__.__name__", "MNISTDataModule"),
    ("acgan/cifar10.yaml", "model.__class__.__name__", "ACGAN"),
    ("acgan/cifar10.yaml", "datamodule.__class__.__name__", "CIFAR10DataModule"),
    ("acgan/cifar10.yaml", "model.hparams.channels", 3),
    ("acgan/cifar10.yaml", "model.hparams.image_size", 32),
    ("sgan/mnist.yaml", "model.__class__.__name__", "SGAN"),
    ("sgan/mnist.yaml", "datamodule.__class__.__name__", "SemiSupervisedMNIST"),
    ("sgan/mnist.yaml", "datamodule.labelled_per_class", 10),  # 100 labels, seeded
    ("sgan/mnist.yaml", "datamodule.seed", 0),
    ("sgan/mnist.yaml", "model.hparams.lr", 0.003),
    ("sgan/mnist.yaml", "model.hparams.betas", (0.5, 0.999)),
    # WGAN, Algorithm 1 and the authors' code: RMSProp 5e-5, c = 0.01, n_critic = 5, 100 warm-up critic steps
    ("wgan/mnist.yaml", "model.__class__.__name__", "WGAN"),
    ("wgan/mnist.yaml", "model.hparams.lr", 5e-5),
    ("wgan/mnist.yaml", "model.hparams.clip_value", 0.01),
    ("wgan/mnist.yaml", "model.hparams.critic_steps", 5),
    ("wgan/mnist.yaml", "model.hparams.warmup_critic_steps", 100),
    ("wgan/mnist.yaml", "model.hparams.generator_width", 64),
    ("wgan/mnist.yaml", "model.hparams.critic_width", 64),
    ("wgan/mnist.yaml", "datamodule.batch_size", 64),
    ("wgan/ring.yaml", "model.hparams.hidden", GAN_TOY_MLP),
    ("wgan/grid.yaml", "model.hparams.hidden", GAN_TOY_MLP),
    # WGAN-GP, Algorithm 1: λ = 10, n_critic = 5, Adam 1e-4 (0, 0.9), z of 128, no BatchNorm in the critic
    ("wgan_gp/mnist.yaml", "model.__class__.__name__", "WGANGP"),
    ("wgan_gp/mnist.yaml", "model.hparams.penalty_weight", 10.0),
    ("wgan_gp/mnist.yaml", "model.hparams.critic_steps", 5),
    ("wgan_gp/mnist.yaml", "model.hparams.lr", 1e-4),
    ("wgan_gp/mnist.yaml", "model.hparams.betas", (0.0, 0.9)),
    ("wgan_gp/mnist.yaml", "model.hparams.latent_dim", 128),
    ("wgan_gp/mnist.yaml", "model.hparams.critic_norm", "layer"),
    ("wgan_gp/mnist.yaml", "model.hparams.generator_width", 64),
    ("wgan_gp/ring.yaml", "model.hparams.penalty_weight", 0.1),  # gan_toy.py: λ = 0.1, Adam 1e-4 (0.5, 0.9)
    ("wgan_gp/ring.yaml", "model.hparams.betas", (0.5, 0.9)),
    ("wgan_gp/ring.yaml", "model.hparams.hidden", GAN_TOY_MLP),
    ("wgan_gp/grid.yaml", "model.hparams.hidden", GAN_TOY_MLP),
    # LSGAN: (a, b, c) = (0, 1, 1) (Eq. 9), Adam 2e-4 (0.5), batch 64
    ("lsgan/mnist.yaml", "model.__class__.__name__", "LSGAN"),
    ("lsgan/mnist.yaml", "model.hparams.a", 0.0),
    ("lsgan/mnist.yaml", "model.hparams.b", 1.0),
    ("lsgan/mnist.yaml", "model.hparams.c", 1.0),
    ("lsgan/mnist.yaml", "model.hparams.lr", 2e-4),
    ("lsgan/mnist.yaml", "model.hparams.betas", (0.5, 0.999)),
    ("lsgan/mnist.yaml", "model.hparams.generator_width", 64),
    ("lsgan/mnist.yaml", "datamodule.batch_size", 64),
    ("lsgan/ring.yaml", "model.hparams.hidden", GAN_TOY_MLP),
    ("lsgan/grid.yaml", "model.hparams.hidden", GAN_TOY_MLP),
    # f-GAN: the KL divergence and the Sec. 3.2 generator loss
    ("fgan/mnist.yaml", "model.__class__.__name__", "FGAN"),
    ("fgan/mnist.yaml", "model.hparams.divergence", "kl"),
    ("fgan/mnist.yaml", "model.hparams.generator_loss", "alternative"),
    ("fgan/ring.yaml", "model.hparams.hidden", GAN_TOY_MLP),
    ("fgan/grid.yaml", "model.hparams.hidden", GAN_TOY_MLP),
    # the stabilised GAN at gan_toy.py's networks, here the unrolled GAN (Metz et al. 2017, K = 5)
    ("regularized/ring.yaml", "model.__class__.__name__", "RegularizedGAN"),
    ("regularized/ring.yaml", "model.hparams.regularizer", "unrolled"),
    ("regularized/ring.yaml", "model.hparams.unroll_steps", 5),
    ("regularized/ring.yaml", "model.hparams.hidden", GAN_TOY_MLP),
    ("regularized/grid.yaml", "model.hparams.regularizer", "unrolled"),
    ("regularized/grid.yaml", "model.hparams.hidden", GAN_TOY_MLP),
    # SeqGAN, Algorithm 1 and the authors' code: the discriminator's filters, 16 roll-outs, β <- θ after each round
    ("seqgan/oracle.yaml", "model.__class__.__name__", "SeqGAN"),
    ("seqgan/oracle.yaml", "model.hparams.filter_sizes", PAPER_FILTER_SIZES),
    ("seqgan/oracle.yaml", "model.hparams.num_filters", PAPER_NUM_FILTERS),
    ("seqgan/oracle.yaml", "model.hparams.num_rollouts", 16),
    ("seqgan/oracle.yaml", "model.hparams.rollout_update_rate", 0.0),
    ("seqgan/oracle.yaml", "model.hparams.adversarial_steps", 200),
    ("seqgan/oracle.yaml", "datamodule.__class__.__name__", "OracleDataModule"),
    ("seqgan/oracle.yaml", "datamodule.num_sequences", 10_000),
    ("seqgan/oracle.yaml", "trainer.callbacks", holds("OracleNLLCallback")),
    ("seqgan/oracle_mle.yaml", "model.hparams.adversarial_steps", 0),  # Table 1's MLE baseline
    ("seqgan/oracle_mle.yaml", "model.hparams.mle_epochs", 200),
    # BiGAN on MNIST (deterministic encoder, z of 50, 1024-unit MLPs); ALI (stochastic encoder) on the toys
    ("bigan/mnist.yaml", "model.__class__.__name__", "BiGAN"),
    ("bigan/mnist.yaml", "model.hparams.stochastic_encoder", False),
    ("bigan/mnist.yaml", "model.hparams.latent_dim", 50),
    ("bigan/mnist.yaml", "model.hparams.encoder_hidden", (1024, 1024)),
    ("bigan/mnist_cpu.yaml", "model.hparams.lr_decay_epochs", 20),  # the authors' 200 + 200 epochs, scaled
    ("bigan/mnist_cpu.yaml", "model.hparams.dropout", 0.2),  # from its base, the paper recipe
    ("bigan/mnist_authors_d_cpu.yaml", "model.hparams.discriminator_z_layer", 2),  # authors' net.py mnist_mlp
    ("bigan/mnist_authors_d_cpu.yaml", "model.hparams.discriminator_batch_norm", True),
    ("bigan/mnist_authors_d_cpu.yaml", "model.hparams.dropout", 0.0),
    ("bigan/mnist_authors_d_cpu.yaml", "model.hparams.lr_decay_epochs", 20),  # from mnist_cpu.yaml
    ("bigan/ring.yaml", "model.__class__.__name__", "BiGAN"),
    ("bigan/ring.yaml", "model.hparams.stochastic_encoder", True),
    ("bigan/grid.yaml", "model.__class__.__name__", "BiGAN"),
    ("bigan/grid.yaml", "model.hparams.stochastic_encoder", True),
    # MIX+GAN: T = 5 generators and discriminators, entropy weight 0.1 (the official defaults)
    *[(f"mixgan/{name}.yaml", attribute, value) for name in ("mnist", "ring", "grid") for attribute, value in (
        ("model.__class__.__name__", "MIXGAN"), ("model.hparams.num_components", 5),
        ("model.hparams.entropy_weight", 0.1), ("model.generator.components", length(5)),
        ("model.discriminators", length(5)))],
    # Pix2Pix (Sec. 3.3, appendix 6.2): U-Net-256, λ_L1 = 100, Adam 2e-4, 286 -> 256 crops, batch 1, 100 + 100 epochs
    ("pix2pix/facades.yaml", "model.hparams.num_downs", 8),
    ("pix2pix/facades.yaml", "model.hparams.lambda_l1", 100.0),
    ("pix2pix/facades.yaml", "model.hparams.lr", 2e-4),
    ("pix2pix/facades.yaml", "model.hparams.n_epochs", 100),
    ("pix2pix/facades.yaml", "model.hparams.n_epochs_decay", 100),
    ("pix2pix/facades.yaml", "datamodule.direction", "BtoA"),
    ("pix2pix/facades.yaml", "datamodule.load_size", 286),
    ("pix2pix/facades.yaml", "datamodule.crop_size", 256),
    ("pix2pix/facades.yaml", "datamodule.batch_size", 1),
    ("pix2pix/facades.yaml", "trainer.max_epochs", 200),
    # CycleGAN (Sec. 4, appendix 7): 9 residual blocks, λ_cyc = 10, identity 0.5, pool of 50, 286 -> 256, batch 1
    ("cyclegan/horse2zebra.yaml", "model.hparams.n_blocks", 9),
    ("cyclegan/horse2zebra.yaml", "model.hparams.lambda_cycle", 10.0),
    ("cyclegan/horse2zebra.yaml", "model.hparams.lambda_identity", 0.5),
    ("cyclegan/horse2zebra.yaml", "model.hparams.pool_size", 50),
    ("cyclegan/horse2zebra.yaml", "datamodule.load_size", 286),
    ("cyclegan/horse2zebra.yaml", "datamodule.crop_size", 256),
    ("cyclegan/horse2zebra.yaml", "datamodule.batch_size", 1),
    ("cyclegan/horse2zebra.yaml", "trainer.max_epochs", 200),
    # DiscoGAN: the paper's losses at 64x64
    ("discogan/horse2zebra.yaml", "model.hparams.variant", "paper"),
    ("discogan/horse2zebra.yaml", "datamodule.crop_size", 64),
]
CPU64 = ["pix2pix/facades_cpu64.yaml", "cyclegan/horse2zebra_cpu64.yaml", "cyclegan/horse2zebra_cpu64_continued.yaml",
         "discogan/horse2zebra_cpu64.yaml"]
EPOCH_BATCHES = {"pix2pix/facades_cpu64.yaml": 400}  # whole epochs: facades' 400 training pairs at batch 1


def plain(value):
    return list(value) if isinstance(value, (list, tuple)) else value


def leaves(tree: dict, prefix: tuple = ()):
    """(key path, value) of every non-mapping value of a nested mapping."""
    for key, value in tree.items():
        yield from leaves(value, (*prefix, key)) if isinstance(value, dict) else [((*prefix, key), value)]


def lookup(tree: dict, path: tuple):
    for key in path:
        tree = tree.get(key) if isinstance(tree, dict) else None
    return tree


def printed_config(recipe: str | Path, monkeypatch) -> dict:
    """What the command ``zoo fit --config RECIPE --print_config`` prints: the resolved config, nothing built."""
    out = io.StringIO()
    monkeypatch.setattr(sys, "argv", ["zoo", "fit", "--config", str(recipe), "--print_config"])
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code in (0, None)
    return get_loader("yaml")(out.getvalue())


def test_every_row_names_a_recipe():
    missing = sorted({recipe for recipe, _, _ in PAPER_SETTINGS} - set(RECIPES))
    assert not missing, f"the settings table names recipes that do not exist: {missing}"


@pytest.mark.parametrize("recipe", RECIPES)
def test_recipe_builds_with_its_values_and_its_papers_settings(recipe, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # nothing is written next to the recipes
    config = read_recipe(RECIPES_DIR / recipe)
    cli = lightning_cli(["fit", "--config", str(RECIPES_DIR / recipe)], run=False)
    assert f"{type(cli.model).__module__}.{type(cli.model).__name__}" == config["model"]["class_path"]
    data_class = config["data"]["class_path"].rsplit(".", 1)[1]
    assert type(cli.datamodule).__name__ == data_class
    for key, value in config["model"].get("init_args", {}).items():  # the recipe's values reach the model
        assert plain(cli.model.hparams[key]) == plain(value), key
    assert cli.trainer.default_root_dir.endswith(config["trainer"]["default_root_dir"])
    assert cli.trainer.max_epochs or cli.trainer.max_steps > 0
    if "data_shape" in config["model"]["init_args"] and hasattr(cli.model, "sample"):
        assert cli.model.sample(2).shape == (2, *config["model"]["init_args"]["data_shape"])
    for row_recipe, attribute, expected in PAPER_SETTINGS:
        if row_recipe == recipe:
            got = attrgetter(attribute)(cli)
            assert expected(got) if callable(expected) else plain(got) == plain(expected), (attribute, got)


@pytest.mark.parametrize("recipe", RECIPES)
def test_recipe_header_says_what_it_is_and_how_to_run_it(recipe):
    lines = (RECIPES_DIR / recipe).read_text().splitlines()
    header = "\n".join(lines[:next(i for i, line in enumerate(lines) if not line.startswith("#"))])
    assert len(header) > 80, f"recipes/{recipe} starts without a comment saying what it trains"
    assert f"zoo fit --config recipes/{recipe}" in header


def test_no_two_recipes_train_into_the_same_folder():
    folders: dict[str, str] = {}
    for recipe in RECIPES:
        folder = read_recipe(RECIPES_DIR / recipe)["trainer"]["default_root_dir"]
        assert folder not in folders, (f"recipes/{recipe} and recipes/{folders[folder]} both train into {folder}: "
                                       f"`--ckpt_path last` would resume one from the other's checkpoint")
        folders[folder] = recipe


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_is_its_base_plus_its_own_keys(overlay, monkeypatch):
    (base, _), (_, own) = layers(RECIPES_DIR / overlay)[-2:]
    resolved, base_resolved = printed_config(RECIPES_DIR / overlay, monkeypatch), printed_config(base, monkeypatch)
    assert resolved == merge(base_resolved, own)

    # it states only what it changes: a paper default stays written once, in the paper recipe
    same = [".".join(key) for key, value in leaves(own)
            if (type(value), plain(value)) == (type(lookup(base_resolved, key)), plain(lookup(base_resolved, key)))]
    assert not same, f"recipes/{overlay} repeats its base's values for {same}; remove those keys"


def test_the_cpu_recipes_of_the_translation_entries_are_overlays_scaled_as_their_entries_say():
    for recipe in CPU64:
        assert recipe in OVERLAYS and "CPU-SCALED" in (RECIPES_DIR / recipe).read_text()
        config = read_recipe(RECIPES_DIR / recipe)
        model, trainer = config["model"]["init_args"], config["trainer"]
        assert config["data"]["init_args"]["crop_size"] == 64
        iterations = trainer["max_epochs"] * trainer.get("limit_train_batches", EPOCH_BATCHES.get(recipe))
        # the entries it trains: directly, or as the first run of a continuation recipe that stands on it
        entries = [e for e in (*Zoo.list(), *registry.planned())
                   if RECIPES_DIR / recipe in [path for path, _ in layers(RECIPES_DIR.parent / e.recipe)]]
        assert entries, f"no entry (shipped or planned) is trained by recipes/{recipe}"
        for entry in entries:  # the entry's description says how long the recipe trains
            assert f"{iterations:,} iterations" in entry.training, (entry.name, entry.training)
        if "n_epochs" in model:  # the linear decay ends with the last epoch
            assert model["n_epochs"] + model["n_epochs_decay"] == trainer["max_epochs"]


def test_an_overlay_merges_into_its_base_and_bench_finds_its_run_folder(tmp_path):
    (tmp_path / "paper.yaml").write_text("model: {class_path: zoo.models.dcgan.DCGAN, init_args: {latent_dim: 100, "
                                         "generator_width: 64}}\ntrainer: {default_root_dir: runs/paper}")
    (tmp_path / "cpu.yaml").write_text("base: paper.yaml\nmodel: {init_args: {generator_width: 8}}\n")
    assert read_recipe(tmp_path / "cpu.yaml") == {
        "model": {"class_path": "zoo.models.dcgan.DCGAN", "init_args": {"latent_dim": 100, "generator_width": 8}},
        "trainer": {"default_root_dir": "runs/paper"}}
    assert run_dir(tmp_path / "cpu.yaml", "x") == Path("runs/paper")  # what `zoo bench` resumes


@pytest.mark.parametrize("overlay, says", [
    ("base: missing.yaml\n", ["missing.yaml", "is not a file", "relative to the overlay's folder",
                              "remove the key"]),
    ("base: [paper.yaml]\n", ["is not a relative path", "e.g. `base: mnist.yaml`"]),
    ("base: bad.yaml\n", ["the bases loop", "bad.yaml -> ", "without a `base:` key"]),
    ("base: paper.yaml\nmodel: {class_path: zoo.models.wgan.WGAN}\n", ["zoo.models.dcgan.DCGAN",
                                                                        "write a full recipe"]),
])
def test_a_bad_overlay_is_refused_naming_the_file_and_the_fix(overlay, says, tmp_path):
    (tmp_path / "paper.yaml").write_text("model: {class_path: zoo.models.dcgan.DCGAN}\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text(overlay)
    with pytest.raises(SystemExit) as exit_info:
        main(["fit", "--config", str(bad)])
    message = str(exit_info.value.code)
    assert message.startswith(f"zoo fit: {bad}")
    for fragment in says:
        assert fragment in message, (fragment, message)
