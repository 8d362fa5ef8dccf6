"""What a perfect translator would score under the horse2zebra translation protocol (``zoo eval``'s
``{"kind": "translation", "dataset": "horse2zebra", "size": 64}``): the FID of *real* images of the target domain,
taken from the training split in the same number as the test inputs, against the test targets. With 120 and 140
images, FID is biased well above zero, so this floor says how far an entry's number is from the best reachable one,
beside the untranslated inputs' FID (a model that does nothing).

    ZOO_DATA=<data> OMP_NUM_THREADS=1 python benchmarks/translation_fid_floor.py --size 64
"""
from __future__ import annotations

import argparse
import json

from zoo.data.translation import dataset_folder, load_images
from zoo.metrics.images import fid_from_features, reference_features
from zoo.metrics.translation import reference_key


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", default="horse2zebra")
    parser.add_argument("--size", type=int, default=64)
    args = parser.parse_args()
    base = dataset_folder(args.dataset)
    test = {d: load_images(base / f"test{d}", args.size) for d in "AB"}
    out = {}
    for source, target, name in (("A", "B", "horse2zebra"), ("B", "A", "zebra2horse")):
        count = len(test[source])  # as many real target-domain images as the model would translate
        train = load_images(base / f"train{target}", args.size, count)
        real = reference_features(test[target], reference_key(args.dataset, f"test{target}", args.size,
                                                              len(test[target]))).double()
        out[f"fid_floor_{name}"] = fid_from_features(real, reference_features(train, None).double())
        inputs = reference_features(test[source], reference_key(args.dataset, f"test{source}", args.size,
                                                                count)).double()
        out[f"fid_inputs_{name}"] = fid_from_features(real, inputs)
        out[f"num_{name}"] = [count, len(test[target])]
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
