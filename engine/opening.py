"""Where a simulation comes from: made anew (in memory, or in a new file written in one go),
saved as a new file, or opened from its file (checked, tidied and carried over under its lock)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .changing import instant
from .core import State
from .errors import Refusal
from .journal import Journal
from .rules import Rules, policy_rules
from .simfile import LOCK_WAIT
from .storage import Store, base_origin, origin_of, record_count
from .timeutil import CLOCK_LIMIT, iso

if TYPE_CHECKING:
    from .service import Simulation
    from .timeutil import Instant


def create(cls: type[Simulation], path: str | os.PathLike[str] | None = None, *,
           start: Instant, policy: str = "seed", rules: Mapping[str, Any] | None = None,
           keep_old_as: str | os.PathLike[str] | None = None) -> Simulation:
    """`Simulation.create`, as documented there."""
    data = policy_rules(policy, rules)
    start_ts = instant(start)
    if start_ts > CLOCK_LIMIT:
        raise Refusal("clock_limit", limit=iso(CLOCK_LIMIT))
    rules_obj = Rules(data)
    state = State(rules_obj, start_ts)
    journal = Journal(lambda: State(rules_obj, start_ts))
    if path is None:
        return cls(Store.memory(), state, journal)
    return into_new_file(cls, path, state, journal, origin_of(start_ts, data), keep_old_as)


def into_new_file(cls: type[Simulation], path: str | os.PathLike[str], state: State,
                  journal: Journal, origin: dict[str, Any],
                  keep_old_as: str | os.PathLike[str] | None, base: State | None = None,
                  branch: dict[str, Any] | None = None, baseline: int = 0) -> Simulation:
    """`state` and its journal written to a new file in one write, as a simulation on that
    file (`branch`: where it came from, if it is a branch; `baseline`: its starting
    point's steps)."""
    with Store.creating(path, keep_old_as) as store:
        store.branch = branch
        store.baseline = baseline
        store.write_new(state, journal, origin, base)
    return cls(store, state, journal)


def save_as(sim: Simulation, path: str | os.PathLike[str],
            keep_old_as: str | os.PathLike[str] | None = None) -> Simulation:
    """`Simulation.save_as`, as documented there."""
    sim._writable()
    old = sim._journal
    base = old.origin()
    carried: State | None = base
    if record_count(base) > 0:  # a journal that starts from a carried-over file's records
        origin = base_origin(base)
    else:
        origin, carried = origin_of(base.now, base.rules.data), None
    simulation = into_new_file(type(sim), path, sim._state,
                               Journal(old.origin, old.records, head=old.head),
                               origin, keep_old_as, carried, sim._store.branch, sim.baseline)
    sim.close()
    return simulation


def open_existing(cls: type[Simulation], path: str | os.PathLike[str], *,
                  read_only: bool = False, wait: float = LOCK_WAIT) -> Simulation:
    """`Simulation.open`, as documented there."""
    store = Store.open_file(path, lock=not read_only)
    try:
        if read_only:
            loaded = store.load()
            backup = None
        else:
            with store.locked(wait):
                assert store.file is not None
                store.file.tidy()
                loaded = store.load()
                backup = store.settle(loaded)
    except BaseException:
        store.close()
        raise
    simulation = cls(store, loaded.state, loaded.journal, read_only=read_only)
    simulation.carried_over = backup
    return simulation

