"""Entries of issue 5: the MNIST judge classifier (and, once trained to their papers' checks, the label- and
code-conditioned GANs). Only exports that were made and measured are listed; numbers: benchmarks/issue5.md.
"""
from zoo.registry import ZooEntry

ENTRIES: tuple[ZooEntry, ...] = (
    ZooEntry(
        name="mnist-classifier",
        model_class="zoo.models.classifier.DigitClassifier",
        paper="Judge for conditional generators (gan-zoo; a small CNN classifier, not a paper's model)",
        arxiv="",
        dataset="MNIST",
        split="train (60,000); measured on test (10,000)",
        recipe="recipes/classifier/mnist.yaml",
        license="Apache-2.0 (weights); MNIST: CC BY-SA 3.0 (LeCun, Cortes & Burges)",
        origin="trained here",
        num_parameters=468010,
        metrics={"test_accuracy": 0.9945},
        protocol={"split": "MNIST test (10,000)", "metric": "top-1 accuracy, eval mode", "epochs": 3,
                  "command": "python benchmarks/scripts/issue5.py classifier "
                             "runs/mnist-classifier/checkpoints/epoch=2-step=1404.ckpt"},
        checksums={"model.safetensors": "5c20cdb1feb0ceca5827d3e49b3dab374067679883f8e18343a5536c6c2268f8"},
    ),
)
