"""Export the MLE baseline (the 20-epoch MLE checkpoint of seqgan_oracle.py's pretrain stage) as mle-oracle.

Usage: python benchmarks/scripts/export_mle_oracle.py [runs/seqgan-oracle] [/work/zoo_hub/mle-oracle]
"""
import json
import sys
from pathlib import Path

from zoo import hub
from zoo.checkpoints import load_checkpoint
from zoo.metrics.oracle import ORACLE_PROTOCOL

run = Path(sys.argv[1] if len(sys.argv) > 1 else "runs/seqgan-oracle")
out = Path(sys.argv[2] if len(sys.argv) > 2 else "/work/zoo_hub/mle-oracle")
model = load_checkpoint(run / "pretrained.ckpt")
measured = json.loads((run / "result_pretrain.json").read_text())
results = {"nll_oracle": measured["nll_oracle_final_seed1"], "protocol": {**ORACLE_PROTOCOL, "seed": 1},
           "mle_epochs": int(model.mle_updates) // 156, "wall_s": measured["wall_s"]}
hub.export(model, out, name=out.name, results=results)
print(json.dumps(results))
