"""Paired (A|B side by side) and unpaired (trainA/trainB/testA/testB) data modules for image-to-image models."""
import os
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from zoo.data.translation import (PairedImageDataModule, PairedImageDataset, UnpairedImageDataModule,
                                  UnpairedImageDataset, load_images)


def real_data(name: str) -> Path:
    for root in (os.environ.get("ZOO_DATA"), Path(__file__).resolve().parents[1] / ".." / "shared" / "data"):
        if root and (Path(root) / name).is_dir():
            return Path(root) / name
    pytest.skip(f"{name} not found under $ZOO_DATA or ../shared/data")


def write_pair(path: Path, size: int = 16) -> None:
    """A|B file: A is a horizontal ramp, B the same ramp plus 100, so A and B must be cropped/flipped alike."""
    ramp = np.tile(np.arange(size, dtype=np.uint8) * 8, (size, 1))
    a = np.stack([ramp] * 3, -1)
    Image.fromarray(np.concatenate([a, a + 100], axis=1)).save(path)  # PNG: lossless


def test_paired_directions_and_shared_augmentation(tmp_path):
    for i in range(3):
        write_pair(tmp_path / f"{i}.png")
    a, b = PairedImageDataset(tmp_path, "AtoB", load_size=16, crop_size=16, train=False)[0]
    assert a.shape == (3, 16, 16) and a.min() >= -1 and b.max() <= 1
    assert torch.allclose(b - a, torch.full_like(a, 200 / 255), atol=1e-6)  # B = right half
    inp, target = PairedImageDataset(tmp_path, "BtoA", load_size=16, crop_size=16, train=False)[0]
    assert torch.equal(inp, b) and torch.equal(target, a)  # BtoA swaps the halves
    train = PairedImageDataset(tmp_path, "AtoB", load_size=16, crop_size=12, train=True)
    flips = set()
    for _ in range(40):
        a, b = train[1]
        assert a.shape == (3, 12, 12)
        assert torch.allclose(b - a, torch.full_like(a, 200 / 255), atol=1e-6)  # same crop and flip on both
        flips.add(bool(a[0, 0, 0] > a[0, 0, -1]))
    assert flips == {True, False}  # horizontal flips happen, and not always


def test_unpaired_grayscale_lengths_and_test_pairs(tmp_path):
    for domain, n in (("trainA", 3), ("trainB", 5), ("testA", 2), ("testB", 2)):
        (tmp_path / domain).mkdir()
        for i in range(n):
            Image.fromarray(np.full((20, 20), 10 * i, np.uint8), mode="L").save(tmp_path / domain / f"{i}.png")
    data = UnpairedImageDataModule(str(tmp_path), load_size=12, crop_size=8, batch_size=2)
    assert len(data.dataset("train")) == 5  # the larger domain, as the reference code
    a, b = next(iter(data.train_dataloader()))
    assert a.shape == b.shape == (2, 3, 8, 8)  # grayscale files come back as RGB
    test = data.dataset("test")
    first, again = test[1], test[1]
    assert first[0].shape == (3, 8, 8) and torch.equal(first[1], again[1])  # b is not drawn at random
    assert torch.allclose(test[1][0], torch.full((3, 8, 8), 10 / 127.5 - 1), atol=1e-6)  # no augmentation
    assert torch.equal(test[0][1], UnpairedImageDataset(tmp_path / "testA", tmp_path / "testB", 12, 8,
                                                        train=False)[0][1])  # fixed pairs at test time


def test_bad_arguments_are_explained(tmp_path):
    with pytest.raises(ValueError, match="direction='left'"):
        PairedImageDataModule(direction="left")
    with pytest.raises(ValueError, match="load_size=64, crop_size=128"):
        UnpairedImageDataModule(load_size=64, crop_size=128)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        UnpairedImageDataModule(str(tmp_path / "missing")).setup("fit")


def test_real_facades_labels_to_photo():
    folder = real_data("facades")
    data = PairedImageDataModule(str(folder), direction="BtoA", load_size=72, crop_size=64)
    label, photo = data.dataset("test")[0]
    assert label.shape == photo.shape == (3, 64, 64)
    assert len(data.dataset("train")) == 400 and len(data.dataset("val")) == 100 and len(data.dataset("test")) == 106
    # the label map (right half) is a handful of flat colours; the photo (left half) is not
    def colours(x):
        return len(torch.unique((x * 127.5).round().reshape(3, -1), dim=1).T)
    full_label, full_photo = PairedImageDataset(folder / "test", "BtoA", 256, 256, train=False)[0]
    assert colours(full_label) < colours(full_photo)


def test_real_horse2zebra_grayscale_files_load_as_rgb():
    folder = real_data("horse2zebra")
    gray = [p for p in sorted((folder / "trainB").iterdir()) if Image.open(p).mode == "L"][:1]
    assert gray, "horse2zebra trainB should hold grayscale images"
    x = load_images(folder / "testA", 32, limit=4)
    assert x.shape == (4, 3, 32, 32)
    data = UnpairedImageDataset(folder / "trainB", folder / "trainB", 32, 32, train=False)
    i = data.files_a.index(gray[0])
    assert data[i][0].shape == (3, 32, 32)
