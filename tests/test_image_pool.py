"""The CycleGAN history pool: fills first, then returns an old image with probability 1/2, never grows past size;
its images travel in Lightning checkpoints (so a resumed run draws the same ones) and never in exports."""
import pytest
import torch

from zoo.core.image_pool import ImagePool


def batch(start: int, n: int = 1) -> torch.Tensor:
    """Images whose every pixel is their serial number, so a returned image tells which query it came from."""
    return torch.arange(start, start + n, dtype=torch.float32).view(n, 1, 1, 1).expand(n, 3, 4, 4).clone()


def test_fills_then_returns_old_images_half_the_time():
    pool, rng = ImagePool(10), torch.Generator().manual_seed(0)
    for i in range(10):  # while filling, every image comes straight back and is stored
        assert torch.equal(pool.query(batch(i), rng), batch(i))
        assert len(pool) == i + 1
    old, trials = 0, 4000
    for i in range(10, 10 + trials):
        out = pool.query(batch(i), rng)
        assert out.shape == (1, 3, 4, 4)
        assert len(pool) == 10  # never exceeds its size
        label = out[0, 0, 0, 0].item()
        assert label <= i
        old += label < i
        assert sorted({img[0, 0, 0].item() for img in pool.images}).__len__() == 10  # distinct images kept
    # binomial(4000, 1/2): standard deviation 31.6, so +-6 sd is 190
    assert abs(old - trials / 2) < 190


def test_batches_and_disabled_pool():
    pool = ImagePool(3)
    out = pool.query(batch(0, 5), torch.Generator().manual_seed(1))
    assert out.shape == (5, 3, 4, 4) and len(pool) == 3
    assert torch.equal(out[:3], batch(0, 3))  # the first three filled the pool and came back unchanged
    off = ImagePool(0)
    assert torch.equal(off.query(batch(7, 2)), batch(7, 2)) and len(off) == 0
    with pytest.raises(ValueError, match="size=-1"):
        ImagePool(-1)


def test_stored_images_are_detached_copies():
    pool = ImagePool(2)
    x = batch(0, 2).requires_grad_()
    out = pool.query(x * 1)
    assert not out.requires_grad and all(not img.requires_grad for img in pool.images)


def test_state_round_trips_through_a_weights_only_checkpoint(tmp_path):
    pool, rng = ImagePool(4), torch.Generator().manual_seed(0)
    for i in range(6):  # full, and two swaps drawn
        pool.query(batch(i), rng)
    torch.save({"pool": pool.state_dict(), "rng": rng.get_state()}, tmp_path / "pool.ckpt")
    expected = [pool.query(batch(i, 2), rng) for i in range(10, 30, 2)]

    saved = torch.load(tmp_path / "pool.ckpt", weights_only=True)
    again, rng = ImagePool(4), torch.Generator()
    again.load_state_dict(saved["pool"])
    rng.set_state(saved["rng"])
    got = [again.query(batch(i, 2), rng) for i in range(10, 30, 2)]
    assert all(torch.equal(a, b) for a, b in zip(got, expected))  # the same old images, from the same slots
    assert any(out[:, 0, 0, 0].min() < 10 for out in got)  # (and some of them were old ones)
    assert all(torch.equal(a, b) for a, b in zip(again.images, pool.images))
    with pytest.raises(ValueError, match="holds 4 images but this pool's size is 3"):
        ImagePool(3).load_state_dict(saved["pool"])


def test_cyclegan_checkpoint_holds_its_pools_and_its_export_does_not(tmp_path):
    from safetensors.torch import load_file

    from zoo import hub
    from zoo.models.cyclegan import CycleGAN

    tiny = dict(n_blocks=1, generator_width=4, discriminator_width=4, pool_size=3, sample_every_n_steps=0,
                num_fixed_samples=0)
    model = CycleGAN(**tiny)
    model.pool_a.query(batch(0, 2)), model.pool_b.query(batch(5, 3))
    checkpoint = {}
    model.on_save_checkpoint(checkpoint)
    torch.save(checkpoint, tmp_path / "last.ckpt")

    resumed = CycleGAN(**tiny)
    resumed.on_load_checkpoint(torch.load(tmp_path / "last.ckpt", weights_only=True))
    for name in ("pool_a", "pool_b"):
        saved, restored = getattr(model, name).images, getattr(resumed, name).images
        assert len(saved) == len(restored) > 0 and all(torch.equal(a, b) for a, b in zip(saved, restored))
    assert not any("pool" in key for key in model.state_dict())
    older = CycleGAN(**tiny)
    older.on_load_checkpoint({})  # a checkpoint from before pools were saved: they start empty and refill
    assert len(older.pool_a) == len(older.pool_b) == 0
    with pytest.raises(ValueError, match=r"image pools \['pool_a'\] but CycleGAN has \['pool_a', 'pool_b'\]"):
        older.on_load_checkpoint({"zoo_image_pools": {"pool_a": checkpoint["zoo_image_pools"]["pool_a"]}})
    hub.export(model, tmp_path / "export", name="cyclegan-tiny")
    assert set(load_file(tmp_path / "export" / "model.safetensors")) == set(model.state_dict())
