"""The first frame is laid out for the terminal it starts in (issue 21, item 3): under 120
columns one party with every column of its list, side by side from 120 on, whatever order the
terminal's size and the screen's size classes arrive in."""

from __future__ import annotations

import pytest
from textual import events
from textual.geometry import Size

from rcsim.engine.demo import create_demo
from rcsim.tui.app.app import make_app
from rcsim.tui.app.widgets.party_pane import PartyPane

from .conftest import SIZE, START, build_app

CLASSIC = (80, 24)


def shown_panes(app) -> list[str]:
    return [pane.party for pane in app.main_screen.query(PartyPane) if pane.display]


def list_columns(app, party: str) -> list[str]:
    return [column.key for column in app.pane(party).query_one("#orders").columns]


@pytest.mark.parametrize("language", ["en", "de"])
async def test_a_classic_terminal_starts_with_one_party_and_every_column(language) -> None:
    app = make_app(create_demo(None, start=START), cursor_blink=False, animation_level="none",
                   language=language)
    async with app.run_test(size=CLASSIC) as pilot:
        await pilot.pause()
        assert shown_panes(app) == ["buyer"]
        assert list_columns(app, "buyer") == ["order", "title", "status", "due", "request"]


async def test_one_resize_event_is_enough_for_the_layout(monkeypatch) -> None:
    """A real terminal reports its size once at start-up: the panes follow that one event. (The
    screen's own handler ran before Textual set the size classes, so both panes stayed, squeezed,
    until the terminal was resized; under Pilot a later pass hid that. Each pass is recorded.)"""
    app = build_app()
    after_each: list[list[str]] = []
    show = type(app).show_front_party

    def recorded(self, *args, **kwargs):
        show(self, *args, **kwargs)
        after_each.append(shown_panes(self))

    monkeypatch.setattr(type(app), "show_front_party", recorded)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert shown_panes(app) == ["buyer", "freelancer"]
        after_each.clear()
        app.main_screen.post_message(events.Resize(Size(*CLASSIC), Size(*CLASSIC)))
        await pilot.pause()
        assert app.main_screen.has_class("-narrow")
        assert after_each and all(shown == ["buyer"] for shown in after_each), after_each
        after_each.clear()
        app.main_screen.post_message(events.Resize(Size(*SIZE), Size(*SIZE)))
        await pilot.pause()
        assert after_each and all(shown == ["buyer", "freelancer"] for shown in after_each)


async def test_the_panes_are_composed_for_the_size_the_app_starts_at() -> None:
    """Before any resize event, compose already shows one party in a narrow terminal."""
    app = build_app()
    async with app.run_test(size=CLASSIC):
        # no pause: what compose and the first layout made
        assert shown_panes(app) == ["buyer"]
