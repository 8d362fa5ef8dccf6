"""The f-divergence table of f-GAN (Nowozin et al. 2016, Tables 1-2): conjugates against closed forms and the
Fenchel inequality, output activations inside dom f*, and the bound's tightness at the optimal T."""
import math

import numpy as np
import pytest
import torch

from zoo.core.divergences import DIVERGENCES, get_divergence, lambert_w_exp, variational_bound

NAMES = sorted(DIVERGENCES)
U = torch.logspace(-5, 5, 100_001, dtype=torch.float64)  # u = p/q > 0


def inside(d, n=41):
    """Points of dom f* (clipped to [−3, 3]), away from its open ends."""
    lo, hi = max(d.domain[0], -3.0), min(d.domain[1], 3.0)
    if hi == 1.0:
        hi = 0.9  # near t = 1 the maximiser u* = (1 − t)^(−2) or more leaves any finite grid
    if d.name == "pearson":
        lo = -2.0  # t²/4 + t is the conjugate over u ∈ R; over u > 0 it agrees for t ≥ −2 (see the module doc)
    return torch.linspace(lo + 1e-3, hi - 1e-3, n, dtype=torch.float64)


def test_table_has_the_papers_rows():
    assert set(NAMES) == {"total_variation", "kl", "reverse_kl", "pearson", "neyman", "squared_hellinger",
                          "jeffrey", "jensen_shannon", "gan"}


@pytest.mark.parametrize("name", NAMES)
def test_f_is_zero_at_one_and_conjugate_is_the_supremum(name):
    d = DIVERGENCES[name]
    # f(1) = 0, except for the GAN row, whose D_f = 2·JS − log 4 has f(1) = −log 4 (Table 1)
    f_one = d.f(torch.ones((), dtype=torch.float64)).item()
    assert f_one == pytest.approx(-math.log(4) if name == "gan" else 0.0, abs=1e-12)
    t = inside(d)
    numeric = (t[:, None] * U[None] - d.f(U)[None]).max(dim=1).values  # sup_u {t·u − f(u)} on a fine grid
    torch.testing.assert_close(d.conjugate(t), numeric, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("name", NAMES)
def test_fenchel_inequality(name):
    d = DIVERGENCES[name]
    t = inside(d, 61)
    u = torch.logspace(-3, 3, 301, dtype=torch.float64)
    gap = d.conjugate(t)[:, None] - (t[:, None] * u[None] - d.f(u)[None])  # f*(t) − (t·u − f(u)) ≥ 0
    assert gap.min() >= -1e-9


@pytest.mark.parametrize("name", NAMES)
def test_conjugate_at_threshold_and_activation_range(name):
    d = DIVERGENCES[name]
    # f*(f'(1)) = f'(1)·1 − f(1) (the supremum is attained at u = 1): f'(1) is the value of T where p = q
    threshold = torch.tensor(d.threshold, dtype=torch.float64)
    one = torch.ones((), dtype=torch.float64)
    torch.testing.assert_close(d.conjugate(threshold), threshold - d.f(one))
    v = torch.linspace(-6, 6, 121, dtype=torch.float64)
    g = d.activation(v)
    assert ((g > d.domain[0]) & (g < d.domain[1])).all()  # g_f maps R into dom f*
    torch.testing.assert_close(d.conjugate_of_activation(v), d.conjugate(g))  # the stable forms are the same value


def test_closed_forms_at_known_points():
    t = torch.tensor([0.25], dtype=torch.float64)
    expected = {"total_variation": 0.25, "kl": math.exp(-0.75), "pearson": 0.25 ** 2 / 4 + 0.25,
                "neyman": 2 - 2 * math.sqrt(0.75), "squared_hellinger": 0.25 / 0.75,
                "jensen_shannon": -math.log(2 - math.exp(0.25))}
    for name, value in expected.items():
        assert DIVERGENCES[name].conjugate(t).item() == pytest.approx(value, rel=1e-12)
    neg = torch.tensor([-0.5], dtype=torch.float64)
    assert DIVERGENCES["reverse_kl"].conjugate(neg).item() == pytest.approx(-1 - math.log(0.5))
    assert DIVERGENCES["gan"].conjugate(neg).item() == pytest.approx(-math.log(1 - math.exp(-0.5)))


def test_lambert_w_and_the_jeffrey_gradient():
    special = pytest.importorskip("scipy.special")
    x = torch.tensor([-40.0, -3.0, -0.5, 0.0, 0.7, 1.0, 4.0, 30.0, 500.0], dtype=torch.float64)
    reference = special.lambertw(np.exp(x.numpy())).real  # overflows past x ≈ 709; ours works in log space
    torch.testing.assert_close(lambert_w_exp(x), torch.from_numpy(reference), rtol=1e-12, atol=1e-300)
    t = torch.linspace(-3, 3, 13, dtype=torch.float64, requires_grad=True)
    jeffrey = DIVERGENCES["jeffrey"]
    value = jeffrey.conjugate(t)
    w = lambert_w_exp(1 - t.detach())
    torch.testing.assert_close(value.detach(), w + 1 / w + t.detach() - 2)  # Table 2's closed form
    (grad,) = torch.autograd.grad(value.sum(), t)
    torch.testing.assert_close(grad, 1 / w)  # df*/dt = u* = 1/W(e^{1−t})


@pytest.mark.parametrize("name", NAMES)
def test_bound_is_tight_at_the_optimal_critic(name):
    # discrete P, Q on 3 points: with T = f'(p/q) the bound E_P[T] − E_Q[f*(T)] equals D_f(P‖Q) = Σ q f(p/q)
    d = DIVERGENCES[name]
    p = torch.tensor([0.2, 0.3, 0.5], dtype=torch.float64)
    q = torch.tensor([0.4, 0.35, 0.25], dtype=torch.float64)
    u = (p / q).requires_grad_(True)
    (t,) = torch.autograd.grad(d.f(u).sum(), u)
    if name == "total_variation":
        t = 0.5 * torch.sign(p / q - 1)  # a subgradient of ½|u − 1|
    bound = (p * t).sum() - (q * d.conjugate(t)).sum()
    torch.testing.assert_close(bound, (q * d.f(p / q)).sum())


def test_variational_bound_uses_activation_and_conjugate():
    d = get_divergence("gan")
    real, fake = torch.tensor([0.3, -1.0]), torch.tensor([2.0, 0.1])
    expected = torch.log(torch.sigmoid(real)).mean() + torch.log(1 - torch.sigmoid(fake)).mean()  # GAN's V(D, G)
    torch.testing.assert_close(variational_bound(d, real, fake), expected)


def test_unknown_divergence():
    with pytest.raises(ValueError, match="expected one of"):
        get_divergence("wasserstein")
