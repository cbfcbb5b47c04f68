"""TUI benchmark (prints figures; not a test).

1. Launch to first frame: whole processes, the rcsim app on the demo simulation file versus a
   minimal two-pane Textual app, alternated, several runs each; medians and their ratio
   (goal: at most 1.5). Each process exits on Textual's Ready event, which is posted once the
   first frame has been displayed; both run headless at the same size. Before timing, the
   project's modules are compiled to bytecode (see `warm_bytecode`), as the minimal app's are.
2. One key press that acts on an order until both panes show the result, with 200 orders in the
   simulation (goal: under 50 ms median). The action the key triggers is called directly and the
   loop yields with `await pilot.pause(0)` (pilot.press sleeps ~40 ms per key by design); "shown"
   is the moment the order's row is drawn anew in both lists.
3. With --big: the app at 10,000 orders against 200 (goal: launch ratio < 2), and `h` (+1 hour)
   until the first row of the list is drawn anew (goal: under 100 ms).

Usage: .venv/bin/python bench/tui_bench.py [--runs 9] [--presses 40] [--big]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SIZE = (160, 48)
START = "2026-03-02T09:00:00Z"

RCSIM_CHILD = """
import resource, sys
from rcsim.tui.cli.main import load_simulation
from rcsim.tui.app.app import RcsimApp

class BenchApp(RcsimApp):
    def on_ready(self) -> None:
        self.exit()

sim = load_simulation(["--db", sys.argv[1]])
BenchApp(sim).run(headless=True, size=(160, 48))
sim.close()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)  # peak MB
"""

MINIMAL_CHILD = """
from textual.app import App
from textual.containers import Horizontal
from textual.widgets import Footer, Static

class Minimal(App):
    CSS = ".pane { width: 1fr; border: round $primary; }"

    def compose(self):
        with Horizontal():
            yield Static("Buyer", classes="pane")
            yield Static("Freelancer", classes="pane")
        yield Footer()

    def on_ready(self) -> None:
        self.exit()

Minimal().run(headless=True, size=(160, 48))
"""


def run_child(code: str, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def child_peak_mb(code: str, *args: str) -> tuple[float, int]:
    """Seconds a child took and the peak memory (MB) it printed last."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, check=True,
                          capture_output=True, text=True)
    return time.perf_counter() - started, int(done.stdout.split()[-1])


def warm_bytecode() -> None:
    """Compile engine/ and tui/ to bytecode (__pycache__, git-ignored), as any launch but the
    very first has them.

    The minimal app imports only installed packages, whose bytecode pip wrote at install time.
    With PYTHONDONTWRITEBYTECODE set (as in some containers), Python never caches the project's
    own bytecode, so every rcsim child would compile its ~4,000 lines again (~20 ms, measured)
    and the ratio would measure that setting, not the app. Python reads existing bytecode even
    with that setting, and recompiles a module whose source changed since.
    """
    import compileall

    for package in ("engine", "tui"):
        compileall.compile_dir(ROOT / package, quiet=1)


def bench_launch(runs: int) -> None:
    from rcsim.engine.demo import create_demo

    warm_bytecode()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "simulation.json"
        create_demo(path, start=START).close()
        run_child(MINIMAL_CHILD)  # warm the OS file cache for both
        run_child(RCSIM_CHILD, str(path))
        rcsim, minimal = [], []
        for _ in range(runs):
            minimal.append(run_child(MINIMAL_CHILD))
            rcsim.append(run_child(RCSIM_CHILD, str(path)))
    m_rcsim, m_minimal = statistics.median(rcsim), statistics.median(minimal)
    print(f"launch to first frame ({runs} runs each, whole processes, headless {SIZE[0]}x{SIZE[1]}):")
    print(f"  minimal two-pane app : median {m_minimal * 1000:7.1f} ms  "
          f"(min {min(minimal) * 1000:.1f}, max {max(minimal) * 1000:.1f})")
    print(f"  rcsim, demo file     : median {m_rcsim * 1000:7.1f} ms  "
          f"(min {min(rcsim) * 1000:.1f}, max {max(rcsim) * 1000:.1f})")
    print(f"  ratio rcsim / minimal: {m_rcsim / m_minimal:.2f}  (goal <= 1.5)")


def watch_rows(table, index: int) -> list[float]:
    """Wrap a LazyTable's render_line (this bench's own instrument) so that the moment the row
    `index` is drawn is recorded: the screen shows a change once its line is drawn anew."""
    drawn: list[float] = []
    original = table.render_line

    def render_line(y: int):
        if round(table.scroll_y) + y - 1 == index:
            drawn.append(time.perf_counter())
        return original(y)

    table.render_line = render_line
    return drawn


async def until_drawn(pilot, drawn: list[float], since: float, what: str) -> float:
    """Seconds from `since` until a watched row was drawn after it."""
    for _ in range(2000):
        later = [t for t in drawn if t >= since]
        if later:
            return later[0] - since
        await pilot.pause(0)
    raise RuntimeError(f"{what} never showed")


