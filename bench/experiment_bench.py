"""Experiment benchmark (issue 14): 100,000 orders, two arms, one replication each.

Prints medians, and the ratio of one worker to two measured in the same run:
  (a) `rcsim experiment data/experiments/cancellation_window_72h.toml --orders 100000
      --replications 1 --json` as a whole process, with --workers 1 and --workers 2, taken in
      turn (goal: under 10 s; two workers at least 1.6 times as fast as one); the JSON of both
      must be the same bytes;
  (b) where one worker's time goes: one chunk (5,000 orders) played in this process under a
      profiler, its time split into the rule engine (the Simulation's calls), drawing the
      orders' scripts, and the experiment's own bookkeeping; and the CPU time of one chunk
      without the profiler, per order.
Run: .venv/bin/python bench/experiment_bench.py [--quick] [--repeat N]. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rcsim.engine import experiment as ex  # noqa: E402
from rcsim.engine.experiment.simulate import CHUNK_ORDERS, _Play, draw_scripts  # noqa: E402

FILE = ROOT / "data" / "experiments" / "cancellation_window_72h.toml"
GOALS = {"seconds": 10.0, "speed_up": 1.6}


def whole_run(orders: int, workers: int) -> tuple[float, float, float, bytes]:
    """One `rcsim experiment` process, timed from launch to exit: its wall time, the CPU time of
    it and its worker processes, the machine's load average after it, and its JSON."""
    command = [sys.executable, "-m", "rcsim", "experiment", str(FILE), "--orders", str(orders),
               "--replications", "1", "--json", "--workers", str(workers)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, os.getloadavg()[0], result.stdout


def where_the_time_goes() -> None:
    experiment = ex.load(FILE)
    draw_scripts(experiment, random.Random(1), CHUNK_ORDERS)  # once untimed: caches warm
    cpu = []
    for _ in range(3):
        begin = time.process_time()
        drawn = draw_scripts(experiment, random.Random(1), CHUNK_ORDERS)
        _Play(experiment, 0, drawn, 0).run()
        cpu.append(time.process_time() - begin)
    print(f"(b) one chunk of {CHUNK_ORDERS:,} orders, CPU time (median of 3): "
          f"{statistics.median(cpu):.3f} s, {statistics.median(cpu) / CHUNK_ORDERS * 1e6:.0f} us "
          "per order")
    profile = cProfile.Profile()
    profile.enable()
    drawn = draw_scripts(experiment, random.Random(1), CHUNK_ORDERS)
    play = _Play(experiment, 0, drawn, 0)
    play.run()
    profile.disable()
    stats = pstats.Stats(profile)
    calls = stats.stats  # type: ignore[attr-defined]
    total = sum(tt for (_, _, tt, _, _) in calls.values())

    def cumulative(path_part: str, name: str) -> float:
        return sum(ct for (file, _, func), (_, _, _, ct, _) in calls.items()
                   if path_part in file and func == name)

    engine = (cumulative("engine/service.py", "act") + cumulative("engine/service.py", "advance")
              + cumulative("engine/service.py", "add_orders")
              + cumulative("engine/service.py", "create"))
    drawing = cumulative("engine/experiment/simulate.py", "draw_scripts")
    own = total - engine - drawing
    print(f"    under the profiler ({total:.2f} s): the rule engine {engine / total:.0%} "
          f"(Simulation.act, advance, add_orders, create), drawing the scripts "
          f"{drawing / total:.0%}, the experiment's own bookkeeping {own / total:.0%}")
    top = sorted(((tt, f"{Path(file).parent.name}/{Path(file).name}:{func}")
                  for (file, _, func), (_, _, tt, _, _) in calls.items()), reverse=True)[:8]
    print("    most time of its own: " + ", ".join(f"{name} {tt / total:.0%}" for tt, name in top))


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--quick", action="store_true", help="20,000 orders instead of 100,000")
    options.add_argument("--repeat", type=int, default=3, help="runs per worker count")
    args = options.parse_args()
    orders = 20_000 if args.quick else 100_000
    print(f"rcsim experiment benchmark, {platform.python_implementation()} "
          f"{platform.python_version()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    times: dict[int, list[float]] = {1: [], 2: []}
    cpus: dict[int, list[float]] = {1: [], 2: []}
    loads: list[float] = []
    outputs: dict[int, bytes] = {}
    for _ in range(args.repeat):
        for workers in (1, 2):  # in turn, so that a busy moment of the machine hits both
            seconds, cpu, load, out = whole_run(orders, workers)
            times[workers].append(seconds)
            cpus[workers].append(cpu)
            loads.append(load)
            outputs[workers] = out
    one, two = statistics.median(times[1]), statistics.median(times[2])
    print(f"(a) {orders:,} orders, two arms, one replication each, as a whole process "
          f"(median of {args.repeat}):")
    print(f"    --workers 1: {one:.2f} s   (runs: {', '.join(f'{t:.2f}' for t in times[1])})")
    print(f"    --workers 2: {two:.2f} s   (runs: {', '.join(f'{t:.2f}' for t in times[2])})"
          f"   goal under {GOALS['seconds']:.0f} s")
    print(f"    two workers are {one / two:.2f} times as fast as one   goal at least "
          f"{GOALS['speed_up']}")
    print(f"    the same JSON from both: {outputs[1] == outputs[2]}")
    print(f"    CPU time of the processes (median): {statistics.median(cpus[1]):.2f} s with one "
          f"worker, {statistics.median(cpus[2]):.2f} s with two, that is the processes kept "
          f"{statistics.median(cpus[2]) / (2 * two):.0%} of two cores busy; the machine's load "
          f"average after the runs: {min(loads):.2f} to {max(loads):.2f} (its other work "
          "shares the two cores)")
    where_the_time_goes()


if __name__ == "__main__":
    main()
