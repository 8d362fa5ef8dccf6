"""The image-to-image protocol (Pix2Pix, CycleGAN, DiscoGAN): FID/KID of translated test images, baselines, L1.

Test images are resized with bicubic interpolation (PIL) to ``size``, the training resolution, then fed to
torchmetrics' Inception network, which resizes them bilinearly (antialiased) to 299x299. Each direction's FID
compares the translated test inputs with the real test images of the target domain, and the FID of the untranslated
inputs against the same targets is reported as a do-nothing baseline. Paired data (pix2pix folders of A|B images)
adds the L1 distance to the ground truth; two-way models add the cycle errors |F(G(x)) - x| and (F(G(x)) - x)^2.
The small test sets (106 facades, 120 / 140 horses / zebras) make FID biased upwards and noisy.
"""
from __future__ import annotations

import inspect

import torch
import torch.nn.functional as F
from torch import Tensor

from zoo.data.common import DataFileError
from zoo.data.translation import PairedImageDataset, dataset_folder, load_images

# dataset -> how its test split is read: direction of the pairs (input -> target) and the domains' names
DATASETS = {"facades": {"direction": "BtoA", "domains": ("labels", "photo")},
            "horse2zebra": {"direction": "AtoB", "domains": ("horse", "zebra")}}


def reference_key(dataset: str, split: str, size: int, count: int) -> str:
    """The feature-cache key of ``count`` images of ``dataset``'s ``split`` at ``size`` px."""
    return f"{dataset}-{split}-{size}px[:{count}]"


def test_split(dataset: str, size: int, direction: str | None, limit: int | None) -> tuple[Tensor, Tensor, bool]:
    """(inputs, targets, paired): ``<dataset>/test`` of A|B pairs, or ``<dataset>/testA`` and ``testB``."""
    base = dataset_folder(dataset)
    if (base / "testA").is_dir() and (base / "testB").is_dir():
        return load_images(base / "testA", size, limit), load_images(base / "testB", size, limit), False
    if (base / "test").is_dir():
        direction = direction or DATASETS.get(dataset, {}).get("direction", "AtoB")
        pairs = PairedImageDataset(base / "test", direction, size, size, train=False)
        inputs, targets = zip(*(pairs[i] for i in range(min(len(pairs), limit or len(pairs)))))
        return torch.stack(inputs), torch.stack(targets), True
    raise DataFileError(f"no test split of {dataset!r} in {base}: expected a folder test/ of A|B pairs, or testA/ and "
                        f"testB/. Set ZOO_DATA to the folder that holds {dataset}/, or give an absolute dataset path.")


def translate_all(model, x: Tensor, direction: str, batch_size: int = 16, **kwargs) -> Tensor:
    try:
        return torch.cat([model.translate(b, direction, **kwargs).cpu() for b in x.split(batch_size)])
    except RuntimeError as err:  # a size the networks cannot take
        raise ValueError(f"{type(model).__name__} cannot translate {tuple(x.shape[1:])} images ({str(err)[:120]}); "
                         "set the spec's size to the resolution the model was trained at.") from None


def translation_metrics(model, spec: dict, progress: bool = False) -> tuple[dict, dict]:
    """Numbers and protocol of a validated ``{"kind": "translation", ...}`` spec."""
    from zoo.metrics.images import (EXTRACTOR, NETWORKS, fid_from_features, image_metrics, network_name,
                                    reference_features)

    dataset, size = spec["dataset"], spec["size"]
    inputs, targets, paired = test_split(dataset, size, spec["direction"], spec["num_images"])
    params = inspect.signature(model.translate).parameters
    kwargs: dict = {}
    if spec["mode"] is not None:
        if "mode" not in params:
            raise ValueError(f"mode={spec['mode']!r}: {type(model).__name__}.translate has no mode; drop 'mode' "
                             "from the spec (it is for Pix2Pix: 'paper' or 'eval').")
        kwargs["mode"] = spec["mode"]
    if "generator" in params:  # Pix2Pix's paper mode draws dropout masks: from the spec's seed
        kwargs["generator"] = torch.Generator().manual_seed(spec["seed"])
    names = DATASETS.get(dataset, {}).get("domains", ("A", "B"))

    def features(images: Tensor, split: str) -> Tensor:  # cached: the same test images every time
        return reference_features(images, reference_key(dataset, split, size, len(images))).double()

    def score(fake: Tensor, real: Tensor, real_split: str, input_split: str, inputs: Tensor, suffix: str) -> dict:
        m = image_metrics(fake, real, metrics=("fid", "kid"),
                          reference_key=reference_key(dataset, real_split, size, len(real)),
                          progress=progress)
        baseline = fid_from_features(features(real, real_split), features(inputs, input_split))
        return {f"fid{suffix}": m["fid"], f"kid{suffix}": m["kid"], f"kid_std{suffix}": m["kid_std"],
                f"fid_inputs{suffix}": baseline}

    two_way = "BtoA" in getattr(model, "directions", ("AtoB",))
    out: dict = {}
    if paired:
        fake = translate_all(model, inputs, "AtoB", **kwargs)
        out.update(score(fake, targets, "test-targets", "test-inputs", inputs, ""))
        out["l1"] = F.l1_loss(fake, targets).item()
        test_set = f"{dataset} test: {len(inputs)} inputs -> vs the {len(targets)} real targets (their ground truth)"
    else:
        a, b = inputs, targets
        ab = translate_all(model, a, "AtoB", **kwargs)
        out.update(score(ab, b, "testB", "testA", a, f"_{names[0]}2{names[1]}"))
        test_set = f"{dataset} testA ({len(a)} {names[0]}) -> vs testB ({len(b)} {names[1]})"
        if two_way:
            ba = translate_all(model, b, "BtoA", **kwargs)
            out.update(score(ba, a, "testA", "testB", b, f"_{names[1]}2{names[0]}"))
            aba, bab = translate_all(model, ab, "BtoA", **kwargs), translate_all(model, ba, "AtoB", **kwargs)
            for name, x, back in ((names[0], a, aba), (names[1], b, bab)):
                out[f"cycle_l1_{name}"] = F.l1_loss(back, x).item()
                out[f"cycle_mse_{name}"] = F.mse_loss(back, x).item()
            test_set += ", and testB -> vs testA"
    mode = kwargs.get("mode", params["mode"].default if "mode" in params else None)
    protocol = {
        "test_set": test_set, "paired": paired, "num_inputs": len(inputs), "num_targets": len(targets),
        "image_size": [3, size, size], "feature_extractor": EXTRACTOR, "inception_network": NETWORKS[network_name()],
        "resize": f"bicubic (PIL) to {size}x{size}, the training size; then bilinear antialiased to 299x299 "
                  "(torchmetrics)",
        "dtype": "float32 features, float64 statistics", "kid": "cubic polynomial kernel, 100 subsets of "
        "min(1000, smaller set) images",
        "fid_inputs": "FID of the untranslated inputs against the same targets (a model that does nothing)",
        "translate_mode": mode,
        "seed": spec["seed"] if "generator" in kwargs else None,
        "l1": "mean |G(x) - y| over pixels, images in [-1, 1]" if paired else None,
        "cycle": "mean |F(G(x)) - x| and (F(G(x)) - x)^2 over pixels, [-1, 1]" if two_way and not paired else None,
        "note": "small test sets make FID biased upwards and noisy; not comparable with 256x256 numbers",
    }
    return out, protocol
