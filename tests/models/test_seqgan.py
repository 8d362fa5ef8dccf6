"""SeqGAN: roll-outs, the policy-gradient loss, the roll-out policy (β ← θ, or delayed), the training
schedule."""
import lightning as L
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from zoo.models.seqgan import SeqGAN, delayed_update, policy_gradient_loss, rollout_completions
from zoo.nets.text import LSTMGenerator, SequenceCNNDiscriminator, sample_categorical

TINY = dict(vocab_size=30, seq_len=6, embedding_dim=8, hidden_dim=8, discriminator_embedding_dim=8,
            filter_sizes=(1, 2, 6), num_filters=(4, 4, 4))


def tokens(n=4, vocab=30, length=6, seed=0):
    return torch.randint(0, vocab, (n, length), generator=torch.Generator().manual_seed(seed))


def test_sample_categorical_follows_the_probabilities():
    logits = torch.log(torch.tensor([[0.7, 0.2, 0.1, 0.0]])).expand(20000, 4)
    draws = sample_categorical(logits, torch.Generator().manual_seed(0))
    freq = torch.bincount(draws, minlength=4).float() / len(draws)
    torch.testing.assert_close(freq, torch.tensor([0.7, 0.2, 0.1, 0.0]), atol=0.015, rtol=0)


def test_rollout_keeps_the_prefix_and_completes_to_full_length():
    net = LSTMGenerator(30, 8, 8, seq_len=6)
    with torch.no_grad():  # a policy that always says token 7: every completed position must hold 7
        net.output.weight.zero_()
        net.output.bias.fill_(-1e4)
        net.output.bias[7] = 0.0
    y = tokens()
    out = rollout_completions(net, y, num_rollouts=3)
    assert out.shape == (5, 3, 4, 6)  # (T-1 prefixes, N roll-outs, B, T)
    for t in range(1, 6):
        assert torch.equal(out[t - 1, :, :, :t], y[:, :t].expand(3, 4, t))  # Y_{1:t} kept
        assert (out[t - 1, :, :, t:] == 7).all()                             # Y_{t+1:T} drawn from G_β


def test_batched_rollout_continues_from_the_right_state():
    # a near-deterministic policy (sharp logits): the batched search must equal a plain loop that feeds the
    # prefix and continues greedily, prefix by prefix
    torch.manual_seed(0)
    net = LSTMGenerator(30, 8, 8, seq_len=6, init_std=1.0)
    with torch.no_grad():
        net.output.weight.mul_(1e3)
        net.output.bias.mul_(1e3)
    y = tokens(3)
    out = rollout_completions(net, y, num_rollouts=2)
    for t in range(1, 6):
        state = net.initial_state(3)
        token = torch.full((3,), net.start_token)
        seq = []
        for p in range(6):
            logits, state = net.step(token, state)
            token = y[:, p] if p < t else logits.argmax(1)
            seq.append(token)
        expected = torch.stack(seq, 1)
        assert torch.equal(out[t - 1, 0], expected) and torch.equal(out[t - 1, 1], expected)


def test_policy_gradient_loss_weights_log_probs_by_rewards():
    log_probs = torch.randn(4, 6, requires_grad=True)
    rewards = torch.rand(4, 6, requires_grad=True)
    loss = policy_gradient_loss(log_probs, rewards)
    torch.testing.assert_close(loss, -(log_probs * rewards).sum(1).mean())
    loss.backward()
    torch.testing.assert_close(log_probs.grad, -rewards.detach() / 4)  # ∂/∂ log G(y_t) = -Q_t / B
    assert rewards.grad is None                                       # rewards are constants (REINFORCE)
    zero = policy_gradient_loss(log_probs, torch.zeros(4, 6))
    assert float(zero) == 0.0
    with pytest.raises(ValueError, match="must match"):
        policy_gradient_loss(log_probs, rewards[:, :5])


def test_delayed_rollout_network_moves_by_the_update_rate():
    beta, theta = LSTMGenerator(30, 8, 8, 6), LSTMGenerator(30, 8, 8, 6)
    before = {k: v.clone() for k, v in beta.state_dict().items()}
    delayed_update(beta, theta, rate=0.8)
    for name, value in beta.state_dict().items():
        target = theta.state_dict()[name]
        expected = target if name.startswith("embedding") else 0.8 * before[name] + 0.2 * target
        torch.testing.assert_close(value, expected)


def test_rate_zero_is_beta_equals_theta_exactly():
    beta, theta = LSTMGenerator(30, 8, 8, 6), LSTMGenerator(30, 8, 8, 6)
    delayed_update(beta, theta, rate=0.0)
    for name, value in beta.state_dict().items():
        assert torch.equal(value, theta.state_dict()[name]), name


