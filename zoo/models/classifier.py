"""The judge: a small convolutional MNIST classifier that scores what conditional generators draw.

Not a GAN: a plain supervised LightningModule (automatic optimisation) trained on the 60,000 MNIST training
images and evaluated on the 10,000 test images. It is exported like any zoo entry (``mnist-classifier``) and used
by ``zoo.metrics.judge`` for judged accuracy and the digit Inception Score. Architecture: two blocks of two 3x3
convolutions with BatchNorm and ReLU, each followed by 2x2 max pooling, then a 128-unit layer with dropout and the
class logits; Adam with a one-cycle learning-rate schedule. A couple of epochs reach about 99.3% test accuracy.
"""
from __future__ import annotations

import lightning as L
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from zoo.core import optim
from zoo.core.module import ZooModel


def conv_block(c_in: int, c_out: int) -> list[nn.Module]:
    return [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(inplace=True)]


class DigitClassifier(ZooModel, L.LightningModule):
    """CNN classifier of 28x28 grayscale digits in [-1, 1].

    Args:
        num_classes: number of classes (10 for MNIST).
        channels: image channels.
        image_size: input size (28 for MNIST; must be divisible by 4).
        width: channels of the first block (the second has twice as many).
        hidden: width of the fully connected layer.
        dropout: dropout before the last layer.
        lr: peak learning rate of the one-cycle schedule (Adam).
        weight_decay: Adam weight decay.
    Shape:
        input (N, channels, image_size, image_size) -> logits (N, num_classes)
    """

    verbs = ("classify",)

    def __init__(self, num_classes: int = 10, channels: int = 1, image_size: int = 28, width: int = 32,
                 hidden: int = 128, dropout: float = 0.25, lr: float = 3e-3, weight_decay: float = 1e-4) -> None:
        super().__init__()
        if image_size % 4:
            raise ValueError(f"image_size={image_size} must be divisible by 4 (two 2x2 poolings).")
        self.save_hyperparameters()
        self.features = nn.Sequential(
            *conv_block(channels, width), *conv_block(width, width), nn.MaxPool2d(2),
            *conv_block(width, 2 * width), *conv_block(2 * width, 2 * width), nn.MaxPool2d(2), nn.Flatten())
        self.head = nn.Sequential(nn.Linear(2 * width * (image_size // 4) ** 2, hidden), nn.ReLU(inplace=True),
                                  nn.Dropout(dropout), nn.Linear(hidden, num_classes))

    def forward(self, x: Tensor) -> Tensor:
        expected = (self.hparams.channels, self.hparams.image_size, self.hparams.image_size)
        if x.dim() != 4 or tuple(x.shape[1:]) != expected:
            raise ValueError(f"{type(self).__name__} expects images of shape (N, {', '.join(map(str, expected))}) "
                             f"in [-1, 1], got {tuple(x.shape)}.")
        return self.head(self.features(x))

    @torch.no_grad()
    def classify(self, x: Tensor) -> Tensor:
        """Predicted class of each image (eval mode), shape (N,)."""
        return self.run_eval(self, x).argmax(dim=1)

    def _shared_step(self, batch, stage: str) -> Tensor:
        x, y = batch[0], batch[1]
        logits = self(x)
        loss = F.cross_entropy(logits, y)
        accuracy = (logits.argmax(1) == y).float().mean()
        self.log_dict({f"{stage}/loss": loss, f"{stage}/accuracy": accuracy}, prog_bar=True, on_epoch=True,
                      on_step=stage == "train")
        return loss

    def training_step(self, batch, batch_idx: int) -> Tensor:
        return self._shared_step(batch, "train")

    def validation_step(self, batch, batch_idx: int) -> None:
        self._shared_step(batch, "val")

    def test_step(self, batch, batch_idx: int) -> None:
        self._shared_step(batch, "test")

    def configure_optimizers(self):
        opt = optim.adam(self.parameters(), lr=self.hparams.lr, weight_decay=self.hparams.weight_decay)
        steps = self.trainer.estimated_stepping_batches
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=self.hparams.lr, total_steps=int(steps))
        return {"optimizer": opt, "lr_scheduler": {"scheduler": sched, "interval": "step"}}
