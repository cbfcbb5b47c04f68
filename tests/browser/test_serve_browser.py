"""rcsim serve in a real browser: headless Chromium (Debian's) driven by Playwright, one tab per
role on one simulation file, each screen read from its xterm.js buffer. What one tab does shows in
the others without a key pressed there (polled with a generous timeout, never timed)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from .conftest import Tab

# Its module-scoped fixtures (a server, a wheel, a site) are built once: its tests share a worker.
pytestmark = pytest.mark.xdist_group("test_serve_browser")

CLOCK = re.compile(r"Simulated time: (\w{3}, \w{3} \d{1,2}, \d{4} \d{1,2}:\d{2} [AP]M) UTC")


def clock_of(screen: str) -> datetime:
    found = CLOCK.search(screen)
    assert found, f"no clock on the screen:\n{screen}"
    return datetime.strptime(found.group(1), "%a, %b %d, %Y %I:%M %p")


def row(screen: str, order: str) -> list[str]:
    """The screen's lines of an order's row in the order lists."""
    return [line for line in screen.splitlines() if re.search(rf"│ {order}  ", line)]


def test_the_trainer_tab_shows_both_panes_and_the_clock(trainer: Tab) -> None:
    screen = trainer.wait_for("Freelancer: my orders")
    assert "Buyer: my orders" in screen
    assert CLOCK.search(screen) and "Next deadline:" in screen
    assert "+1 hour" in screen  # the clock's controls: the trainer moves it
    assert "FO-1006" in screen and "Cancel 2d" in screen


def test_the_buyer_tab_shows_the_buyer_pane_alone(buyer: Tab) -> None:
    screen = buyer.wait_for("Buyer: my orders")
    assert "Freelancer: my orders" not in screen
    assert CLOCK.search(screen) and "Next deadline:" in screen
    top = [line.rstrip() for line in screen.splitlines() if "Buyer: my orders" in line]
    width = max(len(line.rstrip()) for line in screen.splitlines())
    assert len(top) == 1 and top[0].count("╭") == 1  # one pane: the buyer's ...
    assert top[0].startswith("╭") and top[0].endswith("╮") and len(top[0]) >= width - 1  # full width


def test_the_clock_moved_in_the_trainer_tab_shows_in_the_buyer_tab(trainer: Tab, buyer: Tab) -> None:
    before = clock_of(buyer.wait_for(CLOCK.search))
    assert clock_of(trainer.screen()) == before
    trainer.press("h")  # +1 hour, in the trainer's window only
    trainer.wait_for(lambda screen: clock_of(screen) == before + timedelta(hours=1))
    # the buyer's tab, without a key pressed there
    buyer.wait_for(lambda screen: clock_of(screen) == before + timedelta(hours=1))


def test_a_step_in_the_buyer_tab_is_seen_in_the_trainer_tab(trainer: Tab, buyer: Tab) -> None:
    assert not any("Update" in line for line in row(trainer.screen(), "FO-1001"))
    buyer.click(r"(FO-1001)  Logo design  ")  # the order, in the buyer's list
    buyer.press("r")  # the Resolution Center: "Get an order update" is the first choice
    buyer.wait_for("Choose what you want to do")
    buyer.press("Space", "Tab", "Enter")  # choose it, Continue
    buyer.wait_for("Comment (optional)")
    buyer.type("How far along are the drafts?")
    buyer.press("Control+s")  # Submit
    buyer.wait_for("Request sent")
    buyer.press("Enter")
    # the trainer's tab, without a key pressed there: both panes show the request on FO-1001
    screen = trainer.wait_for(
        lambda screen: sum("Update 2d" in line for line in row(screen, "FO-1001")) == 2)
    assert "asked for an order update" in screen  # the freelancer's notice


def test_buyer_asks_to_cancel_and_the_freelancer_accepts_in_their_own_tabs(
        buyer: Tab, freelancer: Tab) -> None:
    """The issue's check: the buyer asks to cancel; the freelancer's tab shows the request; the
    freelancer accepts; the buyer's tab shows the mutual cancellation."""
    buyer.click(r"(FO-1003)  Product photo")
    buyer.press("r")
    buyer.wait_for("Choose what you want to do")
    buyer.press("ArrowDown", "Space", "Tab", "Enter")  # "Ask to cancel the order", Continue
    buyer.wait_for("Comment (required)")
    buyer.type("Sorry, the shoot was cancelled.")
    buyer.press("Control+s")
    buyer.wait_for("Request sent")
    buyer.press("Enter")

    freelancer.wait_for("The buyer asked to cancel FO-1003")  # no key pressed there
    freelancer.click(r"(FO-1003)  Product photo")
    freelancer.wait_for("Sorry, the shoot was cancelled.")  # the request, on the order page
    freelancer.click(r"(?<!\S)(Accept)(?!\S)")  # the request's Accept button
    freelancer.wait_for("Comment (optional)")
    freelancer.press("Control+s")

    screen = buyer.wait_for(
        lambda screen: any("Cancelled" in line for line in row(screen, "FO-1003")))
    assert "mutual cancellation" in screen.lower()


def test_the_log_names_the_seat_of_each_step(served) -> None:
    """After the cancellation flow above: who did what, and in whose window."""
    import subprocess
    import sys

    log = subprocess.run([sys.executable, "-m", "rcsim", "log", str(served.db), "--lang", "en"],
                         capture_output=True, text=True, timeout=60).stdout
    asked = [line for line in log.splitlines() if "Ask to cancel" in line and "FO-1003" in line]
    accepted = [line for line in log.splitlines() if "Accept" in line and "FO-1003" in line]
    assert asked and asked[-1].endswith("(buyer's window)"), log
    assert accepted and accepted[-1].endswith("(freelancer's window)"), log
    moved = [line for line in log.splitlines() if "Clock moved" in line or "clock" in line.lower()]
    assert any(line.endswith("(trainer's window)") for line in moved), log


def test_a_tab_cannot_record_compare_or_branch_to_a_file(buyer: Tab, trainer: Tab) -> None:
    """The issue's attack: in a tab, `m`, a request, then `w` saved over a file; `v` opening
    any path. None of them is there in a tab (nor in its command palette)."""
    for tab in (buyer, trainer):
        before = tab.screen()
        tab.press("m", "w", "v")
        tab.page.wait_for_timeout(500)
        screen = tab.screen()
        assert "Save a recording" not in screen and "Compare with another" not in screen
        assert screen.count("Recording") == before.count("Recording")  # no mark said
        tab.press("Control+p")
        tab.wait_for("Search for commands")
        for word in ("Recording", "Compare with"):
            tab.type(word)
            tab.page.wait_for_timeout(300)
            palette = tab.screen()
            assert "Recording: save" not in palette and "Recording: mark" not in palette
            assert "Compare with another simulation file" not in palette
            tab.press(*["Backspace"] * len(word))
        tab.press("Escape")
        tab.wait_for(lambda text: "Search for commands" not in text)
