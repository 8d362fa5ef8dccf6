"""SeqGAN: Sequence Generative Adversarial Nets with Policy Gradient (Yu et al. 2017, arXiv:1609.05473), Algorithm 1.

The generator G_θ is an LSTM policy over tokens; the discriminator D_φ a CNN that tells real sequences from
generated ones. After maximum-likelihood pre-training of G and cross-entropy pre-training of D, G is trained by
REINFORCE: the reward of token y_t is the action value Q(s = Y_{1:t-1}, a = y_t) of Eq. 4, the mean of D's
"real" probability over N Monte-Carlo roll-outs that complete Y_{1:t} with the roll-out policy G_β (D's score of
Y_{1:T} itself at t = T). Between generator updates D is re-trained on fresh negatives. Algorithm 1 sets β ← θ after
pre-training and again at the end of every round (g-steps, then d-steps): the roll-outs use the current generator.

Defaults are the paper's synthetic experiment and its code (LantaoYu/SeqGAN, sequence_gan.py): vocabulary 5,000,
length 20, embedding and hidden 32, Adam 0.01 with gradient norm clipped at 5 for G (MLE and policy gradient), Adam
1e-4 and an L2 weight of 0.2 on D's output layer, 120 MLE epochs, N = 16 roll-outs, 200 generator updates.
The code pre-trains D for 50 rounds × 3 epochs and re-trains it for 5 rounds × 3 epochs between generator updates;
here one D step is a data batch against as many fresh negatives, so those become 150 and 15 epochs of D steps.

The roll-out policy: β ← θ after each round (``rollout_update_rate=0``, Algorithm 1). The code builds
``ROLLOUT(generator, 0.8)`` and calls ``update_params()`` after each generator update, whose
``update_recurrent_unit`` / ``update_output_unit`` would give G_β ← 0.8 G_β + 0.2 G_θ; but rollout.py builds its
sampling graph (``gen_x``) once, in ``ROLLOUT.__init__``, from ``tf.identity`` reads of the generator's variables,
and ``update_params`` only rebinds Python attributes to new tensors that ``gen_x`` never uses. So the code's
roll-outs read the generator's current weights: the paper's rule, in effect (see also LantaoYu/SeqGAN issues #23,
#28, #29). The delayed update the rate describes, with the embedding copied, stays available as
``rollout_update_rate=0.8``.
"""
from __future__ import annotations

import copy
from functools import partial
from typing import Sequence

import torch
from torch import Tensor

from zoo.core import losses, optim
from zoo.core.sequence import SequenceGANModule
from zoo.nets.text import PAPER_FILTER_SIZES, PAPER_NUM_FILTERS, LSTMGenerator, SequenceCNNDiscriminator

BATCHES_PER_EPOCH = 10_000 // 64  # the paper's 10,000 training sequences in batches of 64


@torch.no_grad()
def rollout_completions(net: LSTMGenerator, tokens: Tensor, num_rollouts: int,
                        generator: torch.Generator | None = None) -> Tensor:
    """Monte-Carlo search MC^{G_β}(Y_{1:t}; N) of Eq. 4 for every prefix length t = 1 … T-1 at once.

    All N roll-outs and all T-1 prefixes advance together: at position p the chains of every prefix shorter than
    p draw their next token in one batched step (the chains of prefix length p join there), so the whole search
    costs T(T-1)/2 batched LSTM steps instead of N(T-1) sequential roll-outs.

    Args:
        net: the roll-out policy G_β.
        tokens: Y_{1:T}, (B, T) token ids.
        num_rollouts: N.
    Returns:
        (T-1, N, B, T): ``out[t-1, n]`` keeps ``tokens[:, :t]`` and completes it with G_β.
    """
    batch, length = tokens.shape
    repeated = tokens.repeat(num_rollouts, 1)                       # (N·B, T); roll-out n is rows n·B … (n+1)·B
    _, hs, cs = net.states(repeated)                                # hs[t]: state after reading Y_{1:t+1}
    out = repeated.unsqueeze(0).repeat(length - 1, 1, 1)            # one copy per prefix length
    h, c = hs.new_zeros(0, hs.shape[2]), cs.new_zeros(0, cs.shape[2])
    for p in range(1, length):                                      # draw the token at position p (0-based)
        h, c = torch.cat([h, hs[p - 1]]), torch.cat([c, cs[p - 1]])  # the chains of prefix length p join
        token = net.next_tokens(h, generator)                       # y_{p+1} ~ G_β(· | Y_{1:p})
        out[:p, :, p] = token.view(p, -1)
        if p < length - 1:
            h, c = net.cell(net.embedding(token), (h, c))
    return out.view(length - 1, num_rollouts, batch, length)


