"""Stabilisers of zoo.core.regularizers: closed forms, per-sample gradient norms, and the Dirac-GAN of Mescheder,
Geiger & Nowozin 2018 (Sec. 2): data δ₀, generator δ_θ, discriminator D(x) = ψ·x, equilibrium (θ, ψ) = (0, 0).
Plain simultaneous gradient steps spiral outwards and alternating ones circle; each stabiliser converges."""
import math

import pytest
import torch
from torch import nn
from torch.func import functional_call

from zoo.core import losses
from zoo.core import regularizers as reg


class Quadratic(nn.Module):
    """D(x) = ½‖x‖² per sample: ∇ₓD(x) = x, so the gradient norm of sample i is ‖xᵢ‖."""

    def forward(self, x):
        return 0.5 * x.flatten(1).pow(2).sum(1)


class Linear(nn.Module):
    """D(x) = ⟨a, x⟩ per sample: the gradient norm is ‖a‖ everywhere."""

    def __init__(self, a):
        super().__init__()
        self.a = nn.Parameter(a)

    def forward(self, x):
        return x.flatten(1) @ self.a


def test_input_gradient_norm_is_per_sample_over_all_non_batch_dims():
    x = torch.randn(5, 3, 4, 4)
    norms = reg.input_gradient_norms(Quadratic(), x)
    torch.testing.assert_close(norms, x.flatten(1).norm(dim=1))  # one norm per image, over C, H and W
    assert norms.shape == (5,)


def test_gradient_penalty_closed_forms_and_one_sided():
    real, fake = torch.randn(6, 2, 3, 3), torch.randn(6, 2, 3, 3)
    for scale, two_sided, one_sided in ((0.5, 0.25, 0.0), (3.0, 4.0, 4.0)):
        a = torch.randn(18)
        critic = Linear(scale * a / a.norm())  # ‖∇D‖ = scale at every x̂
        assert reg.gradient_penalty(critic, real, fake).item() == pytest.approx(two_sided, rel=1e-5)
        assert reg.gradient_penalty(critic, real, fake, one_sided=True).item() == pytest.approx(one_sided, abs=1e-6)
    # with D = ½‖x‖², the penalty is the mean over samples of (‖x̂ᵢ‖ − 1)², x̂ᵢ = εᵢxᵢ + (1 − εᵢ)x̃ᵢ
    x_hat = reg.interpolate(real, fake, torch.Generator().manual_seed(1))
    expected = ((x_hat.flatten(1).norm(dim=1) - 1) ** 2).mean()
    penalty = reg.gradient_penalty(Quadratic(), real, fake, generator=torch.Generator().manual_seed(1))
    torch.testing.assert_close(penalty, expected)


def test_interpolates_use_one_epsilon_per_sample():
    fake = torch.randn(64, 3, 2, generator=torch.Generator().manual_seed(1))
    real = fake + 1.0 + torch.rand(64, 3, 2, generator=torch.Generator().manual_seed(2))  # real − fake ≥ 1
    x_hat = reg.interpolate(real, fake, torch.Generator().manual_seed(0))
    eps = (x_hat - fake) / (real - fake)  # the same ε for every coordinate of a sample, within [0, 1]
    torch.testing.assert_close(eps, eps[:, :1, :1].expand_as(eps))
    assert eps.min() >= 0 and eps.max() <= 1 and eps[:, 0, 0].std() > 0.1


def test_penalty_trains_the_critic():
    critic = Linear(torch.tensor([3.0, 0.0]))
    penalty = reg.gradient_penalty(critic, torch.randn(4, 2), torch.randn(4, 2))
    (grad,) = torch.autograd.grad(penalty, critic.a)
    torch.testing.assert_close(grad, torch.tensor([2 * (3.0 - 1.0), 0.0]))  # d/da (‖a‖ − 1)² = 2(‖a‖ − 1)a/‖a‖


def test_r1_r2_closed_form():
    critic = Linear(torch.tensor([0.6, -0.8, 2.0]))
    assert reg.r1_penalty(critic, torch.randn(5, 3)).item() == pytest.approx(0.36 + 0.64 + 4.0)
    assert reg.r2_penalty(Quadratic(), torch.full((4, 2), 2.0)).item() == pytest.approx(8.0)


def test_clip_weights():
    net = nn.Linear(4, 3)
    with torch.no_grad():
        net.weight.mul_(100)
    reg.clip_weights_(net, 0.05)
    assert all(p.abs().max() <= 0.05 for p in net.parameters())
    with pytest.raises(ValueError):
        reg.clip_weights_(net, 0.0)


