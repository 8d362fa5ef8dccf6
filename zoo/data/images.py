"""Image data modules: scikit-learn digits (embedded), MNIST (IDX files), CIFAR-10 (torchvision), image folders.

Every module yields batches ``(images, labels)`` with images float NCHW in [-1, 1] (labels -1 where unknown).
"""
from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset, TensorDataset

from zoo.data.common import DataFileError, SplitDataModule, data_root, resize, to_unit_range

MNIST_FILES = {  # name -> md5 of the original .gz (torchvision.datasets.MNIST.resources)
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}


def read_idx(path: Path, verify_md5: str | None = None) -> np.ndarray:
    """Read one gzipped IDX file (LeCun's MNIST format) into a uint8 array, with errors that say what to do."""
    fix = ("Copy the four MNIST .gz files (" + ", ".join(MNIST_FILES) + ") into that folder, or pass "
           "download=True on a machine with internet (torchvision fetches them).")
    if not path.is_file():
        raise DataFileError(f"MNIST file {path.name} not found in {path.parent}. {fix}")
    raw = path.read_bytes()
    if verify_md5 and hashlib.md5(raw).hexdigest() != verify_md5:
        raise DataFileError(f"MNIST file {path} is damaged: md5 {hashlib.md5(raw).hexdigest()}, expected "
                            f"{verify_md5}. Delete it and copy it again. {fix}")
    try:
        data = gzip.decompress(raw)
    except (OSError, EOFError) as err:
        raise DataFileError(f"MNIST file {path} is not a readable gzip file ({err}). {fix}") from err
    ndim = data[3]
    dims = np.frombuffer(data, dtype=">u4", count=ndim, offset=4)
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


class MNISTDataModule(SplitDataModule):
    """MNIST from ``<root>/MNIST/raw/*.gz``; "val" is the last ``val_size`` training images, "test" the 10k test set.

    Args:
        root: data folder (default: ``$ZOO_DATA``, else ``~/.cache/zoo/data``).
        image_size: resize to this size (28 keeps the originals).
        batch_size: examples per batch.
        val_size: training images held out as the validation split (0 keeps all 60,000 for training).
        download: fetch the files with torchvision when they are missing (needs internet).
        num_workers: DataLoader workers.
    """

    def __init__(self, root: str | None = None, image_size: int = 28, batch_size: int = 64, val_size: int = 0,
                 download: bool = False, num_workers: int = 0) -> None:
        super().__init__(batch_size, num_workers)
        self.root, self.image_size, self.val_size, self.download = root, image_size, val_size, download

    @property
    def folder(self) -> Path:
        return data_root(self.root) / "MNIST" / "raw"

    def load(self, train: bool) -> TensorDataset:
        prefix = "train" if train else "t10k"
        if self.download and not (self.folder / f"{prefix}-images-idx3-ubyte.gz").is_file():
            from torchvision.datasets import MNIST

            MNIST(str(data_root(self.root)), train=train, download=True)
        files = [f"{prefix}-images-idx3-ubyte.gz", f"{prefix}-labels-idx1-ubyte.gz"]
        images, labels = (read_idx(self.folder / f, MNIST_FILES[f]) for f in files)
        x = resize(to_unit_range(torch.from_numpy(images.copy()).unsqueeze(1), 255), self.image_size)
        return TensorDataset(x, torch.from_numpy(labels.astype(np.int64)))

    def setup(self, stage: str | None = None) -> None:
        if "train" not in self.splits and stage in (None, "fit", "validate"):
            full = self.load(train=True)
            n = len(full) - self.val_size
            self.splits["train"] = TensorDataset(*(t[:n] for t in full.tensors))
            self.splits["val"] = TensorDataset(*(t[n:] for t in full.tensors)) if self.val_size else self.load(False)
        if "test" not in self.splits and stage in (None, "test", "predict"):
            self.splits["test"] = self.load(train=False)


class DigitsDataModule(SplitDataModule):
    """scikit-learn's embedded 8x8 handwritten digits (1,797 images, no download), upsampled to ``image_size``.

    The last ``test_size`` images form the "val"/"test" split; the rest train.
    """

    def __init__(self, image_size: int = 32, batch_size: int = 64, test_size: int = 297,
                 num_workers: int = 0) -> None:
        super().__init__(batch_size, num_workers)
        self.image_size, self.test_size = image_size, test_size

    def setup(self, stage: str | None = None) -> None:
        if self.splits:
            return
        from sklearn.datasets import load_digits

        digits = load_digits()
        x = resize(to_unit_range(torch.from_numpy(digits.images).view(-1, 1, 8, 8), 16.0), self.image_size)
        y = torch.from_numpy(digits.target.astype(np.int64))
        n = len(x) - self.test_size
        self.splits["train"] = TensorDataset(x[:n], y[:n])
        self.splits["val"] = self.splits["test"] = TensorDataset(x[n:], y[n:])


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp")


