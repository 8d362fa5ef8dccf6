"""The zoo's table of published checkpoints and ``Zoo.load / list / info``.

A name resolves, in order, to: a local export folder (a path), the mirror folder ``$ZOO_HUB/<name>/`` (the same
layout as the Hub repo), then the Hugging Face Hub (the entry's repo at its pinned revision, through
huggingface_hub's cache; ``HF_HUB_OFFLINE=1`` is honoured). Only JSON and safetensors are read. A Hub repo id
"org/repo" that is not an existing local folder loads that repo (``revision=`` a branch, tag or commit) through the
same cache.
"""
from __future__ import annotations

import dataclasses
import difflib
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zoo import hub


class EntryNotFoundError(KeyError):
    """No entry of that name; the message lists the closest names."""

    def __str__(self) -> str:
        return str(self.args[0])


class ReferenceMismatchWarning(UserWarning):
    """A local copy differs from the reference export, so the card's numbers may not apply to it."""


@dataclass(frozen=True)
class ZooEntry:
    """One published checkpoint of the zoo.

    Attributes:
        name: opaque key, e.g. "dcgan-mnist" (never parsed).
        model_class: import path of the LightningModule.
        paper: paper title; arxiv: its arXiv id.
        dataset / split: what it was trained on.
        recipe: the LightningCLI config that trains it (relative to the repo root).
        license: license of the weights (and the data's terms, in the card).
        origin: "trained here" or "ported".
        num_parameters: parameters of the trainable networks (EMA copies excluded).
        metrics: headline numbers, e.g. {"fid": 8.1}; the protocol is in ``protocol``.
        protocol: how the metrics were measured (extractor, sample counts, reference split, size, dtype).
        hub_repo / hub_revision: the Hub repo id and the commit ``zoo push`` returned; None until pushed.
        checksums: sha256 of the files of the reference export (the one the card reports).
        paper_metrics: the paper's (or best published reimplementation's) numbers, keyed by a label that says
            whose number it is.
        training: the compute and wall time the reference export took.
        limitations: what a user should know before relying on it.
        data_license: the training data's license or terms.
        aliases: other names that load this entry, e.g. the paper-setting name of a scaled-down model. Loading
            by an alias warns and names the entry, so a user asking for "cyclegan-horse2zebra" learns that
            what they get is "cyclegan-horse2zebra-64px".
    """

    name: str
    model_class: str
    paper: str
    arxiv: str
    dataset: str
    split: str
    recipe: str
    license: str
    origin: str
    num_parameters: int
    metrics: dict[str, float] = field(default_factory=dict)
    protocol: dict[str, Any] = field(default_factory=dict)
    hub_repo: str | None = None
    hub_revision: str | None = None
    checksums: dict[str, str] = field(default_factory=dict)
    paper_metrics: dict[str, float] = field(default_factory=dict)
    training: str = ""
    limitations: str = ""
    data_license: str = ""
    aliases: tuple[str, ...] = ()

    def row(self) -> dict[str, Any]:
        paper = self.paper if len(self.paper) <= 40 else self.paper[:37] + "..."
        name = self.name + (f" (alias {', '.join(self.aliases)})" if self.aliases else "")
        return {"name": name, "paper": f"{paper} ({self.arxiv})", "dataset": f"{self.dataset} ({self.split})",
                "metrics": ", ".join(f"{k} {v:g}" for k, v in self.metrics.items()) or "-",
                "hub": self.hub_repo or "-"}


def _entries() -> dict[str, ZooEntry]:
    from zoo import entries  # the table lives in its own module so results can be updated without touching code

    table = {}
    for entry in entries.ENTRIES:
        if entry.name in table:
            raise RuntimeError(f"duplicate zoo entry name {entry.name!r}")
        table[entry.name] = entry
    return table


def _aliases() -> dict[str, str]:
    """alias -> entry name."""
    table = _entries()
    out: dict[str, str] = {}
    for entry in table.values():
        for alias in entry.aliases:
            if alias in table or alias in out:
                raise RuntimeError(f"alias {alias!r} of {entry.name!r} is already the name or alias of another entry")
            out[alias] = entry.name
    return out


class AliasWarning(UserWarning):
    """A name was an alias: the warning names the entry that is loaded instead."""


def hub_root() -> Path | None:
    root = os.environ.get("ZOO_HUB")
    return Path(root).expanduser() if root else None


