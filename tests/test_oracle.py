"""The SeqGAN oracle: the README's equations and checks, and the oracle data module."""
import math
import os
from pathlib import Path

import pytest
import torch

from zoo.data.common import data_root
from zoo.data.oracle import ORACLE_FILE, OracleDataModule, OracleLSTM
from tests.conftest import SHARED_DATA


def oracle_root() -> Path:
    """$ZOO_DATA (or the default data root), else the shared data folder; skip when neither holds the oracle."""
    for root in (data_root(), Path(os.environ.get("ZOO_SHARED_DATA", SHARED_DATA))):
        if (root / "seqgan_oracle" / ORACLE_FILE).is_file():
            return root
    pytest.skip(f"no seqgan_oracle/{ORACLE_FILE} under {data_root()} or {SHARED_DATA}; set ZOO_DATA")


@pytest.fixture(scope="module")
def oracle():
    return OracleLSTM.from_file(oracle_root())


def test_first_step_follows_the_readme_equations(oracle):
    x = oracle.embedding[torch.tensor([0, 0])]  # the start token at t = 0, h = c = 0
    h = c = torch.zeros(2, 32)
    gate = {g: x @ getattr(oracle, f"W_{g}") + h @ getattr(oracle, f"U_{g}") + getattr(oracle, f"b_{g}") for g in "ifoc"}
    c = torch.sigmoid(gate["f"]) * c + torch.sigmoid(gate["i"]) * torch.tanh(gate["c"])
    h = torch.sigmoid(gate["o"]) * torch.tanh(c)
    expected = torch.log_softmax(h @ oracle.W_out + oracle.b_out, 1)
    tokens = torch.tensor([[3, 1], [4999, 2]])
    got = oracle.log_prob(tokens)[:, 0]
    torch.testing.assert_close(got, expected[[0, 1], [3, 4999]])


def test_readme_checks_within_sampling_error(oracle):
    # README (10,000 sequences): oracle samples 5.75, uniform tokens 11.43; 600 sequences have a standard
    # error of a few hundredths, so 0.15 is a generous but still meaningful band (ln 5000 = 8.52 would fail it).
    rng = torch.Generator().manual_seed(0)
    assert abs(oracle.nll(oracle.sample(600, rng)) - 5.75) < 0.15
    assert abs(oracle.nll(torch.randint(0, 5000, (600, 20), generator=rng)) - 11.43) < 0.15
    assert abs(11.43 - math.log(5000)) > 1


def test_bad_tokens_are_refused(oracle):
    with pytest.raises(ValueError, match="token ids must lie"):
        oracle.log_prob(torch.tensor([[5000] * 20]))
    with pytest.raises(ValueError, match="shape"):
        oracle.log_prob(torch.zeros(20, dtype=torch.long))


def test_missing_oracle_file_names_the_folder(tmp_path):
    from zoo.data.common import DataFileError

    with pytest.raises(DataFileError, match=str(tmp_path / "seqgan_oracle")):
        OracleLSTM.from_file(tmp_path)


def test_data_module_draws_the_training_set(oracle):
    dm = OracleDataModule(oracle_root(), num_sequences=100, batch_size=10)
    tokens, labels = next(iter(dm.train_dataloader()))
    assert tokens.shape == (10, 20) and tokens.dtype == torch.int64 and (labels == -1).all()
    again = OracleDataModule(oracle_root(), num_sequences=100, batch_size=10)
    torch.testing.assert_close(dm.dataset("train").tensors[0], again.dataset("train").tensors[0])


def test_learning_curve_is_written_into_the_run_folder(oracle, tmp_path):
    import json

    import lightning as L

    from zoo.metrics.oracle import OracleNLLCallback
    from zoo.models.seqgan import SeqGAN

    torch.manual_seed(0)
    model = SeqGAN(embedding_dim=4, hidden_dim=4, discriminator_embedding_dim=4, filter_sizes=[2], num_filters=[4],
                   mle_epochs=2, adversarial_steps=0)
    data = OracleDataModule(str(oracle_root()), num_sequences=128, batch_size=64)
    callback = OracleNLLCallback(oracle=oracle, num_samples=64, every_n_epochs=1)
    trainer = L.Trainer(default_root_dir=tmp_path, max_epochs=3, logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False, limit_val_batches=0,
                        callbacks=[callback])
    trainer.fit(model, data)
    curve = json.loads((tmp_path / "nll_oracle.json").read_text())["curve"]
    assert [row["phase"] for row in curve] == ["start", "mle", "mle"]
    assert [row["mle_updates"] for row in curve] == [0, 2, 4]
    assert all(math.isfinite(row["nll_oracle"]) for row in curve)
