"""``evaluate_spec``: measure a model by an evaluation spec (zoo.metrics.spec), one protocol per kind.

Each protocol returns ``{metric: number, ..., "protocol": {...}}``; the protocol holds the spec with its defaults
filled in, the sample and image counts, the seed, the reference data, the feature extractor where there is one, and
the wall time, so that the numbers can be reproduced. The kinds:

- fid: FID/KID of ``sample`` against a named reference split (labels cycle 0..K-1 for conditional models);
- modes: PacGAN mode statistics of 2-D samples on the ring / grid mixture;
- judged: judged accuracy and digit IS of a label-conditioned generator (the mnist-classifier judge), + FID/KID;
- classification: accuracy / error / errors of ``classify`` on the MNIST test digits (the judge, SGAN);
- code_error: InfoGAN's categorical-code matching error on the MNIST test digits;
- one_nn: BiGAN's 1-NN accuracy of E(x) features (test digits labelled by the nearest training digit), and the
  reconstruction error of G(E(x));
- nll_oracle: SeqGAN's NLL-oracle of generated sequences;
- translation: FID of translated test images, L1 to the ground truth, cycle errors (zoo.metrics.translation).
"""
from __future__ import annotations

import time
from typing import Any, Callable

import torch
from torch import Tensor

from zoo.metrics.evaluate import draw_samples, takes_labels
from zoo.metrics.spec import validate_spec
from zoo.schema import TASKS, offers

MNIST_TEST = "MNIST test (t10k files, 10,000 digits, in file order)"
# kind -> the inference verbs the model must have
VERBS = {"fid": ("sample",), "modes": ("sample",), "judged": ("sample(labels=)",), "classification": ("classify",),
         "code_error": ("infer_codes",), "one_nn": ("encode", "reconstruct"), "nll_oracle": ("generate",),
         "translation": ("translate",)}


def has_verb(model, verb: str) -> bool:
    """Whether the model offers an inference verb (its class's ``verbs``), or a method such as ``infer_codes``."""
    if verb == "sample(labels=)":
        return has_verb(model, "sample") and takes_labels(model)
    if verb in TASKS:
        return offers(model, verb)
    return callable(getattr(model, verb, None))


def check_model(model, kind: str) -> None:
    """Raise ValueError when the model lacks the verbs the kind needs, naming kinds that would fit it."""
    missing = [v for v in VERBS[kind] if not has_verb(model, v)]
    if not missing:
        return
    fits = [k for k, verbs in VERBS.items() if all(has_verb(model, v) for v in verbs)]
    raise ValueError(f"evaluation kind {kind!r} needs a model with {' and '.join(VERBS[kind])}; "
                     f"{type(model).__name__} has no {' / '.join(missing)}. Use a kind that fits this model "
                     f"({', '.join(fits) or 'none'}) or a model that has it.")


def evaluate_spec(model, spec: dict, *, progress: bool = False) -> dict[str, Any]:
    """Measure ``model`` as ``spec`` says.

    Args:
        model: a zoo model (GANModule, translation model, classifier, sequence model).
        spec: an evaluation spec, e.g. ``{"kind": "fid", "reference": "mnist-test", "num_samples": 5000}``.
        progress: print Inception feature progress.
    Returns:
        ``{metric: number, ..., "protocol": {"spec": <spec with defaults>, ..., "wall_time_s": ...}}``.
    Raises:
        ValueError: a bad spec, or a model without the verb the kind needs.
    """
    spec = validate_spec(spec)
    check_model(model, spec["kind"])
    start = time.perf_counter()
    numbers, protocol = PROTOCOLS[spec["kind"]](model, spec, progress)
    protocol = {"spec": spec, "kind": spec["kind"], "model_class": type(model).__name__, **protocol,
                "wall_time_s": round(time.perf_counter() - start, 1)}
    return {**numbers, "protocol": protocol}


def sampler_name(model) -> str:
    return "EMA generator" if getattr(model, "generator_ema", None) is not None else "generator"


def fid(model, spec: dict, progress: bool) -> tuple[dict, dict]:
    from zoo.metrics.images import image_metrics
    from zoo.metrics.references import reference_images, reference_key

    fake = draw_samples(model, spec["num_samples"], spec["seed"])
    if fake.dim() != 4 or fake.shape[1] not in (1, 3):
        raise ValueError(f"kind 'fid' needs images, but {type(model).__name__}.sample draws shape "
                         f"{tuple(fake.shape[1:])}; for 2-D points use {{\"kind\": \"modes\", \"mixture\": ...}}.")
    real = reference_images(spec["reference"], spec["num_reference"])
    if spec["num_reference"] is not None and len(real) < spec["num_reference"]:
        raise ValueError(f"num_reference={spec['num_reference']} but the split {spec['reference']!r} has "
                         f"{len(real)} images; ask for at most {len(real)} (or null for all).")
    out = image_metrics(fake, real, metrics=spec["metrics"], reference_key=reference_key(spec["reference"], len(real)),
                        progress=progress)
    protocol = out.pop("protocol")
    protocol.update({"reference_split": spec["reference"], "seed": spec["seed"], "sampler": sampler_name(model),
                     "labels": f"cycling 0..{model.num_classes - 1}" if takes_labels(model) else None})
    return out, protocol


def modes(model, spec: dict, progress: bool) -> tuple[dict, dict]:
    from zoo.metrics.toy import TOY_PROTOCOL, mode_statistics

    stats = mode_statistics(draw_samples(model, spec["num_samples"], spec["seed"]), spec["mixture"])
    return stats, {**TOY_PROTOCOL, "num_samples": spec["num_samples"], "mixture": spec["mixture"],
                   "seed": spec["seed"], "sampler": sampler_name(model)}


