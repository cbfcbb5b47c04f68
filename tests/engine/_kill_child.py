"""Helper of test_kill: act on a simulation file in a loop, printing "done EVENTS STEPS" after each
call, once the call has returned (and so has been written).

Usage: python _kill_child.py PATH SEED [MODE [HOLD]]
  steps    (default) actions, clock moves and small batches of orders;
  compact  the same, with a compaction (a whole rewrite of the file) after every few calls;
  long     large batches of orders only (each a long line, which a kill can cut short);
  travel   the steps of `steps` mixed with undo, redo and rewind (and now and then a compaction):
           before each call it prints "will undo|redo|rewind STEP|step|compact", after it
           "done HEAD KEPT ALL INEFFECT": the steps in effect and kept, and fingerprints of the
           records kept and of those in effect.
Opening prints "ready EVENTS STEPS" first (opening a version 1 file carries it over).

HOLD ("before:N" or "after:N") stops the child at its N-th line appended to the file, just
before that line is written or just after: it prints "held" and waits there (reading stdin) for
the kill, so that a test kills it at a known point of a call, whatever the machine's speed.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rcsim.engine import Simulation  # noqa: E402
from rcsim.engine.simfile import SimulationFile  # noqa: E402
from tests.engine.reach import journal_of  # noqa: E402

VALUES = {"comment": "Written before the kill", "days": 1, "extra_price": 0}


def report(word: str, sim: Simulation) -> None:
    print(word, len(sim.events()), sim.step_count, flush=True)


def fingerprint(records: list) -> str:
    return hashlib.sha256(json.dumps(records, sort_keys=True).encode()).hexdigest()[:16]


def where(sim: Simulation) -> str:
    records = journal_of(sim).records
    return (f"{sim.step_count} {len(records)} {fingerprint(records)} "
            f"{fingerprint(records[:sim.step_count])}")


def travel(sim: Simulation, rng: random.Random, seed: int) -> None:
    """The travel mode: one call per line of output, said before and after."""
    print("ready", where(sim), flush=True)
    added = 0
    while True:
        roll = rng.random()
        if roll < 0.25 and sim.step_count:
            print("will undo", flush=True)
            sim.undo()
        elif roll < 0.35 and sim.redo_count:
            print("will redo", flush=True)
            sim.redo()
        elif roll < 0.45:
            step = rng.randrange(0, sim.step_count + sim.redo_count + 1)
            print("will rewind", step, flush=True)
            sim.rewind(step)
        elif roll < 0.5:
            print("will compact", flush=True)
            sim.compact()
        else:
            print("will step", flush=True)
            added += 1
            if roll < 0.6:
                sim.add_orders([{"id": f"T{seed}-{added}-{i}", "title": "Travelling", "price": 30,
                                 "delivery_days": 2} for i in range(5)])
            else:
                sim.advance(rng.choice(["1h", "7h", "1d"]))
        print("done", where(sim), flush=True)


def hold_at(hold: str) -> None:
    """Stop at the N-th append, before or after it is written (HOLD above), until killed."""
    when, _, number = hold.partition(":")
    assert when in ("before", "after") and number.isdigit(), hold
    real, count = SimulationFile.append, [0]

    def append(self: SimulationFile, line: bytes) -> None:
        count[0] += 1
        if count[0] == int(number) and when == "before":
            wait_for_the_kill()
        real(self, line)
        if count[0] == int(number) and when == "after":
            wait_for_the_kill()

    SimulationFile.append = append  # type: ignore[method-assign]


def wait_for_the_kill() -> None:
    print("held", flush=True)
    sys.stdin.readline()  # the test kills the child before it writes anything
    raise SystemExit("not killed")


def main(path: str, seed: int, mode: str = "steps", hold: str | None = None) -> None:
    if hold is not None:
        hold_at(hold)
    rng = random.Random(seed)
    sim = Simulation.open(path)
    if mode == "travel":
        travel(sim, rng, seed)
    report("ready", sim)
    added = 0
    while True:
        ids = sim.order_ids()
        orders = [o for o in rng.sample(ids, min(40, len(ids)))
                  if sim.order_view(o).status not in ("completed", "cancelled")]
        roll = rng.random()
        if mode == "compact" and roll < 0.3:
            sim.compact()
        elif mode == "long":
            added += 1
            sim.add_orders([{"id": f"L{seed}-{added}-{i}", "title": "A long line " * 20, "price": 30,
                             "delivery_days": 2} for i in range(2000)])
        elif roll < 0.08 or len(orders) < 20:
            added += 1
            sim.add_orders([{"id": f"K{seed}-{added}-{i}", "title": "Killed?", "price": 30,
                             "delivery_days": 2, "status": rng.choice(["incomplete", "in_progress", "delivered"])}
                            for i in range(5)])
        elif roll < 0.2:
            sim.advance(rng.choice(["1h", "7h", "1d", "2d"]))
        elif roll < 0.25 and sim.next_deadline() is not None:
            sim.advance_to_next_deadline()
        else:
            order = rng.choice(orders)
            party = rng.choice(["buyer", "freelancer"])
            options = [o for o in sim.options(party, order) if o.allowed]
            if not options:
                sim.advance("1h")
            else:
                option = rng.choice(options)
                fields = {f.name: (f.choices[0] if f.choices else VALUES[f.name])
                          for f in option.fields if f.required}
                sim.act(party, option.action, order, **fields)
        report("done", sim)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), *sys.argv[3:])
