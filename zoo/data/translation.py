"""Image-to-image translation data: paired (Pix2Pix) and unpaired (CycleGAN, DiscoGAN) image folders.

Paired: every file holds A|B side by side (pix2pix's layout, e.g. ``facades/{train,val,test}/N.jpg``, 512x256 with
the photo on the left (A) and the label map on the right (B); labels -> photo is ``direction="BtoA"``).
Unpaired: ``<root>/{trainA,trainB,testA,testB}`` (CycleGAN's layout, e.g. ``horse2zebra``).

Training augmentation follows Isola et al. 2017 (appendix 6.2) and Zhu et al. 2017 (appendix 7.1): resize to
``load_size`` (286), random ``crop_size`` crop (256) and random horizontal flip; for a pair the same crop and flip
are applied to both halves. Validation and test images are only resized to ``crop_size``. Batches are
``(input, target)`` for paired data and ``(a, b)`` for unpaired data, float NCHW in [-1, 1].
"""
from __future__ import annotations

from pathlib import Path

import torch
from torch import Tensor
from torch.utils.data import Dataset

from zoo.data.common import DataFileError, SplitDataModule, data_root, to_unit_range
from zoo.data.images import list_images

DIRECTIONS = ("AtoB", "BtoA")


def dataset_folder(root: str | Path) -> Path:
    """``root`` itself when absolute, else ``<data root>/<root>``."""
    return Path(root) if Path(root).is_absolute() else data_root() / root


def read_rgb(path: Path):
    """One image file as an RGB PIL image (grayscale files such as 7 horse2zebra trainB images are converted)."""
    from PIL import Image

    try:
        with Image.open(path) as img:
            return img.convert("RGB")
    except OSError as err:
        raise DataFileError(f"image {path.name} in {path.parent} cannot be read ({err}); remove or replace it.") \
            from err


def resized_uint8(img, size: int) -> Tensor:
    """PIL image -> uint8 CHW tensor resized to size x size with bicubic interpolation (the reference code's)."""
    from PIL import Image
    from torchvision.transforms.functional import pil_to_tensor

    if img.size != (size, size):
        img = img.resize((size, size), Image.BICUBIC)
    return pil_to_tensor(img)


def check_sizes(load_size: int, crop_size: int) -> None:
    if crop_size < 1 or load_size < crop_size:
        raise ValueError(f"load_size={load_size}, crop_size={crop_size}: need load_size >= crop_size >= 1 (paper: "
                         f"286 and 256; e.g. 72 and 64 for small runs).")


class Augment:
    """Random crop_size crop of a load_size image and random horizontal flip, the same for all given images."""

    def __init__(self, crop_size: int, flip: bool) -> None:
        self.crop_size, self.flip = crop_size, flip

    def __call__(self, *images: Tensor) -> list[Tensor]:
        size = images[0].shape[-1]
        top, left = (int(v) for v in torch.randint(0, size - self.crop_size + 1, (2,)))
        flip = self.flip and bool(torch.rand(()) < 0.5)
        out = []
        for img in images:
            img = img[:, top:top + self.crop_size, left:left + self.crop_size]
            out.append(img.flip(-1) if flip else img)
        return out


