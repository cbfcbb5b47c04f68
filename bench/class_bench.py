"""A class in the browser (prints figures; not a test): the memory of a class of N pairs with
every seat open, and how long a party's action takes to be on the other seat's screen and on
the trainer's dashboard, with every tab open.

`rcsim serve --pairs N` on a fresh folder; Debian's Chromium (Playwright) opens every seat's link
(N * 2 tabs and the dashboard). Memory: the resident set (RSS) and the unique memory (USS) of
`rcsim serve` and every app process it started, summed (Chromium's own memory is the browsers',
not rcsim's). Latency: in each pair, the buyer accepts the delivery of FO-1005 (click the order,
then Accept delivery, which is taken at once); from that click to the moment the freelancer's tab shows FO-1005
Completed, and to the moment the dashboard's row of that pair shows it. Goals (issue 20):
under 1.5 GB for 10 pairs; under 250 ms median.

Usage: .venv/bin/python bench/class_bench.py [--pairs 10]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from playwright.sync_api import Page, ViewportSize, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
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
SIZE: ViewportSize = {"width": 1600, "height": 1000}


def screen(page: Page) -> str:
    return str(page.evaluate(SCREEN))


def wait(page: Page, test: object, timeout: float = 120.0) -> float:
    """Poll the page's screen until `test` holds; the moment it did (perf_counter)."""
    deadline = time.perf_counter() + timeout
    while True:
        text = screen(page)
        if test(text):  # type: ignore[operator]
            return time.perf_counter()
        if time.perf_counter() > deadline:
            raise SystemExit(f"never shown; the screen:\n{text}\n{page.url}")
        page.wait_for_timeout(3)


def click(page: Page, pattern: str) -> None:
    """Click the first text on the screen that matches `pattern` (waiting for it: what is to
    be clicked may come a frame after what was waited for)."""
    def where(text: str) -> tuple[float, int] | None:
        for y, line in enumerate(text.splitlines()):
            if found := re.search(pattern, line):
                group = 1 if found.groups() else 0
                return (found.start(group) + found.end(group)) / 2, y
        return None

    wait(page, lambda text: where(text) is not None)
    place = where(screen(page))
    assert place is not None
    x, y = place
    box = page.locator(".xterm-screen").bounding_box()
    assert box is not None
    cols, rows = page.evaluate("() => [window.__terms[0].cols, window.__terms[0].rows]")
    page.mouse.click(box["x"] + x * box["width"] / cols, box["y"] + (y + 0.5) * box["height"] / rows)


def memory(pid: int) -> tuple[float, float, int]:
    """RSS and USS in MB of rcsim serve and its app processes, and how many apps."""
    root = psutil.Process(pid)
    processes = [root, *root.children(recursive=True)]
    rss = uss = 0
    for process in processes:
        try:
            info = process.memory_full_info()
        except psutil.Error:
            continue
        rss += info.rss
        uss += info.uss
    return rss / 2**20, uss / 2**20, len(processes) - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=10)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="rcsim-class-bench-")) / "class"
    serve = subprocess.Popen(
        [sys.executable, "-m", "rcsim", "serve", "--pairs", str(options.pairs), "--dir",
         str(folder), "--port", "0", "--lang", "en"], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    links: dict[str, str] = {}
    assert serve.stdout is not None
    for line in serve.stdout:
        found = re.search(r"(Trainer|Pair (\d+), (Buyer|Freelancer)).*?(http://\S+/)", line)
        if found:
            key = "trainer" if found.group(1) == "Trainer" else \
                f"{found.group(2)}/{found.group(3).lower()}"
            links[key] = found.group(4)
        if "Ctrl+C" in line:
            break
    print(f"a class of {options.pairs} pairs in Chromium; load {os.getloadavg()[0]:.2f}; "
          f"{os.cpu_count()} cores; {psutil.virtual_memory().total / 2**30:.0f} GiB")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 headless=True, args=ARGS)
            pages: dict[str, Page] = {}
            for key, link in links.items():
                page = browser.new_page(viewport=SIZE)
                page.add_init_script(CAPTURE)
                page.goto(link)
                pages[key] = page
            for key, page in pages.items():
                wait(page, lambda text, key=key: ("Where the orders stand" if key == "trainer"
                                                  else "my orders") in text)
            time.sleep(3)  # settled: every app drew and looks at its file
            # Each tab is its own window, shown, as each trainee's is on their own screen (a
            # hidden tab's timers would be throttled by the browser, which no trainee sees).
            hidden = [key for key, page in pages.items()
                      if page.evaluate("document.visibilityState") != "visible"]
            print(f"tabs shown: {len(pages) - len(hidden)} of {len(pages)}"
                  + (f" (hidden: {', '.join(hidden)})" if hidden else ""))
            rss, uss, apps = memory(serve.pid)
            print(f"memory with every seat open ({apps} app processes): {rss:,.0f} MB resident, "
                  f"{uss:,.0f} MB unique; {uss / max(apps, 1):.0f} MB unique per tab "
                  "(goal for 10 pairs: under 1,500 MB)")
            other, dashboard = [], []
            board = pages["trainer"]
            for pair in range(1, options.pairs + 1):
                buyer, freelancer = pages[f"{pair}/buyer"], pages[f"{pair}/freelancer"]
                buyer.focus(".xterm-helper-textarea")
                click(buyer, r"(FO-1005)  Podcast")
                # its page (the list always shows the row; the page says the order's status,
                # and FO-1001's page, shown before, has a dimmed Accept delivery of its own)
                wait(buyer, lambda text: "Status: Delivered" in text, timeout=60)
                began = time.perf_counter()
                click(buyer, r"(?<!\S)(Accept delivery)(?!\S)")  # taken at once: no form
                seen = wait(freelancer, lambda text: any(
                    "FO-1005" in line and "Completed" in line for line in text.splitlines()))
                other.append(seen - began)
                row = re.compile(rf"^\s*{pair}\s.*FO-1005 Completed", re.M)
                shown = wait(board, lambda text, row=row: row.search(text) is not None)
                dashboard.append(shown - began)
            browser.close()
        print(f"a party's action on the other seat's screen: {1000 * statistics.median(other):.0f} ms "
              f"median, {1000 * max(other):.0f} ms at most ({len(other)} actions, "
              f"{len(links)} tabs open; goal: under 250 ms median)")
        print(f"the same on the dashboard: {1000 * statistics.median(dashboard):.0f} ms median, "
              f"{1000 * max(dashboard):.0f} ms at most")
    finally:
        os.killpg(serve.pid, signal.SIGINT)
        serve.wait(timeout=60)


if __name__ == "__main__":
    main()
