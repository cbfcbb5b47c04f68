"""Engine benchmark (issues 2 and 10): what a step costs on file and in memory, at any size.

Prints medians, and ratios against baselines measured in the same run:
  (a) `rcsim run` of a generated story (N orders, a buyer's cancellation request on each, then a
      30-day advance), as a whole process, at N = 1,000 and 10,000; against the process that only
      starts Python and imports the engine; and the same story played in this process, in parts;
  (b) one action on an N-order simulation file (the write included), median of 50, at N = 1,000,
      10,000 and 100,000, taken in turn, against one line appended and fdatasynced;
  (c) opening an N-order file, in a fresh process (median of 3), and its peak memory (RSS);
  (d) a 30-day advance over N orders that each hold an open request, on file (the write
      included), at N = 1,000 and 10,000, against the same number of plain heapq pushes and pops;
  (e) with and without msgspec (engine/storage/codec.py's fast path for JSON): opening and
      compacting.
Run: .venv/bin/python bench/engine_bench.py [--quick]. Nothing here is asserted; it measures.
"""

from __future__ import annotations

import heapq
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import rcsim.engine.storage.codec  # noqa: E402
from rcsim.engine import Simulation  # noqa: E402

START = "2026-03-02T09:00:00Z"
GOALS = {"run_10k": 2.0, "run_ratio": 12.0, "action_100k_ms": 20.0, "action_ratio": 2.0,
         "open_100k": 1.5, "rss_100k_mb": 300.0, "advance_10k": 0.3}
ACTIONS = 50

# (starting status, who opens which request); the last kind delivers while an update is open,
# so its auto-complete is paused, resumes when the update expires and fires 72 h later.
KINDS: tuple[tuple[str, str, str, dict[str, object]], ...] = (
    ("in_progress", "buyer", "request_update", {"comment": "Any news?"}),
    ("in_progress", "buyer", "ask_to_cancel", {"comment": "Plans changed", "reason": "no_longer_needed"}),
    ("delivered", "freelancer", "ask_to_cancel", {"reason": "buyer_unresponsive"}),
    ("in_progress", "freelancer", "request_extension", {"days": 2, "extra_price": 10,
                                                          "extra_description": "More pages"}),
    ("in_progress", "buyer", "request_update+deliver", {}),
)


def story(n: int) -> str:
    """The issue's story as a scenario file: n orders, a cancellation request on each, 30 days."""
    lines = ['title = "Generated story"', f'start = "{START}"', ""]
    for i in range(n):
        lines += ["[[orders]]", f'id = "FO-{i}"', f'title = "Order {i}"', f"price = {40 + i % 50}",
                  "delivery_days = 3", ""]
    for i in range(n):
        lines += ["[[steps]]", 'actor = "buyer"', 'action = "ask_to_cancel"', f'order = "FO-{i}"',
                  'comment = "Plans changed"', ""]
    return "\n".join(lines + ["[[steps]]", 'advance = "30d"', ""])


def orders(n: int, statuses=("incomplete", "in_progress", "delivered")) -> list[dict]:
    return [{"id": f"O{i}", "title": f"Order {i}", "price": 50 + i % 100, "delivery_days": 3 + i % 4,
             "status": statuses[i % len(statuses)]} for i in range(n)]


def orders_file(path: Path, n: int) -> None:
    """An n-order simulation file, as the engine writes it: created, then the orders added in one
    step (which compacts the file at once: a checkpoint holds them)."""
    with Simulation.create(path, start=START) as sim:
        sim.add_orders(orders(n))


def requests_file(path: Path, n: int) -> None:
    """An n-order file where every order holds an open request (opened over one day, so that the
    deadlines differ), built in memory through the engine and written in one write."""
    sim = Simulation.create(None, start=START)
    sim.add_orders([{**spec, "status": KINDS[i % len(KINDS)][0]} for i, spec in enumerate(orders(n))])
    start = int(sim.now.timestamp())
    for i in range(n):
        target = start + (i * 86400) // n
        if target > int(sim.now.timestamp()):
            sim.advance_to(sim.now.fromtimestamp(target, sim.now.tzinfo))
        _, party, action, fields = KINDS[i % len(KINDS)]
        if action == "request_update+deliver":
            sim.act("buyer", "request_update", f"O{i}")
            sim.act("freelancer", "deliver", f"O{i}")
        else:
            sim.act(party, action, f"O{i}", **fields)
    sim.save_as(path).close()


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


def process(args: list[str]) -> tuple[float, str]:
    began = time.perf_counter()
    result = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - began
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return elapsed, result.stdout


OPEN = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
import rcsim.engine.storage.codec
from rcsim.engine import Simulation
if {plain!r}:
    rcsim.engine.storage.codec.msgspec = None
