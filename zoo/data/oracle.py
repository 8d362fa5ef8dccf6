"""The SeqGAN synthetic oracle (Yu et al. 2017, Sec. "Synthetic Data Experiments") and its token data module.

The oracle is the randomly initialised "target" LSTM of the paper's code, stored as ``seqgan_oracle/oracle.safetensors``
in the data folder. Its README gives the equations implemented by :class:`OracleLSTM` (a plain LSTM without
peepholes, every product a row vector times a matrix) and the checks it must pass: NLL-oracle of its own samples
5.75, of uniformly random tokens 11.43 (ln 5000 = 8.52 is *not* that number: the oracle is far from uniform).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import torch
from torch import Tensor, nn
from torch.utils.data import TensorDataset

from zoo.data.common import DataFileError, SplitDataModule, data_root
from zoo.nets.text import sample_categorical

ORACLE_FILE = "oracle.safetensors"
ORACLE_SHA256 = "000ccf41cf686b5467f2e0768eb83c8d190c27a380c7cdb48252d84bb2cad135"
GATES = ("i", "f", "o", "c")
ORACLE_SOURCE = (f"{ORACLE_FILE} holds the paper's target LSTM (save/target_params_py3.pkl of LantaoYu/SeqGAN at "
                 f"commit e2b52fb) as 15 named tensors: embedding, W_*, U_*, b_* for * in i, f, o, c, W_out, b_out.")


class OracleLSTM(nn.Module):
    """The oracle's LSTM, exactly as the README writes it; its parameters are buffers (it is never trained).

    Args:
        params: the 15 named tensors of ``oracle.safetensors`` (embedding, W_*, U_*, b_* for * in i, f, o, c,
            W_out, b_out).
        seq_len: sequence length (paper: 20).
        start_token: the token fed at t = 0 (paper: 0).
    """

    def __init__(self, params: dict[str, Tensor], seq_len: int = 20, start_token: int = 0) -> None:
        super().__init__()
        expected = {"embedding", "W_out", "b_out"} | {f"{k}_{g}" for k in "WUb" for g in GATES}
        if set(params) != expected:
            raise DataFileError(f"the oracle file holds {sorted(params)}, expected {sorted(expected)}; it is not "
                                f"the SeqGAN oracle. {ORACLE_SOURCE}")
        for name, tensor in params.items():
            self.register_buffer(name, tensor.float().clone())
        self.vocab_size, self.hidden_dim = self.embedding.shape[0], self.W_i.shape[1]
        self.seq_len, self.start_token = seq_len, start_token
        # the four gates' matrices side by side: one (32, 128) product per step instead of four
        self.register_buffer("W", torch.cat([params[f"W_{g}"] for g in GATES], 1).float(), persistent=False)
        self.register_buffer("U", torch.cat([params[f"U_{g}"] for g in GATES], 1).float(), persistent=False)
        self.register_buffer("b", torch.cat([params[f"b_{g}"] for g in GATES]).float(), persistent=False)

    @classmethod
    def from_file(cls, root: str | Path | None = None, **kwargs) -> "OracleLSTM":
        """Load ``<root>/seqgan_oracle/oracle.safetensors`` (root: argument, else $ZOO_DATA, else ~/.cache/zoo/data)."""
        from safetensors.torch import load_file

        path = data_root(root) / "seqgan_oracle" / ORACLE_FILE
        if not path.is_file():
            raise DataFileError(f"{ORACLE_FILE} not found in {path.parent}. Place the file at {path}, or set "
                                f"ZOO_DATA to a data folder that holds seqgan_oracle/{ORACLE_FILE}. {ORACLE_SOURCE}")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != ORACLE_SHA256:
            raise DataFileError(f"{path} is damaged or not the SeqGAN oracle (sha256 {digest}, expected "
                                f"{ORACLE_SHA256}); place a good copy at that path. {ORACLE_SOURCE}")
        return cls(load_file(str(path)), **kwargs)

    def cell(self, token: Tensor, h: Tensor, c: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """One step: previous token (N,) and state -> next-token logits (N, V) and the new state."""
        x = self.embedding[token]
        i, f, o, g = (x @ self.W + h @ self.U + self.b).chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)  # c = f * c + i * g
        h = torch.sigmoid(o) * torch.tanh(c)                          # h = o * tanh(c)
        return h @ self.W_out + self.b_out, h, c                        # logits = h W_out + b_out

    def zero_state(self, n: int) -> tuple[Tensor, Tensor]:
        zeros = torch.zeros(n, self.hidden_dim, device=self.embedding.device)
        return zeros, zeros.clone()

    @torch.no_grad()
    def log_prob(self, tokens: Tensor) -> Tensor:
        """log p(y_t | y_<t) of every token under the oracle.

        Shape:
            tokens (N, T) integer -> (N, T) float.
        """
        check_tokens(tokens, self.vocab_size)
        tokens = tokens.to(self.embedding.device)
        h, c = self.zero_state(len(tokens))
        previous = torch.full_like(tokens[:, 0], self.start_token)
        out = []
        for t in range(tokens.shape[1]):
            logits, h, c = self.cell(previous, h, c)
            out.append(torch.log_softmax(logits, 1).gather(1, tokens[:, t:t + 1]).squeeze(1))
            previous = tokens[:, t]
        return torch.stack(out, 1)

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator | None = None, batch_size: int = 256) -> Tensor:
        """Draw ``n`` sequences of length ``seq_len`` (next token ~ Categorical(softmax(logits))).

        Returns:
            (n, seq_len) int64 token ids.
        """
        chunks = []
        for start in range(0, n, batch_size):
            m = min(batch_size, n - start)
            h, c = self.zero_state(m)
            token = torch.full((m,), self.start_token, dtype=torch.long, device=self.embedding.device)
            seq = []
            for _ in range(self.seq_len):
                logits, h, c = self.cell(token, h, c)
                token = sample_categorical(logits, generator)  # next token ~ Categorical(softmax(logits))
                seq.append(token)
            chunks.append(torch.stack(seq, 1))
        return torch.cat(chunks)

    def nll(self, tokens: Tensor, batch_size: int = 256) -> float:
        """NLL-oracle: the oracle's negative log-likelihood of ``tokens``, averaged per token (paper, Eq. 13)."""
        total = sum(float(self.log_prob(tokens[i:i + batch_size]).sum()) for i in range(0, len(tokens), batch_size))
        return -total / tokens.numel()