def test_rollout_policy_is_the_generator_after_every_round_by_default():
    # Algorithm 1: β ← θ after each round; the roll-outs of round r + 1 use the generator that round r produced
    model = SeqGAN(**TINY, mle_epochs=1, pretrain_discriminator_steps=1, adversarial_steps=3, discriminator_steps=1,
                   num_rollouts=2)
    assert model.hparams.rollout_update_rate == 0.0
    seen = []
    rewards = model.rewards
    model.rewards = lambda samples, generator=None: seen.append(
        all(torch.equal(b, t) for b, t in zip(model.rollout_network.state_dict().values(),
                                               model.generator.state_dict().values()))) or rewards(samples, generator)
    fit(model, tokens(64), max_epochs=4)
    assert int(model.policy_updates) == 3 and seen == [True, True, True]
    for name, value in model.rollout_network.state_dict().items():
        assert torch.equal(value, model.generator.state_dict()[name]), name


def test_rewards_are_rollout_means_and_d_at_the_end():
    model = SeqGAN(**TINY, num_rollouts=4)
    y = model.generate(5, generator=torch.Generator().manual_seed(0))
    assert y.shape == (5, 6) and y.dtype == torch.int64
    rewards = model.rewards(y)
    assert rewards.shape == (5, 6) and ((rewards >= 0) & (rewards <= 1)).all()
    model.discriminator.eval()
    torch.testing.assert_close(rewards[:, -1], torch.sigmoid(model.discriminator(y)))


def fit(model, data, **trainer_kwargs):
    trainer = L.Trainer(accelerator="cpu", logger=False, enable_checkpointing=False, enable_progress_bar=False,
                        enable_model_summary=False, **trainer_kwargs)
    trainer.fit(model, train_dataloaders=DataLoader(TensorDataset(data, -torch.ones(len(data))), batch_size=8))
    return model


def test_mle_loss_falls():
    data = torch.tensor([[1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1]]).repeat(32, 1)
    model = SeqGAN(**TINY, mle_epochs=5, adversarial_steps=0)
    before = float(-model.generator(data).mean())
    fit(model, data, max_epochs=5)
    after = float(-model.generator(data).mean())
    assert int(model.mle_updates) == 40 and int(model.policy_updates) == 0 and int(model.discriminator_updates) == 0
    assert after < 0.6 * before


def test_mle_loss_falls_on_oracle_data():
    from tests.test_oracle import oracle_root
    from zoo.data.oracle import OracleDataModule

    dm = OracleDataModule(oracle_root(), num_sequences=320, batch_size=64)
    held_out = dm.dataset("val").tensors[0]
    model = SeqGAN(hidden_dim=16, embedding_dim=16, mle_epochs=2, adversarial_steps=0, filter_sizes=(1,),
                   num_filters=(2,))
    before = float(-model.generator(held_out).mean())
    L.Trainer(accelerator="cpu", max_epochs=2, logger=False, enable_checkpointing=False, enable_progress_bar=False,
              enable_model_summary=False).fit(model, datamodule=dm)
    after = float(-model.generator(held_out).mean())
    assert int(model.mle_updates) == 10
    assert after < before - 0.2  # from ln 5000 = 8.52 towards the oracle's 5.75 (8.25 after 10 steps)


def test_schedule_mle_then_discriminator_then_adversarial():
    model = SeqGAN(**TINY, mle_epochs=1, pretrain_discriminator_steps=3, adversarial_steps=2,
                   discriminator_steps=2, num_rollouts=2)
    rollout_before = model.rollout_network.output.weight.clone()
    fit(model, tokens(64), max_epochs=5)
    # 8 MLE batches; 3 D pre-training steps; then (1 policy update, 2 D steps) twice; then it stops
    assert int(model.mle_updates) == 8
    assert int(model.policy_updates) == 2
    assert int(model.discriminator_updates) == 3 + 2 * 2
    assert int(model.generator_updates) == 8 + 2
    assert not torch.equal(model.rollout_network.output.weight, rollout_before)



def test_clear_errors():
    with pytest.raises(ValueError, match="filter_sizes"):
        SequenceCNNDiscriminator(30, seq_len=6, filter_sizes=(1, 20), num_filters=(2, 2))
    with pytest.raises(ValueError, match="num_rollouts"):
        SeqGAN(**TINY, num_rollouts=0)
    with pytest.raises(ValueError, match="positive integer"):
        SeqGAN(**TINY).generate(0)


@pytest.mark.parametrize("fresh", [True, False])
def test_policy_gradient_updates_get_their_own_adam_as_in_the_code(fresh):
    model = SeqGAN(**TINY, mle_epochs=1, pretrain_discriminator_steps=1, adversarial_steps=2, discriminator_steps=1,
                   num_rollouts=2, fresh_policy_optimizer=fresh)
    trainer = L.Trainer(accelerator="cpu", max_epochs=4, logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model, DataLoader(TensorDataset(tokens(64), -torch.ones(64)), batch_size=8))
    steps = [int(next(iter(opt.state.values()))["step"]) for opt in trainer.optimizers]
    assert int(model.mle_updates) == 8 and int(model.policy_updates) == 2
    # Adam's step counts: MLE, D, policy gradient; or MLE + policy gradient in one state
    assert steps == ([8, 3, 2] if fresh else [10, 3])