began = time.perf_counter()
sim = Simulation.open({path!r})
seconds = time.perf_counter() - began
try:  # the peak of this process (ru_maxrss would count the parent's, from before exec)
    status = open("/proc/self/status").read()
    peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
except (OSError, IndexError):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps([seconds, peak, len(sim.order_ids())]))
"""


def bench_open(path: Path, repeats: int, plain: bool = False) -> dict:
    """Open the file in a fresh process: seconds (median) and the process's peak RSS (MB)."""
    runs = [json.loads(process([sys.executable, "-c", OPEN.format(root=str(ROOT), path=str(path),
                                                                  plain=plain)])[1])
            for _ in range(repeats)]
    return {"seconds": statistics.median(r[0] for r in runs), "rss": max(r[1] for r in runs),
            "orders": runs[0][2], "size": path.stat().st_size}


def bench_run(folder: Path, n: int, repeats: int) -> dict:
    """`rcsim run` of the story, as a whole process (median), and the same in this process."""
    scenario = folder / f"story-{n}.toml"
    scenario.write_text(story(n), encoding="utf-8")
    times = [process([sys.executable, "-m", "rcsim", "run", str(scenario)])[0] for _ in range(repeats)]
    from rcsim.engine.scenario import Player, load  # the parts, in this process
    began = time.perf_counter()
    loaded = load(scenario)
    parsed = time.perf_counter()
    player = Player(loaded)
    made = time.perf_counter()
    report = player.run()
    played = time.perf_counter()
    assert report.passed
    return {"n": n, "seconds": statistics.median(times), "all": times, "load": parsed - began,
            "create": made - parsed, "play": played - made}


def bench_actions(folder: Path, sizes: tuple[int, ...]) -> dict[int, dict]:
    """One action at a time on each of the files in turn (so that every size meets the disk in
    the same state), and beside them the floor: one line appended and fdatasynced."""
    sims: dict[int, Simulation] = {}
    samples: dict[int, list[float]] = {n: [] for n in sizes}
    for n in sizes:
        path = folder / f"action-{n}.json"
        orders_file(path, n)
        sims[n] = Simulation.open(path)
    floor_path = folder / "floor.txt"
    floor_path.write_bytes(b"")
    floor = []
    try:
        for i in range(ACTIONS):  # alternately open an update request and withdraw it
            order = f"O{(i // 2) * 3 + 1}"  # in progress
            for n, sim in sims.items():
                began = time.perf_counter()
                if i % 2 == 0:
                    sim.act("buyer", "request_update", order, comment="Where are we?")
                else:
                    sim.act("buyer", "withdraw", order)
                samples[n].append(time.perf_counter() - began)
            began = time.perf_counter()
            fd = os.open(floor_path, os.O_WRONLY | os.O_APPEND)
            os.write(fd, b'{"steps":{"1":{"kind":"act","at":"2026-03-02T09:00:00Z"}}}\n')
            os.fdatasync(fd)
            os.close(fd)
            floor.append(time.perf_counter() - began)
    finally:
        for sim in sims.values():
            sim.close()
    return {n: {"n": n, "median_ms": statistics.median(samples[n]) * 1000,
                "p90_ms": sorted(samples[n])[int(ACTIONS * 0.9)] * 1000,
                "size": sims[n].path.stat().st_size, "path": sims[n].path,
                "floor_ms": statistics.median(floor) * 1000} for n in sizes}


def bench_advance(folder: Path, n: int, repeats: int) -> dict:
    times, fired, pending = [], 0, 0
    for r in range(repeats):
        path = folder / f"advance-{n}-{r}.json"
        requests_file(path, n)
        with Simulation.open(path) as sim:
            pending = len(sim.deadlines())
            began = time.perf_counter()
            fired = len(sim.advance("30d"))
            times.append(time.perf_counter() - began)
        path.unlink()
    return {"n": n, "seconds": statistics.median(times), "all": times, "fired": fired,
            "pending": pending, "floor": min(heap_floor(fired) for _ in range(5))}


def bench_compact(path: Path, plain: bool) -> float:
    saved = rcsim.engine.storage.codec.msgspec
    if plain:
        rcsim.engine.storage.codec.msgspec = None  # type: ignore[assignment]
    try:
        with Simulation.open(path) as sim:
            began = time.perf_counter()
            sim.compact()
            return time.perf_counter() - began
    finally:
        rcsim.engine.storage.codec.msgspec = saved


def met(value: float, goal: float) -> str:
    return "met" if value < goal else "NOT met"


