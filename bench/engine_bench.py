"""Engine benchmark (issue 2, "How it is checked"): fast-forward and per-action cost, with the write.

Prints, for N = 1,000 and 10,000 orders:
  (a) advancing the clock 30 days over N orders that each hold an open request (a mix of order
      updates, cancellations both ways and extensions, some on delivered orders whose auto-complete
      resumes and fires within the 30 days), including the one write of the file;
  (b) one action on an N-order simulation file, write included: the median over 50 actions;
  (c) how (a) and (b) grow from 1k to 10k;
  (d) each as a multiple of the same number of plain heapq pushes and pops timed in the same run
      (the floor for a scheduler of stored deadlines).
Run: .venv/bin/python bench/engine_bench.py [--quick]. Nothing here is asserted; it measures.
"""

from __future__ import annotations

import heapq
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import Simulation  # noqa: E402
from engine.core import State  # noqa: E402
from engine.rules import Rules, policy_rules  # noqa: E402
from engine.store import Store  # noqa: E402
from engine.timeutil import parse_iso  # noqa: E402

START = "2026-03-02T09:00:00Z"
GOAL_ADVANCE_10K = 1.0  # seconds
GOAL_ACTION_1K = 20.0  # milliseconds, median
ACTIONS = 50

# (starting status, who opens which request); the last kind delivers while an update is open,
# so its auto-complete is paused, resumes when the update expires and fires 72 h later.
KINDS = (
    ("in_progress", "buyer", "request_update", {"comment": "Any news?"}),
    ("in_progress", "buyer", "ask_to_cancel", {"comment": "Plans changed", "reason": "no_longer_needed"}),
    ("delivered", "freelancer", "ask_to_cancel", {"reason": "buyer_unresponsive"}),
    ("in_progress", "freelancer", "request_extension", {"days": 2, "extra_price": 10,
                                                          "extra_description": "More pages"}),
    ("in_progress", "buyer", "request_update+deliver", {}),
)


