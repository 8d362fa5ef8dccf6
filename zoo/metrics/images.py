"""FID and KID with the standard Inception features, through torchmetrics, with cached reference statistics.

Pipeline: images in [-1, 1] (1 or 3 channels, any size) -> uint8 RGB -> torchmetrics' ``NoTrainInceptionV3``
("inception-v3-compat", pool3 2048-d features, bilinear antialiased resize to 299, torchmetrics' default) ->
torchmetrics' FrechetInceptionDistance / KernelInceptionDistance fed with those features. The features of a batch
are extracted once and shared by both metrics, the network runs in channels-last under inference mode, and the
reference split's statistics are computed once and cached on disk, keyed by reference, extractor and image size.

By default the network is torchmetrics' with its BatchNorms folded into the convolutions (zoo.metrics.inception:
the same forward code and weights, features within 1e-4 relative). ``network="torchmetrics"`` (or the environment
variable ``ZOO_FID_NETWORK=torchmetrics``, e.g. for ``zoo eval``) runs torchmetrics' network unchanged, to check.

The Inception Score is refused unless the extractor has a real classifier layer: a weights file rebuilt from a
features-only copy of the network (no classifier) has a zero fc layer, which would print IS = 1.0 for anything.
"""
from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Iterable, Sequence

import torch
from torch import Tensor, nn

EXTRACTOR = "torchmetrics NoTrainInceptionV3 'inception-v3-compat' pool3 (2048-d), weights inception-2015-12-05"
WEIGHTS_FILE = "weights-inception-2015-12-05-6726825d.pth"
SUPPORTED = ("fid", "kid", "is")
NETWORKS = {
    "folded": "torchmetrics' network with each BatchNorm folded into its convolution (float64 algebra, float32 "
              "weights); features within 1e-4 relative of torchmetrics'",
    "torchmetrics": "torchmetrics' network unchanged",
}


class MetricUnavailableError(RuntimeError):
    """A metric cannot be computed validly here (missing weights, no classifier layer)."""


