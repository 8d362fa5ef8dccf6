"""The contract every model class of zoo.models keeps, checked on one table of tiny models.

- A fit step moves only the stepped player: every update (``step``) moves parameters of its own optimizer and none
  of another's, and counts itself; the players' update counts after the fit are the paper's schedule (e.g. two
  discriminator steps, then one generator step).
- An export (``zoo.hub.export``) loads back (``Zoo.load``) as the same class with the same hyperparameters and
  tensors, and answers every inference verb it offers with the same output, bit for bit.
- Seeded determinism: the same seed trains the same weights and draws the same outputs.
- The inference verbs a class declares are the ones it answers; asking for another names the call to make.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

import lightning as L
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from zoo import Zoo, entries, hub
from zoo.core.module import PLAYERS, VERB_CALLS
from zoo.models.acgan import ACGAN
from zoo.models.bigan import BiGAN
from zoo.models.cgan import CGAN
from zoo.models.classifier import DigitClassifier
from zoo.models.cyclegan import CycleGAN
from zoo.models.dcgan import DCGAN
from zoo.models.discogan import DiscoGAN
from zoo.models.fgan import FGAN
from zoo.models.gan import GAN
from zoo.models.infogan import InfoGAN
from zoo.models.lsgan import LSGAN
from zoo.models.mixgan import MIXGAN
from zoo.models.pix2pix import Pix2Pix
from zoo.models.regularized import RegularizedGAN
from zoo.models.seqgan import SeqGAN
from zoo.models.sgan import SGAN
from zoo.models.wgan import WGAN
from zoo.models.wgan_gp import WGANGP
from zoo.schema import TASKS


def rand(*shape: int, seed: int = 0) -> torch.Tensor:
    return torch.rand(*shape, generator=torch.Generator().manual_seed(seed)) * 2 - 1


def loader(*tensors: torch.Tensor, batch_size: int = 4, collate_fn=None) -> DataLoader:
    return DataLoader(TensorDataset(*tensors), batch_size=batch_size, collate_fn=collate_fn)


def points() -> DataLoader:
    return loader(rand(8, 2), torch.zeros(8))


def digits() -> DataLoader:
    return loader(rand(8, 1, 28, 28), torch.arange(8) % 10)


def semi_supervised() -> DataLoader:
    """SGAN's batches: unlabelled images, and a labelled subset (zoo.data.semi's layout)."""
    def collate(rows):
        x, y = torch.stack([r[0] for r in rows]), torch.stack([r[1] for r in rows])
        return {"unlabelled": (x,), "labelled": (x, y)}

    return loader(rand(8, 1, 28, 28), torch.arange(8) % 10, collate_fn=collate)


def image_pairs(size: int) -> Callable[[], DataLoader]:
    return lambda: loader(rand(4, 3, size, size, seed=1), rand(4, 3, size, size, seed=2), batch_size=2)


def tokens() -> DataLoader:
    return loader(torch.randint(0, 30, (4, 6), generator=torch.Generator().manual_seed(0)))


@dataclass
class Case:
    build: Callable[[], L.LightningModule]
    data: Callable[[], DataLoader]
    updates: tuple[int, int] | None = (2, 2)  # (generator, discriminator) updates after the fit; None: not adversarial
    example: torch.Tensor | None = None       # the input of translate / classify / encode
    epochs: int = 1                           # of two batches each


TOY = dict(data_shape=(2,), latent_dim=3, hidden=(8,), sample_every_n_steps=0)
TRANSLATION = dict(generator_width=4, discriminator_width=4, sample_every_n_steps=0, num_fixed_samples=0)
CASES = {
    "GAN": Case(lambda: GAN(data_shape=(2,), latent_dim=3, generator_hidden=(8,), discriminator_hidden=(8,),
                            maxout_pieces=2, output=None, discriminator_steps=2, sample_every_n_steps=0),
                points, updates=(1, 2)),  # k = 2: the first batch steps D alone
    "DCGAN": Case(lambda: DCGAN(image_size=28, channels=1, latent_dim=4, generator_width=4, discriminator_width=4,
                                ema_decay=0.9, sample_every_n_steps=0), digits),
    "CGAN": Case(lambda: CGAN(architecture="dcgan", optimizer="adam", lr=2e-4, latent_dim=4, generator_width=4,
                              discriminator_width=4, sample_every_n_steps=0), digits),
    "InfoGAN": Case(lambda: InfoGAN(noise_dim=3, width=4, fc_units=8, sample_every_n_steps=0), digits),
    "ACGAN": Case(lambda: ACGAN(latent_dim=4, generator_width=4, discriminator_width=4, sample_every_n_steps=0),
                  digits, example=rand(3, 1, 28, 28, seed=3)),
    "SGAN": Case(lambda: SGAN(discriminator_hidden=(8,), generator_hidden=(8,), latent_dim=4,
                              discriminator_ema_decay=0.9, sample_every_n_steps=0),
                 semi_supervised, example=rand(3, 1, 28, 28, seed=3)),
    "WGAN": Case(lambda: WGAN(**TOY, critic_steps=2, warmup_generator_iterations=0, warmup_every=0), points,
                 updates=(1, 2)),
    "WGANGP": Case(lambda: WGANGP(**TOY, critic_steps=2), points, updates=(1, 2)),
    "LSGAN": Case(lambda: LSGAN(**TOY), points),
    "FGAN": Case(lambda: FGAN("kl", **TOY), points),
    "RegularizedGAN": Case(lambda: RegularizedGAN(**TOY, regularizer="r1", ema_decay=0.9), points),
    "MIXGAN": Case(lambda: MIXGAN(num_components=2, architecture="mlp", latent_dim=3, generator_hidden=(8,),
                                  discriminator_hidden=(8,), sample_every_n_steps=0), points),
    "BiGAN": Case(lambda: BiGAN(data_shape=(2,), latent_dim=3, generator_hidden=(8,), encoder_hidden=(8,),
                                discriminator_hidden=(8,), output=None, stochastic_encoder=True,
                                sample_every_n_steps=0), points, example=rand(3, 2, seed=3)),
    "Pix2Pix": Case(lambda: Pix2Pix(num_downs=5, **TRANSLATION), image_pairs(32), example=rand(2, 3, 32, 32, seed=3)),
    "CycleGAN": Case(lambda: CycleGAN(n_blocks=1, pool_size=2, **TRANSLATION), image_pairs(32),
                     example=rand(2, 3, 32, 32, seed=3)),
    "DiscoGAN": Case(lambda: DiscoGAN(variant="official", **TRANSLATION), image_pairs(64), updates=(1, 1),
                     example=rand(2, 3, 64, 64, seed=3)),  # the authors' code: D on iteration 0, G on iteration 1
    # MLE epoch (G), D pre-training epoch (D), one adversarial round (G's policy gradient, then D)
    "SeqGAN": Case(lambda: SeqGAN(vocab_size=30, seq_len=6, embedding_dim=8, hidden_dim=8,
                                  discriminator_embedding_dim=8, filter_sizes=(1, 2), num_filters=(4, 4), mle_epochs=1,
                                  pretrain_discriminator_steps=1, adversarial_steps=1, num_rollouts=2,
                                  discriminator_steps=1), tokens, epochs=3),
    "DigitClassifier": Case(lambda: DigitClassifier(width=2, hidden=8), digits, updates=None,
                            example=rand(3, 1, 28, 28, seed=3)),
}


@dataclass
class Update:
    player: str
    own_optimizer: bool  # the optimizer stepped is one of the player's (players_of)
    moved_own: bool      # some parameter of that optimizer changed
    moved_others: bool   # some parameter of the other player's optimizer changed
    counted: int         # how much the player's counter rose


def parameters_of(optimizer) -> list[torch.Tensor]:
    return [p for group in getattr(optimizer, "optimizer", optimizer).param_groups for p in group["params"]]


def players_of(model) -> dict[str, list]:
    """Each player's optimizers: configure_optimizers lists G's, then D's; a further one (SeqGAN's policy-gradient
    Adam) belongs to the player whose parameters it holds."""
    first, second, *more = model.trainer.optimizers
    owners = {"generator": [first], "discriminator": [second]}
    for opt in more:
        held = {id(p) for p in parameters_of(opt)}
        owner = next(player for player, (own, *_) in owners.items() if held <= {id(p) for p in parameters_of(own)})
        owners[owner].append(opt)
    return owners


def record_updates(model) -> list[Update]:
    """Wrap ``model.step``: for every update, what it moved and counted."""
    updates, original = [], model.step

    def step(optimizer, loss, name, player):
        players = players_of(model)
        opponent = "discriminator" if player == "generator" else "generator"
        own, other = parameters_of(players[player][0]), parameters_of(players[opponent][0])
        before_own, before_other = [p.detach().clone() for p in own], [p.detach().clone() for p in other]
        count = int(getattr(model, f"{player}_updates"))
        out = original(optimizer, loss, name, player)
        stepped = getattr(optimizer, "optimizer", optimizer)
        updates.append(Update(player, any(stepped is opt for opt in players[player]),
                              any(not torch.equal(a, p) for a, p in zip(before_own, own)),
                              any(not torch.equal(a, p) for a, p in zip(before_other, other)),
                              int(getattr(model, f"{player}_updates")) - count))
        return out

    model.step = step
    return updates


class OptimizerSteps(L.Callback):
    """Counts the steps of each optimizer, however the model makes them."""

    def __init__(self) -> None:
        self.steps: list[int] = []

    def on_train_start(self, trainer, pl_module) -> None:
        self.steps = [0] * len(trainer.optimizers)
        for i, opt in enumerate(trainer.optimizers):
            opt.register_step_post_hook(lambda *_, i=i: self.steps.__setitem__(i, self.steps[i] + 1))


def fit(name: str, record: bool = False):
    """Fit the case's model on its two batches from seed 0; with ``record``, also return its updates (``step``
    calls) and the steps each optimizer made."""
    case = CASES[name]
    L.seed_everything(0, verbose=False)
    model = case.build()
    record = record and case.updates is not None  # the classifier has no players to record
    updates, counter = (record_updates(model), OptimizerSteps()) if record else (None, None)
    trainer = L.Trainer(accelerator="cpu", max_epochs=case.epochs, limit_train_batches=2, logger=False,
                        enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False,
                        num_sanity_val_steps=0, limit_val_batches=0, callbacks=[counter] if record else [])
    trainer.fit(model, case.data())
    if record:
        del model.step  # the class's step again
    return model, updates, counter.steps if record else None


@functools.cache
def fitted(name: str):
    """``fit(name, record=True)``, once per case for the whole module."""
    return fit(name, record=True)


def infer(model, verb: str, example: torch.Tensor | None, seed: int) -> torch.Tensor:
    if verb in ("sample", "generate"):  # their randomness comes from the generator passed, and from nothing else
        return getattr(model, verb)(3, generator=torch.Generator().manual_seed(seed))
    torch.manual_seed(seed)  # Pix2Pix's test-time dropout draws from the global RNG
    if verb == "translate":
        return torch.cat([model.translate(example, direction) for direction in model.directions])
    return getattr(model, verb)(example)


def test_the_table_has_every_model_class():
    built = {hub.class_path(case.build()) for case in CASES.values()}
    assert built == set(hub.model_classes()), "add a row to CASES for every model class of zoo.models"


def test_every_entry_answers_with_a_verb_its_class_offers():
    for entry in [*entries.ENTRIES, *entries.PLANNED]:
        assert entry.verb in hub.import_class(entry.model_class).verbs, entry.name
    assert set(VERB_CALLS) == set(TASKS)


@pytest.mark.parametrize("name", CASES)
def test_a_fit_step_moves_only_the_stepped_player(name):
    model, updates, optimizer_steps = fitted(name)
    if CASES[name].updates is None:  # the judge classifier: one network, automatic optimisation
        assert not torch.equal(model.state_dict()["head.3.weight"], CASES[name].build().state_dict()["head.3.weight"])
        return
    assert updates and all(u.own_optimizer and u.moved_own and not u.moved_others and u.counted == 1
                           for u in updates), updates
    made = tuple(sum(u.player == player for u in updates) for player in PLAYERS)
    assert made == (int(model.generator_updates), int(model.discriminator_updates)) == CASES[name].updates
    steps = dict(zip(map(id, model.trainer.optimizers), optimizer_steps))
    owners = players_of(model)
    assert tuple(sum(steps[id(opt)] for opt in owners[player]) for player in PLAYERS) == made  # none outside updates
    # each role's network is trained by its own player's optimizer only
    optimizers = [{id(p) for p in parameters_of(opt)} for opt in model.trainer.optimizers]
    for i, role in enumerate(PLAYERS):
        if hasattr(model, role):  # not the two-way translators (discriminator_a, _b) or MIX+GAN's mixture
            trained = {id(p) for p in getattr(model, role).parameters() if p.requires_grad}
            assert trained <= optimizers[i] and not trained & optimizers[1 - i], role


@pytest.mark.parametrize("name", CASES)
def test_export_round_trip_reproduces_every_verb_bit_for_bit(name, tmp_path):
    model = fitted(name)[0]
    folder = hub.export(model, tmp_path / "export")
    loaded = Zoo.load(folder)
    assert type(loaded) is type(model) and not loaded.training
    assert hub.jsonable_hparams(loaded) == hub.jsonable_hparams(model)
    state, restored = model.state_dict(), loaded.state_dict()
    assert list(restored) == list(state)
    assert all(torch.equal(restored[k], v) for k, v in state.items())  # counters and running statistics too
    assert model.verbs
    example = CASES[name].example
    for verb in model.verbs:
        assert torch.equal(infer(loaded, verb, example, 0), infer(model, verb, example, 0)), verb
    images = "sample" in model.verbs and infer(model, "sample", None, 0).dim() == 4
    assert (folder / hub.SAMPLES).is_file() == images  # a sample grid for image samplers only


@pytest.mark.parametrize("name", CASES)
def test_seeded_fit_and_inference_are_deterministic(name):
    model, again = fitted(name)[0], fit(name)[0]
    for key, value in model.state_dict().items():
        assert torch.equal(again.state_dict()[key], value), key
    example = CASES[name].example
    for verb in model.verbs:
        assert torch.equal(infer(model, verb, example, 1), infer(model, verb, example, 1)), verb
        if verb in ("sample", "generate"):
            assert not torch.equal(infer(model, verb, example, 1), infer(model, verb, example, 2)), verb


@pytest.mark.parametrize("name", CASES)
def test_a_verb_the_model_does_not_offer_names_the_call_to_make(name):
    model = CASES[name].build()
    for verb in set(VERB_CALLS) - set(model.verbs):
        if hasattr(type(model), verb):  # SeqGAN keeps sample, the earlier name of generate
            continue
        with pytest.raises(AttributeError, match=rf"{type(model).__name__} has no {verb}\(\).*"
                                                 rf"{VERB_CALLS[model.verbs[0]].split('(')[0]}"):
            getattr(model, verb)
