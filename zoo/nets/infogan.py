"""InfoGAN's MNIST networks (Chen et al. 2016, arXiv:1606.03657, Appendix C.1, Table 1).

Discriminator D / recognition network Q (shared trunk): 4x4 conv 64 stride 2 lReLU(0.1); 4x4 conv 128 stride 2
BN lReLU; FC 1024 BN lReLU; then D's head FC -> 1 logit, and Q's head FC 128 BN lReLU -> FC -> code parameters.
Generator: FC 1024 BN ReLU; FC 7x7x128 BN ReLU; 4x4 up-conv 64 stride 2 BN ReLU; 4x4 up-conv 1 stride 2 (tanh, as
the zoo's images lie in [-1, 1]).
"""
from __future__ import annotations

from torch import Tensor, nn

from zoo.nets.dcgan import dcgan_init


class InfoGANGenerator(nn.Module):
    """[z, c] (N, input_dim) -> images (N, channels, 28, 28) in [-1, 1].

    Args:
        input_dim: size of [z, c] (paper: 74).
        channels: image channels.
        width: channels of the last up-convolution (paper: 64; the 7x7 map has twice as many).
        fc_units: width of the first fully connected layer (paper: 1024).
    """

    def __init__(self, input_dim: int = 74, channels: int = 1, width: int = 64, fc_units: int = 1024) -> None:
        super().__init__()
        self.width = width
        self.project = nn.Sequential(
            nn.Linear(input_dim, fc_units, bias=False), nn.BatchNorm1d(fc_units), nn.ReLU(True),
            nn.Linear(fc_units, 2 * width * 7 * 7, bias=False), nn.BatchNorm1d(2 * width * 7 * 7), nn.ReLU(True))
        self.upsample = nn.Sequential(
            nn.ConvTranspose2d(2 * width, width, 4, 2, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(True),
            nn.ConvTranspose2d(width, channels, 4, 2, 1), nn.Tanh())
        self.apply(dcgan_init)

    def forward(self, latent: Tensor) -> Tensor:
        return self.upsample(self.project(latent).view(-1, 2 * self.width, 7, 7))


class InfoGANDiscriminator(nn.Module):
    """Shared trunk with a real/fake head (D) and a code head (Q).

    Args:
        channels: image channels.
        code_outputs: size of Q's output (the parameters of Q(c|x): categorical logits and Gaussian means).
        width: channels of the first convolution (paper: 64; the second has twice as many).
        fc_units: width of the shared fully connected layer (paper: 1024).
        q_units: width of Q's hidden layer (paper: 128).
    Shape:
        ``forward(x)`` -> D's logits (N,); ``forward_with_codes(x)`` -> (logits (N,), Q outputs (N, code_outputs)).
    """

    def __init__(self, channels: int = 1, code_outputs: int = 12, width: int = 64, fc_units: int = 1024,
                 q_units: int = 128) -> None:
        super().__init__()
        self.channels = channels
        self.trunk = nn.Sequential(
            nn.Conv2d(channels, width, 4, 2, 1), nn.LeakyReLU(0.1, True),
            nn.Conv2d(width, 2 * width, 4, 2, 1, bias=False), nn.BatchNorm2d(2 * width), nn.LeakyReLU(0.1, True),
            nn.Flatten(),
            nn.Linear(2 * width * 7 * 7, fc_units, bias=False), nn.BatchNorm1d(fc_units), nn.LeakyReLU(0.1, True))
        self.head = nn.Linear(fc_units, 1)
        self.q_head = nn.Sequential(nn.Linear(fc_units, q_units, bias=False), nn.BatchNorm1d(q_units),
                                    nn.LeakyReLU(0.1, True), nn.Linear(q_units, code_outputs))
        self.apply(dcgan_init)

    def check_input(self, x: Tensor) -> None:
        if x.dim() != 4 or tuple(x.shape[1:]) != (self.channels, 28, 28):
            raise ValueError(f"{type(self).__name__} expects images of shape (N, {self.channels}, 28, 28), "
                             f"got {tuple(x.shape)}.")

    def forward(self, x: Tensor) -> Tensor:
        self.check_input(x)
        return self.head(self.trunk(x)).squeeze(1)

    def forward_with_codes(self, x: Tensor) -> tuple[Tensor, Tensor]:
        self.check_input(x)
        h = self.trunk(x)
        return self.head(h).squeeze(1), self.q_head(h)

    def codes(self, x: Tensor) -> Tensor:
        """Q's outputs alone."""
        self.check_input(x)
        return self.q_head(self.trunk(x))
