"""rcsim serve in a real browser (prints figures; not a test): how long a tab takes to its first
frame, and how long a step taken in one seat's tab takes to be on another seat's screen.

Debian's Chromium, driven by Playwright, opens the links `rcsim serve` prints (the first three:
trainer, buyer, freelancer, whatever their form). First frame: from `page.goto` to the moment
the terminal shows the buyer's order list. A step: the trainer's tab presses `h` (+1 hour); the
time until the buyer's tab shows the new hour. Each figure is a median over several runs.

With `--baseline DIR` the same is measured, interleaved run by run, for the rcsim of another
checkout (`DIR/.venv/bin/python -m rcsim serve`, e.g. a `git worktree` of an earlier commit),
and the ratios this/baseline are printed: the machine is shared and noisy, so only a ratio
measured in the same run means anything.

Usage: .venv/bin/python bench/serve_bench.py [--runs 7] [--steps 15] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"https?://\S+/")
CLOCK = re.compile(r"Simulated time: [^\n]*? (\d{1,2}:\d{2} [AP]M)")
ARGS = ["--disable-background-networking", "--disable-component-update", "--no-first-run",
        "--disable-sync"]
CAPTURE = """
(() => {
  window.__terms = [];
  Object.defineProperty(Object.prototype, "terminal", {configurable: true, set(value) {
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true,
                                             enumerable: true});
    if (value && value.buffer && value.buffer.active) window.__terms.push(value);
  }});
})();
"""
SCREEN = """() => { const t = window.__terms[0]; if (!t) return "";
  const b = t.buffer.active; const out = [];
  for (let y = 0; y < t.rows; y++) { const l = b.getLine(b.viewportY + y);
    out.push(l ? l.translateToString(true) : ""); } return out.join("\\n"); }"""


class Serve:
    """One `rcsim serve` of a checkout, on a fresh simulation, with its three links."""

    def __init__(self, checkout: Path, folder: Path) -> None:
        python = checkout / ".venv" / "bin" / "python"
        self.process = subprocess.Popen(
            [str(python), "-m", "rcsim", "serve", "--db", str(folder / "class.json"), "--port",
             "0", "--lang", "en"], cwd=checkout, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, start_new_session=True)
        self.links: list[str] = []
        assert self.process.stdout is not None
        while len(self.links) < 3:
            line = self.process.stdout.readline()
            if not line:
                raise SystemExit(f"rcsim serve of {checkout} ended before printing its links")
            self.links += LINK.findall(line)

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGINT)
        self.process.wait(timeout=60)


def wait_screen(page: Page, test: object, timeout: float = 60.0) -> str:
    deadline = time.perf_counter() + timeout
    while True:
        text = page.evaluate(SCREEN)
        if test(text):  # type: ignore[operator]
            return str(text)
        if time.perf_counter() > deadline:
            raise SystemExit(f"the tab never showed what was waited for:\n{text}")
        page.wait_for_timeout(5)


def first_frame(browser: Browser, link: str) -> float:
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page.add_init_script(CAPTURE)
    began = time.perf_counter()
    page.goto(link)
    wait_screen(page, lambda text: "my orders" in text)
    took = time.perf_counter() - began
    page.close()
    time.sleep(1.5)  # the tab's app ends before the next run
    return took


def step_times(browser: Browser, serve: Serve, steps: int) -> list[float]:
    pages = []
    for link in serve.links[:2]:
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.add_init_script(CAPTURE)
        page.goto(link)
        wait_screen(page, lambda text: "my orders" in text)
        page.focus(".xterm-helper-textarea")
        pages.append(page)
    trainer, buyer = pages
    times = []
    for _ in range(steps):
        before = CLOCK.search(wait_screen(buyer, CLOCK.search))
        assert before is not None
        began = time.perf_counter()
        trainer.keyboard.press("h")
        wait_screen(buyer, lambda text, before=before: (m := CLOCK.search(text)) is not None
                    and m.group(1) != before.group(1))
        times.append(time.perf_counter() - began)
        time.sleep(0.3)
    for page in pages:
        page.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--steps", type=int, default=15)
    parser.add_argument("--baseline", type=Path, metavar="DIR")
    options = parser.parse_args()
    checkouts = {"this": ROOT}
    if options.baseline is not None:
        checkouts["baseline"] = options.baseline.resolve()
    frames: dict[str, list[float]] = {name: [] for name in checkouts}
    steps: dict[str, list[float]] = {name: [] for name in checkouts}
    print(f"rcsim serve in Chromium; load {os.getloadavg()[0]:.2f}; {os.cpu_count()} cores")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=ARGS)
        for checkout in checkouts.values():  # warm: bytecode, the file cache
            with tempfile.TemporaryDirectory() as folder:
                serve = Serve(checkout, Path(folder))
                first_frame(browser, serve.links[1])
                serve.stop()
        for _ in range(options.runs):  # interleaved, so that both see the same machine
            for name, checkout in checkouts.items():
                with tempfile.TemporaryDirectory() as folder:
                    serve = Serve(checkout, Path(folder))
                    frames[name].append(first_frame(browser, serve.links[1]))
                    serve.stop()
        for name, checkout in checkouts.items():
            with tempfile.TemporaryDirectory() as folder:
                serve = Serve(checkout, Path(folder))
                steps[name] = step_times(browser, serve, options.steps)
                serve.stop()
        browser.close()
    for name in checkouts:
        print(f"{name:>8}: a tab's first frame {statistics.median(frames[name]):.2f} s median "
              f"({options.runs} runs); a step on the other seat's screen "
              f"{1000 * statistics.median(steps[name]):.0f} ms median ({options.steps} steps)")
    if "baseline" in checkouts:
        print(f"   ratio: first frame {statistics.median(frames['this']) / statistics.median(frames['baseline']):.2f}, "
              f"step {statistics.median(steps['this']) / statistics.median(steps['baseline']):.2f} "
              "(this / baseline; 1.00 = as fast)")


if __name__ == "__main__":
    main()