def test_instance_noise_and_annealing():
    x = torch.zeros(20_000, 2)
    noisy = reg.add_instance_noise(x, 0.3, torch.Generator().manual_seed(0))
    assert noisy.std().item() == pytest.approx(0.3, rel=0.03)
    assert reg.add_instance_noise(x, 0.0) is x
    assert [reg.annealed_std(1.0, s, 4) for s in (0, 2, 4, 9)] == [1.0, 0.5, 0.0, 0.0]
    assert reg.annealed_std(0.7, 100, 0) == 0.7
    with pytest.raises(ValueError):
        reg.add_instance_noise(x, -1.0)


def test_unrolled_parameters_are_sgd_steps_and_leave_d_alone():
    d = nn.Linear(2, 1)
    before = [p.detach().clone() for p in d.parameters()]
    real, fake = torch.randn(8, 2), torch.randn(8, 2)
    loss_fn = lambda r, f: losses.minimax_discriminator(r.squeeze(1), f.squeeze(1))  # noqa: E731
    same = reg.unrolled_parameters(d, loss_fn, real, fake, steps=0, lr=0.1)
    assert all(torch.equal(same[n], p) for n, p in d.named_parameters())
    one = reg.unrolled_parameters(d, loss_fn, real, fake, steps=1, lr=0.1)
    grads = torch.autograd.grad(loss_fn(d(real), d(fake)), list(d.parameters()))
    for (name, p), g in zip(d.named_parameters(), grads):
        torch.testing.assert_close(one[name], p - 0.1 * g)
    assert all(torch.equal(a, p) for a, p in zip(before, d.parameters()))


OPTIMIZERS = {
    "adam": lambda p: torch.optim.Adam(p, lr=1e-3, betas=(0.5, 0.999)),
    "adam-amsgrad-l2": lambda p: torch.optim.Adam(p, lr=1e-3, weight_decay=0.1, amsgrad=True),
    "adamw": lambda p: torch.optim.AdamW(p, lr=1e-3, weight_decay=0.1),
    "rmsprop": lambda p: torch.optim.RMSprop(p, lr=1e-3),
    "rmsprop-centered-momentum": lambda p: torch.optim.RMSprop(p, lr=1e-3, momentum=0.9, centered=True),
    "sgd-nesterov": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
}


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_unrolled_steps_are_the_optimizers_own_steps_and_touch_nothing_real(name):
    # Metz et al.'s reference code unrolls D's Adam update from D's current Adam state: K unrolled steps must
    # land where K real optimizer steps land, while D, its BatchNorm statistics and the optimizer stay as they are
    import copy

    torch.manual_seed(0)
    # (no bias before BatchNorm: its gradient is rounding noise, which Adam and RMSProp divide by its own size)
    d = nn.Sequential(nn.Linear(2, 8, bias=False), nn.BatchNorm1d(8), nn.Tanh(), nn.Linear(8, 1))
    opt = OPTIMIZERS[name](d.parameters())
    real, fake = torch.randn(16, 2), torch.randn(16, 2, requires_grad=True)
    loss_fn = lambda r, f: losses.minimax_discriminator(r.squeeze(1), f.squeeze(1))  # noqa: E731

    def real_step(net, optimizer):
        optimizer.zero_grad()
        loss_fn(net(real), net(fake.detach())).backward()
        optimizer.step()

    real_step(d, opt)  # the optimizer now has state (moments, step count) to continue from
    d_before, opt_before = copy.deepcopy(d.state_dict()), copy.deepcopy(opt.state_dict())
    params = reg.unrolled_parameters(d, loss_fn, real, fake, steps=3, optimizer=opt)
    twin = copy.deepcopy(d)
    twin_opt = OPTIMIZERS[name](twin.parameters())
    twin_opt.load_state_dict(copy.deepcopy(opt.state_dict()))  # its own state tensors
    for _ in range(3):
        real_step(twin, twin_opt)
    for n, p in twin.named_parameters():
        torch.testing.assert_close(params[n], p, rtol=1e-5, atol=1e-6)
    assert all(torch.equal(v, d.state_dict()[k]) for k, v in d_before.items())  # D and its buffers untouched
    after = opt.state_dict()
    for key, state in opt_before["state"].items():
        assert all(torch.equal(v, after["state"][key][k]) if torch.is_tensor(v) else v == after["state"][key][k]
                   for k, v in state.items())
    # and θ_D^K is a function of the fake batch: the unrolled loss has a gradient towards G
    (g,) = torch.autograd.grad(loss_fn(functional_call(d, params, (real,)), functional_call(d, params, (fake,))),
                               [fake])
    assert torch.isfinite(g).all() and g.abs().sum() > 0


def test_unrolled_steps_need_an_optimizer_or_a_step_size():
    d = nn.Linear(2, 1)
    with pytest.raises(ValueError, match="optimizer"):
        reg.unrolled_parameters(d, lambda r, f: r.mean() - f.mean(), torch.zeros(2, 2), torch.zeros(2, 2), 1)
    with pytest.raises(ValueError, match="Adagrad"):
        reg.unrolled_parameters(d, lambda r, f: r.mean() - f.mean(), torch.zeros(2, 2), torch.zeros(2, 2), 1,
                                optimizer=torch.optim.Adagrad(d.parameters()))


