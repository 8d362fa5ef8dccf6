"""Exact resume: ``zoo fit`` stopped and resumed with ``--ckpt_path last`` ends with the weights, optimizer states,
loop counters and RNG state of the same run made in one go, mid-epoch and at an epoch boundary; the training
loaders shuffle like plain shuffled DataLoaders and resume mid-epoch; CycleGAN's image history pools resume with the
images they held."""
from __future__ import annotations

import textwrap

import pytest
import torch
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from zoo.cli import main
from zoo.data.resumable import ResumableDataLoader, ResumableRandomSampler

# 48 training digits in batches of 16: 3 batches (6 optimizer steps, D then G) per epoch
RECIPE = textwrap.dedent("""
    seed_everything: 0
    model:
      class_path: zoo.models.dcgan.DCGAN
      init_args:
        image_size: 28
        channels: 1
        latent_dim: 8
        generator_width: 4
        discriminator_width: 4
        ema_decay: 0.9
        sample_every_n_steps: 0
    data:
      class_path: zoo.data.DigitsDataModule
      init_args:
        image_size: 28
        batch_size: 16
        test_size: 1749
    trainer:
      accelerator: cpu
      devices: 1
      logger: false
      enable_progress_bar: false
      enable_model_summary: false
      limit_val_batches: 0
""")


# CycleGAN on 4 + 4 random 20 px images cropped to 16 px, batches of 1: 4 batches (8 optimizer steps, G then D) per
# epoch; pools of 3 images, so they are full after 3 batches and swap images from then on
CYCLEGAN_RECIPE = textwrap.dedent("""
    seed_everything: 0
    model:
      class_path: zoo.models.cyclegan.CycleGAN
      init_args:
        n_blocks: 1
        generator_width: 4
        discriminator_width: 4
        discriminator_layers: 2
        pool_size: 3
        n_epochs: 1
        n_epochs_decay: 2
        sample_every_n_steps: 0
        num_fixed_samples: 0
    data:
      class_path: zoo.data.translation.UnpairedImageDataModule
      init_args:
        load_size: 20
        crop_size: 16
        batch_size: 1
        cache: true
""") + RECIPE[RECIPE.index("trainer:"):]  # the same trainer settings


def fit(tmp_path, run: str, *args: str, recipe_text: str = RECIPE) -> dict:
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(recipe_text)
    main(["fit", "--config", str(recipe), f"--trainer.default_root_dir={tmp_path / run}", *args])
    return torch.load(tmp_path / run / "checkpoints" / "last.ckpt", weights_only=True)


def assert_same_run(one_go: dict, resumed: dict) -> None:
    differ = [k for k, v in one_go["state_dict"].items() if not torch.equal(v, resumed["state_dict"][k])]
    assert not differ, f"{len(differ)} of {len(one_go['state_dict'])} tensors differ, e.g. {differ[:3]}"
    for a, b in zip(one_go["optimizer_states"], resumed["optimizer_states"]):
        for key, state in a["state"].items():
            assert all(torch.equal(v, b["state"][key][name]) for name, v in state.items())
    assert (one_go["global_step"], one_go["epoch"]) == (resumed["global_step"], resumed["epoch"])
    loops_a, loops_b = one_go["loops"]["fit_loop"], resumed["loops"]["fit_loop"]
    assert loops_a["epoch_progress"] == loops_b["epoch_progress"]
    assert loops_a["epoch_loop.batch_progress"] == loops_b["epoch_loop.batch_progress"]  # no extra batch
    assert torch.equal(one_go["zoo_rng"]["torch"], resumed["zoo_rng"]["torch"])  # the same draws, in order


@pytest.mark.parametrize("stop, total, extra", [
    (10, 20, []),                                  # stopped mid-epoch (epoch 1, after its 2nd batch)
    (12, 16, []),                                  # stopped at the end of epoch 1
    (12, 20, ["--trainer.limit_val_batches=2"]),   # ... with validation (which draws noise) at every epoch end
], ids=["mid-epoch", "epoch-boundary", "epoch-boundary-with-validation"])
def test_resumed_fit_is_the_uninterrupted_fit_bit_for_bit(tmp_path, stop, total, extra):
    one_go = fit(tmp_path, "one_go", f"--trainer.max_steps={total}", *extra)
    fit(tmp_path, "resumed", f"--trainer.max_steps={stop}", *extra)
    resumed = fit(tmp_path, "resumed", f"--trainer.max_steps={total}", "--ckpt_path=last", *extra)
    assert one_go["global_step"] == total
    assert_same_run(one_go, resumed)


