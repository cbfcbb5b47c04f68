"""Where the engine's tests look inside a Simulation, as white-box tests of it: its state, its
journal, the lock around its file's writes. One place, so that a change inside the engine changes
one file of the tests, and every other test goes through the public API."""

from __future__ import annotations

from contextlib import AbstractContextManager

from rcsim.engine import Simulation
from rcsim.engine.core import State
from rcsim.engine.journal import Journal


def state_of(sim: Simulation) -> State:
    """The state in memory: every record, the counters, the clock."""
    return sim._state


def journal_of(sim: Simulation) -> Journal:
    """The journal of steps: the records, where it stands, the checkpoints."""
    return sim._journal


def write_lock(sim: Simulation) -> AbstractContextManager[None]:
    """The lock a write holds on the file, held by the caller instead (as for the time of one)."""
    return sim._store.locked()
