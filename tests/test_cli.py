"""The command line: bad recipe keys are refused, --print_config, quickstart runs end to end."""
from pathlib import Path

import pytest

from zoo.cli import main
from zoo.lightning_cli import lightning_cli

RECIPES = Path(__file__).resolve().parents[1] / "recipes"  # each one's parsing: tests/test_recipes.py


def test_unknown_recipe_key_is_refused(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text((Path(__file__).resolve().parents[1] / "recipes/dcgan/digits.yaml").read_text()
                   .replace("latent_dim: 100", "latent_dims: 100"))
    with pytest.raises(SystemExit):
        lightning_cli(["fit", "--config", str(bad)], run=False)
    assert "latent_dims" in capsys.readouterr().err


def test_print_config(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["fit", "--config", str(RECIPES / "wgan/mnist_cpu.yaml"), "--print_config"])  # an overlay
    assert exit_info.value.code in (0, None)
    assert "class_path: zoo.models.wgan.WGAN" in capsys.readouterr().out


def test_quickstart_end_to_end(tmp_path, capsys):
    main(["quickstart", "-o", str(tmp_path), "--steps", "6"])
    out = capsys.readouterr().out
    for name in ("samples.png", "losses.png", "samples_reloaded.png", "export/config.json",
                 "export/model.safetensors"):
        assert (tmp_path / name).is_file(), name
    assert "equal the trained model's for the same seed: True" in out


def test_sample_and_export_commands(tmp_path, capsys):
    main(["quickstart", "-o", str(tmp_path / "qs"), "--steps", "2"])
    main(["sample", str(tmp_path / "qs" / "export"), "-n", "4", "-o", str(tmp_path / "grid.png"), "--seed", "1"])
    assert (tmp_path / "grid.png").is_file()
    with pytest.raises(SystemExit, match="does not exist"):
        main(["sample", str(tmp_path / "missing_dir/"), "-o", str(tmp_path / "g.png")])
    with pytest.raises(SystemExit, match="no zoo entry named 'dcgan-mnsit'"):
        main(["sample", "dcgan-mnsit"])


def test_validate_and_test_report_discriminator_scores(tmp_path, capsys):
    recipe = Path(__file__).resolve().parents[1] / "recipes/dcgan/digits.yaml"
    args = ["--config", str(recipe), f"--trainer.default_root_dir={tmp_path}", "--trainer.limit_val_batches=2",
            "--trainer.limit_test_batches=2", "--trainer.enable_progress_bar=false",
            "--model.generator_width=8", "--model.discriminator_width=8"]
    main(["validate", *args])
    main(["test", *args])
    out = capsys.readouterr().out
    assert "val/real_score" in out and "test/fake_score" in out