def test_consensus_without_weight_is_the_plain_gradient_field():
    a, b = torch.tensor(0.7, requires_grad=True), torch.tensor(-0.3, requires_grad=True)
    loss_a, loss_b = a * b + a ** 2, -a * b
    (ga,), (gb,) = reg.consensus_gradients([loss_a, loss_b], [[a], [b]], 0.0)
    assert ga.item() == pytest.approx(-0.3 + 1.4) and gb.item() == pytest.approx(-0.7)
    # with γ: L = ½(v_a² + v_b²), v_a = b + 2a, v_b = −a; ∂L/∂a = 2v_a − v_b, ∂L/∂b = v_a
    (ga,), (gb,) = reg.consensus_gradients([a * b + a ** 2, -a * b], [[a], [b]], 2.0)
    v_a, v_b = -0.3 + 1.4, -0.7
    assert ga.item() == pytest.approx(v_a + 2.0 * (2 * v_a - v_b))
    assert gb.item() == pytest.approx(v_b + 2.0 * v_a)


# ---------------------------------------------------------------------------------------------- the Dirac-GAN
class DiracGenerator(nn.Module):
    def __init__(self):
        super().__init__()
        self.theta = nn.Parameter(torch.tensor(1.0))

    def forward(self, z):
        return self.theta.expand(z.shape[0], 1)


class DiracDiscriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.psi = nn.Parameter(torch.tensor(1.0))

    def forward(self, x):
        return self.psi * x[:, 0]


def dirac_gan(regularizer: str, weight: float = 1.0, steps: int = 600, h: float = 0.2,
              alternating: bool = False) -> float:
    """Train the Dirac-GAN from (θ, ψ) = (1, 1) with gradient steps of size h; return the distance to (0, 0)."""
    g, d = DiracGenerator(), DiracDiscriminator()
    real, z = torch.zeros(4, 1), torch.zeros(4, 1)
    noise = torch.Generator().manual_seed(0)
    d_loss, g_loss = losses.minimax_discriminator, losses.minimax_generator
    for _ in range(steps):
        fake = g(z)
        if regularizer == "consensus":
            (grad_d,), (grad_g,) = reg.consensus_gradients([d_loss(d(real), d(fake)), g_loss(d(fake))],
                                                           [[d.psi], [g.theta]], weight)
        else:
            d_real, d_fake = real, fake.detach()
            if regularizer == "instance_noise":
                d_real = reg.add_instance_noise(real, weight, noise)
                d_fake = reg.add_instance_noise(d_fake, weight, noise)
            loss_d = d_loss(d(d_real), d(d_fake))
            if regularizer == "r1":
                loss_d = loss_d + 0.5 * weight * reg.r1_penalty(d, real)
            if regularizer == "r2":
                loss_d = loss_d + 0.5 * weight * reg.r2_penalty(d, fake.detach())
            (grad_d,) = torch.autograd.grad(loss_d, [d.psi])
            if alternating:
                with torch.no_grad():
                    d.psi -= h * grad_d
                grad_d = torch.zeros(())
            if regularizer == "unrolled":
                params = reg.unrolled_parameters(d, d_loss, real, fake, steps=int(weight), lr=h)
                loss_g = g_loss(functional_call(d, params, (fake,)))
            elif regularizer == "instance_noise":
                loss_g = g_loss(d(reg.add_instance_noise(fake, weight, noise)))
            else:
                loss_g = g_loss(d(fake))
            if regularizer == "gradient_norm":
                loss_g = loss_g + weight * reg.discriminator_gradient_penalty(d, d_loss, real, fake)
            (grad_g,) = torch.autograd.grad(loss_g, [g.theta])
        with torch.no_grad():  # simultaneous steps from the same point (alternating: D already moved)
            d.psi -= h * grad_d
            g.theta -= h * grad_g
    return math.hypot(g.theta.item(), d.psi.item())


def test_dirac_gan_plain_simultaneous_steps_diverge_and_alternating_ones_circle():
    start = math.sqrt(2)
    assert dirac_gan("none") > 1.5 * start  # outward spiral: the Jacobian has purely imaginary eigenvalues
    assert dirac_gan("none", alternating=True) > 0.8 * start  # bounded, but never reaches the equilibrium


@pytest.mark.parametrize("regularizer, weight", [("r1", 1.0), ("r2", 1.0), ("consensus", 1.0),
                                                 ("gradient_norm", 1.0), ("unrolled", 5)])
def test_dirac_gan_regularised_steps_converge(regularizer, weight):
    assert dirac_gan(regularizer, weight) < 1e-3


def test_dirac_gan_instance_noise_converges_to_a_neighbourhood():
    assert dirac_gan("instance_noise", 0.5, steps=1000, h=0.1) < 0.2 * math.sqrt(2)