def check_tokens(tokens: Tensor, vocab_size: int) -> None:
    """Refuse anything that is not a (N, T) tensor of token ids in [0, vocab_size)."""
    if tokens.dim() != 2 or tokens.dtype not in (torch.int64, torch.int32):
        raise ValueError(f"expected token ids of shape (N, T) and an integer dtype, got shape {tuple(tokens.shape)} "
                         f"and dtype {tokens.dtype}.")
    if tokens.numel() and (int(tokens.min()) < 0 or int(tokens.max()) >= vocab_size):
        raise ValueError(f"token ids must lie in [0, {vocab_size}), got [{int(tokens.min())}, {int(tokens.max())}].")


class OracleDataModule(SplitDataModule):
    """Sequences drawn from the oracle: the paper's training set (10,000 sequences of length 20).

    Batches are ``(tokens, labels)`` with tokens (N, 20) int64 and labels -1 (there are none). "val"/"test" hold
    ``num_sequences // 10`` further sequences of the same draw.

    Args:
        root: data folder holding ``seqgan_oracle/`` (default: $ZOO_DATA, else ~/.cache/zoo/data).
        num_sequences: training sequences (paper: 10,000).
        seq_len: sequence length (paper: 20).
        seed: seed of the torch.Generator the sequences are drawn with.
        batch_size: sequences per batch (paper: 64).
    """

    def __init__(self, root: str | None = None, num_sequences: int = 10_000, seq_len: int = 20, seed: int = 0,
                 batch_size: int = 64, num_workers: int = 0) -> None:
        super().__init__(batch_size, num_workers)
        if num_sequences < 1:
            raise ValueError(f"num_sequences={num_sequences} must be a positive integer (paper: 10000).")
        self.root, self.num_sequences, self.seq_len, self.seed = root, num_sequences, seq_len, seed

    def setup(self, stage: str | None = None) -> None:
        if self.splits:
            return
        oracle = OracleLSTM.from_file(self.root, seq_len=self.seq_len)
        rng = torch.Generator().manual_seed(self.seed)
        train = oracle.sample(self.num_sequences, rng)
        test = oracle.sample(max(self.num_sequences // 10, 1), rng)
        self.splits["train"] = TensorDataset(train, torch.full((len(train),), -1))
        self.splits["val"] = self.splits["test"] = TensorDataset(test, torch.full((len(test),), -1))
