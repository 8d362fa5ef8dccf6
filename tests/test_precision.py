"""bf16 on the CPU warns (it was measured several times slower than 32-true); other precisions and devices do not."""
from pathlib import Path

import pytest

from zoo.lightning_cli import lightning_cli
from zoo.precision import CPUPrecisionCheck, cpu_bf16_warning

RECIPE = Path(__file__).resolve().parents[1] / "recipes/dcgan/digits.yaml"


def test_bf16_on_the_cpu_is_the_only_case_that_warns():
    for precision in ("bf16-mixed", "bf16-true"):
        message = cpu_bf16_warning(precision, "cpu")
        assert f"precision='{precision}'" in message and "slower" in message and "conv" in message
        assert "--trainer.precision 32-true" in message
    assert cpu_bf16_warning("bf16-mixed", "cuda") is None
    for precision in ("32-true", "16-mixed", "64-true", 32, None):
        assert cpu_bf16_warning(precision, "cpu") is None


def test_zoo_fit_warns_when_a_cpu_run_asks_for_bf16(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # nothing is written next to the recipes
    cli = lightning_cli(["fit", "--config", str(RECIPE), "--trainer.accelerator", "cpu",
                         "--trainer.precision", "bf16-mixed"], run=False)
    check = next(c for c in cli.trainer.callbacks if isinstance(c, CPUPrecisionCheck))
    with pytest.warns(UserWarning, match="precision='bf16-mixed' on the CPU.*32-true"):
        check.setup(cli.trainer, cli.model, "fit")  # what the fit would call first
