"""Roll-out throughput: tokens drawn per second by rollout_completions for B = 64 sequences and N = 16 roll-outs.

Usage: python benchmarks/rollout_speed.py [entry name or export folder, default mle-oracle] [repeats]
Tokens counted: B · N · T(T-1)/2 (each prefix length t completes T - t tokens).
"""
import json
import sys
import time

import torch

from zoo import Zoo
from zoo.models.seqgan import rollout_completions

torch.set_num_threads(1)
model = Zoo.load(sys.argv[1] if len(sys.argv) > 1 else "mle-oracle")
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
samples = model.generate(64, generator=torch.Generator().manual_seed(0))
tokens = 64 * 16 * 20 * 19 // 2
times = []
for _ in range(repeats):
    start = time.perf_counter()
    rollout_completions(model.rollout_network, samples, 16, torch.Generator().manual_seed(1))
    times.append(time.perf_counter() - start)
start = time.perf_counter()
rewards = model.rewards(samples)
reward_s = time.perf_counter() - start
print(json.dumps({"tokens_per_rollout": tokens, "seconds": times, "tokens_per_s_best": tokens / min(times),
                  "rewards_with_paper_D_s (N from hparams)": reward_s, "num_rollouts_hparam": model.hparams.num_rollouts,
                  "threads": torch.get_num_threads()}))
