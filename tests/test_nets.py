import pytest
import torch

from zoo.nets import DCGANDiscriminator, DCGANGenerator, MaxoutDiscriminator, MLPGenerator


@pytest.mark.parametrize("size", [28, 32, 64])
def test_dcgan_shapes_and_range(size):
    g = DCGANGenerator(latent_dim=16, channels=3, image_size=size, base_width=8)
    d = DCGANDiscriminator(channels=3, image_size=size, base_width=8)
    x = g(torch.randn(5, 16))
    assert x.shape == (5, 3, size, size)
    assert x.min() >= -1 and x.max() <= 1
    assert d(x).shape == (5,)


def test_dcgan_guidelines():
    g = DCGANGenerator(latent_dim=100, channels=1, image_size=64, base_width=64)
    d = DCGANDiscriminator(channels=1, image_size=64, base_width=64)
    # BatchNorm everywhere except G's output and D's input layer; Tanh out of G; LeakyReLU 0.2 in D
    assert isinstance(g.net[-1], torch.nn.Tanh) and isinstance(g.net[-2], torch.nn.ConvTranspose2d)
    assert isinstance(d.features[0], torch.nn.Conv2d) and isinstance(d.features[1], torch.nn.LeakyReLU)
    assert all(m.negative_slope == 0.2 for m in d.modules() if isinstance(m, torch.nn.LeakyReLU))
    assert not any(isinstance(m, torch.nn.MaxPool2d) for m in d.modules())
    conv = torch.cat([m.weight.flatten() for m in g.modules() if isinstance(m, torch.nn.ConvTranspose2d)])
    assert conv.mean().abs() < 1e-3 and abs(conv.std().item() - 0.02) < 1e-3  # N(0, 0.02) init


def test_wrong_image_size_is_a_clear_error():
    with pytest.raises(ValueError, match="image_size=48 .*28, 32, 64"):
        DCGANGenerator(image_size=48)
    d = DCGANDiscriminator(channels=1, image_size=28, base_width=8)
    with pytest.raises(ValueError, match=r"expects images of shape \(N, 1, 28, 28\), got \(2, 1, 32, 32\)"):
        d(torch.zeros(2, 1, 32, 32))


def test_mlp_players():
    g = MLPGenerator(10, (1, 28, 28), hidden=(32,))
    d = MaxoutDiscriminator((1, 28, 28), hidden=(16, 16), pieces=3)
    x = g(torch.randn(4, 10))
    assert x.shape == (4, 1, 28, 28) and d(x).shape == (4,)
    with pytest.raises(ValueError, match="data_shape"):
        d(torch.zeros(4, 2))