def policy_gradient_loss(log_probs: Tensor, rewards: Tensor) -> Tensor:
    """REINFORCE loss of Eq. 6-8: -E_Y[Σ_t Q(Y_{1:t-1}, y_t) log G_θ(y_t | Y_{1:t-1})], rewards held constant.

    Shape:
        log_probs, rewards (B, T) -> scalar (sum over time, mean over sequences).
    """
    if log_probs.shape != rewards.shape:
        raise ValueError(f"log_probs {tuple(log_probs.shape)} and rewards {tuple(rewards.shape)} must match.")
    return -(log_probs * rewards.detach()).sum(1).mean()


@torch.no_grad()
def delayed_update(target: torch.nn.Module, source: torch.nn.Module, rate: float) -> None:
    """G_β ← rate·G_β + (1 - rate)·G_θ for the LSTM and output layer, the embedding copied (the update that
    rollout.py's ``update_params`` describes); ``rate=0`` is β ← θ exactly (Algorithm 1)."""
    for (name, b), theta in zip(target.named_parameters(), source.parameters()):
        b.copy_(theta) if rate == 0 or name.startswith("embedding") else b.lerp_(theta, 1.0 - rate)


def clip_before_step(optimizer: torch.optim.Optimizer, args, kwargs, max_norm: float) -> None:
    """Optimizer pre-step hook: clip the global gradient norm of the optimizer's parameters (paper's code: 5)."""
    params = [p for group in optimizer.param_groups for p in group["params"] if p.grad is not None]
    torch.nn.utils.clip_grad_norm_(params, max_norm)


