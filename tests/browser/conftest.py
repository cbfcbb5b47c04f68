"""The browser test's machinery: Debian's Chromium (installed if missing and possible, else the
tests are skipped with a reason that says how to install it), driven by Playwright with the
system browser's executable (Playwright's own browser download is never used), `rcsim serve` as a
real process, and tabs whose terminal text is read from xterm.js's buffer."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from ..serving import Served, start_serve

# No network beyond loopback here: Chromium's own background connections are turned off.
# A DNS name made to resolve to this computer, as an attacker's DNS rebinding would: the attack
# tests open rcsim serve's pages by it.
REBOUND = "rebind.test"
CHROMIUM_ARGS = ["--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", f"--host-resolver-rules=MAP {REBOUND} 127.0.0.1"]
INSTALL = "apt-get install chromium (Debian, as root; .ci/run does it)"
WAIT = 30.0  # generous: the machine is shared; nothing here asserts on speed
SIZE: ViewportSize = {"width": 1600, "height": 1000}  # about 177 x 52 cells at textual-serve's 16 px font

# textual-serve's client (static/js/textual.js) keeps its xterm.js Terminal as `this.terminal`
# of an object the page never exposes; xterm.js draws on a canvas, so the text is not in the DOM.
# Before the page's scripts run, a setter for `terminal` on Object.prototype catches that
# assignment: it keeps the value as the object's own property (so the client works as before)
# and, when it is an xterm Terminal (it has a buffer), remembers it on window.
CAPTURE_TERMINAL = """
(() => {
  window.__rcsimTerminals = [];
  Object.defineProperty(Object.prototype, "terminal", {
    configurable: true,
    set(value) {
      Object.defineProperty(this, "terminal", {
        value, writable: true, configurable: true, enumerable: true});
      if (value && value.buffer && value.buffer.active) window.__rcsimTerminals.push(value);
    },
  });
})();
"""
# Every line of the screen as text (the active buffer: the app's alternate screen).
READ_SCREEN = """
() => {
  const term = window.__rcsimTerminals[0];
  if (!term) return null;
  const buffer = term.buffer.active;
  const lines = [];
  for (let y = 0; y < term.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    lines.push(line ? line.translateToString(true) : "");
  }
  return lines.join("\\n");
}
"""


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        if path := shutil.which(name):
            return path
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def install_chromium() -> None:
    """Debian's chromium, when this is root on a system with apt-get (as CI is)."""
    if os.name != "posix" or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return
    try:
        for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=900)
    except (OSError, subprocess.TimeoutExpired):
        pass


@pytest.fixture(scope="session")
def chromium() -> str:
    path = find_chromium()
    if path is None:
        install_chromium()
        path = find_chromium()
    if path is None:
        pytest.skip(f"Chromium was not found and could not be installed here: {INSTALL}")
    return path


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    served = start_serve(tmp_path_factory.mktemp("browser") / "class.json", lang="en")
    try:
        yield served
    finally:
        try:
            served.interrupt()
        finally:
            served.kill()


class Tab:
    """A browser tab on one of rcsim serve's addresses, and the terminal it shows."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def screen(self) -> str:
        try:
            return self.page.evaluate(READ_SCREEN) or ""
        except PlaywrightError:  # the page is navigating (to a pair's view, and back): not yet
            return ""

    def wait_for(self, what: str | Callable[[str], object], timeout: float = WAIT) -> str:
        """The screen, once it shows `what` (a text, or a test of the screen's text)."""
        test = (lambda text: what in text) if isinstance(what, str) else what
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen()
            if test(text):
                return text
            if self._closed():
                raise AssertionError(f"the tab's app ended (textual-serve: Session ended) "
                                     f"before it showed {what!r}; it showed:\n{text}")
            if time.monotonic() > deadline:
                raise AssertionError(f"the tab never showed {what!r}; it shows:\n{text}")
            self.page.wait_for_timeout(100)

    def _closed(self) -> bool:
        try:
            return bool(self.page.evaluate("document.body.classList.contains('-closed')"))
        except PlaywrightError:  # navigating
            return False

    def press(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def click(self, pattern: str) -> None:
        """Click, with the mouse, the middle of the first text on screen that matches `pattern`
        (a regular expression; its first group, if it has one): a button, as a user would."""
        def where(screen: str) -> tuple[float, int] | None:
            for y, line in enumerate(screen.splitlines()):
                if found := re.search(pattern, line):
                    group = 1 if found.groups() else 0
                    return (found.start(group) + found.end(group)) / 2, y
            return None

        # (what is to be clicked may come a frame after what was waited for: wait for it too)
        place = where(self.wait_for(lambda screen: where(screen) is not None))
        assert place is not None
        x, y = place
        box = self.page.locator(".xterm-screen").bounding_box()
        assert box is not None
        columns, rows = self.page.evaluate(
            "() => [window.__rcsimTerminals[0].cols, window.__rcsimTerminals[0].rows]")
        self.page.mouse.click(box["x"] + x * box["width"] / columns,
                              box["y"] + (y + 0.5) * box["height"] / rows)


def open_tab(browser: Browser, address: str, shows: str = "my orders") -> Tab:
    """A tab on `address`, once its app shows `shows`, with the keyboard on its terminal."""
    page = browser.new_page(viewport=SIZE)
    page.add_init_script(CAPTURE_TERMINAL)
    page.goto(address)
    tab = Tab(page)
    tab.wait_for(shows)
    page.focus(".xterm-helper-textarea")  # where xterm.js takes the keyboard
    return tab


@pytest.fixture(scope="module")
def trainer(browser: Browser, served: Served) -> Tab:
    return open_tab(browser, served.addresses["trainer"])


@pytest.fixture(scope="module")
def buyer(browser: Browser, served: Served) -> Tab:
    return open_tab(browser, served.addresses["buyer"])


@pytest.fixture(scope="module")
def freelancer(browser: Browser, served: Served) -> Tab:
    return open_tab(browser, served.addresses["freelancer"])
