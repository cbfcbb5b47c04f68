"""Time-travel benchmark (issue 11): undo, redo and rewind on a 1,000-step, 1,000-order simulation.

Prints medians (and the slowest), against a baseline measured in the same run: the same state
rebuilt by replaying every step from the start on a fresh simulation (what going back would cost
without the states the journal keeps in memory).
  (a) the first time-travel call of a session, which learns where each step's events end and keeps
      states in memory along the way (one replay of the whole journal, once);
  (b) undo from the last step and redo back, each the write of the head line included (on file);
  (c) rewind to a random step (back or forward), 200 times, the write included;
  (d) the same in memory (no file): the engine's part alone;
  (e) a new step after going back (it drops the steps that could be redone).
Goal: every undo, redo and rewind under 100 ms. Run: .venv/bin/python bench/travel_bench.py
[--quick]. Nothing here is asserted; it measures.
"""

from __future__ import annotations

import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rcsim.engine import Simulation  # noqa: E402

START = "2026-03-02T09:00:00Z"
GOAL_MS = 100.0
VALUES = {"comment": "Benchmarked", "days": 1, "extra_price": 0, "extra_description": "More"}


def build(sim: Simulation, orders: int, steps: int, seed: int = 11) -> None:
    """`orders` orders in one step, then actions and clock moves up to `steps` steps."""
    sim.add_orders([{"id": f"O{i}", "title": f"Order {i}", "price": 50 + i % 100,
                     "delivery_days": 3 + i % 10,
                     "status": ("incomplete", "in_progress", "delivered")[i % 3]}
                    for i in range(orders)])
    rng = random.Random(seed)
    ids = sim.order_ids()
    while sim.step_count < steps:
        if rng.random() < 0.05:
            sim.advance(rng.choice(["1h", "6h", "1d"]))
            continue
        order, party = rng.choice(ids), rng.choice(["buyer", "freelancer"])
        options = [o for o in sim.options(party, order) if o.allowed]
        if not options:
            continue
        option = rng.choice(options)
        fields = {f.name: (f.choices[0] if f.choices else VALUES[f.name])
                  for f in option.fields if f.required}
        sim.act(party, option.action, order, **fields)


def timed(call) -> float:
    """Milliseconds one call takes."""
    began = time.perf_counter()
    call()
    return (time.perf_counter() - began) * 1000


def summary(label: str, times: list[float]) -> str:
    return (f"  {label:<44} median {statistics.median(times):7.2f} ms   slowest {max(times):7.2f} ms"
            f"   ({len(times)} calls)")


def replay_from_start(records: list, k: int) -> float:
    """The baseline: the state after step k rebuilt on a fresh simulation, step by step."""
    def rebuild() -> None:
        fresh = Simulation.create(None, start=START)
        for record in records[:k]:
            fresh.replay(record)
    return timed(rebuild)


def measure(sim: Simulation, where: str, rounds: int, rng: random.Random) -> dict[str, Any]:
    steps = sim.step_count
    print(f"{where}: {len(sim.order_ids())} orders, {steps} steps, {len(sim.events())} events")
    first = timed(sim.undo)
    print(f"  {'first undo of the session (learns the journal)':<44} {first:7.2f} ms")
    sim.redo()
    undo, redo = [], []
    for _ in range(rounds):
        undo.append(timed(sim.undo))
        redo.append(timed(sim.redo))
    # undo several steps in a row: each one goes further back from the states kept
    deep = [timed(sim.undo) for _ in range(min(rounds, steps // 2))]
    sim.rewind(steps)
    rewind, targets = [], []
    for _ in range(rounds * 4):
        k = rng.randrange(0, steps + 1)
        targets.append(k)
        rewind.append(timed(lambda k=k: sim.rewind(k)))
    sim.rewind(steps)
    print(summary("undo the last step", undo))
    print(summary("redo it", redo))
    print(summary("undo again and again (back from the end)", deep))
    print(summary("rewind to a random step", rewind))
    return {"undo": undo, "redo": redo, "deep": deep, "rewind": rewind, "targets": targets}


def main(quick: bool = False) -> None:
    orders = 200 if quick else 1000
    steps = 200 if quick else 1000
    rounds = 20 if quick else 50
    print(f"Python {platform.python_version()} on {platform.machine()}, "
          f"{'quick' if quick else 'full'} run")
    rng = random.Random(20261201)
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="rcsim-travel-bench-") as folder:
        path = Path(folder) / "sim.json"
        with Simulation.create(path, start=START) as sim:
            build(sim, orders, steps)
        with Simulation.open(path) as sim:  # as a user continues a file: nothing in memory yet
            results["file"] = measure(sim, "On file (each call appends its head line)", rounds, rng)
            records = [dict(h.record) for h in sim.history()]
            after = timed(lambda: sim.rewind(steps // 2))
            new_step = timed(lambda: sim.advance("1h"))
            print(f"  {'a new step after going back':<44} {new_step:7.2f} ms"
                  f"   (the rewind before it: {after:.2f} ms)")
        memory = Simulation.create(None, start=START)
        build(memory, orders, steps)
        results["memory"] = measure(memory, "In memory", rounds, rng)
    baseline = [replay_from_start(records, k) for k in results["file"]["targets"][:rounds]]
    print(summary("baseline: replay from the start to that step", baseline))
    print()
    for where in ("file", "memory"):
        every = [t for key in ("undo", "redo", "deep", "rewind") for t in results[where][key]]
        ratio = statistics.median(baseline) / statistics.median(results[where]["rewind"])
        print(f"{where}: slowest undo/redo/rewind {max(every):.2f} ms (goal: under {GOAL_MS:.0f} ms); "
              f"a rewind is {ratio:.1f}x faster than replaying from the start (medians)")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:])