def list_images(folder: Path) -> list[Path]:
    """Every image file below ``folder`` in sorted order; an error naming the folder when there is none."""
    if not folder.is_dir():
        raise DataFileError(f"image folder {folder} does not exist. Pass the folder that holds your images.")
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise DataFileError(f"no images ({', '.join(IMAGE_SUFFIXES)}) found below {folder}.")
    return files


def load_image(path: Path, channels: int = 3) -> torch.Tensor:
    """One image file as a float CHW tensor in [-1, 1] (grayscale files are converted, as horse2zebra needs)."""
    from PIL import Image
    from torchvision.transforms.functional import pil_to_tensor

    try:
        with Image.open(path) as img:
            img = img.convert("RGB" if channels == 3 else "L")
            return to_unit_range(pil_to_tensor(img), 255)
    except OSError as err:
        raise DataFileError(f"image {path.name} in {path.parent} cannot be read ({err}); remove or replace it.") \
            from err


class ImageFileDataset(Dataset):
    """Images under a folder, resized and centre-cropped to ``image_size``; the label is the subfolder index."""

    def __init__(self, folder: str | Path, image_size: int, channels: int = 3) -> None:
        from torchvision.transforms import v2

        self.folder = Path(folder)
        self.files = list_images(self.folder)
        classes = sorted({f.parent.relative_to(self.folder).as_posix() for f in self.files})
        self.class_index = {c: i for i, c in enumerate(classes)}
        self.channels = channels
        self.transform = v2.Compose([v2.Resize(image_size, antialias=True), v2.CenterCrop(image_size)])

    def __len__(self) -> int:
        return len(self.files)

    def __getitem__(self, i: int):
        path = self.files[i]
        label = self.class_index[path.parent.relative_to(self.folder).as_posix()]
        return self.transform(load_image(path, self.channels)).clamp_(-1, 1), label


class ImageFolderDataModule(SplitDataModule):
    """Images from ``<root>/<train_dir>`` (and ``<root>/<test_dir>`` when it exists), any depth of subfolders.

    Args:
        root: the dataset folder, absolute or relative to the data root.
        image_size: resize the shorter side and centre-crop to this.
        channels: 3 (RGB) or 1 (grayscale).
        train_dir / test_dir: subfolders of the splits ("" uses root itself for training).
    """

    def __init__(self, root: str, image_size: int = 64, channels: int = 3, train_dir: str = "",
                 test_dir: str = "", batch_size: int = 64, num_workers: int = 0) -> None:
        super().__init__(batch_size, num_workers)
        self.root, self.image_size, self.channels = root, image_size, channels
        self.train_dir, self.test_dir = train_dir, test_dir

    def setup(self, stage: str | None = None) -> None:
        if self.splits:
            return
        base = Path(self.root) if Path(self.root).is_absolute() else data_root() / self.root
        self.splits["train"] = ImageFileDataset(base / self.train_dir, self.image_size, self.channels)
        test = base / self.test_dir if self.test_dir else None
        self.splits["val"] = self.splits["test"] = (
            ImageFileDataset(test, self.image_size, self.channels) if test else self.splits["train"])


class CIFAR10DataModule(SplitDataModule):
    """CIFAR-10 through torchvision (``<root>/cifar-10-batches-py``); ``download=True`` fetches it when online."""

    def __init__(self, root: str | None = None, batch_size: int = 64, download: bool = False,
                 num_workers: int = 0) -> None:
        super().__init__(batch_size, num_workers)
        self.root, self.download = root, download

    def load(self, train: bool) -> TensorDataset:
        from torchvision.datasets import CIFAR10

        folder = data_root(self.root)
        try:
            ds = CIFAR10(str(folder), train=train, download=self.download)
        except RuntimeError as err:
            raise DataFileError(f"CIFAR-10 not found in {folder / 'cifar-10-batches-py'} ({err}). Pass "
                                f"download=True on a machine with internet, or copy the extracted batches there.") \
                from err
        x = to_unit_range(torch.from_numpy(ds.data).permute(0, 3, 1, 2).contiguous(), 255)
        return TensorDataset(x, torch.tensor(ds.targets))

    def setup(self, stage: str | None = None) -> None:
        if "train" not in self.splits and stage in (None, "fit", "validate"):
            self.splits["train"] = self.load(True)
            self.splits["val"] = self.load(False)
        if "test" not in self.splits and stage in (None, "test", "predict"):
            self.splits["test"] = self.splits.get("val") or self.load(False)