class Zoo:
    """The user-facing index of the zoo: ``Zoo.list()``, ``Zoo.info(name)``, ``Zoo.load(name_or_path)``."""

    @staticmethod
    def list(**filters: str) -> list[ZooEntry]:
        """Entries whose fields contain the given values (case-insensitive), e.g. ``Zoo.list(dataset="mnist")``."""
        fields = {f.name for f in dataclasses.fields(ZooEntry)}
        for key in filters:
            if key not in fields:
                raise ValueError(f"cannot filter on {key!r}; fields are {sorted(fields)}.")
        out = []
        for entry in _entries().values():
            values = dataclasses.asdict(entry)
            if all(str(v).lower() in str(values[k]).lower() for k, v in filters.items()):
                out.append(entry)
        return out

    @staticmethod
    def table(entries: list[ZooEntry] | None = None) -> str:
        """A plain-text table of entries (all by default)."""
        rows = [e.row() for e in (entries if entries is not None else Zoo.list())]
        if not rows:
            return "(no entries)"
        cols = list(rows[0])
        widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in cols}
        lines = ["  ".join(c.ljust(widths[c]) for c in cols), "  ".join("-" * widths[c] for c in cols)]
        lines += ["  ".join(str(r[c]).ljust(widths[c]) for c in cols) for r in rows]
        return "\n".join(lines)

    @staticmethod
    def info(name: str) -> ZooEntry:
        """The entry called ``name`` (or with ``name`` among its aliases, with an ``AliasWarning``); an unknown
        name raises an error listing the closest names."""
        table = _entries()
        aliases = _aliases()
        if name in aliases:
            entry = table[aliases[name]]
            warnings.warn(f"{name!r} is an alias of the zoo entry {entry.name!r}: {entry.dataset}. "
                          f"Use {entry.name!r} to silence this warning.", AliasWarning, stacklevel=2)
            return entry
        if name not in table:
            close = difflib.get_close_matches(name, [*table, *aliases], n=5, cutoff=0.4)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise EntryNotFoundError(f"no zoo entry named {name!r}.{hint} `zoo list` shows all {len(table)} "
                                     f"entries; a local export folder can be loaded by its path.")
        return table[name]

    @staticmethod
    def resolve(name_or_path: str | os.PathLike, *, revision: str | None = None) -> Path:
        """The local folder holding the export for ``name_or_path`` (downloading it from the Hub if needed).

        In order: an existing local folder; a path that does not exist (it starts with ".", "/" or "~", or has
        more than one "/") is an error; "org/repo" is a Hugging Face Hub repo id (``snapshot_download``, its cache
        and ``HF_HUB_OFFLINE`` honoured); anything else is a zoo entry name.
        """
        text = str(name_or_path)
        if not text.strip():
            raise ValueError("an empty name was given: pass an entry name from `zoo list`, an export folder or a "
                             "Hub repo id (org/repo).")
        path = Path(name_or_path).expanduser()
        hub.recover_interrupted(path)  # an export killed between its two renames left only .<name>.old
        if path.is_dir():
            if revision is not None:
                raise ValueError(f"revision={revision!r} was given for the local folder {path}, which has no "
                                 f"revisions. Drop revision=, or (for a Hub repo id shadowed by a folder of the same "
                                 f"name) load from another working directory.")
            return path
        if isinstance(name_or_path, os.PathLike) or looks_like_path(text):
            raise FileNotFoundError(f"export folder {text} does not exist. Pass an existing folder made by "
                                    f"`zoo export`, an entry name from `zoo list`, or a Hub repo id (org/repo).")
        if "/" in text:
            return snapshot(check_repo_id(text), revision)
        entry = Zoo.info(text)
        tried = []
        local = hub_root()
        if local is not None:
            folder = local / entry.name
            hub.recover_interrupted(folder)
            if (folder / hub.CONFIG).is_file():
                check_reference(entry, folder, strict=False)
                return folder
            tried.append(f"$ZOO_HUB mirror {folder} (no {hub.CONFIG} there)")
        else:
            tried.append("$ZOO_HUB mirror (ZOO_HUB is not set)")
        if entry.hub_repo:
            try:
                folder = download(entry, revision or entry.hub_revision)
            except Exception as err:  # offline, unknown repo, network: report every place tried
                first_line = (str(err).splitlines() or [""])[0]
                tried.append(f"Hugging Face Hub {entry.hub_repo}@{revision or entry.hub_revision} "
                             f"({type(err).__name__}: {first_line})")
            else:
                if revision is None or revision == entry.hub_revision:
                    check_reference(entry, folder, strict=True)
                return folder
        else:
            tried.append(f"Hugging Face Hub (entry {entry.name!r} has not been pushed yet)")
        raise FileNotFoundError(
            f"cannot find the weights of {entry.name!r}. Tried: " + "; ".join(tried) + ". Fix: connect to the "
            f"internet (and unset HF_HUB_OFFLINE), or train it with `zoo fit --config {entry.recipe}`, export it "
            f"with `zoo export <run dir> --name {entry.name} -o $ZOO_HUB/{entry.name}` and set ZOO_HUB.")

    @staticmethod
    def load(name_or_path: str | os.PathLike, *, revision: str | None = None, device: str = "cpu",
             trainable: bool = False):
        """Load a zoo model by entry name, export folder or Hugging Face Hub repo id.

        Args:
            name_or_path: an entry name (``zoo list``), a folder written by ``zoo export`` (or
                ``model.save_pretrained``), or a Hub repo id "org/repo" holding such a folder.
            revision: a Hub revision (branch, tag or commit): for an entry, other than its pinned one.
            device: where to put the model.
            trainable: return it in train mode; either way it fine-tunes with ``trainer.fit`` (G, D, EMA restored).
        Returns:
            The GANModule, in eval mode unless ``trainable``.
        """
        return hub.load_folder(Zoo.resolve(name_or_path, revision=revision), device=device, trainable=trainable)


