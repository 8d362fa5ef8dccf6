"""Short SGAN diagnostic runs outside Lightning: the same nets and losses as zoo.models.sgan, with switches for
the known differences from the authors' train_mnist_feature_matching.py, printing test error as it trains.

    python benchmarks/scripts/sgan_diagnose.py --steps 600 --eval-every 100 [--adam-eps 1e-4] [--g-second-batch] ...

The table in benchmarks/issue5.md was made at commit a9c9dab, before the fix, when the nets had a tanh output and
a noise-free init (the script's default then; ``--sigmoid`` and ``--init-noise`` switched to the authors'). Since
the fix the nets default to the authors' choices; ``--tanh`` and ``--init-clean`` bring back the old ones.
"""
from __future__ import annotations

import argparse
import time

import torch
import torch.nn.functional as F

from zoo.data.semi import SemiSupervisedMNIST
from zoo.models.sgan import SGAN, feature_matching_loss, unsupervised_loss


@torch.no_grad()
def init_with_noise(D, x) -> None:
    from zoo.nets.semi import WeightNormLinear
    h = D.check_input(x).flatten(1)
    for layer in [*D.trunk, *D.head]:
        if isinstance(layer, WeightNormLinear):
            layer.initialize(h)
        h = layer(h)  # noise layers included (train mode)
    D.initialized.fill_(True)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=600)
    p.add_argument("--eval-every", type=int, default=100)
    p.add_argument("--adam-eps", type=float, default=1e-8)
    p.add_argument("--g-second-batch", action="store_true", help="G matches features of a second real batch")
    p.add_argument("--fresh-fake", action="store_true", help="draw a new G(z) for the G step")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-init", action="store_true", help="no data-dependent init (unit scales, zero biases)")
    p.add_argument("--init-noise", action="store_true", help="data-dependent init on 500 images with D's noise on")
    p.add_argument("--tanh", action="store_true", help="the old G output tanh(a) (before the fix)")
    p.add_argument("--init-clean", action="store_true", help="the old noise-free init on 100 images (before the fix)")
    p.add_argument("--sigmoid", action="store_true", help="G output 2 sigmoid(a) - 1 = tanh(a / 2) (authors' sigmoid)")
    a = p.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    dm = SemiSupervisedMNIST(labelled_per_class=10, seed=0, batch_size=100)
    dm.setup("fit")
    x_unl = dm.splits["unlabelled"].tensors[0]
    x_lab, y_lab = dm.splits["labelled"].tensors
    x_test, y_test = dm.splits["test"].tensors
    model = SGAN(discriminator_ema_decay=None)
    G, D = model.generator, model.discriminator
    opt_d = torch.optim.Adam([q for q in D.parameters() if q.requires_grad], lr=3e-3, betas=(0.5, 0.999), eps=a.adam_eps)
    opt_g = torch.optim.Adam([q for q in G.parameters() if q.requires_grad], lr=3e-3, betas=(0.5, 0.999), eps=a.adam_eps)
    if a.sigmoid:
        G.net[-1] = torch.nn.Tanh()
        G.net[-1].forward = lambda t: torch.tanh(t / 2)
    if a.tanh:
        G.net[-1] = torch.nn.Tanh()
    if a.init_clean:
        D.initialize_from_data(x_unl[torch.randperm(len(x_unl))[:100]], with_noise=False)
    elif a.no_init:
        D.initialized.fill_(True)
    elif a.init_noise:
        init_with_noise(D, x_unl[torch.randperm(len(x_unl))[:500]])
    else:
        D.initialize_from_data(x_unl[torch.randperm(len(x_unl))[:100]])
    perm, perm2, pos = torch.randperm(len(x_unl)), torch.randperm(len(x_unl)), 0
    t0 = time.time()
    for step in range(1, a.steps + 1):
        if pos + 100 > len(x_unl):
            perm, perm2, pos = torch.randperm(len(x_unl)), torch.randperm(len(x_unl)), 0
        real, real2 = x_unl[perm[pos:pos + 100]], x_unl[perm2[pos:pos + 100]]
        pos += 100
        li = torch.randperm(len(x_lab))
        lab, lab_y = x_lab[li], y_lab[li]
        fake = G(torch.rand(100, 100))
        loss_lab = F.cross_entropy(D(lab), lab_y)
        loss_unl = unsupervised_loss(D(real), D(fake.detach()))
        opt_d.zero_grad(set_to_none=True)
        (loss_lab + loss_unl).backward()
        opt_d.step()
        if a.fresh_fake:
            fake = G(torch.rand(100, 100))
        _, f_real = D.forward_features(real2 if a.g_second_batch else real)
        _, f_fake = D.forward_features(fake)
        loss_g = feature_matching_loss(f_real, f_fake)
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()  # D's grads from this are cleared by opt_d.zero_grad before D's next step
        opt_g.step()
        if step % a.eval_every == 0:
            D.eval()
            with torch.no_grad():
                err = (D(x_test).argmax(1) != y_test).float().mean().item()
            D.train()
            print(f"step {step} t={time.time() - t0:.0f}s lab={loss_lab.item():.3f} unl={loss_unl.item():.4f} "
                  f"fm={loss_g.item():.3f} test_err={err:.4f} fake_mean={(fake.mean().item() + 1) / 2:.3f} "
                  f"fake_dark={(fake < -0.8).float().mean().item():.2f} real_dark={(real < -0.8).float().mean().item():.2f} "
                  f"feat_real={f_real.mean().item():.2f} feat_fake={f_fake.mean().item():.2f}", flush=True)


if __name__ == "__main__":
    main()