class SeqGAN(SequenceGANModule):
    """SeqGAN with an LSTM generator and the paper's CNN discriminator; ``adversarial_steps=0`` is the MLE baseline.

    Training phases, by position in the fit: epochs ``[0, mle_epochs)`` pre-train G by maximum likelihood on the data
    batches; then ``pretrain_discriminator_steps`` D steps; then the adversarial loop, one policy-gradient update of
    G (with ``num_rollouts`` roll-outs) followed by ``discriminator_steps`` D steps, ``adversarial_steps`` times;
    training stops after that.

    Args:
        vocab_size / seq_len / start_token: the token space (paper: 5,000, 20, 0).
        embedding_dim / hidden_dim: generator sizes (paper: 32, 32).
        discriminator_embedding_dim / filter_sizes / num_filters / dropout: D (paper: 64, windows 1-10, 15, 20).
        l2_weight: weight of the L2 penalty on D's output layer (paper's code: 0.2).
        mle_epochs: epochs of MLE pre-training (paper: 120).
        pretrain_discriminator_steps: D steps before adversarial training (paper: 50 × 3 epochs ≈ 150 × 156).
        adversarial_steps: policy-gradient updates of G (paper: 200); 0 trains the MLE baseline only.
        discriminator_steps: D steps after each generator update (paper: 5 × 3 epochs ≈ 15 × 156).
        num_rollouts: N, Monte-Carlo roll-outs per prefix (paper: 16).
        rollout_update_rate: how much of G_β is kept at each update: 0 is β ← θ (Algorithm 1, and in effect the
            code); 0.8 is the delayed update rollout.py describes but never applies.
        generator_lr / discriminator_lr: Adam learning rates (paper's code: 0.01, 1e-4).
        grad_clip: global norm the generator's gradients are clipped to (paper's code: 5).
        fresh_policy_optimizer: the policy-gradient updates get an Adam of their own, as in the code (generator.py
            builds ``pretrain_opt`` for MLE and a separate ``g_opt`` for the adversarial updates); the paper is
            silent. False continues with the MLE optimizer, whose moment estimates come from thousands of MLE
            gradients of another scale and decay over about 1/(1 - β2) = 1,000 steps, far more than the 200
            policy-gradient updates.
        reward_batch_size: sequences D scores at once during the roll-outs (memory only).
    """

    def __init__(self, vocab_size: int = 5000, seq_len: int = 20, start_token: int = 0, embedding_dim: int = 32,
                 hidden_dim: int = 32, discriminator_embedding_dim: int = 64,
                 filter_sizes: Sequence[int] = PAPER_FILTER_SIZES, num_filters: Sequence[int] = PAPER_NUM_FILTERS,
                 dropout: float = 0.25, l2_weight: float = 0.2, mle_epochs: int = 120,
                 pretrain_discriminator_steps: int = 150 * BATCHES_PER_EPOCH, adversarial_steps: int = 200,
                 discriminator_steps: int = 15 * BATCHES_PER_EPOCH, num_rollouts: int = 16,
                 rollout_update_rate: float = 0.0, generator_lr: float = 0.01, discriminator_lr: float = 1e-4,
                 grad_clip: float = 5.0, fresh_policy_optimizer: bool = True, reward_batch_size: int = 512) -> None:
        super().__init__(LSTMGenerator(vocab_size, embedding_dim, hidden_dim, seq_len, start_token))
        self.save_hyperparameters()
        for name in ("mle_epochs", "pretrain_discriminator_steps", "adversarial_steps", "discriminator_steps"):
            if getattr(self.hparams, name) < 0:
                raise ValueError(f"{name}={getattr(self.hparams, name)} must be zero or positive.")
        if num_rollouts < 1:
            raise ValueError(f"num_rollouts={num_rollouts} must be a positive integer (paper: 16).")
        if not 0.0 <= rollout_update_rate < 1.0:
            raise ValueError(f"rollout_update_rate={rollout_update_rate} must lie in [0, 1) "
                             f"(0: β ← θ, Algorithm 1).")
        self.discriminator = SequenceCNNDiscriminator(vocab_size, seq_len, discriminator_embedding_dim,
                                                      filter_sizes, num_filters, dropout)
        self.rollout_network = copy.deepcopy(self.generator).requires_grad_(False)  # G_β
        self.register_buffer("mle_updates", torch.zeros((), dtype=torch.long))
        self.register_buffer("policy_updates", torch.zeros((), dtype=torch.long))

    # ------------------------------------------------------------------ inference
    def sample(self, n: int, *, generator: torch.Generator | None = None) -> Tensor:
        """Same as ``generate`` (the verb this model offers): (n, seq_len) token ids from G_θ."""
        return self.generate(n, generator=generator)

    @torch.no_grad()
    def rewards(self, samples: Tensor, generator: torch.Generator | None = None) -> Tensor:
        """Q(Y_{1:t-1}, y_t) of Eq. 4 for every token of ``samples`` (B, T); returns (B, T) in [0, 1]."""
        completions = rollout_completions(self.rollout_network, samples, self.hparams.num_rollouts, generator)
        flat = completions.view(-1, samples.shape[1])
        scores = torch.cat([torch.sigmoid(self.run_eval(self.discriminator, chunk))
                            for chunk in flat.split(self.hparams.reward_batch_size)])
        mean_rollout = scores.view(completions.shape[:3]).mean(1)                 # (1/N) Σ_n D(Y^n_{1:T}), t < T
        final = torch.sigmoid(self.run_eval(self.discriminator, samples))          # D(Y_{1:t}) at t = T
        return torch.cat([mean_rollout.T, final.unsqueeze(1)], 1)

    # ------------------------------------------------------------------ training
    def configure_optimizers(self):
        """G's MLE optimizer, D's, then G's policy-gradient optimizer when ``fresh_policy_optimizer``."""
        def generator_adam():
            opt = optim.adam(self.generator.parameters(), lr=self.hparams.generator_lr)
            opt.register_step_pre_hook(partial(clip_before_step, max_norm=self.hparams.grad_clip))
            return opt

        g_opt = generator_adam()
        d_opt = optim.adam(self.discriminator.parameters(), lr=self.hparams.discriminator_lr)
        return [g_opt, d_opt, generator_adam()] if self.hparams.fresh_policy_optimizer else [g_opt, d_opt]

    def training_step(self, batch, batch_idx: int) -> None:
        real = batch[0]
        g_opt, d_opt, *fresh = self.optimizers()
        policy_opt = fresh[0] if fresh else g_opt
        if self.current_epoch < self.hparams.mle_epochs:             # Algorithm 1, line 2: pre-train G_θ by MLE
            self.mle_step(real, g_opt)
            return
        if self.hparams.adversarial_steps == 0:                      # the MLE baseline ends with its epochs
            self.trainer.should_stop = True
            return
        adversarial_d_steps = int(self.discriminator_updates) - self.hparams.pretrain_discriminator_steps
        if adversarial_d_steps >= self.hparams.discriminator_steps * int(self.policy_updates):
            if int(self.policy_updates) >= self.hparams.adversarial_steps:   # line 15: until convergence (budget)
                self.trainer.should_stop = True
                return
            self.policy_step(len(real), policy_opt)                  # lines 6-11: g-steps
        self.discriminator_step(real, d_opt)                         # lines 3-4 (pre-training) and 12-14 (d-steps)

    def mle_step(self, real: Tensor, g_opt) -> None:
        with self.toggled_optimizer(g_opt):
            loss = -self.generator(real).mean()                      # -log G_θ(y_t | Y_{1:t-1}), mean per token
            self.step(g_opt, loss, "loss/mle", "generator")
        self.mle_updates += 1

    def policy_step(self, batch_size: int, policy_opt) -> None:
        if int(self.policy_updates) == 0:
            self.rollout_network.load_state_dict(self.generator.state_dict())   # β ← θ after pre-training
        samples = self.generator.sample(batch_size)                   # line 7: Y_{1:T} ~ G_θ
        rewards = self.rewards(samples)                               # lines 8-10: Q(a = y_t; s = Y_{1:t-1}), Eq. 4
        with self.toggled_optimizer(policy_opt):
            loss = policy_gradient_loss(self.generator(samples), rewards)   # line 11: ∇_θ J(θ) of Eq. 8
            self.step(policy_opt, loss, "loss/policy", "generator")
        self.policy_updates += 1
        # β ← θ, which closes the round (the d-steps that follow leave θ as it is); delayed if the rate is > 0
        delayed_update(self.rollout_network, self.generator, self.hparams.rollout_update_rate)
        self.log("reward/mean", rewards.mean())

    def discriminator_step(self, real: Tensor, d_opt) -> None:
        negatives = self.generator.sample(len(real))                 # fresh negative examples from current G_θ
        with self.toggled_optimizer(d_opt):
            # Eq. 5: min -E_{Y~data}[log D(Y)] - E_{Y~G}[log(1 - D(Y))], plus the code's L2 on the output layer
            loss = losses.minimax_discriminator(self.discriminator(real), self.discriminator(negatives))
            head = self.discriminator.head
            loss = loss + self.hparams.l2_weight * 0.5 * (head.weight.square().sum() + head.bias.square().sum())
            self.step(d_opt, loss, "loss/discriminator", "discriminator")
