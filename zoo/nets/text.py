"""Networks over token sequences: SeqGAN's LSTM generator and its CNN discriminator (Yu et al. 2017, Sec. 4 and
Appendix), plus fast categorical sampling shared with the oracle.

Sizes follow the paper's synthetic experiment and its code (LantaoYu/SeqGAN): generator embedding 32, hidden 32,
all weights from N(0, 0.1); discriminator embedding 64, window sizes 1-10, 15, 20 with 100-200 filters each, ReLU,
max-over-time pooling, one highway layer, dropout (keep 0.75) before the output.
"""
from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

PAPER_FILTER_SIZES = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20)
PAPER_NUM_FILTERS = (100, 200, 200, 200, 200, 100, 100, 100, 100, 100, 160, 160)


def sample_categorical(logits: Tensor, generator: torch.Generator | None = None) -> Tensor:
    """One draw per row from Categorical(softmax(logits)), by inverting the cumulative distribution.

    Five times faster than ``torch.multinomial`` on CPU for a 5,000-word vocabulary; the draw uses one uniform
    number per row, taken from ``generator`` on its own device.

    Shape:
        logits (N, V) -> (N,) int64.
    """
    weights = torch.exp(logits - logits.amax(1, keepdim=True)).cumsum_(1)  # unnormalised CDF
    device = generator.device if generator is not None else logits.device
    u = torch.rand(len(logits), 1, generator=generator, device=device).to(logits.device) * weights[:, -1:]
    return torch.searchsorted(weights, u).squeeze(1).clamp_(max=logits.shape[1] - 1)


