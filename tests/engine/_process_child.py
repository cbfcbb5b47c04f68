"""Helper of the tests of several processes on one simulation file (test_processes, test_lock,
test_links): a real process that opens a simulation file and does what its parent asks, one
command per line on its standard input, one JSON answer per line on its standard output.

Usage: python _process_child.py PATH

Opening prints {"ready": STEPS}. A command is a JSON list [NAME, ARGS...]:
  ["call", METHOD, ARGS, KWARGS]  a Simulation method; the answer is {"ok": WHAT} (WHAT: the
                                  method's result, said simply) or {"refused": CODE, "message":
                                  MESSAGE} when it raised a Refusal (or SimulationFileError)
  ["wait"]                        answers {"waiting": true}, then waits for the next line before
                                  it reads the command on it: a barrier over the pipes
  ["hold"]                        takes the write lock and answers {"holding": true}; it lets
                                  go at the next line (answering {"released": true})
  ["requests", PARTY, ORDERS]     PARTY asks for an update on each order, as fast as it can;
                                  after each: "done ORDER" (a line of text), at the end {"ok": N}
  ["churn", SEED]                 acts on its own orders and adds orders until killed: before
                                  each call "will ORDER", after it "done ORDER" (lines of text)
  ["exit"]                        closes the simulation and ends
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rcsim.engine import Simulation  # noqa: E402
from rcsim.engine.errors import RcsimError  # noqa: E402
from rcsim.engine.views import HistoryEntry, Synced  # noqa: E402
from tests.engine.reach import write_lock  # noqa: E402


def said(value: Any) -> Any:
    """A result as plain JSON: a step as its number, kind, party and action; a look as the
    numbers of the steps it took in, took back and put back."""
    if isinstance(value, Synced):
        return {"taken": [s.number for s in value.taken],
                "taken_back": [s.number for s in value.taken_back],
                "put_back": [s.number for s in value.put_back], "restarted": value.restarted}
    if isinstance(value, HistoryEntry):
        return {"number": value.number, "kind": value.kind, "party": value.party,
                "action": value.action, "order": value.order}
    if isinstance(value, tuple):
        return [said(item) for item in value]
    if hasattr(value, "type") and hasattr(value, "seq"):  # an EventView
        return value.type
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return repr(value)


def fingerprint(sim: Simulation) -> str:
    """The steps in effect and the state, in short: two processes that agree print the same."""
    data = json.dumps([[e.record for e in sim.journal()], sim.snapshot()], sort_keys=True,
                      default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def answer(value: Any) -> None:
    print(json.dumps(value), flush=True)


def churn(sim: Simulation, seed: int) -> None:
    """Act without end on orders of this process's own (C{seed}-...), adding them in batches,
    some of them large (a long line, which a kill can cut short)."""
    rng = random.Random(seed)
    batch = 0
    mine: list[str] = []
    while True:
        if not mine or rng.random() < 0.15:
            batch += 1
            size = rng.choice([5, 5, 400])
            ids = [f"C{seed}-{batch}-{i}" for i in range(size)]
            print("will", ids[0], flush=True)
            sim.add_orders([{"id": order, "title": "Churned " * 8, "price": 30,
                             "delivery_days": 2} for order in ids])
            print("done", ids[0], flush=True)
            mine += ids
        else:
            order = mine.pop(rng.randrange(len(mine)))
            print("will", order, flush=True)
            sim.act("buyer", "request_update", order)
            print("done", order, flush=True)


def main(path: str) -> None:
    sim = Simulation.open(path)
    answer({"ready": sim.step_count})
    for line in sys.stdin:
        command = json.loads(line)
        name = command[0]
        if name == "exit":
            break
        if name == "wait":
            answer({"waiting": True})
            command = json.loads(sys.stdin.readline())
            name = command[0]
        if name == "hold":
            with write_lock(sim):
                answer({"holding": True})
                sys.stdin.readline()
            answer({"released": True})
        elif name == "call":
            method, args, kwargs = command[1], command[2], command[3]
            try:
                result = getattr(sim, method)(*args, **kwargs)
            except RcsimError as error:
                answer({"refused": error.code, "message": str(error)})
            else:
                answer({"ok": said(result)})
        elif name == "fingerprint":
            sim.sync()
            answer({"ok": [sim.step_count, fingerprint(sim)]})
        elif name == "requests":
            party, orders = command[1], command[2]
            for order in orders:
                sim.act(party, "request_update", order)
                print("done", order, flush=True)
            answer({"ok": len(orders)})
        elif name == "churn":
            churn(sim, command[1])
    sim.close()


if __name__ == "__main__":
    main(sys.argv[1])
