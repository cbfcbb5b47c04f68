"""Shared helpers of the engine tests: file simulations and the refusal check."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from rcsim.engine import Refusal, Simulation

START = "2026-03-02T09:00:00Z"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def at(hours: float = 0, days: float = 0) -> datetime:
    """The instant this many hours/days after the start."""
    return T0 + timedelta(hours=hours, days=days)


@pytest.fixture
def make_sim(tmp_path: Path):
    """A factory of file simulations at START (each in its own file), closed at the end."""
    made: list[Simulation] = []

    def make(policy: str = "seed", rules: dict[str, Any] | None = None, **orders: str) -> Simulation:
        path = tmp_path / f"sim-{len(made)}.json"
        sim = Simulation.create(path, start=START, policy=policy, rules=rules)
        made.append(sim)
        if orders:  # order id -> starting status, each due 3 days after the start
            sim.add_orders([{"id": oid, "title": f"Order {oid}", "price": 100, "delivery_days": 3,
                             "status": status} for oid, status in orders.items()])
        return sim

    yield make
    for sim in made:
        sim.close()


LOCK_FILE = re.compile(r"\..+\.lock")


def files(folder: Path) -> list[str]:
    """The names in `folder`, sorted, without the hidden companion lock files `.NAME.lock`: a
    process that opened or wrote a simulation file NAME leaves its lock file beside it for the
    next (engine/simfile.py, SimulationFile)."""
    return sorted(p.name for p in folder.iterdir() if not LOCK_FILE.fullmatch(p.name))


def refused(sim: Simulation, code: str, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Refusal:
    """Assert that the call is refused with `code` and leaves memory and the file as they were."""
    before = sim.snapshot()
    raw = sim.path.read_bytes() if sim.path is not None else None
    with pytest.raises(Refusal) as info:
        call(*args, **kwargs)
    assert info.value.code == code, info.value.message
    assert info.value.message  # every refusal explains itself
    assert sim.snapshot() == before
    if raw is not None:
        assert sim.path.read_bytes() == raw
    return info.value


def reopened(sim: Simulation) -> Simulation:
    """The same simulation read back from its file after closing it (the caller closes this one)."""
    sim.close()  # one process holds a simulation file at a time
    assert sim.path is not None
    return Simulation.open(sim.path)
