"""Entries of issue 5: the MNIST judge classifier and the label- and code-conditioned GANs (semi-supervised GAN,
cGAN, AC-GAN, InfoGAN). Only exports that were made and measured are listed; every number is copied from the
export's results.json, with its command and wall time in benchmarks/issue5.md.
"""
from zoo.registry import ZooEntry

MNIST_TERMS = "Apache-2.0 (weights); MNIST: CC BY-SA 3.0 (LeCun, Cortes & Burges)"
# how the class-conditional generators are scored (benchmarks/scripts/issue5.py conditional)
JUDGED_PROTOCOL = {
    "judged": "5,000 samples (500 per class, labels 0..9, noise seed 0), EMA generator; judged accuracy = torchmetrics "
              "multiclass_accuracy of the mnist-classifier judge's argmax vs the requested label; digit IS = "
              "torchmetrics InceptionScore with the judge's logits as features, 10 splits",
    "fid": "2,000 samples (seed 0, labels cycling 0..9) vs mnist-test[:5000], torchmetrics Inception-v3 pool3 "
           "(2048-d), bilinear resize to 299; KID subsets 100 x 1,000",
}

ENTRIES: tuple[ZooEntry, ...] = (
    ZooEntry(
        name="mnist-classifier",
        model_class="zoo.models.classifier.DigitClassifier",
        paper="Judge for conditional generators (gan-zoo; a small CNN classifier, not a paper's model)",
        arxiv="",
        dataset="MNIST",
        split="train (60,000); measured on test (10,000)",
        recipe="recipes/classifier/mnist.yaml",
        license=MNIST_TERMS,
        origin="trained here",
        num_parameters=468010,
        metrics={"test_accuracy": 0.9945},
        protocol={"split": "MNIST test (10,000)", "metric": "top-1 accuracy, eval mode", "epochs": 3,
                  "command": "python benchmarks/scripts/issue5.py classifier "
                             "runs/mnist-classifier/checkpoints/epoch=2-step=1404.ckpt"},
        checksums={"model.safetensors": "5c20cdb1feb0ceca5827d3e49b3dab374067679883f8e18343a5536c6c2268f8"},
    ),
    ZooEntry(
        name="sgan-mnist-100",
        model_class="zoo.models.sgan.SGAN",
        paper="Improved Techniques for Training GANs (semi-supervised GAN with feature matching)",
        arxiv="1606.03498",
        dataset="MNIST",
        split="train (60,000 images; 100 labels, 10 per class, seed 0); measured on test (10,000)",
        recipe="recipes/sgan/mnist.yaml",
        license=MNIST_TERMS,
        origin="trained here",
        num_parameters=2236588,
        metrics={"test_error": 0.0135, "test_errors": 135},
        protocol={"split": "MNIST test (10,000)",
                  "metric": "error of classify() (argmax of D's K logits, moving-average weights (decay 0.999), "
                            "eval mode)",
                  "labelled": "100 (balanced, seed 0); the other 59,900 training labels never read",
                  "epochs": 45,
                  "command": "zoo fit --config recipes/sgan/mnist.yaml --trainer.default_root_dir="
                             "runs/sgan-mnist-100-v2 (stopped after epoch 18, resumed with --ckpt_path=last to "
                             "epochs 30 and 45; the learning rate is constant); python benchmarks/scripts/issue5.py "
                             "sgan runs/sgan-mnist-100-v2"},
        paper_metrics={"test errors of 10,000, 100 labels (Salimans et al. 2016, Table 1; 300 epochs)": 93.0},
        training="45 epochs of 600 batches (100 unlabelled + 100 labelled images) on one CPU thread: 27 min "
                 "(epochs 1-18) + 647 s (19-30) on a shared 2-core CPU, then 837 s (31-45) on a quiet one.",
        limitations="45 epochs against the authors' 300: 1.35 % test error (the issue's 1.5 % target is met; the "
                    "paper's 0.93 % is not). The export is the last epoch, not a selection on the test error. One "
                    "seed of the labelled draw.",
        checksums={"model.safetensors": "7d40a66af7571f7ce9e2bf9ed8c91bad637822fb927b7b863e5189a83d808b0d"},
    ),
    ZooEntry(
        name="cgan-mnist",
        model_class="zoo.models.cgan.CGAN",
        paper="Conditional Generative Adversarial Nets (convolutional variant: the label joins a convolved feature "
              "map)",
        arxiv="1411.1784",
        dataset="MNIST",
        split="train (60,000); judged and FID against test",
        recipe="recipes/cgan/mnist.yaml",
        license=MNIST_TERMS,
        origin="trained here",
        num_parameters=425250,
        metrics={"judged_accuracy": 0.963, "digit_is": 9.4578, "fid": 19.1696, "kid": 0.0112},
        protocol={**JUDGED_PROTOCOL,
                  "epochs": 6,
                  "command": "zoo fit --config recipes/cgan/mnist.yaml (1 epoch), then resumed with "
                             "--model.init_args.ema_decay=0.999 --trainer.max_epochs=4 --ckpt_path=last and "
                             "--trainer.max_epochs=6 --ckpt_path=last; python benchmarks/scripts/issue5.py "
                             "conditional runs/cgan-mnist --name cgan-mnist --per-class 500 --fid 2000"},
        paper_metrics={},
        training="6 epochs of 937 batches of 64 (32-channel nets): the first epoch in 63 min on a starved CPU share "
                 "(last session), epochs 2-6 in 682 s on one thread of a shared 2-core CPU.",
        limitations="The paper reports only a Parzen-window log-likelihood of its MLP model (not comparable); this is "
                    "the convolutional variant with 32-channel nets, 6 epochs. FID from 2,000 samples is biased "
                    "upwards against 5,000-sample numbers.",
        checksums={"model.safetensors": "7b1aad9c5a18c422805224d1688eb4cd2d2da7166e661601f6e2a071c97a014d"},
    ),
    ZooEntry(
        name="acgan-mnist",
        model_class="zoo.models.acgan.ACGAN",
        paper="Conditional Image Synthesis with Auxiliary Classifier GANs",
        arxiv="1610.09585",
        dataset="MNIST",
        split="train (60,000); judged and FID against test",
        recipe="recipes/acgan/mnist.yaml",
        license=MNIST_TERMS,
        origin="trained here",
        num_parameters=446380,
        metrics={"judged_accuracy": 0.9708, "digit_is": 9.496, "fid": 18.0898, "kid": 0.00886},
        protocol={**JUDGED_PROTOCOL,
                  "epochs": 20,
                  "command": "zoo fit --config recipes/acgan/mnist.yaml (1 epoch), then resumed with "
                             "--model.init_args.ema_decay=0.999 --trainer.max_epochs=K --ckpt_path=last for K = 6, "
                             "10, 20; python benchmarks/scripts/issue5.py conditional runs/acgan-mnist --name "
                             "acgan-mnist --per-class 500 --fid 2000"},
        paper_metrics={},
        training="20 epochs of 937 batches of 64 (32-channel nets): the first epoch in 43 min on a starved CPU share "
                 "(session 1), epochs 2-6 in 486 s, 7-10 in 219 s and 11-20 in 528 s, each on one thread of a "
                 "2-core CPU.",
        limitations="Judged accuracy 97.1 % (issue target 95 %; 91.4 % after 6 epochs, 93.8 % after 10) but FID "
                    "18.1 is no better than after 10 epochs (17.4). One seed, 32-channel nets. The paper reports "
                    "CIFAR-10/ImageNet numbers only. FID from 2,000 samples is biased upwards against 5,000-sample "
                    "numbers.",
        checksums={"model.safetensors": "d24ce95f9f34e8cfe56171e8c154bfa25263d156a34af7cbaebf1d5101aba13e"},
    ),
    ZooEntry(
        name="infogan-mnist",
        model_class="zoo.models.infogan.InfoGAN",
        paper="InfoGAN: Interpretable Representation Learning by Information Maximizing Generative Adversarial Nets",
        arxiv="1606.03657",
        dataset="MNIST",
        split="train (60,000 images, labels unused); the code's matching error measured on test (10,000)",
        recipe="recipes/infogan/mnist.yaml",
        license=MNIST_TERMS,
        origin="trained here",
        num_parameters=3392110,
        metrics={"categorical_code_matching_error": 0.1284},
        protocol={"split": "MNIST test (10,000)",
                  "metric": "error of argmax Q(c_cat|x) under the best one-to-one map of the 10 codes to the 10 "
                            "digits (Hungarian algorithm, scipy linear_sum_assignment)",
                  "epochs": 8,
                  "command": "zoo fit --config recipes/infogan/mnist.yaml --trainer.max_epochs=8; python "
                             "benchmarks/scripts/issue5.py infogan runs/infogan-mnist"},
        paper_metrics={"categorical code matching error (Chen et al. 2016, Sec. 7)": 0.05},
        training="8 epochs of 600 batches of 100 (nets at half the paper's width): 823 s on one thread of a shared "
                 "2-core CPU.",
        limitations="Misses the paper's 5 % (12.8 %): two code values split 4s and 9s by slant instead of by digit "
                    "(benchmarks/figures/infogan_c1.png). Half-width nets, 8 epochs. Seeds 1 and 2 of the same "
                    "recipe gave 12.2 % and 19.2 %, and the paper's full widths (seed 0) 17.4 %, each with the same "
                    "4/9 confusion; this export is seed 0 at half width.",
        checksums={"model.safetensors": "515c6aeac1c73cb5b09310214a1579d9f39869e2e28ac0ded45ba4e0c1252e43"},
    ),
)