def weights_path() -> Path:
    home = os.environ.get("TORCH_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "torch")
    return Path(home) / "hub" / "checkpoints" / WEIGHTS_FILE


_EXTRACTORS: dict[tuple[str, str], nn.Module] = {}


def network_name(network: str | None = None) -> str:
    """The Inception implementation to run: ``network``, else ``$ZOO_FID_NETWORK``, else "folded"."""
    network = network or os.environ.get("ZOO_FID_NETWORK") or "folded"
    if network not in NETWORKS:
        raise ValueError(f"Inception network {network!r} is not known; expected one of {sorted(NETWORKS)} "
                         "(as the `network` argument or the ZOO_FID_NETWORK environment variable).")
    return network


def inception(device: str | torch.device = "cpu", network: str | None = None) -> nn.Module:
    """The standard FID Inception network (shared per device and network), from the local torch hub cache only.

    Args:
        device: where it runs.
        network: "folded" (default: BatchNorm folded into the convolutions) or "torchmetrics" (unchanged).
    """
    key = (str(device), network_name(network))
    if key not in _EXTRACTORS:
        path = weights_path()
        if not path.is_file():
            raise MetricUnavailableError(
                f"FID Inception weights not found at {path}. Online, torchmetrics downloads them there on first use: "
                f"run `python -c \"from torchmetrics.image.fid import FrechetInceptionDistance as F; F()\"` once. "
                f"Offline, copy {WEIGHTS_FILE} (torch-fidelity's release of the standard FID Inception weights) to "
                f"that path, or set TORCH_HOME to the folder that holds hub/checkpoints/{WEIGHTS_FILE}.")
        from torchmetrics.image.fid import NoTrainInceptionV3

        net = NoTrainInceptionV3(name="inception-v3-compat", features_list=["2048"],
                                 feature_extractor_weights_path=str(path))
        if key[1] == "folded":
            from zoo.metrics.inception import fold_inception

            net = fold_inception(net)
        _EXTRACTORS[key] = net.to(device, memory_format=torch.channels_last).eval()
    return _EXTRACTORS[key]


def to_uint8_rgb(images: Tensor) -> Tensor:
    """[-1, 1] float NCHW with 1 or 3 channels -> uint8 NCHW with 3 channels (what the Inception network takes)."""
    if images.dim() != 4 or images.shape[1] not in (1, 3):
        raise ValueError(f"expected images of shape (N, 1 or 3, H, W) in [-1, 1], got {tuple(images.shape)}.")
    if images.dtype == torch.uint8:
        out = images
    else:
        out = ((images.float().clamp(-1, 1) + 1) * 127.5).round_().to(torch.uint8)
    return out.expand(-1, 3, -1, -1) if out.shape[1] == 1 else out


@torch.inference_mode()
def features(images: Tensor | Iterable[Tensor], batch_size: int = 100,
             device: str | torch.device = "cpu", progress: bool = False, network: str | None = None) -> Tensor:
    """2048-d pool3 features (float32, N x 2048) of images in [-1, 1] (a tensor or an iterable of batches)."""
    net = inception(device, network)
    batches = images.split(batch_size) if isinstance(images, Tensor) else images
    out, done, start = [], 0, time.perf_counter()
    for batch in batches:
        x = to_uint8_rgb(batch).to(device).contiguous(memory_format=torch.channels_last)
        out.append(net(x).float().cpu())
        done += len(x)
        if progress:
            rate = done / (time.perf_counter() - start)
            print(f"\r  Inception features: {done} images ({rate:.0f} images/s)", end="", flush=True)
    if progress:
        print()
    if not out:
        raise ValueError("no images were given.")
    return torch.cat(out)


class _Identity(nn.Module):
    """Feature 'extractor' for torchmetrics when the features were already extracted."""

    num_features = 2048

    def forward(self, x: Tensor) -> Tensor:
        return x


def cache_dir() -> Path:
    return Path(os.environ.get("ZOO_CACHE", "~/.cache/zoo")).expanduser() / "reference_stats"


def _cache_file(reference_key: str, network: str) -> Path:
    # torchmetrics' network keeps the key it always had; the folded one, whose features round differently, has its own
    tag = "" if network == "torchmetrics" else f"|{network}"
    digest = hashlib.sha256(f"{reference_key}|{EXTRACTOR}{tag}".encode()).hexdigest()[:16]
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in reference_key)
    return cache_dir() / f"{safe}-{digest}.safetensors"


def reference_features(real: Tensor | None, reference_key: str | None, batch_size: int = 100,
                       device: str | torch.device = "cpu", progress: bool = False,
                       network: str | None = None) -> Tensor:
    """Features of the reference images, read from the disk cache when ``reference_key`` was seen before.

    The cache is keyed by the reference name, the extractor and the Inception network; the file also records the
    image size and count, and a cached entry whose size or count differs from given images is recomputed.
    """
    network = network_name(network)
    from safetensors import safe_open
    from safetensors.torch import save_file

    if reference_key is None:
        if real is None:
            raise ValueError("give the reference images, or a reference_key whose statistics are cached.")
        return features(real, batch_size, device, progress, network)
    path = _cache_file(reference_key, network)
    if path.is_file():
        with safe_open(str(path), "pt") as f:
            meta = f.metadata() or {}
            if real is None or (meta.get("image_size") == str(list(real.shape[1:]))
                                and meta.get("count") == str(len(real))):
                return f.get_tensor("features")
    if real is None:
        raise ValueError(f"no cached statistics for reference {reference_key!r} at {path}; pass the real images.")
    feats = features(real, batch_size, device, progress, network)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".partial")
    save_file({"features": feats.contiguous()}, str(tmp), metadata={
        "reference": reference_key, "extractor": EXTRACTOR, "network": network, "image_size": str(list(real.shape[1:])),
        "count": str(len(real))})
    tmp.replace(path)
    return feats


def fid_from_features(real: Tensor, fake: Tensor) -> float:
    from torchmetrics.image.fid import FrechetInceptionDistance

    fid = FrechetInceptionDistance(feature=_Identity())
    fid.update(real, real=True)
    fid.update(fake, real=False)
    return float(fid.compute())