def test_resumed_fit_by_epochs_is_the_uninterrupted_fit(tmp_path):
    one_go = fit(tmp_path, "one_go", "--trainer.max_epochs=3")
    fit(tmp_path, "resumed", "--trainer.max_steps=8")  # stopped mid-epoch, then resumed to the epoch budget
    resumed = fit(tmp_path, "resumed", "--trainer.max_epochs=3", "--ckpt_path=last")
    assert one_go["global_step"] == 18
    assert_same_run(one_go, resumed)


def unpaired_images(folder, n: int = 4, size: int = 20) -> None:
    from PIL import Image

    generator = torch.Generator().manual_seed(0)
    for split in ("trainA", "trainB", "testA", "testB"):
        (folder / split).mkdir(parents=True)
        for i in range(n):
            pixels = torch.randint(256, (size, size, 3), dtype=torch.uint8, generator=generator)
            Image.fromarray(pixels.numpy()).save(folder / split / f"{i}.png")


def test_resumed_cyclegan_continues_with_the_image_pools_it_had(tmp_path):
    unpaired_images(tmp_path / "data")
    data = f"--data.init_args.root={tmp_path / 'data'}"
    one_go = fit(tmp_path, "one_go", "--trainer.max_steps=20", data, recipe_text=CYCLEGAN_RECIPE)
    fit(tmp_path, "resumed", "--trainer.max_steps=10", data, recipe_text=CYCLEGAN_RECIPE)  # mid-epoch 1, pools full
    resumed = fit(tmp_path, "resumed", "--trainer.max_steps=20", "--ckpt_path=last", data, recipe_text=CYCLEGAN_RECIPE)
    assert one_go["global_step"] == 20
    assert_same_run(one_go, resumed)  # the discriminators saw the same pooled images
    pools, again = one_go["zoo_image_pools"], resumed["zoo_image_pools"]
    assert set(pools) == set(again) == {"pool_a", "pool_b"}
    for name, pool in pools.items():
        assert len(pool["images"]) == 3
        assert all(torch.equal(a, b) for a, b in zip(pool["images"], again[name]["images"]))
    assert not any("pool" in key for key in one_go["state_dict"])  # checkpoint-only: never in an export


# ---------------------------------------------------------------------------------------------- the loaders
def numbers(n: int = 20) -> TensorDataset:
    return TensorDataset(torch.arange(n))


def resumable(dataset, batch_size: int = 4, workers: int = 0, persistent: bool = False) -> ResumableDataLoader:
    return ResumableDataLoader(dataset, batch_size=batch_size, sampler=ResumableRandomSampler(dataset), drop_last=True,
                               num_workers=workers, persistent_workers=persistent)


def batches(loader, n: int | None = None) -> list[list[int]]:
    out = []
    for i, (b,) in enumerate(loader):
        if n is not None and i == n:
            break
        out.append(b.tolist())
    return out


def test_resumable_loader_shuffles_like_a_shuffled_dataloader():
    torch.manual_seed(3)
    plain = [batches(DataLoader(numbers(), batch_size=4, shuffle=True, drop_last=True)) for _ in range(2)]
    after_plain = torch.get_rng_state()
    torch.manual_seed(3)
    loader = resumable(numbers())
    assert [batches(loader) for _ in range(2)] == plain  # the same permutations, epoch after epoch
    assert torch.equal(torch.get_rng_state(), after_plain)  # and the same draws from the global RNG