def judged(model, spec: dict, progress: bool) -> tuple[dict, dict]:
    from zoo.metrics.judge import conditional_scores, load_judge

    judge = load_judge(spec["judge"])
    scores = conditional_scores(model.sample, num_classes=model.num_classes, per_class=spec["per_class"],
                                judge=judge, seed=spec["seed"], splits=spec["splits"])
    protocol = {**scores.pop("protocol"), "judge": spec["judge"], "sampler": sampler_name(model)}
    if spec["fid_samples"]:
        fid_spec = validate_spec({"kind": "fid", "reference": spec["reference"], "num_samples": spec["fid_samples"],
                                  "num_reference": spec["num_reference"], "seed": spec["seed"]})
        numbers, protocol["fid"] = fid(model, fid_spec, progress)
        scores.update(numbers)
    return scores, protocol


def mnist(train: bool, limit: int | None = None) -> tuple[Tensor, Tensor]:
    """MNIST images in [-1, 1] and labels, the first ``limit`` in file order (from $ZOO_DATA/MNIST/raw)."""
    from zoo.data.images import MNISTDataModule

    x, y = MNISTDataModule().load(train=train).tensors
    return x[:limit], y[:limit]


@torch.no_grad()
def batched(fn: Callable[[Tensor], Tensor], x: Tensor, device, batch_size: int = 1000) -> Tensor:
    return torch.cat([fn(chunk.to(device)).cpu() for chunk in x.split(batch_size)])


def split_name(n: int) -> str:
    return MNIST_TEST if n == 10_000 else f"the first {n:,} of the {MNIST_TEST}"


def classification(model, spec: dict, progress: bool) -> tuple[dict, dict]:
    x, y = mnist(False, spec["num_test"])
    errors = int((batched(model.classify, x, model.device) != y).sum())
    return ({"test_accuracy": 1 - errors / len(y), "test_error": errors / len(y), "test_errors": errors},
            {"split": split_name(len(y)), "num_images": len(y),
             "metric": "top-1 error of model.classify(x) (eval mode) against the digit labels"})


def code_error(model, spec: dict, progress: bool) -> tuple[dict, dict]:
    from zoo.metrics.judge import best_matching_error

    x, y = mnist(False, spec["num_test"])
    codes = batched(lambda chunk: model.infer_codes(chunk)["category"], x, model.device)
    error, mapping = best_matching_error(codes, y, max(int(model.categories), 10))
    return ({"categorical_code_matching_error": error},
            {"split": split_name(len(y)), "num_images": len(y), "code_to_digit": mapping,
             "metric": f"error of argmax Q(c_cat|x) under the best one-to-one map of the {model.categories} codes to "
                       "the 10 digits (Hungarian algorithm, scipy linear_sum_assignment)"})


def one_nn(model, spec: dict, progress: bool) -> tuple[dict, dict]:
    from zoo.metrics.features import nearest_neighbour_accuracy

    shape = tuple(getattr(model, "hparams", {}).get("data_shape", (1, 28, 28)))
    if shape != (1, 28, 28):
        raise ValueError(f"kind 'one_nn' measures MNIST digits (1, 28, 28), but the model's data_shape is {shape}; "
                         "for 2-D toys use kind 'modes'.")
    train_x, train_y = mnist(True, spec["num_train"])
    test_x, test_y = mnist(False)
    recon_x = test_x[:spec["num_reconstruct"]]
    test_x, test_y = test_x[:spec["num_test"]], test_y[:spec["num_test"]]
    f_train, f_test = (batched(model.encode, x, model.device) for x in (train_x, test_x))
    out = {f"one_nn_accuracy_{metric}": nearest_neighbour_accuracy(f_train, train_y, f_test, test_y, metric)
           for metric in ("cosine", "euclidean")}
    if len(recon_x):
        out["reconstruction_mse_test"] = float((batched(model.reconstruct, recon_x, model.device) - recon_x)
                                               .pow(2).mean())
    return out, {"metric": "1-NN accuracy of E(x) (BiGAN Table 1): each test digit takes the label of its nearest "
                           f"training digit in E's {f_test.shape[1]}-d feature space", "num_train": len(train_y),
                 "train": f"the first {len(train_y):,} MNIST training digits (file order)",
                 "test": split_name(len(test_y)), "num_test": len(test_y), "num_reconstruct": len(recon_x),
                 "reconstruction_mse_test": f"mean (G(E(x)) - x)^2 over the first {len(recon_x):,} test digits, "
                                            "in [-1, 1]"}


def nll_oracle(model, spec: dict, progress: bool) -> tuple[dict, dict]:
    from zoo.data.oracle import OracleLSTM
    from zoo.metrics.oracle import ORACLE_PROTOCOL, nll_oracle as score

    value = score(model, OracleLSTM.from_file(), spec["num_samples"], spec["seed"])
    return {"nll_oracle": value}, {**ORACLE_PROTOCOL, "num_samples": spec["num_samples"], "seed": spec["seed"]}


def translation(model, spec: dict, progress: bool) -> tuple[dict, dict]:
    from zoo.metrics.translation import translation_metrics

    return translation_metrics(model, spec, progress)


PROTOCOLS: dict[str, Callable[[Any, dict, bool], tuple[dict, dict]]] = {
    "fid": fid, "modes": modes, "judged": judged, "classification": classification, "code_error": code_error,
    "one_nn": one_nn, "nll_oracle": nll_oracle, "translation": translation}
