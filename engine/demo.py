"""The built-in demo simulation: orders in every interesting state, from data/demo.json."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import bundled
from .errors import InputError
from .service import Simulation
from .timeutil import HOUR, Instant, iso

DEMO_FILE = "demo.json"  # in rcsim's data (engine/bundled.py)


def create_demo(path: str | Path | None, *, start: Instant, policy: str = "seed",
                keep_old_as: str | Path | None = None,
                rules: Mapping[str, Any] | None = None) -> Simulation:
    """A new simulation at `start`, filled with the demo's orders and requests (an existing
    file at `path` is kept as `keep_old_as`, see `Simulation.create`), under the policy's
    rules with `rules` overriding some of them (its requests then run for the changed times; a
    demo step that these rules refuse raises that Refusal, and no file is written).

    Built in memory and written to the file in one write, so that a write the system refuses
    (a full disk) leaves no half-built demo, and the old file where it was."""
    demo = bundled.read_json(DEMO_FILE)
    sim = Simulation.create(None, start=start, policy=policy, rules=rules)
    now = int(sim.now.timestamp())
    try:
        orders = []
        for spec in demo["orders"]:
            spec = dict(spec)
            hours = spec.pop("due_hours", None)
            if hours is not None:
                spec["due"] = iso(now + int(hours) * HOUR)
            orders.append(spec)
        steps = [(dict(step), step["actor"], step["action"], step["order"]) for step in demo["steps"]]
        sim.add_orders(orders)
    except (KeyError, TypeError, ValueError, AttributeError, InputError) as error:
        raise bundled.BundledFileError(DEMO_FILE, f"not a demo ({error!r})") from None
    for fields, actor, action, order in steps:
        for key in ("actor", "action", "order"):
            del fields[key]
        sim.act(actor, action, order, **fields)
    sim.set_baseline()  # the demo is where a simulation starts: undo never takes it apart
    return sim if path is None else sim.save_as(path, keep_old_as)