def check_reference(entry: ZooEntry, folder: Path, *, strict: bool) -> None:
    """Compare a folder with the entry's reference checksums: an error for Hub downloads, a warning locally."""
    if not entry.checksums:
        return
    different = [f for f, digest in entry.checksums.items()
                 if not (folder / f).is_file() or hub.sha256_file(folder / f) != digest]
    if not different:
        return
    message = (f"{folder} differs from the reference export of {entry.name!r} in {different}, so the numbers on "
               f"its card may not apply")
    if strict:
        raise hub.ExportError(message + "; the download is corrupt or tampered with: delete it from the Hugging "
                              "Face cache and load again.")
    warnings.warn(message + " (a locally re-trained copy?).", ReferenceMismatchWarning, stacklevel=3)


HUB_FILES = ["*.json", "*.safetensors", "*.md", "*.png"]  # what is downloaded: never code, never pickles


def download(entry: ZooEntry, revision: str | None) -> Path:
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(entry.hub_repo, revision=revision, allow_patterns=HUB_FILES))


def looks_like_path(text: str) -> bool:
    """A name that can only be meant as a path: starts with ".", "/", "~" or a drive, has a backslash or the
    platform's separator other than "/", or more than one "/" (a Hub repo id has exactly one)."""
    seps = {os.sep, os.altsep or os.sep} - {"/"}
    return (text.startswith((".", "/", "~")) or text.count("/") > 1 or text.endswith("/") or "\\" in text
            or any(sep in text for sep in seps) or (len(text) > 1 and text[1] == ":"))


def check_repo_id(text: str) -> str:
    from huggingface_hub.utils import HFValidationError, validate_repo_id

    org, _, name = text.partition("/")
    try:
        if not org or not name:
            raise HFValidationError("both parts are needed")
        validate_repo_id(text)
    except HFValidationError as err:
        raise ValueError(f"{text!r} is neither an existing folder nor a valid Hub repo id ({err}). Pass a repo id "
                         f"'org/name' (letters, digits, '-', '_', '.'), an export folder that exists, or an entry "
                         f"name from `zoo list`.") from None
    return text


class HubRepoError(FileNotFoundError):
    """A Hub repo could not be downloaded (offline and not cached, no such repo or revision, network error)."""


def snapshot(repo_id: str, revision: str | None = None) -> Path:
    """The local folder of a Hub repo at ``revision`` (default: main), through huggingface_hub's cache; offline
    (``HF_HUB_OFFLINE=1``) only the cache is read."""
    from huggingface_hub import constants, snapshot_download
    from huggingface_hub.errors import (GatedRepoError, LocalEntryNotFoundError, OfflineModeIsEnabled,
                                        RepositoryNotFoundError, RevisionNotFoundError)

    at = f"{repo_id}@{revision}" if revision else repo_id
    try:
        return Path(snapshot_download(repo_id, revision=revision, allow_patterns=HUB_FILES))
    except (LocalEntryNotFoundError, OfflineModeIsEnabled):
        offline = "offline (HF_HUB_OFFLINE is set)" if constants.HF_HUB_OFFLINE else "the Hub cannot be reached"
        raise HubRepoError(
            f"cannot load the Hub repo {at}: {offline} and it is not in the Hugging Face cache "
            f"({constants.HF_HUB_CACHE}). Fix: connect to the internet and unset HF_HUB_OFFLINE to download it once, "
            f"or pass a local export folder.") from None
    except GatedRepoError:
        raise HubRepoError(f"the Hub repo {repo_id} is gated: accept its terms on huggingface.co and log in "
                           f"(`hf auth login`), then load it again.") from None
    except RevisionNotFoundError:
        raise HubRepoError(f"the Hub repo {repo_id} has no revision {revision!r}: pass an existing branch, tag or "
                           f"commit (or none, for main).") from None
    except RepositoryNotFoundError:
        raise HubRepoError(f"there is no Hub repo {repo_id} (or it is private: log in with `hf auth login`). Check "
                           f"the id; a local folder is loaded by its path only if it exists.") from None
    except (OSError, ValueError) as err:  # network and HTTP errors
        first_line = (str(err).splitlines() or [""])[0]
        raise HubRepoError(f"cannot download the Hub repo {at} ({type(err).__name__}: {first_line}). Check the "
                           f"network, or set HF_HUB_OFFLINE=1 to use the Hugging Face cache.") from None