@pytest.mark.parametrize("workers, persistent", [(0, False), (1, False), (1, True)])
def test_resumable_loader_continues_mid_epoch_from_its_state(workers, persistent):
    torch.manual_seed(0)
    loader = resumable(numbers(), workers=workers, persistent=persistent)
    batches(loader)                                   # epoch 0
    iterator = iter(loader)                           # epoch 1: two batches, then a checkpoint
    seen = [next(iterator)[0].tolist() for _ in range(2)]
    state, rng = loader.state_dict(), torch.get_rng_state()
    assert state["batches"] == 2
    rest = [b[0].tolist() for b in iterator] + [b for b in batches(loader)]  # the rest of epoch 1, then epoch 2
    after = torch.get_rng_state()

    torch.manual_seed(123)                            # a new process: other RNG, a fresh loader
    again = resumable(numbers(), workers=workers, persistent=persistent)
    again.load_state_dict(state)
    torch.set_rng_state(rng)
    assert batches(again) + batches(again) == rest    # epoch 1 from its third batch, then epoch 2
    assert torch.equal(torch.get_rng_state(), after)
    assert len(again) == 5 and len(seen + rest) == 10


def test_finished_state_starts_a_fresh_epoch():
    torch.manual_seed(0)
    loader = resumable(numbers())
    batches(loader)
    state, rng = loader.state_dict(), torch.get_rng_state()
    expected = batches(loader)
    again = resumable(numbers())
    again.load_state_dict({**state, "finished": True})
    torch.set_rng_state(rng)
    assert batches(again) == expected


def test_lightning_swaps_in_a_distributed_sampler_and_keeps_the_loader_resumable():
    from lightning.fabric.utilities.data import _replace_dunder_methods
    from lightning.pytorch.utilities.data import _is_dataloader_shuffled, _update_dataloader

    with _replace_dunder_methods(DataLoader, "dataset"):  # as Lightning calls train_dataloader()
        loader = resumable(numbers())
    assert _is_dataloader_shuffled(loader)
    swapped = _update_dataloader(loader, DistributedSampler(numbers(), num_replicas=2, rank=1, shuffle=True))
    assert isinstance(swapped, ResumableDataLoader) and isinstance(swapped.sampler, DistributedSampler)
    first = batches(swapped)
    iterator = iter(swapped)
    next(iterator)
    again = _update_dataloader(loader, DistributedSampler(numbers(), num_replicas=2, rank=1, shuffle=True))
    again.load_state_dict(swapped.state_dict())
    assert batches(again) == first[1:]


def test_rng_states_round_trip_through_a_weights_only_checkpoint(tmp_path):
    import random

    import numpy as np

    from zoo.core.resume import rng_state, set_rng_state

    torch.manual_seed(1), np.random.seed(2), random.seed(3)
    torch.save({"zoo_rng": rng_state()}, tmp_path / "rng.ckpt")
    expected = (torch.rand(3), np.random.rand(3), random.random())
    torch.manual_seed(9), np.random.seed(9), random.seed(9)
    set_rng_state(torch.load(tmp_path / "rng.ckpt", weights_only=True)["zoo_rng"])
    assert torch.equal(torch.rand(3), expected[0])
    assert np.array_equal(np.random.rand(3), expected[1]) and random.random() == expected[2]


@pytest.mark.parametrize("trainer_args, epochs_done", [
    (dict(max_epochs=2, limit_train_batches=2), 2),   # whole (limited) epochs: one scheduler step each
    (dict(max_steps=8), 1),                           # stopped by max_steps in epoch 1 after its first batch
])
def test_translation_schedule_steps_once_per_finished_epoch(trainer_args, epochs_done):
    import lightning as L

    from zoo.models.pix2pix import Pix2Pix

    torch.manual_seed(0)
    model = Pix2Pix(num_downs=5, generator_width=4, discriminator_width=4, sample_every_n_steps=0, num_fixed_samples=0)
    data = TensorDataset(torch.rand(3, 3, 32, 32) * 2 - 1, torch.rand(3, 3, 32, 32) * 2 - 1)  # 3 batches an epoch
    trainer = L.Trainer(accelerator="cpu", logger=False, enable_checkpointing=False, enable_progress_bar=False,
                        enable_model_summary=False, **trainer_args)
    trainer.fit(model, DataLoader(data, batch_size=1))
    schedulers = [c.scheduler for c in trainer.lr_scheduler_configs]
    assert schedulers and all(s.last_epoch == epochs_done for s in schedulers)
