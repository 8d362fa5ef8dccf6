"""The CycleGAN history pool: fills first, then returns an old image with probability 1/2, never grows past size."""
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
