"""Data modules: ranges and shapes, the root order, and errors that name the file and the fix."""
import gzip
import shutil

import pytest
import torch

from zoo.data import (DataFileError, DigitsDataModule, ImageFolderDataModule, MNISTDataModule, ToyMixtureDataModule,
                      data_root, mixture_modes, sample_mixture)


def test_data_root_order(monkeypatch, tmp_path):
    monkeypatch.delenv("ZOO_DATA", raising=False)
    assert data_root().as_posix().endswith(".cache/zoo/data")
    monkeypatch.setenv("ZOO_DATA", str(tmp_path))
    assert data_root() == tmp_path
    assert data_root(tmp_path / "x") == tmp_path / "x"


def test_digits_are_embedded_and_in_range():
    dm = DigitsDataModule(image_size=32, batch_size=16)
    x, y = next(iter(dm.train_dataloader()))
    assert x.shape == (16, 1, 32, 32) and x.min() >= -1 and x.max() <= 1 and y.dtype == torch.long
    assert len(dm.dataset("train")) + len(dm.dataset("test")) == 1797


def test_mnist_from_the_shared_folder(shared_data):
    dm = MNISTDataModule(root=str(shared_data), batch_size=32, val_size=1000)
    dm.setup("fit")
    assert len(dm.dataset("train")) == 59000 and len(dm.dataset("val")) == 1000
    x, y = next(iter(dm.train_dataloader()))
    assert x.shape == (32, 1, 28, 28) and -1 <= x.min() < x.max() <= 1
    test = dm.dataset("test")
    assert len(test) == 10000 and torch.bincount(test.tensors[1]).tolist()[0] == 980


def test_missing_mnist_file_names_file_and_folder(tmp_path):
    dm = MNISTDataModule(root=str(tmp_path))
    with pytest.raises(DataFileError, match=r"train-images-idx3-ubyte.gz not found in .*MNIST/raw.*download=True"):
        dm.setup("fit")


def test_corrupt_mnist_file_is_detected(shared_data, tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    shutil.copytree(shared_data / "MNIST" / "raw", raw)
    data = (raw / "t10k-labels-idx1-ubyte.gz").read_bytes()
    (raw / "t10k-labels-idx1-ubyte.gz").write_bytes(data[:-100])
    with pytest.raises(DataFileError, match="t10k-labels-idx1-ubyte.gz is damaged: md5"):
        MNISTDataModule(root=str(tmp_path)).setup("test")
    assert gzip.decompress(data)  # the original is fine: the check is about the file, not the reader


def test_image_folder(tmp_path):
    from torchvision.utils import save_image

    for cls in ("a", "b"):
        (tmp_path / "imgs" / cls).mkdir(parents=True)
        for i in range(3):
            save_image(torch.rand(3, 40, 50), tmp_path / "imgs" / cls / f"{i}.png")
    dm = ImageFolderDataModule(root=str(tmp_path / "imgs"), image_size=32, batch_size=2)
    x, y = next(iter(dm.train_dataloader()))
    assert x.shape == (2, 3, 32, 32) and -1 <= x.min() and x.max() <= 1
    with pytest.raises(DataFileError, match="does not exist"):
        ImageFolderDataModule(root=str(tmp_path / "nope")).setup()


@pytest.mark.parametrize("kind,modes,std", [("ring", 8, 0.01), ("grid", 25, 0.05)])
def test_toy_mixtures(kind, modes, std):
    centres, s = mixture_modes(kind)
    assert len(centres) == modes and s == std
    x, mode = sample_mixture(kind, 4000, torch.Generator().manual_seed(0))
    assert torch.bincount(mode, minlength=modes).min() > 4000 / modes * 0.7
    assert ((x - centres[mode]).norm(dim=1) < 5 * std).float().mean() > 0.99
    if kind == "ring":
        torch.testing.assert_close(centres.norm(dim=1), torch.ones(8))
    dm = ToyMixtureDataModule(kind, num_samples=1000, batch_size=100)
    assert next(iter(dm.train_dataloader()))[0].shape == (100, 2)
    with pytest.raises(ValueError, match="mixture='moons'"):
        ToyMixtureDataModule("moons")