class ImageCache:
    """Resized uint8 images by index, decoded once when ``enabled`` (resizing is deterministic)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled, self.store = enabled, {}

    def get(self, key, make):
        if not self.enabled:
            return make()
        if key not in self.store:
            self.store[key] = make()
        return self.store[key]


class PairedImageDataset(Dataset):
    """A|B side-by-side images -> (input, target) pairs.

    Args:
        folder: folder of side-by-side images.
        direction: "AtoB" (input = left half) or "BtoA" (input = right half).
        load_size / crop_size: resize then crop size; train=False resizes straight to crop_size.
        train: apply the random crop and flip.
        flip: random horizontal flip when training.
        cache: keep decoded, resized images in memory.
    """

    def __init__(self, folder: str | Path, direction: str = "AtoB", load_size: int = 286, crop_size: int = 256,
                 train: bool = True, flip: bool = True, cache: bool = False) -> None:
        if direction not in DIRECTIONS:
            raise ValueError(f"direction={direction!r}; expected 'AtoB' or 'BtoA' (facades labels -> photo is "
                             f"'BtoA').")
        check_sizes(load_size, crop_size)
        self.files = list_images(Path(folder))
        self.direction, self.train = direction, train
        self.size = load_size if train else crop_size
        self.augment = Augment(crop_size, flip)
        self.cache = ImageCache(cache)

    def __len__(self) -> int:
        return len(self.files)

    def halves(self, i: int) -> tuple[Tensor, Tensor]:
        img = read_rgb(self.files[i])
        w, h = img.size
        if w < 2:
            raise DataFileError(f"{self.files[i]} is {w}x{h}; a paired image holds A|B side by side.")
        a, b = img.crop((0, 0, w // 2, h)), img.crop((w // 2, 0, 2 * (w // 2), h))
        return resized_uint8(a, self.size), resized_uint8(b, self.size)

    def __getitem__(self, i: int) -> tuple[Tensor, Tensor]:
        a, b = self.cache.get(i, lambda: self.halves(i))
        if self.train:
            a, b = self.augment(a, b)
        a, b = to_unit_range(a, 255), to_unit_range(b, 255)
        return (a, b) if self.direction == "AtoB" else (b, a)


class UnpairedImageDataset(Dataset):
    """Two folders of unpaired images -> (a, b): a walks domain A in order, b is drawn at random from domain B.

    The length is that of the larger domain, as in the CycleGAN reference code. Without ``train`` (test time)
    b is ``B[i mod |B|]`` so the pairs are reproducible.
    """

    def __init__(self, folder_a: str | Path, folder_b: str | Path, load_size: int = 286, crop_size: int = 256,
                 train: bool = True, flip: bool = True, cache: bool = False) -> None:
        check_sizes(load_size, crop_size)
        self.files_a, self.files_b = list_images(Path(folder_a)), list_images(Path(folder_b))
        self.train = train
        self.size = load_size if train else crop_size
        self.augment = Augment(crop_size, flip)
        self.cache = ImageCache(cache)

    def __len__(self) -> int:
        return max(len(self.files_a), len(self.files_b))

    def image(self, files: list[Path], i: int, domain: str) -> Tensor:
        img = self.cache.get((domain, i), lambda: resized_uint8(read_rgb(files[i]), self.size))
        if self.train:
            img = self.augment(img)[0]  # independent crop and flip per domain
        return to_unit_range(img, 255)

    def __getitem__(self, i: int) -> tuple[Tensor, Tensor]:
        j = int(torch.randint(len(self.files_b), ())) if self.train else i % len(self.files_b)
        return self.image(self.files_a, i % len(self.files_a), "A"), self.image(self.files_b, j, "B")


def load_images(folder: str | Path, size: int, limit: int | None = None) -> Tensor:
    """Every image of a folder (sorted), resized to size x size, as one (N, 3, size, size) tensor in [-1, 1]."""
    files = list_images(dataset_folder(folder))[:limit]
    return torch.stack([to_unit_range(resized_uint8(read_rgb(f), size), 255) for f in files])


class PairedImageDataModule(SplitDataModule):
    """Pix2Pix-style paired data: ``<root>/<train_dir>``, ``<root>/<val_dir>``, ``<root>/<test_dir>``.

    Args:
        root: dataset folder, absolute or relative to the data root (default "facades").
        direction: "AtoB" or "BtoA" (facades labels -> photo: "BtoA").
        load_size / crop_size: training resize and random crop (paper: 286 / 256); evaluation resizes to crop_size.
        flip: random horizontal flips when training (paper: yes).
        batch_size: paper: 1.
        cache: keep decoded images in memory (fast small runs).
        train_dir / val_dir / test_dir: split folders ("" for a split that does not exist: val falls back to test).
    """

    def __init__(self, root: str = "facades", direction: str = "BtoA", load_size: int = 286, crop_size: int = 256,
                 flip: bool = True, batch_size: int = 1, num_workers: int = 0, cache: bool = False,
                 train_dir: str = "train", val_dir: str = "val", test_dir: str = "test") -> None:
        super().__init__(batch_size, num_workers)
        if direction not in DIRECTIONS:
            raise ValueError(f"direction={direction!r}; expected 'AtoB' or 'BtoA'.")
        check_sizes(load_size, crop_size)
        self.root, self.direction, self.load_size, self.crop_size = root, direction, load_size, crop_size
        self.flip, self.cache = flip, cache
        self.dirs = {"train": train_dir, "val": val_dir or test_dir, "test": test_dir}

    def setup(self, stage: str | None = None) -> None:
        if self.splits:
            return
        base = dataset_folder(self.root)
        for split, sub in self.dirs.items():
            if sub:
                self.splits[split] = PairedImageDataset(base / sub, self.direction, self.load_size, self.crop_size,
                                                        train=split == "train", flip=self.flip, cache=self.cache)


class UnpairedImageDataModule(SplitDataModule):
    """CycleGAN-style unpaired data: ``<root>/trainA``, ``trainB``, ``testA``, ``testB`` (val = test).

    Args:
        root: dataset folder, absolute or relative to the data root (default "horse2zebra").
        load_size / crop_size: training resize and random crop (paper: 286 / 256); evaluation resizes to crop_size.
        flip: random horizontal flips when training (paper: yes).
        batch_size: paper: 1.
        cache: keep decoded images in memory.
    """

    def __init__(self, root: str = "horse2zebra", load_size: int = 286, crop_size: int = 256, flip: bool = True,
                 batch_size: int = 1, num_workers: int = 0, cache: bool = False) -> None:
        super().__init__(batch_size, num_workers)
        check_sizes(load_size, crop_size)
        self.root, self.load_size, self.crop_size, self.flip, self.cache = root, load_size, crop_size, flip, cache

    def setup(self, stage: str | None = None) -> None:
        if self.splits:
            return
        base = dataset_folder(self.root)
        for split, prefix in (("train", "train"), ("test", "test")):
            self.splits[split] = UnpairedImageDataset(base / f"{prefix}A", base / f"{prefix}B", self.load_size,
                                                      self.crop_size, train=split == "train", flip=self.flip,
                                                      cache=self.cache)
        self.splits["val"] = self.splits["test"]
