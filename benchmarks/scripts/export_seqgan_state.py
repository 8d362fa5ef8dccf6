"""Export a finished seqgan_oracle.py `seqgan` stage (its seqgan_state.pt and result_seqgan.json) as an entry folder.

Usage: python benchmarks/scripts/export_seqgan_state.py runs/seqgan-oracle-d600 /work/zoo_hub/seqgan-oracle
"""
import json
import sys
from pathlib import Path

import torch

from zoo import hub
from zoo.metrics.oracle import ORACLE_PROTOCOL
from zoo.models.seqgan import SeqGAN

run, out = Path(sys.argv[1]), Path(sys.argv[2])
result = json.loads((run / "result_seqgan.json").read_text())
args = result["args"]
model = SeqGAN(mle_epochs=args["mle_epochs"], adversarial_steps=args["adversarial_steps"],
               pretrain_discriminator_steps=args["pretrain_d_steps"], discriminator_steps=args["d_steps"],
               num_rollouts=args["rollouts"])
model.load_state_dict(torch.load(run / "seqgan_state.pt", weights_only=True))
hub.export(model, out, name=out.name, results={
    "nll_oracle": result["nll_oracle_final_seed1"], "protocol": {**ORACLE_PROTOCOL, "seed": 1},
    "wall_s": result["wall_s"], "mle_epochs": args["mle_epochs"], "policy_updates": result["policy_updates"]})
print(f"exported {run} to {out}")
