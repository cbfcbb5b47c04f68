"""Role-play benchmark of the engine (issue 12; prints figures, asserts nothing): several real
processes on one simulation file, each holding its write lock only for the time of a write.

  (a) throughput: N actions (the buyer asks for an update) on its own orders as fast as it can
      in one process, against two processes doing N each at once on one file; the ratio of the
      actions per second (1.0: two writers do not get more through than one, the lock is the
      bottleneck; 2.0: twice as much, nothing shared);
  (b) an idle `take_in(0)` (nobody wrote: one `stat` and a comparison) against a bare
      `os.stat` of the file, the ratio;
  (c) latency: process A takes a step (a clock move of one minute) at irregular moments and
      prints when it was written; this process looks (`take_in(0)`) every LOOK seconds, as a
      window's timer does, and notes when it first saw each step. Printed: the median and the
      90th percentile of that delay. The app looks every 0.25 s (tui/app/sync.py SYNC_SECONDS): its
      delay is about half that more, plus drawing.

Both processes are on this machine, so their wall clocks are one clock. Usage:
.venv/bin/python bench/roleplay_bench.py [--actions 300] [--repeat 3] [--steps 40] [--look 0.1]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rcsim.engine import Simulation  # noqa: E402

START = "2026-03-02T09:00:00Z"
APP_LOOK = 0.25  # tui/app/sync.py: how often a window looks for the others' steps

WRITER = """
import sys
sys.path.insert(0, {root!r})
from rcsim.engine import Simulation
sim = Simulation.open({path!r})
orders = {orders!r}
print("ready", flush=True)
sys.stdin.readline()
for order in orders:
    sim.act("buyer", "request_update", order)
print("done", flush=True)
sim.close()
"""

STEPPER = """
import random, sys, time
sys.path.insert(0, {root!r})
from rcsim.engine import Simulation
sim = Simulation.open({path!r})
rng = random.Random(12)
print("ready", flush=True)
sys.stdin.readline()
for _ in range({steps}):
    time.sleep(rng.uniform(0.05, 0.35))
    sim.take_in()
    sim.advance("1m")
    print("wrote", sim.step_count, repr(time.time()), flush=True)
sim.close()
"""


def new_file(folder: Path, orders: list[str]) -> Path:
    path = folder / f"bench-{len(list(folder.iterdir()))}.json"
    with Simulation.create(path, start=START) as sim:
        sim.add_orders([{"id": order, "title": "Work", "price": 50, "delivery_days": 3}
                        for order in orders])
    return path


def start(script: str, **values: object) -> subprocess.Popen[str]:
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(script).format(
        root=str(ROOT), **values)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    return child


def writers(folder: Path, count: int, actions: int) -> float:
    """Seconds for `count` processes to take `actions` actions each, at once, on one file."""
    groups = [[f"W{w}-{i}" for i in range(actions)] for w in range(count)]
    path = new_file(folder, [order for group in groups for order in group])
    children = [start(WRITER, path=str(path), orders=group) for group in groups]
    began = time.perf_counter()
    for child in children:  # released together
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    for child in children:
        assert child.stdout is not None and child.stdout.readline().strip() == "done"
    spent = time.perf_counter() - began
    for child in children:
        child.wait()
    with Simulation.open(path, read_only=True) as sim:
        assert len(sim.snapshot()["requests"]) == count * actions  # none lost
    return spent


def throughput(folder: Path, actions: int, repeat: int) -> None:
    one = statistics.median(writers(folder, 1, actions) for _ in range(repeat))
    two = statistics.median(writers(folder, 2, actions) for _ in range(repeat))
    rate1, rate2 = actions / one, 2 * actions / two
    print(f"(a) throughput, {actions} actions per process (median of {repeat}):")
    print(f"    one writer:  {one:6.3f} s  {rate1:7.0f} actions/s  ({1000 * one / actions:.2f} ms each)")
    print(f"    two writers: {two:6.3f} s  {rate2:7.0f} actions/s  ({1000 * two / (2 * actions):.2f} ms each)")
    print(f"    ratio two/one: {rate2 / rate1:.2f}")


def idle_look(folder: Path, calls: int = 100_000) -> None:
    path = new_file(folder, ["A"])
    with Simulation.open(path) as sim:
        for _ in range(1000):  # warm up
            sim.take_in(0)
            os.stat(path)
        rounds = []
        for _ in range(5):
            began = time.perf_counter()
            for _ in range(calls):
                sim.take_in(0)
            looked = time.perf_counter() - began
            began = time.perf_counter()
            for _ in range(calls):
                os.stat(path)
            stat = time.perf_counter() - began
            rounds.append((looked, stat))
    looked = statistics.median(r[0] for r in rounds) / calls * 1e6
    stat = statistics.median(r[1] for r in rounds) / calls * 1e6
    print(f"(b) an idle take_in(0): {looked:.2f} µs; a bare os.stat: {stat:.2f} µs; "
          f"ratio {looked / stat:.2f} (median of 5 x {calls:,})")


def latency(folder: Path, steps: int, look: float) -> None:
    path = new_file(folder, ["A"])
    written: dict[int, float] = {}
    child = start(STEPPER, path=str(path), steps=steps)

    def read() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            word, number, at = line.split()
            written[int(number)] = float(at)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    seen: dict[int, float] = {}
    with Simulation.open(path) as sim:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
        tick = time.monotonic()
        while len(seen) < steps:
            for synced in sim.take_in(0):
                now = time.time()
                for step in synced.steps:
                    seen.setdefault(step.number, now)
            tick += look
            time.sleep(max(0.0, tick - time.monotonic()))
    child.wait()
    reader.join(5)
    delays = sorted((seen[n] - written[n]) * 1000 for n in seen if n in written)
    p90 = delays[min(len(delays) - 1, int(round(0.9 * (len(delays) - 1))))]
    print(f"(c) a step written in process A until process B's take_in, B looking every "
          f"{look:g} s: median {statistics.median(delays):.0f} ms, 90th percentile {p90:.0f} ms "
          f"({len(delays)} steps at random moments)")
    print(f"    the app looks every {APP_LOOK:g} s: expect about {1000 * APP_LOOK / 2:.0f} ms "
          f"median, then the drawing (bench/roleplay_app_bench.py measures it on screen)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--actions", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--look", type=float, default=0.1)
    args = parser.parse_args()
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(f"roleplay_bench {datetime.date.today()}  Python {platform.python_version()}  "
          f"{os.cpu_count()} cores  load {load[0]:.2f}" if load else "")
    with tempfile.TemporaryDirectory() as folder:
        throughput(Path(folder), args.actions, args.repeat)
        idle_look(Path(folder))
        latency(Path(folder), args.steps, args.look)


if __name__ == "__main__":
    main()
