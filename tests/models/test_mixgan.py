"""MIX+GAN: mixture weights, the weight regularisers (the authors' log barrier and the negative entropy), gradients to
every component, sampling from the mixture."""
import math

import lightning as L
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from zoo.models.mixgan import MIXGAN, log_barrier, mixture_payoff, negative_entropy

TOY = dict(architecture="mlp", data_shape=(2,), latent_dim=4, generator_hidden=(8,), discriminator_hidden=(8,),
           sample_every_n_steps=0)


def fit(model, steps=1):
    trainer = L.Trainer(accelerator="cpu", max_steps=2 * steps, max_epochs=1, logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)
    x = torch.randn(16 * steps, 2)
    trainer.fit(model, DataLoader(TensorDataset(x, torch.zeros(len(x))), batch_size=16))


def test_weights_are_a_softmax_that_sums_to_one():
    model = MIXGAN(**TOY, num_components=5)
    with torch.no_grad():
        model.generator.logits.copy_(torch.tensor([3.0, -1.0, 0.0, 2.0, 0.5]))
    for w in (model.generator_weights, model.discriminator_weights):
        assert w.shape == (5,) and (w > 0).all()
        torch.testing.assert_close(w.sum(), torch.tensor(1.0))
    torch.testing.assert_close(model.generator_weights, torch.softmax(model.generator.logits, 0))


def test_entropy_term_rewards_spread_weights():
    uniform, peaked = torch.zeros(5), torch.tensor([10.0, 0.0, 0.0, 0.0, 0.0])
    torch.testing.assert_close(negative_entropy(uniform), torch.tensor(-math.log(5)))  # -H at its minimum
    assert negative_entropy(peaked) > negative_entropy(uniform)                       # collapse is penalised
    logits = torch.tensor([2.0, 0.0, 0.0, 0.0, 0.0], requires_grad=True)
    negative_entropy(logits).backward()  # descending the penalty lowers the dominant component's logit
    assert logits.grad[0] > 0 and (logits.grad[1:] < 0).all()


def test_log_barrier_value_and_gradient_near_collapse():
    # the authors' term -(1/T) Σ log(p_k + 1e-6): log T at the uniform mixture, large when one component dominates
    torch.testing.assert_close(log_barrier(torch.zeros(5)), torch.tensor(-math.log(0.2 + 1e-6)))
    logits = torch.tensor([8.0, 0.0, 0.0, 0.0, 0.0], requires_grad=True)  # four components near death
    big, small = math.exp(8) / (math.exp(8) + 4), 1 / (math.exp(8) + 4)   # p = (0.9987, 3.4e-4 x 4)
    value = log_barrier(logits)
    assert float(value) == pytest.approx(-(math.log(big + 1e-6) + 4 * math.log(small + 1e-6)) / 5, rel=1e-5)
    assert float(value) > 6 and float(log_barrier(torch.tensor([30.0, 0, 0, 0, 0]))) > 11  # -> 0.8 (-log 1e-6)
    value.backward()
    # d/dw_k = (1/T)(Σ_j p_j p_k / (p_j + ε) - p_k / (p_k + ε)) ≈ -1/T: descending lifts a dying component
    assert (logits.grad[1:] < -0.19).all() and logits.grad[0] > 0.79
    entropy_logits = logits.detach().clone().requires_grad_(True)
    negative_entropy(entropy_logits).backward()  # p_k (log p_k + H): vanishes with p_k
    assert (entropy_logits.grad[1:].abs() < 0.003).all()


def dying_logit_gradient(**kwargs) -> torch.Tensor:
    """The generator-weight logits' gradient in G's first update, from a mixture with four components near death."""
    torch.manual_seed(0)
    model = MIXGAN(**TOY, num_components=5, **kwargs)
    with torch.no_grad():
        model.generator.logits.copy_(torch.tensor([8.0, 0.0, 0.0, 0.0, 0.0]))
    grads = []
    original = model.step

    def step(optimizer, loss, name, player):
        out = original(optimizer, loss, name, player)
        if player == "generator":  # the gradient of this update stays on the logits after the optimizer step
            grads.append(model.generator.logits.grad.clone())
        return out

    model.step = step
    fit(model)
    return grads[0]


