#!/bin/bash
# MIX+GAN (T = 5) on MNIST against a single GAN (T = 1, same nets) given the same updates and the same wall time;
# exports each to $ZOO_HUB/<run> and scores it (FID/KID, 2,000 samples against mnist-test[:5000]).
# Usage: ZOO_DATA=... ZOO_HUB=... bash benchmarks/scripts/mixgan_mnist_vs_gan.sh
set -ex
export OMP_NUM_THREADS=1
hub=${ZOO_HUB:-exports}
t0=$(date +%s)
zoo fit --config recipes/mixgan/mnist_cpu.yaml
t1=$(date +%s); wall=$((t1 - t0)); echo "mixgan wall $wall"
zoo fit --config recipes/mixgan/mnist_cpu.yaml --model.init_args.num_components 1 \
  --trainer.default_root_dir runs/gan-mnist-t1-same-updates
t2=$(date +%s); echo "t1 same updates wall $((t2 - t1))"
zoo fit --config recipes/mixgan/mnist_cpu.yaml --model.init_args.num_components 1 \
  --trainer.default_root_dir runs/gan-mnist-t1-same-time --trainer.max_epochs 100 \
  --trainer.max_time "00:00:$((wall / 60)):$((wall % 60))"
t3=$(date +%s); echo "t1 same time wall $((t3 - t2))"
for run in mixgan-mnist gan-mnist-t1-same-updates gan-mnist-t1-same-time; do
  zoo export runs/$run --name $run -o "$hub/$run"
  zoo eval "$hub/$run" --reference mnist-test --num-samples 2000 --num-reference 5000
done
