"""zoo bench end to end on a toy suite: trains, evaluates, exports with a card, writes the table; reuses results."""
import json
from pathlib import Path

import pytest
import torch
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


def test_seeds_run_separately_in_process_and_are_summarised(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "toy.yaml").write_text(RECIPE.replace("{root}", str(tmp_path / "runs" / "toy")))
    suite = {"output": str(tmp_path / "table"), "in_process": True,
             "entries": [{"name": "toy-ring", "recipe": "toy.yaml", "seeds": [0, 1],
                          "eval": {"metrics": ["modes"], "mixture": "ring", "num_samples": 500}}]}
    (tmp_path / "suite.yaml").write_text(yaml.safe_dump(suite))
    rows = bench(tmp_path / "suite.yaml", hub_dir=tmp_path / "hub")
    assert [r["seed"] for r in rows] == [0, 1]
    for k in (0, 1):  # one run folder, results file and export per seed
        assert (tmp_path / "runs" / "toy" / f"seed{k}" / "checkpoints" / "last.ckpt").is_file()
        assert json.loads((tmp_path / "runs" / "toy" / f"seed{k}" / "results.json").read_text())["num_samples"] == 500
        assert (tmp_path / "hub" / "toy-ring" / f"seed{k}" / "results.json").is_file()
    # --seed_everything=k reached the runs: different seeds train different generators
    w0, w1 = (Zoo.load(tmp_path / "hub" / "toy-ring" / f"seed{k}").sample(4, generator=torch.Generator().manual_seed(0))
              for k in (0, 1))
    assert not w0.allclose(w1)
    table = (tmp_path / "table" / "results.md").read_text().splitlines()
    assert "seeds" in table[0] and len(table) == 3 and " ± " in table[2] and "| 2 |" in table[2]
    assert len((tmp_path / "table" / "results.csv").read_text().strip().splitlines()) == 3  # header + 2 runs
    assert (tmp_path / "table" / "samples.png").is_file()


def test_seeds_must_be_distinct_integers(tmp_path):
    for bad in ([], [0, 0], ["a"], 3):
        (tmp_path / "s.yaml").write_text(yaml.safe_dump({"entries": [{"name": "x", "recipe": "r", "eval": {},
                                                                      "seeds": bad}]}))
        with pytest.raises(SuiteError, match="seeds must be"):
            read_suite(tmp_path / "s.yaml")


def test_run_folder_follows_a_default_root_dir_override(tmp_path):
    from zoo.bench import run_dir, runs_of

    (tmp_path / "r.yaml").write_text("trainer: {default_root_dir: runs/from-recipe}\n")
    assert run_dir(tmp_path / "r.yaml", "x") == Path("runs/from-recipe")
    item = {"name": "x", "recipe": str(tmp_path / "r.yaml"), "seeds": [3],
            "args": ["--trainer.default_root_dir=runs/override"]}
    assert run_dir(item["recipe"], "x", item["args"]) == Path("runs/override")
    [(label, root, seed, extra)] = runs_of(item)
    assert (label, root, seed) == ("x/seed3", Path("runs/override/seed3"), 3)
    assert extra[-1] == "--trainer.default_root_dir=runs/override/seed3"  # after the entry's args: it wins


def test_keep_going_records_a_failed_run_and_goes_on(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "toy.yaml").write_text(RECIPE.replace("{root}", str(tmp_path / "runs" / "toy")))
    bad = {"name": "broken", "recipe": "toy.yaml", "seeds": [0], "args": ["--model.init_args.no_such_option=1",
                                                                         f"--trainer.default_root_dir={tmp_path}/b"],
           "eval": {"metrics": ["modes"], "mixture": "ring", "num_samples": 100}}
    good = {"name": "toy-ring", "recipe": "toy.yaml", "eval": {"metrics": ["modes"], "mixture": "ring",
                                                                "num_samples": 100}}
    suite = {"output": str(tmp_path / "table"), "in_process": True, "entries": [bad, good]}
    (tmp_path / "suite.yaml").write_text(yaml.safe_dump(suite))
    with pytest.raises(SystemExit):  # without keep_going a failing run stops the suite, as before
        bench(tmp_path / "suite.yaml", hub_dir=tmp_path / "hub")
    (tmp_path / "suite.yaml").write_text(yaml.safe_dump({**suite, "keep_going": True}))
    rows = bench(tmp_path / "suite.yaml", hub_dir=tmp_path / "hub")
    assert "failed" in rows[0] and "modes_covered" not in rows[0]
    assert rows[1]["name"] == "toy-ring" and "modes_covered" in rows[1]
    table = (tmp_path / "table" / "results.md").read_text()
    assert "1 of 1" in table and "toy-ring" in table
