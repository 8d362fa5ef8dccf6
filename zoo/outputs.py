"""Checks of what a command will write, made before any expensive work (loading, sampling, translating).

Every failure is a ``ValueError`` whose message names the value, what was expected and the fix; ``zoo``'s
``main`` prints it as one line.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

IMAGE_FORMATS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm")


def writable_image_suffixes() -> tuple[str, ...]:
    """The image file extensions the installed Pillow can write, among the common ones."""
    from PIL import Image

    Image.init()
    registered = Image.registered_extensions()
    return tuple(s for s in IMAGE_FORMATS if registered.get(s) in Image.SAVE)


def check_folder_writable(folder: Path, flag: str, value: str | os.PathLike) -> Path:
    """Create ``folder`` if needed and prove that a file can be written in it."""
    folder = Path(folder)
    for ancestor in (folder, *folder.parents):  # the nearest part of the path that exists must be a folder
        if ancestor.exists():
            if not ancestor.is_dir():
                raise ValueError(f"{flag} {value}: {ancestor} is a file, not a folder. Choose a path inside a "
                                 f"folder.")
            break
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ValueError(f"{flag} {value}: the folder {folder} cannot be created ({err.strerror or err}). Choose a "
                         f"location you can write to.") from None
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".zoo-write-check-"):
            pass
    except OSError as err:
        raise ValueError(f"{flag} {value}: cannot write in {folder} ({err.strerror or err}). Choose a location you "
                         f"can write to.") from None
    return folder


def check_image_file(path: str | os.PathLike, flag: str = "-o") -> Path:
    """An image file to write: not a folder, a known image extension, in a folder that can be written."""
    path = Path(path).expanduser()
    suffixes = writable_image_suffixes()
    if path.is_dir() or str(path).endswith(("/", os.sep)):
        raise ValueError(f"{flag} {path} is a folder; give an image file name, e.g. {flag} "
                         f"{path / 'samples.png'}.")
    if path.suffix.lower() not in suffixes:
        got = f"the extension {path.suffix!r}" if path.suffix else "no extension"
        raise ValueError(f"{flag} {path} has {got}; an image file is expected, with one of "
                         f"{', '.join(suffixes)}, e.g. {flag} {path.with_suffix('.png')}.")
    check_folder_writable(path.parent, flag, path)
    if path.exists() and not os.access(path, os.W_OK):
        raise ValueError(f"{flag} {path} exists and cannot be overwritten (permission denied). Choose another file.")
    return path


def check_device(device: str, flag: str = "--device") -> str:
    """A torch device string that exists on this machine."""
    import torch

    try:
        parsed = torch.device(device)
    except (RuntimeError, ValueError, TypeError):
        raise ValueError(f"{flag} {device!r} is not a device; use cpu, cuda, cuda:1 or mps.") from None
    if parsed.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"{flag} {device}: no CUDA GPU is available here. Use {flag} cpu.")
    if parsed.type == "cuda" and parsed.index is not None and parsed.index >= torch.cuda.device_count():
        raise ValueError(f"{flag} {device}: this machine has {torch.cuda.device_count()} CUDA device(s) "
                         f"(cuda:0 .. cuda:{torch.cuda.device_count() - 1}).")
    if parsed.type == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise ValueError(f"{flag} {device}: MPS is not available here. Use {flag} cpu.")
    return device