def build_file(path: Path, n: int, with_requests: bool) -> None:
    """Write a simulation file of n orders in one write (through the engine's own state and store).

    Building it through Simulation.act would rewrite the whole file n times; the benchmark is
    about what happens after, so the state is built in memory and written once.
    """
    state = State(Rules(policy_rules("seed")), parse_iso(START))
    start = state.now
    for i in range(n):
        status, _, _, _ = KINDS[i % len(KINDS)] if with_requests else ("in_progress", 0, 0, 0)
        state.add_order(f"O{i}", f"Order {i}", 50 + i % 100, 3 + i % 4, status=status)
    if with_requests:
        for i in range(n):  # open the requests spread over one day, so deadlines differ
            state.advance_to(start + (i * 86400) // n)
            _, party, action, fields = KINDS[i % len(KINDS)]
            if action == "request_update+deliver":
                state.act("buyer", "request_update", f"O{i}", {})
                state.act("freelancer", "deliver", f"O{i}", {})
            else:
                state.act(party, action, f"O{i}", fields)
    store = Store.create_file(path)
    store.save(state)
    store.close()


def heap_floor(count: int) -> float:
    """Seconds for `count` heapq pushes and `count` pops of deadline-like tuples."""
    entries = [(1_700_000_000 + (i * 7919) % 2_592_000, i, "request", f"R-{i}") for i in range(count)]
    began = time.perf_counter()
    heap: list = []
    for entry in entries:
        heapq.heappush(heap, entry)
    while heap:
        heapq.heappop(heap)
    return time.perf_counter() - began


def bench_advance(folder: Path, n: int, repeats: int) -> dict:
    times, fired, write_times, size = [], 0, [], 0
    for r in range(repeats):
        path = folder / f"advance-{n}-{r}.json"
        build_file(path, n, with_requests=True)
        with Simulation.open(path) as sim:
            pending = len(sim.deadlines())
            store, writes = sim._store, []
            save = store.save

            def timed_save(state, save=save, writes=writes):  # times the write inside the advance
                began = time.perf_counter()
                save(state)
                writes.append(time.perf_counter() - began)

            store.save = timed_save
            began = time.perf_counter()
            events = sim.advance("30d")
            times.append(time.perf_counter() - began)
            assert len(writes) == 1
            write_times.append(writes[0])
            fired = len(events)
            size = path.stat().st_size
        path.unlink()
    floors = [heap_floor(fired) for _ in range(5)]
    best = times.index(min(times))
    return {"n": n, "seconds": times[best], "all": times, "fired": fired, "pending": pending,
            "write": write_times[best], "size": size, "floor": min(floors)}


def bench_action(folder: Path, n: int) -> dict:
    path = folder / f"action-{n}.json"
    build_file(path, n, with_requests=False)
    samples = []
    with Simulation.open(path) as sim:
        for i in range(ACTIONS):  # alternately open an update request and withdraw it
            order = f"O{(i // 2) % n}"
            began = time.perf_counter()
            if i % 2 == 0:
                sim.act("buyer", "request_update", order, comment="Where are we?")
            else:
                sim.act("buyer", "withdraw", order)
            samples.append(time.perf_counter() - began)
        size = path.stat().st_size
    path.unlink()
    floors = [heap_floor(1) for _ in range(2001)]
    return {"n": n, "median_ms": statistics.median(samples) * 1000,
            "p90_ms": sorted(samples)[int(len(samples) * 0.9)] * 1000, "size": size,
            "floor": statistics.median(floors)}


def main() -> None:
    quick = "--quick" in sys.argv
    sizes = (1_000, 10_000)
    print(f"rcsim engine benchmark  (Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"{platform.machine()})")
    with tempfile.TemporaryDirectory(prefix="rcsim-bench-", dir=ROOT / "bench") as tmp:
        folder = Path(tmp)
        advance = {n: bench_advance(folder, n, 1 if quick or n > 1000 else 3) for n in sizes}
        action = {n: bench_action(folder, n) for n in sizes}

    print("\n(a) advance 30 days, every order with an open request, one write included")
    for n, a in advance.items():
        print(f"    N={n:>6,}: {a['seconds']:.3f} s   ({a['fired']:,} deadlines fired of "
              f"{a['pending']:,} pending at the start; of it the write {a['write']:.3f} s, "
              f"file {a['size'] / 1e6:.1f} MB; runs: {', '.join(f'{t:.3f}' for t in a['all'])})")
    goal = advance[10_000]["seconds"] < GOAL_ADVANCE_10K
    print(f"    goal: N=10,000 under {GOAL_ADVANCE_10K:.0f} s  -> {'met' if goal else 'NOT met'}")

    print(f"\n(b) one action on an N-order file, write included (median of {ACTIONS})")
    for n, b in action.items():
        print(f"    N={n:>6,}: median {b['median_ms']:.1f} ms, p90 {b['p90_ms']:.1f} ms "
              f"(file {b['size'] / 1e6:.2f} MB)")
    goal = action[1_000]["median_ms"] < GOAL_ACTION_1K
    print(f"    goal: N=1,000 median under {GOAL_ACTION_1K:.0f} ms  -> {'met' if goal else 'NOT met'}")

    print("\n(c) growth from 1k to 10k orders (10x the orders)")
    print(f"    advance: x{advance[10_000]['seconds'] / advance[1_000]['seconds']:.1f}   "
          f"action: x{action[10_000]['median_ms'] / action[1_000]['median_ms']:.1f}")

    print("\n(d) as a multiple of plain heapq pushes + pops of the same count (same run)")
    for n, a in advance.items():
        print(f"    advance N={n:>6,}: {a['fired']:,} push+pop = {a['floor'] * 1000:.2f} ms -> "
              f"advance is x{a['seconds'] / a['floor']:.0f} the floor "
              f"(x{(a['seconds'] - a['write']) / a['floor']:.0f} without the write)")
    for n, b in action.items():
        print(f"    action  N={n:>6,}: 1 push+pop = {b['floor'] * 1e6:.2f} us -> "
              f"action is x{b['median_ms'] / 1000 / b['floor']:,.0f} the floor")


if __name__ == "__main__":
    main()
