"""Helpers for the objective papers' tests (WGAN, WGAN-GP, LSGAN, f-GAN, RegularizedGAN): tiny data, a quiet
Trainer, and a recorder of which network each update moves."""
from __future__ import annotations

import lightning as L
import torch
from torch.utils.data import DataLoader, TensorDataset


def toy_loader(n: int = 64, batch_size: int = 16) -> DataLoader:
    points = torch.randn(n, 2, generator=torch.Generator().manual_seed(0))
    return DataLoader(TensorDataset(points, torch.zeros(n)), batch_size=batch_size)


def image_loader(n: int = 8, batch_size: int = 4) -> DataLoader:
    images = torch.rand(n, 1, 28, 28, generator=torch.Generator().manual_seed(0)) * 2 - 1
    return DataLoader(TensorDataset(images, torch.zeros(n)), batch_size=batch_size)


def fit(model, loader, **trainer_args) -> None:
    torch.manual_seed(0)
    trainer_args.setdefault("max_epochs", 1)
    L.Trainer(logger=False, enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False,
              accelerator="cpu", **trainer_args).fit(model, loader)


def record_updates(model, other: torch.nn.Module) -> list[tuple[str, bool, bool]]:
    """Wrap ``model.step``: for every update, record (player, moved its own net, moved the other player's net).

    ``other`` is the discriminator / critic; the generator is ``model.generator``.
    """
    calls: list[tuple[str, bool, bool]] = []
    original = model.step
    nets = {"generator": model.generator, "discriminator": other}

    def step(optimizer, loss, name, player):
        before = {k: [p.detach().clone() for p in net.parameters()] for k, net in nets.items()}
        out = original(optimizer, loss, name, player)
        moved = {k: any(not torch.equal(a, p) for a, p in zip(before[k], net.parameters())) for k, net in nets.items()}
        opponent = "discriminator" if player == "generator" else "generator"
        calls.append((player, moved[player], moved[opponent]))
        return out

    model.step = step
    return calls


def record_generator_and_critic_inputs(model):
    """Record G's inputs and outputs and the critic's inputs, in call order."""
    g_calls, critic_inputs = [], []
    g_forward, c_forward = model.generator.forward, model.critic.forward

    def generator(z):
        out = g_forward(z)
        g_calls.append((z.detach().clone(), out.detach().clone()))
        return out

    model.generator.forward = generator
    model.critic.forward = lambda x: critic_inputs.append(x.detach().clone()) or c_forward(x)
    return g_calls, critic_inputs
