"""Training loaders that resume mid-epoch exactly where a checkpoint left them.

Lightning saves the ``state_dict()`` of every training dataloader that has one in its checkpoints and hands it back
to ``load_state_dict`` on resume (its "stateful dataloader" interface). ``ResumableDataLoader`` uses it:

- its state is the number of batches this epoch's iterator has yielded (Lightning does not prefetch from loaders of
  known length, so at a checkpoint this is the number of batches trained in the epoch), the torch RNG state the
  epoch's iterator drew its worker base seed from, and its sampler's state;
- after ``load_state_dict`` the next iterator skips the batches already trained (by skipping their indices; no
  data is loaded for them), draws nothing from the global torch RNG (the interrupted run drew at the epoch's
  start, before its checkpoint), and gives workers the same base seed as the interrupted run;
- a state marked ``finished`` (the epoch ended at the checkpoint: see ``zoo.core.resume``) starts a fresh epoch.

``ResumableRandomSampler`` shuffles exactly as ``torch.utils.data.RandomSampler`` (same draws from the global torch
RNG, same permutations), and also remembers the epoch's seed so that a resumed epoch replays the same order.
Under DDP Lightning swaps the sampler for a ``DistributedSampler`` (a function of seed and epoch); the skip still
applies. Exactness has one limit: a dataset that draws random numbers in ``__getitem__`` (augmentation) loaded by
worker processes gets other worker RNG streams after a mid-epoch resume; with ``num_workers=0`` it is exact.
"""
from __future__ import annotations

from typing import Any, Iterator

import torch
from torch.utils.data import DataLoader, RandomSampler


class ResumableRandomSampler(RandomSampler):
    """``RandomSampler`` whose epoch order survives a checkpoint.

    Each epoch draws its seed as ``RandomSampler`` does (one int64 from the global torch RNG, or from ``generator``
    when one is given) and shuffles with a generator seeded by it; ``state_dict`` holds that seed, and after
    ``load_state_dict`` the next epoch reuses it instead of drawing.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.epoch_seed: int | None = None
        self._replay_seed: int | None = None

    def __iter__(self) -> Iterator[int]:
        if self._replay_seed is not None:
            seed, self._replay_seed = self._replay_seed, None
        else:  # RandomSampler's own draw
            seed = int(torch.empty((), dtype=torch.int64).random_(generator=self.generator).item())
        self.epoch_seed = seed
        own, self.generator = self.generator, torch.Generator().manual_seed(seed)
        try:  # RandomSampler.__iter__ with a generator seeded like its default one
            yield from super().__iter__()
        finally:
            self.generator = own

    def state_dict(self) -> dict[str, Any]:
        return {"epoch_seed": self.epoch_seed}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self._replay_seed = state.get("epoch_seed")


class _SkippingIndex:
    """The loader's batch sampler (or sampler), without its first ``skip`` batches until one batch is yielded.

    A DataLoader iterator may iterate its index sampler more than once before fetching (the multi-process one does),
    and persistent workers iterate it again every epoch: the skip holds until the resumed position is reached.
    """

    def __init__(self, base, skip: int) -> None:
        self.base, self.skip = base, skip

    def __iter__(self):
        for i, indices in enumerate(self.base):
            if i < self.skip:
                continue
            self.skip = 0
            yield indices

    def __len__(self) -> int:
        return len(self.base)


class _CountingIterator:
    """The DataLoader's iterator, counting the batches it yields into the loader's state."""

    def __init__(self, loader: "ResumableDataLoader", iterator) -> None:
        self.loader, self.iterator = loader, iterator

    def __iter__(self):
        return self

    def __next__(self):
        batch = next(self.iterator)
        self.loader._batches += 1
        self.loader._pending = None  # the resumed epoch is under way: from now on the state is the live one
        return batch

    def __len__(self) -> int:
        return len(self.iterator)


class ResumableDataLoader(DataLoader):
    """A ``DataLoader`` with Lightning's ``state_dict`` / ``load_state_dict`` interface for exact mid-epoch resume.

    Takes exactly ``DataLoader``'s arguments. Pass ``sampler=ResumableRandomSampler(dataset)`` for a shuffled loader
    (Lightning still recognises it as shuffled: it subclasses ``RandomSampler``).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._batches = 0  # batches the current epoch's iterator has yielded
        self._skip = 0
        self._iterator_rng: torch.Tensor | None = None  # the RNG state this epoch's iterator drew its seed from
        self._pending: dict[str, Any] | None = None

    @property
    def _index_sampler(self):  # read by DataLoader's iterator when it is created (and by len())
        return _SkippingIndex(super()._index_sampler, self._skip)

    def __iter__(self):
        pending = self._pending
        resume_mid_epoch = (pending is not None and not pending.get("finished")
                            and 0 < int(pending["batches"]) < len(self))
        self._skip = self._batches = int(pending["batches"]) if resume_mid_epoch else 0
        if resume_mid_epoch and pending.get("sampler") is not None and hasattr(self.sampler, "load_state_dict"):
            self.sampler.load_state_dict(pending["sampler"])  # the interrupted epoch's shuffle
        # a resumed epoch (and any first epoch of persistent workers after a resume) replays the RNG state the
        # interrupted run drew its worker seed from before its checkpoint, instead of drawing from the global RNG
        replay = pending is not None and (resume_mid_epoch or (self.num_workers > 0 and self.persistent_workers))
        own = self.generator
        if replay:
            self.generator = torch.Generator()
            if pending.get("iterator_rng") is not None:
                self.generator.set_state(pending["iterator_rng"])
            self._iterator_rng = pending.get("iterator_rng")
        elif self._iterator is None or not self.persistent_workers:  # a new iterator draws from this state
            self._iterator_rng = own.get_state() if own is not None else torch.get_rng_state()
        try:
            iterator = super().__iter__()  # reads _index_sampler, which skips the batches already trained
        finally:
            self.generator, self._skip = own, 0
        return _CountingIterator(self, iterator)

    def state_dict(self) -> dict[str, Any]:
        if self._pending is not None:  # saved again before the resumed epoch yielded a batch
            return dict(self._pending)
        sampler = self.sampler.state_dict() if hasattr(self.sampler, "state_dict") else None
        return {"batches": self._batches, "iterator_rng": self._iterator_rng, "sampler": sampler}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self._pending = dict(state)
