"""Shared fixtures of the TUI tests: one fixed start, one terminal size, user-like helpers."""

from __future__ import annotations

from typing import Any

import pytest
from rich.text import Text
from textual.events import Paste
from textual.pilot import Pilot
from textual.widgets import Static

from rcsim.engine.demo import create_demo
from rcsim.tui.app.app import RcsimApp, make_app
from rcsim.tui.app.widgets.lazy_table import LazyTable
from rcsim.tui.words import i18n

START = "2026-03-02T09:00:00Z"
SIZE = (160, 48)
"""The one terminal size of every Pilot and snapshot test."""


def build_app(sim: Any = None, **rules: Any) -> RcsimApp:
    """A fresh app over a fresh in-memory demo at START: no blink, no animation, English."""
    if sim is None:
        sim = create_demo(None, start=START)
    return make_app(sim, cursor_blink=False, animation_level="none", language="en")


@pytest.fixture
def app() -> RcsimApp:
    return build_app()


@pytest.fixture(autouse=True)
def no_missing_keys():
    """Every text the app asked for exists in the translation file."""
    i18n.missing_keys.clear()
    yield
    assert not i18n.missing_keys, f"missing i18n keys: {sorted(i18n.missing_keys)}"


def plain(value: Any) -> str:
    if isinstance(value, Text):
        return value.plain
    return str(value)


def pane_text(app: RcsimApp, party: str) -> str:
    """Everything a party's pane shows now: notices, the order list and the visible order page."""
    with i18n.using(app.language):  # the list's rows are read as the screen would draw them
        return _pane_text(app, party)


def _pane_text(app: RcsimApp, party: str) -> str:
    pane = app.pane(party)
    parts: list[str] = []
    for order_id in app.sim.order_ids():
        parts.append(pane.row_text(order_id))
    for static in pane.query(Static):
        if static.display and not static.has_class("action") and static.id != "rc-button":
            parts.append(plain(static.content))
    for button in pane.query(".action"):
        if button.display and button.parent.display:
            parts.append(f"[button {button.id}{' unavailable' if button.has_class('-unavailable') else ''}]")
    return "\n".join(parts)


def screen_text(app: RcsimApp) -> str:
    """The text of every Static on the active screen (dialogs)."""
    return "\n".join(plain(s.content) for s in app.screen.query(Static) if s.display)


def row(app: RcsimApp, party: str, order: str) -> str:
    with i18n.using(app.language):
        return app.pane(party).row_text(order)


def app_of(pilot: Pilot) -> RcsimApp:
    """The app a pilot drives, as the rcsim app it is (Pilot knows it only as an App)."""
    app = pilot.app
    assert isinstance(app, RcsimApp)
    return app


async def open_order(pilot: Pilot, party: str, order: str) -> None:
    """Click the order in the party's list, then View (Enter): the seed's step 1."""
    await pilot.pause()  # let the first layout settle before clicking into it
    if not app_of(pilot).pane(party).display:  # a narrow screen shows one party: bring it to front
        await pilot.press("1" if party == "buyer" else "2")
        await pilot.pause()
    pane = app_of(pilot).pane(party)
    table = pane.query_one("#orders", LazyTable)
    index = pane.row_index(order)
    if not 0 <= index - table.scroll_y < table.scrollable_content_region.height - 1:
        table.move_cursor(index)  # off screen: scroll it into view first, as a user would
        await pilot.pause()
    await pilot.click(f"#{party}-pane #orders", offset=(3, index + 1 - round(table.scroll_y)))
    await pilot.pause()
    if pilot.app.focused is table:  # a click on the highlighted row is already "View"
        await pilot.press("enter")
        await pilot.pause()
    assert app_of(pilot).pane(party).order_id == order


async def wait_for(pilot: Pilot, check, what: str, tries: int = 500) -> None:
    """Let the app run until `check()` holds (work in the background, a worker, a timer);
    nothing is asserted about how long that takes."""
    for _ in range(tries):
        if check():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never came: {what}")


async def run_from_palette(pilot: Pilot, words: str) -> None:
    """Open the command palette, type `words`, wait until the palette has found a command
    with them and highlighted it (it searches in the background), and run it with Enter."""
    from textual.command import CommandList, CommandPalette

    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
    await pilot.press(*("space" if key == " " else key for key in words))

    def found() -> bool:
        if not isinstance(app.screen, CommandPalette):
            return False
        results = app.screen.query(CommandList)
        highlighted = results.first().highlighted if results else None
        if highlighted is None:
            return False
        prompt = results.first().get_option_at_index(highlighted).prompt
        return words.lower() in getattr(prompt, "plain", str(prompt)).lower()

    await wait_for(pilot, found, f"a command with {words!r}, highlighted")
    await pilot.press("enter")
    await pilot.pause()


async def activate(pilot: Pilot, selector: str) -> None:
    """Focus a button (scrolling it into view) and press Enter, as a keyboard user does."""
    widget = pilot.app.screen.query_one(selector)
    widget.focus()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def paste(pilot: Pilot, text: str) -> None:
    """Paste text into the focused field (typing long texts key by key is slow)."""
    assert pilot.app.focused is not None
    pilot.app.post_message(Paste(text))  # as the driver does: the App forwards it to the focus
    await pilot.pause()


async def open_rc(pilot: Pilot, party: str, order: str, choice: str | None = None) -> None:
    """Order list, View, "Resolution Center", and (if given) choose the action and Continue."""
    await open_order(pilot, party, order)
    await activate(pilot, f"#{party}-pane #rc-button")
    if choice is not None:
        await pilot.click(f"#choice-{choice.replace('_', '-')}")
        await pilot.click("#rc-continue")
        await pilot.pause()


def shown(app: RcsimApp) -> str:
    """What the terminal shows now, as lines of text: the screen as drawn (the exported
    screenshot's characters), so that what is laid out but cut, hidden or scrolled away is not
    in it."""
    import html
    import re
    from collections import defaultdict

    rows: dict[float, list[tuple[float, str]]] = defaultdict(list)
    for match in re.finditer(r'<text[^>]*?x="([\d.]+)"[^>]*?y="([\d.]+)"[^>]*>(.*?)</text>',
                             app.export_screenshot(), re.S):
        x, y, chars = float(match[1]), float(match[2]), html.unescape(match[3])
        rows[y].append((x, chars.replace("\xa0", " ")))
    lines = []
    for y in sorted(rows):
        line = ""
        for x, chars in sorted(rows[y]):
            line = line.ljust(round(x / 12.2)) + chars  # Textual draws a cell 12.2 wide
        lines.append(line.rstrip())
    return "\n".join(lines)
