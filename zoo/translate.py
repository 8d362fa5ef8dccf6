"""``zoo translate``: translate every image of a folder with an image-to-image model (Pix2Pix, CycleGAN, DiscoGAN).

Each image, of any size, is resized to the model's resolution (bicubic), translated, resized back to its own size
and written under the same file name; with ``side_by_side`` the file holds the input and its translation side by
side. Unreadable files are skipped and reported at the end.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Callable

import torch

from zoo.outputs import check_folder_writable

DEFAULT_SIZE = 256  # the papers' resolution, when an export does not say at which it was trained


def list_input_images(in_dir: str | os.PathLike) -> list[Path]:
    """The image files directly inside ``in_dir`` (sorted); an error naming the folder when there is none."""
    from zoo.data.images import IMAGE_SUFFIXES

    folder = Path(in_dir).expanduser()
    if not folder.exists():
        raise FileNotFoundError(f"IN_DIR {folder} does not exist. Pass the folder that holds your images.")
    if not folder.is_dir():
        raise ValueError(f"IN_DIR {folder} is a file; pass the folder that holds it ({folder.parent}).")
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise ValueError(f"IN_DIR {folder} holds no images ({', '.join(IMAGE_SUFFIXES)}); pass the folder that "
                         f"holds your images (sub-folders are not searched).")
    return files


def check_output_folder(out_dir: str | os.PathLike, in_dir: str | os.PathLike) -> Path:
    """OUT_DIR: a folder that can be written and is not IN_DIR (the inputs would be overwritten)."""
    out, inp = Path(out_dir).expanduser(), Path(in_dir).expanduser()
    if out.exists() and inp.exists() and out.resolve() == inp.resolve():
        raise ValueError(f"OUT_DIR {out} is IN_DIR: the outputs, written under the inputs' file names, would "
                         f"overwrite them. Choose another folder, e.g. {out.parent / (out.name + '_translated')}.")
    return check_folder_writable(out, "OUT_DIR", out)


def model_size(config: dict[str, Any], entry_size: int | None = None) -> int | None:
    """The resolution an export was trained or evaluated at, if its config (or its zoo entry) says."""
    for section in (config.get("metrics_protocol"), config.get("evaluation"), config.get("training"),
                    config.get("hparams")):
        if isinstance(section, dict):
            for key in ("image_size", "size", "crop_size"):
                value = section.get(key)
                if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                    return value
    return entry_size


def check_size(model, size: Any) -> int:
    """``size`` must be a positive integer that the model's networks accept."""
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"--size {size!r}: expected a positive integer (the model's resolution, e.g. 256).")
    downs = getattr(model, "hparams", {}).get("num_downs")
    if isinstance(downs, int) and size % (2 ** downs):
        raise ValueError(f"--size {size}: {type(model).__name__}'s U-Net has {downs} down-samplings, so the size "
                         f"must be a multiple of {2 ** downs} (e.g. --size {2 ** downs * max(1, size // 2 ** downs)}).")
    return size


def preflight(model, size: int, direction: str) -> None:
    """Translate one blank image at ``size`` so that a size the networks cannot take fails before any file."""
    blank = torch.zeros(1, input_channels(model), size, size)
    try:
        out = model.translate(blank, direction=direction)
    except (RuntimeError, ValueError) as err:
        first = (str(err).splitlines() or [""])[0].rstrip(".")
        raise ValueError(f"--size {size}: {type(model).__name__} cannot translate {size}x{size} images ({first}). "
                         f"Pass the size it was trained at (e.g. --size 256, or 64 for the zoo's -64px "
                         f"entries; ResNet generators need a multiple of 4).") from None
    if out.shape[-2:] != blank.shape[-2:]:
        raise ValueError(f"--size {size}: {type(model).__name__} turns {size}x{size} images into "
                         f"{out.shape[-1]}x{out.shape[-2]}; pass a size that it keeps (a multiple of 4, e.g. 256).")


def input_channels(model) -> int:
    hparams = getattr(model, "hparams", {})
    return int(hparams.get("channels_in", hparams.get("channels", 3)))


def to_tensor(img, size: int) -> torch.Tensor:
    """PIL image -> (1, C, size, size) float tensor in [-1, 1] (bicubic resize)."""
    from PIL import Image
    from torchvision.transforms.functional import pil_to_tensor

    if img.size != (size, size):
        img = img.resize((size, size), Image.BICUBIC)
    return pil_to_tensor(img).float().div(127.5).sub(1).unsqueeze(0)


def to_image(x: torch.Tensor, size: tuple[int, int]):
    """(C, H, W) tensor in [-1, 1] -> PIL image of ``size`` (width, height)."""
    from PIL import Image
    from torchvision.transforms.functional import to_pil_image

    u8 = ((x.detach().float().cpu().clamp(-1, 1) + 1) * 127.5 + 0.5).clamp(0, 255).to(torch.uint8)
    img = to_pil_image(u8)
    return img if img.size == size else img.resize(size, Image.BICUBIC)


def translate_folder(model, in_dir: str | os.PathLike, out_dir: str | os.PathLike, *, direction: str = "AtoB",
                     size: int = DEFAULT_SIZE, side_by_side: bool = False, progress: bool | None = None,
                     log: Callable[[str], Any] = print) -> tuple[list[Path], list[str]]:
    """Translate every image of ``in_dir`` into ``out_dir`` (same file names).

    Args:
        model: a zoo model with ``translate(x, direction=...)``.
        in_dir / out_dir: input and output folders (``out_dir`` is created).
        direction: "AtoB" or "BtoA" (two-way models).
        size: the resolution the model runs at; each output is resized back to its input's size.
        side_by_side: write input | output figures instead of the outputs alone.
        progress: show a progress bar (default: when stderr is a terminal).
        log: where the lines about skipped files go.
    Returns:
        The files written, and one line per skipped input.
    """
    from PIL import Image

    files = list_input_images(in_dir)
    out = check_output_folder(out_dir, in_dir)
    mode = "L" if input_channels(model) == 1 else "RGB"
    if progress is None:
        progress = sys.stderr.isatty()
    try:
        from tqdm import tqdm

        iterator = tqdm(files, desc="translate", unit="image", disable=not progress)
    except ImportError:
        iterator = files
    written, skipped = [], []
    for path in iterator:
        try:
            with Image.open(path) as img:
                original = img.convert(mode)
        except (OSError, ValueError) as err:
            skipped.append(f"{path.name} ({err})")
            log(f"skipped {path}: it cannot be read as an image ({err})")
            continue
        translated = model.translate(to_tensor(original, size), direction=direction)[0]
        result = to_image(translated, original.size)
        if side_by_side:
            figure = Image.new(result.mode, (original.width * 2, original.height))
            figure.paste(original.convert(result.mode), (0, 0))
            figure.paste(result, (original.width, 0))
            result = figure
        target = out / path.name
        if target.suffix.lower() in (".jpg", ".jpeg") and result.mode not in ("RGB", "L"):
            result = result.convert("RGB")
        result.save(target)
        written.append(target)
    return written, skipped
