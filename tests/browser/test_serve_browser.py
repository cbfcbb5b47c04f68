"""rcsim serve in a real browser: headless Chromium (Debian's) driven by Playwright, one tab per
role on one simulation file, each screen read from its xterm.js buffer. What one tab does shows in
the others without a key pressed there (polled with a generous timeout, never timed)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from .conftest import Tab

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
    assert "FO-1006" in screen and "Cancel 2d 0h" in screen


def test_the_buyer_tab_shows_the_buyer_pane_alone(buyer: Tab) -> None:
    screen = buyer.wait_for("Buyer: my orders")
    assert "Freelancer: my orders" not in screen
    assert CLOCK.search(screen) and "Next deadline:" in screen
    assert len(row(screen, "FO-1001")) == 1  # one list: the buyer's, full width
