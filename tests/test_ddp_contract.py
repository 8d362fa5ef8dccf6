"""The DDP contract of every model in zoo.models: a 2-process CPU (gloo) fit leaves both processes with the same
parameters, although each one saw other batches.

One pair of processes (started here, with the environment a launcher such as torchrun sets, so Lightning joins it
instead of launching its own) fits every model class in turn, tiny networks on tiny random data, a few steps each,
then all-gathers each model's flattened parameters. Anything that changes parameters outside DDP's averaged
backward pass (gradients written straight into ``.grad``, a data-dependent initialisation on each process's own
batch) shows up as a model whose processes disagree.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent('''
    import json
    import os
    import sys

    import lightning as L
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    from zoo.data.semi import SemiSupervisedDataModule

    torch.set_num_threads(1)
    PER_RANK = 2  # batches each process trains per epoch


    def loader(*tensors, batch_size=4):  # enough examples for PER_RANK batches on each process
        return {"train_dataloaders": DataLoader(TensorDataset(*tensors), batch_size=batch_size, shuffle=True)}


    def images(n=16, channels=1, size=28):
        return torch.rand(n, channels, size, size) * 2 - 1


    def labels(n=16, classes=10):
        return torch.arange(n) % classes


    def points(n=16):
        return torch.randn(n, 2)


    class InMemorySemi(SemiSupervisedDataModule):
        def load_train(self):
            return images(40), labels(40)

        def load_eval(self):
            return TensorDataset(images(8), labels(8))


    def case(name):
        from zoo.models import (acgan, bigan, classifier, cgan, cyclegan, dcgan, discogan, fgan, gan, infogan, lsgan,
                                mixgan, pix2pix, regularized, seqgan, sgan, wgan, wgan_gp)
        toy = dict(data_shape=(2,), latent_dim=4, hidden=(8,), sample_every_n_steps=0)
        translation = dict(generator_width=4, discriminator_width=4, sample_every_n_steps=0, num_fixed_samples=0)
        return {
            "DCGAN": lambda: (dcgan.DCGAN(image_size=28, channels=1, latent_dim=8, generator_width=4,
                                          discriminator_width=4, ema_decay=0.9, sample_every_n_steps=0),
                              loader(images())),
            "GAN": lambda: (gan.GAN(data_shape=(2,), latent_dim=4, generator_hidden=(8,), discriminator_hidden=(8,),
                                    output=None, sample_every_n_steps=0), loader(points())),
            "CGAN": lambda: (cgan.CGAN(architecture="dcgan", optimizer="adam", lr=2e-4, latent_dim=8,
                                       generator_width=4, discriminator_width=4, sample_every_n_steps=0),
                             loader(images(), labels())),
            "ACGAN": lambda: (acgan.ACGAN(latent_dim=8, generator_width=4, discriminator_width=4,
                                          sample_every_n_steps=0), loader(images(), labels())),
            "InfoGAN": lambda: (infogan.InfoGAN(noise_dim=4, width=4, fc_units=16, sample_every_n_steps=0),
                                loader(images())),
            "SGAN": lambda: (sgan.SGAN(discriminator_hidden=(16, 8), generator_hidden=(16,), latent_dim=4,
                                       discriminator_ema_decay=0.9, sample_every_n_steps=0),
                             {"datamodule": InMemorySemi(labelled_per_class=1, batch_size=4)}),
            "WGAN": lambda: (wgan.WGAN(**toy, critic_steps=2, warmup_critic_steps=1, warmup_generator_iterations=1),
                             loader(points())),
            "WGANGP": lambda: (wgan_gp.WGANGP(**toy, critic_steps=2), loader(points())),
            "LSGAN": lambda: (lsgan.LSGAN(**toy), loader(points())),
            "FGAN": lambda: (fgan.FGAN(divergence="kl", **toy), loader(points())),
            "RegularizedGAN-consensus": lambda: (regularized.RegularizedGAN(**toy, regularizer="consensus",
                                                                            optimizer="rmsprop"), loader(points())),
            "RegularizedGAN-unrolled": lambda: (regularized.RegularizedGAN(**toy, regularizer="unrolled",
                                                                           unroll_steps=2), loader(points())),
            "Pix2Pix": lambda: (pix2pix.Pix2Pix(num_downs=5, **translation),
                                loader(images(8, 3, 32), images(8, 3, 32), batch_size=2)),
            "CycleGAN": lambda: (cyclegan.CycleGAN(n_blocks=1, pool_size=2, **translation),
                                 loader(images(8, 3, 32), images(8, 3, 32), batch_size=2)),
            "DiscoGAN": lambda: (discogan.DiscoGAN(**translation),
                                 loader(images(8, 3, 64), images(8, 3, 64), batch_size=2)),
            "BiGAN": lambda: (bigan.BiGAN(data_shape=(2,), latent_dim=3, generator_hidden=(8,), encoder_hidden=(8,),
                                          discriminator_hidden=(8,), output=None, sample_every_n_steps=0),
                              loader(points())),
            "SeqGAN": lambda: (seqgan.SeqGAN(vocab_size=30, seq_len=6, embedding_dim=8, hidden_dim=8,
                                             discriminator_embedding_dim=8, filter_sizes=(1, 2), num_filters=(4, 4),
                                             mle_epochs=1, pretrain_discriminator_steps=1, adversarial_steps=1,
                                             num_rollouts=2),
                               loader(torch.randint(0, 30, (16, 6)), torch.zeros(16))),
            "MIXGAN": lambda: (mixgan.MIXGAN(num_components=2, architecture="mlp", data_shape=(2,), latent_dim=4,
                                             generator_hidden=(8,), discriminator_hidden=(8,),
                                             sample_every_n_steps=0), loader(points())),
            "DigitClassifier": lambda: (classifier.DigitClassifier(width=4, hidden=8), loader(images(), labels())),
        }[name]()


    EPOCHS = {"SeqGAN": 3}  # MLE, then D pre-training and one adversarial round


    def main():
        out, names = sys.argv[1], sys.argv[2].split(",")
        rank, results = int(os.environ["RANK"]), {}
        for name in names:
            L.seed_everything(0, verbose=False)
            model, data = case(name)
            trainer = L.Trainer(accelerator="cpu", devices=2, num_nodes=1, strategy="ddp_find_unused_parameters_true",
                                max_epochs=EPOCHS.get(name, 1), limit_train_batches=PER_RANK, limit_val_batches=0,
                                num_sanity_val_steps=0, logger=False, enable_checkpointing=False,
                                enable_progress_bar=False, enable_model_summary=False)
            before = torch.cat([p.detach().double().flatten() for p in model.parameters()])
            trainer.fit(model, **data)
            flat = torch.cat([p.detach().double().flatten() for p in model.parameters()])
            gathered = [torch.zeros_like(flat) for _ in range(2)]
            torch.distributed.all_gather(gathered, flat)
            results[name] = {"identical": torch.equal(gathered[0], gathered[1]),
                             "largest_difference": float((gathered[0] - gathered[1]).abs().max()),
                             "moved": not torch.equal(before, flat), "global_step": trainer.global_step}
        with open(os.path.join(out, f"rank{rank}.json"), "w") as f:
            json.dump(results, f)
        # Lightning leaves the process group to the interpreter's exit, where gloo's threads can still be joinable
        # and the C++ runtime aborts ("terminate called without an active exception") after all the work is done.
        # Close the group here, and leave without the interpreter's teardown once the results are on disk.
        torch.distributed.barrier()
        torch.distributed.destroy_process_group()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


    if __name__ == "__main__":
        main()
''')

MODELS = ["DCGAN", "GAN", "CGAN", "ACGAN", "InfoGAN", "SGAN", "WGAN", "WGANGP", "LSGAN", "FGAN",
          "RegularizedGAN-consensus", "RegularizedGAN-unrolled", "Pix2Pix", "CycleGAN", "DiscoGAN", "BiGAN", "SeqGAN",
          "MIXGAN", "DigitClassifier"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_pair(tmp_path, names: list[str]) -> dict[str, dict]:
    """Run the script as ranks 0 and 1 of one gloo process group; return rank 0's results (rank 1 must agree)."""
    script = tmp_path / "ddp_contract.py"
    script.write_text(SCRIPT)
    env = {**os.environ, "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(free_port()), "WORLD_SIZE": "2",
           "NODE_RANK": "0", "OMP_NUM_THREADS": "1"}
    procs = [subprocess.Popen([sys.executable, str(script), str(tmp_path), ",".join(names)], cwd=tmp_path,
                              env={**env, "RANK": str(r), "LOCAL_RANK": str(r)}, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for r in (0, 1)]
    try:
        logs = [p.communicate(timeout=300) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    for p, (_, err) in zip(procs, logs):
        assert p.returncode == 0, err[-4000:]
    results = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in (0, 1)]
    assert results[0].keys() == results[1].keys() == set(names)
    return results[0]


def test_every_model_keeps_its_ddp_processes_identical(tmp_path):
    results = run_pair(tmp_path, MODELS)
    assert all(r["moved"] and r["global_step"] > 0 for r in results.values()), results  # they all trained
    diverged = {name: r["largest_difference"] for name, r in results.items() if not r["identical"]}
    assert not diverged, f"parameters differ between the two DDP processes: {diverged}"