def test_training_uses_the_authors_barrier_by_default():
    assert MIXGAN(**TOY).hparams.entropy_term == "log_barrier"
    # λ = 0.1 times a barrier gradient of about -1/5 on each dying logit (the payoff's part is ~p_k, below 1e-3)
    assert (dying_logit_gradient()[1:] < -0.015).all()
    assert (dying_logit_gradient(entropy_term="negative_entropy")[1:].abs() < 0.005).all()
    with pytest.raises(ValueError, match="entropy_term='entropy'"):
        MIXGAN(**TOY, entropy_term="entropy")


def test_payoff_is_the_mixture_average():
    scores = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    u, v = torch.tensor([0.25, 0.75]), torch.tensor([0.5, 0.5])
    expected = sum(u[i] * v[j] * scores[i, j] for i in range(2) for j in range(2))
    torch.testing.assert_close(mixture_payoff(scores, u, v), expected)


@pytest.mark.parametrize("objective", ["non_saturating", "wasserstein"])
def test_every_component_and_both_weight_vectors_receive_gradient(objective):
    torch.manual_seed(0)
    extra = dict(clip_value=0.5) if objective == "wasserstein" else {}
    model = MIXGAN(**TOY, num_components=3, objective=objective, **extra)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    fit(model)
    changed = {k for k, v in model.state_dict().items() if not torch.equal(v, before[k])}
    for i in range(3):
        assert any(k.startswith(f"generator.components.{i}.") for k in changed), f"G_{i} did not move"
        assert any(k.startswith(f"discriminators.{i}.") for k in changed), f"D_{i} did not move"
    assert {"generator.logits", "discriminator_logits"} <= changed
    if objective == "wasserstein":
        assert all(p.abs().max() <= 0.5 for p in model.discriminators.parameters())


def test_sample_draws_the_component_from_the_mixture():
    torch.manual_seed(0)
    model = MIXGAN(**TOY, num_components=3)
    with torch.no_grad():
        model.generator.logits.copy_(torch.tensor([-30.0, 30.0, -30.0]))  # all the weight on G_1
    g = lambda: torch.Generator().manual_seed(0)  # noqa: E731
    x = model.sample(6, generator=g())
    z = model.noise(6, g())
    torch.testing.assert_close(x, model.generator.components[1](z))
    counts = torch.bincount(model.draw_components(4000, g()), minlength=3)
    assert counts.tolist() == [0, 4000, 0]
    with torch.no_grad():
        model.generator.logits.copy_(torch.log(torch.tensor([0.2, 0.3, 0.5])))
    freq = torch.bincount(model.draw_components(20000, g()), minlength=3).float() / 20000
    torch.testing.assert_close(freq, torch.tensor([0.2, 0.3, 0.5]), atol=0.015, rtol=0)


def test_dcgan_components_draw_images():
    model = MIXGAN(num_components=2, image_size=28, channels=1, latent_dim=8, generator_width=4,
                   discriminator_width=4)
    assert model.sample(3, generator=torch.Generator().manual_seed(0)).shape == (3, 1, 28, 28)


def test_single_component_has_no_entropy_pressure_and_bad_input_errors():
    assert float(negative_entropy(torch.zeros(1))) == 0.0
    one = torch.zeros(1, requires_grad=True)
    log_barrier(one).backward()
    assert float(one.grad) == 0.0
    with pytest.raises(ValueError, match="clip_value"):
        MIXGAN(**TOY, objective="wasserstein")
    with pytest.raises(ValueError, match="objective"):
        MIXGAN(**TOY, objective="nope")
    with pytest.raises(ValueError, match="component"):
        MIXGAN(**TOY, num_components=2).sample(2, component=2)
