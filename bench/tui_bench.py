"""TUI benchmark (prints figures; not a test).

1. Launch to first frame: whole processes, the rcsim app on the demo simulation file versus a
   minimal two-pane Textual app, alternated, several runs each; medians and their ratio
   (goal: at most 1.5). Each process exits on Textual's Ready event, which is posted once the
   first frame has been displayed; both run headless at the same size. Before timing, the
   project's modules are compiled to bytecode (see `warm_bytecode`), as the minimal app's are.
2. One key press that acts on an order until both panes show the result, with 200 orders in the
   simulation (goal: under 50 ms median). The action the key triggers is called directly and the
   loop yields with `await pilot.pause(0)` (pilot.press sleeps ~40 ms per key by design).

Usage: .venv/bin/python bench/tui_bench.py [--runs 9] [--presses 40]
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
import sys
from tui.__main__ import load_simulation
from tui.app import RcsimApp

class BenchApp(RcsimApp):
    def on_ready(self) -> None:
        self.exit()

sim = load_simulation(["--db", sys.argv[1]])
BenchApp(sim).run(headless=True, size=(160, 48))
sim.close()
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
    from engine.demo import create_demo

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


async def bench_press(presses: int) -> None:
    from rich.text import Text
    from textual.widgets import DataTable

    from engine.demo import create_demo
    from tui.app import make_app

    sim = create_demo(None, start=START)
    extra = [{"id": f"B-{i:03d}", "title": f"Bench order {i}", "price": 50, "delivery_days": 3,
              "status": "incomplete"} for i in range(200 - len(sim.order_ids()))]
    sim.add_orders(extra)
    assert len(sim.order_ids()) == 200
    app = make_app(sim, cursor_blink=False, animation_level="none")
    timings: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        buyer, freelancer = app.pane("buyer"), app.pane("freelancer")
        tables = [p.query_one("#orders", DataTable) for p in (buyer, freelancer)]
        await pilot.pause()
        for order in [spec["id"] for spec in extra[:presses]]:
            buyer.select_order(order)
            await pilot.pause()

            def shown() -> bool:
                return all(isinstance(c := table.get_cell(order, "status"), Text)
                           and c.plain == "In progress" for table in tables)

            started = time.perf_counter()
            buyer.request_action("submit_requirements")  # what Enter on the button does
            spins = 0
            while not shown():
                await pilot.pause(0)
                spins += 1
                if spins > 1000:
                    raise RuntimeError(f"{order} never showed its new status")
            await pilot.pause(0)  # one more turn of the loop: the repaint of both panes
            timings.append(time.perf_counter() - started)
            assert sim.order_view(order).status == "in_progress"
    timings.sort()
    print(f"key press to both panes updated, 200 orders ({presses} presses, submit requirements):")
    print(f"  median {statistics.median(timings) * 1000:6.1f} ms   p90 "
          f"{timings[int(len(timings) * 0.9) - 1] * 1000:6.1f} ms   max {timings[-1] * 1000:6.1f} ms"
          f"  (goal: median < 50 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--presses", type=int, default=40)
    args = parser.parse_args()
    bench_launch(args.runs)
    asyncio.run(bench_press(args.presses))


if __name__ == "__main__":
    main()
