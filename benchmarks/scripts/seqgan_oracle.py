"""SeqGAN vs MLE on the oracle (Yu et al. 2017, Table 1 / Figure 2), scaled to a shared CPU.

Stages (each a Lightning fit; later stages resume the pre-training checkpoint, optimizer state included):
  pretrain  MLE for --mle-epochs epochs, NLL-oracle every --eval-every epochs
  mle       the MLE baseline: --extra-epochs more MLE epochs
  seqgan    D pre-training, then --adversarial-steps policy-gradient updates with roll-outs
Usage: ZOO_DATA=/work/zoo_data python benchmarks/scripts/seqgan_oracle.py STAGE [options]
"""
from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import lightning as L
import torch

from zoo.data.oracle import OracleDataModule, OracleLSTM
from zoo.metrics.oracle import ORACLE_PROTOCOL, OracleNLLCallback, nll_oracle
from zoo.models.seqgan import SeqGAN, rollout_completions


def trainer(out: Path, max_epochs: int, callback) -> L.Trainer:
    return L.Trainer(max_epochs=max_epochs, accelerator="cpu", logger=False, enable_checkpointing=False,
                     enable_progress_bar=False, enable_model_summary=False, callbacks=[callback],
                     default_root_dir=str(out))


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("stage", choices=["pretrain", "mle", "seqgan"])
    p.add_argument("--out", default="runs/seqgan-oracle")
    p.add_argument("--mle-epochs", type=int, default=30)
    p.add_argument("--extra-epochs", type=int, default=10)
    p.add_argument("--eval-every", type=int, default=5)
    p.add_argument("--pretrain-d-steps", type=int, default=500)
    p.add_argument("--adversarial-steps", type=int, default=30)
    p.add_argument("--d-steps", type=int, default=5)
    p.add_argument("--rollouts", type=int, default=8)
    p.add_argument("--eval-samples", type=int, default=10_000)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--export", default=None, help="export folder for the model trained by this stage")
    p.add_argument("--card", default=None, help="model card (markdown) to put in the export")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    L.seed_everything(0)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    data = OracleDataModule(batch_size=64)
    oracle = OracleLSTM.from_file()
    start = time.perf_counter()
    pre_ckpt = out / "pretrained.ckpt"
    if a.stage == "pretrain":
        model = SeqGAN(mle_epochs=a.mle_epochs, adversarial_steps=0)
        cb = OracleNLLCallback(oracle, a.eval_samples, every_n_epochs=a.eval_every, path=str(out / "curve_pretrain.json"))
        trainer(out, a.mle_epochs, cb).fit(model, datamodule=data)
        model.trainer.save_checkpoint(str(pre_ckpt))
    elif a.stage == "mle":
        total = a.mle_epochs + a.extra_epochs
        model = SeqGAN(mle_epochs=total, adversarial_steps=0)
        cb = OracleNLLCallback(oracle, a.eval_samples, every_n_epochs=1, path=str(out / "curve_mle.json"))
        trainer(out, total, cb).fit(model, datamodule=data, ckpt_path=str(pre_ckpt))
    else:
        model = SeqGAN(mle_epochs=a.mle_epochs, adversarial_steps=a.adversarial_steps,
                       pretrain_discriminator_steps=a.pretrain_d_steps, discriminator_steps=a.d_steps,
                       num_rollouts=a.rollouts)
        cb = OracleNLLCallback(oracle, a.eval_samples, every_n_epochs=a.eval_every, every_n_policy_updates=5,
                               path=str(out / "curve_seqgan.json"))
        trainer(out, 10_000, cb).fit(model, datamodule=data, ckpt_path=str(pre_ckpt))
    wall = time.perf_counter() - start
    final = nll_oracle(model, oracle, a.eval_samples, seed=1)
    result = {"stage": a.stage, "args": vars(a), "wall_s": round(wall, 1), "nll_oracle_final_seed1": final,
              "protocol": ORACLE_PROTOCOL, "mle_updates": int(model.mle_updates),
              "policy_updates": int(model.policy_updates), "discriminator_updates": int(model.discriminator_updates)}
    if a.stage != "pretrain":
        samples = model.generate(64, generator=torch.Generator().manual_seed(0))
        t = time.perf_counter()
        rollout_completions(model.rollout_network, samples, 16)
        dt = time.perf_counter() - t
        result["rollout_tokens_per_s_B64_N16"] = 64 * 16 * 19 * 20 / 2 / dt
        result["rollout_s_B64_N16"] = dt
        torch.save(model.state_dict(), out / f"{a.stage}_state.pt")
    (out / f"result_{a.stage}.json").write_text(json.dumps(result, indent=1))
    if a.export:
        from zoo import hub

        card = Path(a.card).read_text() if a.card else None
        hub.export(model, a.export, name=Path(a.export).name, card=card, results={
            "nll_oracle": final, "protocol": ORACLE_PROTOCOL, "wall_s": result["wall_s"],
            "mle_epochs": int(model.mle_updates) // 156, "policy_updates": int(model.policy_updates)})
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
