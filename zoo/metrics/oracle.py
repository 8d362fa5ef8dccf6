"""NLL-oracle (Yu et al. 2017, Eq. 13): how likely the oracle LSTM finds the sequences a generator draws.

Protocol (paper, Sec. "Synthetic Data Experiments"): draw 10,000 sequences of length 20 from the generator; score
them with the oracle's negative log-likelihood, averaged per token. Lower is better; the oracle's own samples score
about 5.75 (its entropy rate), uniformly random tokens 11.43.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import lightning as L
import torch

from zoo.data.oracle import OracleLSTM

ORACLE_PROTOCOL = {"metric": "NLL-oracle (Yu et al. 2017, Eq. 13)", "num_samples": 10_000, "seq_len": 20,
                   "oracle": "seqgan_oracle/oracle.safetensors (LantaoYu/SeqGAN target LSTM)",
                   "average": "per token", "sampling": "generator's own softmax, temperature 1"}


@torch.no_grad()
def nll_oracle(model, oracle: OracleLSTM, num_samples: int = 10_000, seed: int = 0) -> float:
    """Draw ``num_samples`` sequences with ``model.generate`` and return the oracle's mean per-token NLL.

    Args:
        model: anything with ``generate(n, generator=)`` returning (n, T) token ids (e.g. SeqGAN).
        oracle: the oracle LSTM (``OracleLSTM.from_file()``).
        num_samples: sequences drawn (paper: 10,000).
        seed: seed of the draw, so that two models are scored on the same random stream.
    """
    tokens = model.generate(num_samples, generator=torch.Generator().manual_seed(seed))
    return oracle.to(tokens.device).nll(tokens)


class OracleNLLCallback(L.Callback):
    """Score the generator by NLL-oracle during training, for the paper's learning curve (its Figure 2).

    Scores after every ``every_n_epochs`` epochs of maximum-likelihood pre-training and after every
    ``every_n_policy_updates`` adversarial generator updates (the paper tests every 5 of each), and once before
    training. The curve is kept in ``history`` and rewritten as JSON each time to ``path``, by default
``nll_oracle.json`` in the trainer's ``default_root_dir`` (so a recipe's run folder holds its curve).

    Args:
        oracle: the oracle LSTM; by default loaded from ``root`` (or $ZOO_DATA) when training starts.
        num_samples: sequences per score (paper: 10,000).
        every_n_epochs: epochs of MLE between scores.
        every_n_policy_updates: policy-gradient updates between scores.
        path: JSON file for the curve (default: ``<default_root_dir>/nll_oracle.json``).
        root: data folder of the oracle when ``oracle`` is not given.
    """

    def __init__(self, oracle: OracleLSTM | None = None, num_samples: int = 10_000, every_n_epochs: int = 5,
                 every_n_policy_updates: int = 5, path: str | None = None, root: str | None = None) -> None:
        self.oracle, self.root, self.num_samples = oracle, root, num_samples
        self.every_n_epochs, self.every_n_policy_updates = every_n_epochs, every_n_policy_updates
        self.path = Path(path) if path else None
        self.history: list[dict[str, Any]] = []
        self._last_policy = -1
        self._start = time.perf_counter()

    def score(self, trainer: L.Trainer, module, phase: str) -> None:
        value = nll_oracle(module, self.oracle, self.num_samples)
        row = {"phase": phase, "epoch": trainer.current_epoch, "mle_updates": int(module.mle_updates),
               "policy_updates": int(module.policy_updates), "nll_oracle": value,
               "wall_s": round(time.perf_counter() - self._start, 1)}
        self.history.append(row)
        module.log("nll_oracle", value)
        path = self.path or Path(trainer.default_root_dir) / "nll_oracle.json"
        if trainer.is_global_zero:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"protocol": ORACLE_PROTOCOL, "curve": self.history}, indent=1))

    def on_train_start(self, trainer, module) -> None:
        if self.oracle is None:
            self.oracle = OracleLSTM.from_file(self.root)
        self._start = time.perf_counter()
        self._last_policy = int(module.policy_updates)
        self.score(trainer, module, "start")

    def on_train_epoch_end(self, trainer, module) -> None:
        in_mle = trainer.current_epoch < module.hparams.mle_epochs
        if in_mle and (trainer.current_epoch + 1) % self.every_n_epochs == 0:
            self.score(trainer, module, "mle")

    def on_train_batch_end(self, trainer, module, outputs, batch, batch_idx) -> None:
        updates = int(module.policy_updates)
        if updates != self._last_policy and updates % self.every_n_policy_updates == 0:
            self._last_policy = updates
            self.score(trainer, module, "adversarial")
