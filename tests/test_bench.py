"""zoo bench end to end on a toy suite: trains, evaluates, exports with a card, writes the table; reuses results."""
import json

import pytest
import yaml

from zoo import Zoo
from zoo.bench import SuiteError, bench, read_suite

RECIPE = """
seed_everything: 0
model:
  class_path: zoo.models.gan.GAN
  init_args: {data_shape: [2], latent_dim: 8, noise: normal, generator_hidden: [16], discriminator_hidden: [16],
              maxout_pieces: 2, dropout: 0.0, optimizer: adam, lr: 0.001, output: null, sample_every_n_steps: 0}
data:
  class_path: zoo.data.ToyMixtureDataModule
  init_args: {mixture: ring, num_samples: 640, batch_size: 64}
trainer:
  default_root_dir: {root}
  max_epochs: 1
  enable_progress_bar: false
  limit_val_batches: 0
"""


def test_bench_trains_evaluates_exports_and_reuses(tmp_path, monkeypatch, capfd):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "toy.yaml").write_text(RECIPE.replace("{root}", str(tmp_path / "runs" / "toy")))
    suite = {"output": str(tmp_path / "table"),
             "entries": [{"name": "toy-ring", "recipe": "toy.yaml",
                          "eval": {"metrics": ["modes"], "mixture": "ring", "num_samples": 500}}]}
    (tmp_path / "suite.yaml").write_text(yaml.safe_dump(suite))
    rows = bench(tmp_path / "suite.yaml", hub_dir=tmp_path / "hub")
    assert rows[0]["name"] == "toy-ring" and 0 <= rows[0]["modes_covered"] <= 8
    export = tmp_path / "hub" / "toy-ring"
    results = json.loads((export / "results.json").read_text())
    assert results["protocol"]["num_samples"] == 500 and results["protocol"]["mixture"] == "ring"
    assert "modes_covered" in (tmp_path / "table" / "results.md").read_text()
    assert (tmp_path / "table" / "results.csv").is_file() and (tmp_path / "table" / "modes_covered.png").is_file()
    assert Zoo.load(export).sample(3).shape == (3, 2)
    bench(tmp_path / "suite.yaml", hub_dir=tmp_path / "hub")
    assert "reusing" in capfd.readouterr().out


def test_malformed_suites_are_refused(tmp_path):
    (tmp_path / "s.yaml").write_text(yaml.safe_dump({"entries": [{"name": "x", "recipe": "r.yaml"}]}))
    with pytest.raises(SuiteError, match=r"lacks \['eval'\]"):
        read_suite(tmp_path / "s.yaml")
    (tmp_path / "s.yaml").write_text(yaml.safe_dump({"entries": [{"name": "x", "recipe": "r", "eval": {},
                                                                  "epochs": 3}]}))
    with pytest.raises(SuiteError, match=r"unknown keys \['epochs'\]"):
        read_suite(tmp_path / "s.yaml")