def kid_from_features(real: Tensor, fake: Tensor, subset_size: int = 1000, subsets: int = 100,
                      seed: int = 0) -> tuple[float, float]:
    from torchmetrics.image.kid import KernelInceptionDistance

    subset_size = min(subset_size, len(real), len(fake))
    kid = KernelInceptionDistance(feature=_Identity(), subset_size=subset_size, subsets=subsets)
    kid.update(real, real=True)
    kid.update(fake, real=False)
    with torch.random.fork_rng():  # KID draws its subsets from the global RNG: seed them for reproducibility
        torch.manual_seed(seed)
        mean, std = kid.compute()
    return float(mean), float(std)


def check_inception_score_valid() -> None:
    """Refuse IS when the Inception network has no trained classifier (a features-only weights file has fc = 0)."""
    net = inception("cpu")
    if not bool(net.fc.weight.detach().abs().sum() > 0):
        raise MetricUnavailableError(
            "the Inception Score needs Inception's 1008-class classifier, but the installed weights "
            f"({weights_path()}) have a zero fc layer (a features-only rebuild of the file, without the "
            "classifier), so IS would be 1.0 for any images. Use FID/KID, or for digits the judged IS of the zoo's "
            "MNIST classifier (zoo.metrics.judge).")


def image_metrics(fake: Tensor | Iterable[Tensor], real: Tensor | Iterable[Tensor] | None = None, *,
                  metrics: Sequence[str] = ("fid", "kid"), reference_key: str | None = None,
                  batch_size: int = 100, device: str | torch.device = "cpu", kid_subset_size: int = 1000,
                  progress: bool = False, network: str | None = None) -> dict:
    """FID / KID (and IS when valid) of generated images against reference images.

    Args:
        fake: generated images in [-1, 1], (N, C, H, W) or an iterable of such batches.
        real: reference images in [-1, 1]; may be None when ``reference_key`` is already cached.
        metrics: any of "fid", "kid", "is".
        reference_key: a name for the reference split (e.g. "mnist-test"); its features are cached on disk.
        batch_size: images per Inception forward pass.
        device: where the Inception network runs.
        kid_subset_size: KID subset size (torchmetrics default 1000; capped at the sample counts).
        network: the Inception implementation, "folded" (default, or ``$ZOO_FID_NETWORK``) or "torchmetrics".
    Returns:
        {"fid": ..., "kid": ..., "kid_std": ..., "protocol": {...}}.
    """
    metrics = [m.lower() for m in metrics]
    unknown = sorted(set(metrics) - set(SUPPORTED))
    if unknown:
        raise ValueError(f"unknown metrics {unknown}; expected some of {SUPPORTED}.")
    network = network_name(network)
    if "is" in metrics:
        check_inception_score_valid()
    if isinstance(real, Tensor):
        real = real.cpu()
    elif real is not None:
        real = torch.cat(list(real))
    if isinstance(fake, Tensor):
        fake_tensor = fake
    else:
        fake_tensor = torch.cat(list(fake))
    real_feats = reference_features(real, reference_key, batch_size, device, progress, network)
    fake_feats = features(fake_tensor, batch_size, device, progress, network)
    out: dict = {}
    if "fid" in metrics:
        out["fid"] = fid_from_features(real_feats.double(), fake_feats.double())
    if "kid" in metrics:
        out["kid"], out["kid_std"] = kid_from_features(real_feats, fake_feats, kid_subset_size)
    out["protocol"] = {
        "feature_extractor": EXTRACTOR,
        "inception_network": NETWORKS[network],
        "resize": "bilinear with antialias to 299x299 (torchmetrics default)",
        "input": "uint8 RGB from [-1, 1] images; grayscale repeated to 3 channels",
        "num_fake": len(fake_feats), "num_real": len(real_feats), "reference": reference_key or "given images",
        "image_size": list(fake_tensor.shape[1:]),
        "dtype": "float32 features, float64 statistics",
        "kid": {"subset_size": min(kid_subset_size, len(real_feats), len(fake_feats)), "subsets": 100,
                "kernel": "cubic polynomial"} if "kid" in metrics else None,
        "implementation": "torchmetrics FrechetInceptionDistance / KernelInceptionDistance",
    }
    return out