class LSTMGenerator(nn.Module):
    """An LSTM language model over a fixed-length sequence that starts from ``start_token``.

    Args:
        vocab_size: number of tokens (paper: 5,000).
        embedding_dim: token embedding size (paper: 32).
        hidden_dim: LSTM state size (paper: 32).
        seq_len: length of generated sequences (paper: 20).
        start_token: the token fed at the first step (paper: 0).
        init_std: weights drawn from N(0, init_std) (paper's code: 0.1).
    """

    def __init__(self, vocab_size: int = 5000, embedding_dim: int = 32, hidden_dim: int = 32, seq_len: int = 20,
                 start_token: int = 0, init_std: float = 0.1) -> None:
        super().__init__()
        if not 0 <= start_token < vocab_size:
            raise ValueError(f"start_token={start_token} must lie in [0, vocab_size={vocab_size}).")
        self.vocab_size, self.seq_len, self.start_token, self.hidden_dim = vocab_size, seq_len, start_token, hidden_dim
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.cell = nn.LSTMCell(embedding_dim, hidden_dim)
        self.output = nn.Linear(hidden_dim, vocab_size)
        for p in self.parameters():
            nn.init.normal_(p, 0.0, init_std)

    def initial_state(self, n: int) -> tuple[Tensor, Tensor]:
        zeros = torch.zeros(n, self.hidden_dim, device=self.output.weight.device)
        return zeros, zeros.clone()

    def step(self, token: Tensor, state: tuple[Tensor, Tensor]) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        """Feed the previous token (N,) and return the next token's logits (N, V) and the new state."""
        h, c = self.cell(self.embedding(token), state)
        return self.output(h), (h, c)

    def states(self, tokens: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Teacher-forced pass over ``tokens``: every step's logits and the state after each token.

        Returns:
            logits (N, T, V): logits[:, t] predict tokens[:, t] from tokens[:, :t];
            h, c (T, N, H): the state after reading tokens[:, :t + 1], from which tokens[:, t + 1] is drawn.
        """
        state = self.initial_state(len(tokens))
        inputs = torch.cat([torch.full_like(tokens[:, :1], self.start_token), tokens], 1)
        hs, cs = [], []
        for t in range(tokens.shape[1] + 1):
            h, c = self.cell(self.embedding(inputs[:, t]), state)
            state = (h, c)
            hs.append(h)
            cs.append(c)
        logits = self.output(torch.stack(hs[:-1], 1))
        return logits, torch.stack(hs[1:]), torch.stack(cs[1:])

    def forward(self, tokens: Tensor) -> Tensor:
        """log p(y_t | y_<t) of every token (teacher forcing).

        Shape:
            tokens (N, T) int64 -> (N, T) float.
        """
        return torch.log_softmax(self.logits(tokens), -1).gather(2, tokens.unsqueeze(2)).squeeze(2)

    def logits(self, tokens: Tensor) -> Tensor:
        """Teacher-forced next-token logits: (N, T) -> (N, T, V), logits[:, t] conditioned on tokens[:, :t]."""
        state = self.initial_state(len(tokens))
        inputs = torch.cat([torch.full_like(tokens[:, :1], self.start_token), tokens[:, :-1]], 1)
        hs = []
        for t in range(tokens.shape[1]):
            state = self.cell(self.embedding(inputs[:, t]), state)
            hs.append(state[0])
        return self.output(torch.stack(hs, 1))

    @torch.no_grad()
    def next_tokens(self, h: Tensor, generator: torch.Generator | None = None, chunk_size: int = 256) -> Tensor:
        """Draw the next token from hidden states h (N, H): (N,) int64.

        The (N, V) logits are made and sampled in chunks of ``chunk_size`` rows that stay in the CPU cache, which
        is 2-3 times faster than one large softmax for a 5,000-word vocabulary.
        """
        return torch.cat([sample_categorical(self.output(part), generator) for part in h.split(chunk_size)])

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator | None = None) -> Tensor:
        """Draw ``n`` sequences. Returns (n, seq_len) int64 token ids."""
        state = self.initial_state(n)
        token = torch.full((n,), self.start_token, dtype=torch.long, device=self.output.weight.device)
        out = []
        for _ in range(self.seq_len):
            state = self.cell(self.embedding(token), state)
            token = self.next_tokens(state[0], generator)
            out.append(token)
        return torch.stack(out, 1)


class Highway(nn.Module):
    """One highway layer (Srivastava et al. 2015): y = t ⊙ relu(W_H x) + (1 - t) ⊙ x with t = σ(W_T x + b_T)."""

    def __init__(self, width: int, gate_bias: float = 0.0) -> None:
        super().__init__()
        self.transform = nn.Linear(width, width)
        self.gate = nn.Linear(width, width)
        nn.init.constant_(self.gate.bias, gate_bias)  # SeqGAN's code passes bias 0

    def forward(self, x: Tensor) -> Tensor:
        t = torch.sigmoid(self.gate(x))
        return t * F.relu(self.transform(x)) + (1 - t) * x


class SequenceCNNDiscriminator(nn.Module):
    """SeqGAN's CNN classifier (Kim 2014 style): one logit per sequence, positive for "real".

    The paper's two-class softmax is a single logit here (softmax of two logits = sigmoid of their difference).

    Args:
        vocab_size: number of tokens.
        seq_len: sequence length; every window size must be at most this.
        embedding_dim: token embedding size (paper's code: 64).
        filter_sizes: convolution window lengths (paper: 1-10, 15, 20).
        num_filters: filters per window length (paper: 100, 200, 200, 200, 200, 100 × 5, 160, 160).
        dropout: dropout before the output layer (paper's code: keep probability 0.75, so 0.25).
    Shape:
        tokens (N, seq_len) int64 -> logits (N,).
    """

    def __init__(self, vocab_size: int = 5000, seq_len: int = 20, embedding_dim: int = 64,
                 filter_sizes: Sequence[int] = PAPER_FILTER_SIZES, num_filters: Sequence[int] = PAPER_NUM_FILTERS,
                 dropout: float = 0.25) -> None:
        super().__init__()
        if len(filter_sizes) != len(num_filters) or not filter_sizes:
            raise ValueError(f"filter_sizes ({len(filter_sizes)}) and num_filters ({len(num_filters)}) must be "
                             f"non-empty lists of the same length: one filter count per window size.")
        if max(filter_sizes) > seq_len or min(filter_sizes) < 1:
            raise ValueError(f"filter_sizes={list(filter_sizes)} must lie in [1, seq_len={seq_len}]; drop the "
                             f"windows longer than the sequences.")
        self.seq_len = seq_len
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        nn.init.uniform_(self.embedding.weight, -1.0, 1.0)  # paper's code: U(-1, 1)
        self.convs = nn.ModuleList(nn.Conv1d(embedding_dim, n, k) for k, n in zip(filter_sizes, num_filters))
        for conv in self.convs:  # paper's code: truncated N(0, 0.1) weights, bias 0.1
            nn.init.trunc_normal_(conv.weight, std=0.1, a=-0.2, b=0.2)
            nn.init.constant_(conv.bias, 0.1)
        width = sum(num_filters)
        self.highway = Highway(width)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(width, 1)

    def forward(self, tokens: Tensor) -> Tensor:
        if tokens.dim() != 2 or tokens.shape[1] != self.seq_len:
            raise ValueError(f"{type(self).__name__} expects token ids of shape (N, {self.seq_len}), got "
                             f"{tuple(tokens.shape)}.")
        x = self.embedding(tokens).transpose(1, 2)                              # (N, E, T)
        pooled = [F.relu(conv(x)).amax(2) for conv in self.convs]               # ReLU, max-over-time pooling
        features = self.highway(torch.cat(pooled, 1))
        return self.head(self.dropout(features)).squeeze(1)