def main() -> None:
    quick = "--quick" in sys.argv
    big = 20_000 if quick else 100_000
    run_sizes = (1_000, 2_000) if quick else (1_000, 10_000)
    print(f"rcsim engine benchmark  (Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"{platform.machine()}{', --quick: smaller sizes' if quick else ''})")
    with tempfile.TemporaryDirectory(prefix="rcsim-bench-", dir=ROOT / "bench") as tmp:
        folder = Path(tmp)
        startup = statistics.median(
            process([sys.executable, "-c", "import rcsim.engine.scenario, rcsim.tui.cli.main"])[0] for _ in range(3))
        runs = {n: bench_run(folder, n, 1 if quick else 3) for n in run_sizes}
        action = bench_actions(folder, (1_000, 10_000, big))
        opened = bench_open(action[big]["path"], 1 if quick else 3)
        opened_small = bench_open(action[1_000]["path"], 1 if quick else 3)
        plain_open = bench_open(action[big]["path"], 1, plain=True)
        compact = {plain: bench_compact(action[big]["path"], plain) for plain in (False, True)}
        advance = {n: bench_advance(folder, n, 1 if quick else 3) for n in (1_000, run_sizes[1])}

    small, large = run_sizes
    print(f"\n(a) rcsim run: N orders, a cancellation request on each, 30 days (whole process, "
          f"median; Python + imports alone: {startup:.2f} s)")
    for n, r in runs.items():
        print(f"    N={n:>6,}: {r['seconds']:.2f} s  (runs: {', '.join(f'{t:.2f}' for t in r['all'])}; "
              f"in this process: load {r['load']:.2f} s, create {r['create']:.2f} s, "
              f"play {r['play']:.2f} s)")
    ratio = runs[large]["seconds"] / runs[small]["seconds"]
    print(f"    N={large:,} / N={small:,}: x{ratio:.1f}")
    if not quick:
        print(f"    goal: N=10,000 under {GOALS['run_10k']:.0f} s -> "
              f"{met(runs[large]['seconds'], GOALS['run_10k'])}; ratio under {GOALS['run_ratio']:.0f} "
              f"-> {met(ratio, GOALS['run_ratio'])}")

    print(f"\n(b) one action on an N-order file, write included (median of {ACTIONS}, the sizes in "
          f"turn; floor: one line appended and fdatasynced, {action[big]['floor_ms']:.2f} ms)")
    for n, b in action.items():
        print(f"    N={n:>7,}: median {b['median_ms']:.2f} ms, p90 {b['p90_ms']:.2f} ms "
              f"(file {b['size'] / 1e6:.1f} MB)")
    ratio = action[big]["median_ms"] / action[1_000]["median_ms"]
    print(f"    N={big:,} / N=1,000: x{ratio:.2f}")
    if not quick:
        print(f"    goal: under {GOALS['action_100k_ms']:.0f} ms at 100,000 -> "
              f"{met(action[big]['median_ms'], GOALS['action_100k_ms'])}; under "
              f"x{GOALS['action_ratio']:.0f} the 1,000 -> {met(ratio, GOALS['action_ratio'])}")

    print("\n(c) open an N-order file in a fresh process (median), and its peak memory")
    for n, o in ((1_000, opened_small), (big, opened)):
        print(f"    N={n:>7,}: {o['seconds']:.3f} s, peak RSS {o['rss']:.0f} MB (file {o['size'] / 1e6:.1f} MB)")
    if not quick:
        print(f"    goal: open under {GOALS['open_100k']} s -> {met(opened['seconds'], GOALS['open_100k'])}; "
              f"under {GOALS['rss_100k_mb']:.0f} MB -> {met(opened['rss'], GOALS['rss_100k_mb'])}")

    print("\n(d) advance 30 days over N orders that each hold an open request, on file (median)")
    for n, a in advance.items():
        print(f"    N={n:>6,}: {a['seconds']:.3f} s ({a['fired']:,} deadlines fired of {a['pending']:,} "
              f"pending; {a['fired']:,} heapq push+pop = {a['floor'] * 1000:.1f} ms -> "
              f"x{a['seconds'] / a['floor']:.0f} the floor)")
    if not quick:
        print(f"    goal: N=10,000 under {GOALS['advance_10k']} s -> "
              f"{met(advance[large]['seconds'], GOALS['advance_10k'])}")

    print(f"\n(e) JSON through msgspec (the engine's fast path) or the json module, N={big:,}")
    print(f"    open:    {opened['seconds']:.3f} s with msgspec, {plain_open['seconds']:.3f} s without "
          f"(x{plain_open['seconds'] / opened['seconds']:.2f})")
    print(f"    compact: {compact[False]:.3f} s with msgspec, {compact[True]:.3f} s without "
          f"(x{compact[True] / compact[False]:.2f})")


if __name__ == "__main__":
    main()