def bigger_demo(n: int, path: Path | None = None):
    """The demo plus generated orders up to n, a buyer's cancellation request on every third."""
    from rcsim.engine.demo import create_demo

    sim = create_demo(path, start=START)
    extra = [{"id": f"B-{i:06d}", "title": f"Bench order {i}", "price": 50, "delivery_days": 3,
              "status": "incomplete"} for i in range(n - len(sim.order_ids()))]
    sim.add_orders(extra)
    for spec in extra[::3]:
        sim.act("buyer", "ask_to_cancel", str(spec["id"]), comment="Plans changed.")
    return sim, [str(spec["id"]) for spec in extra]


async def bench_press(presses: int) -> None:
    from rcsim.tui.app.app import make_app

    sim, extra = bigger_demo(200)
    app = make_app(sim, cursor_blink=False, animation_level="none")
    timings: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        buyer, freelancer = app.pane("buyer"), app.pane("freelancer")
        await pilot.pause()
        todo = [o for o in extra if sim.order_view(o).open_request is None][:presses]
        for order in todo:
            buyer.select_order(order)
            freelancer.select_order(order)
            await pilot.pause()
            index = buyer.row_index(order)
            watched = [watch_rows(p.query_one("#orders"), index) for p in (buyer, freelancer)]
            started = time.perf_counter()
            buyer.request_action("submit_requirements")  # what Enter on the button does
            both = [await until_drawn(pilot, w, started, order) for w in watched]
            timings.append(max(both))
            assert sim.order_view(order).status == "in_progress"
    timings.sort()
    print(f"key press to both panes updated, 200 orders ({presses} presses, submit requirements):")
    print(f"  median {statistics.median(timings) * 1000:6.1f} ms   p90 "
          f"{timings[int(len(timings) * 0.9) - 1] * 1000:6.1f} ms   max {timings[-1] * 1000:6.1f} ms"
          f"  (goal: median < 50 ms)")


async def bench_hour(n: int, presses: int, path: Path | None) -> float:
    """Median seconds from `h` (+1 hour) until the buyer's list shows its first row anew."""
    from rcsim.engine import Simulation
    from rcsim.tui.app.app import make_app

    sim = Simulation.open(path) if path is not None else bigger_demo(n)[0]
    app = make_app(sim, cursor_blink=False, animation_level="none")
    timings: list[float] = []
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            watched = watch_rows(app.pane("buyer").query_one("#orders"), 0)
            for _ in range(presses):
                started = time.perf_counter()
                app.action_advance("1h")  # what `h` does
                timings.append(await until_drawn(pilot, watched, started, "+1 hour"))
                await pilot.pause()
    finally:
        sim.close()
    return statistics.median(timings)


def bench_big(runs: int, presses: int) -> None:
    """The app at 200 and 10,000 orders: launch to first frame (whole processes, the file
    opened), and `h` until the screen changed."""
    warm_bytecode()
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for n in (200, 10_000):
            files[n] = Path(tmp) / f"sim-{n}.json"
            started = time.perf_counter()
            sim, _ = bigger_demo(n, files[n])
            sim.close()
            print(f"  (built a {n:,}-order file in {time.perf_counter() - started:.1f} s)")
        run_child(RCSIM_CHILD, str(files[200]))
        launch: dict[int, list[float]] = {200: [], 10_000: []}
        for _ in range(runs):
            for n in launch:
                launch[n].append(run_child(RCSIM_CHILD, str(files[n])))
        hour = {n: asyncio.run(bench_hour(n, presses, files[n])) for n in files}
    small, big = statistics.median(launch[200]), statistics.median(launch[10_000])
    print(f"the app at 10,000 orders ({runs} launches each, whole processes, file opened):")
    print(f"  launch to first frame: 200 orders {small * 1000:7.1f} ms, 10,000 orders "
          f"{big * 1000:7.1f} ms, ratio {big / small:.2f} (goal < 2)")
    print(f"  h (+1 hour) until the list is drawn anew: 200 orders {hour[200] * 1000:6.1f} ms, "
          f"10,000 orders {hour[10_000] * 1000:6.1f} ms (goal < 100 ms)")
    bench_huge()


def bench_huge() -> None:
    """The app at 100,000 orders: launch to the first frame and its peak memory (goal < 600 MB)."""
    from rcsim.engine import Simulation

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sim-100k.json"
        started = time.perf_counter()
        with Simulation.create(path, start=START) as sim:
            sim.add_orders({"id": f"H-{i:06d}", "title": f"Order {i}", "price": 50,
                            "delivery_days": 1 + i % 9} for i in range(100_000))
        print(f"  (built a 100,000-order file in {time.perf_counter() - started:.1f} s)")
        seconds, peak = child_peak_mb(RCSIM_CHILD, str(path))
    print(f"the app at 100,000 orders: launch to first frame {seconds:.2f} s, peak memory "
          f"{peak} MB (goal < 600 MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--presses", type=int, default=40)
    parser.add_argument("--big", action="store_true",
                        help="also the app at 10,000 orders (builds the files first)")
    args = parser.parse_args()
    bench_launch(args.runs)
    asyncio.run(bench_press(args.presses))
    if args.big:
        bench_big(max(3, args.runs // 3), 10)


if __name__ == "__main__":
    main()
