"""The light theme reads as well as the dark one: the same screens, snapshotted in both."""

from __future__ import annotations

from textual.pilot import Pilot

from rcsim.engine.demo import create_demo
from rcsim.tui.app.app import make_app

from .conftest import SIZE, START, activate, open_order


def build_light_app():
    return make_app(create_demo(None, start=START), cursor_blink=False, animation_level="none",
                    language="en", theme="textual-light")


def test_start_screen_light_theme(snap_compare):
    assert snap_compare(build_light_app(), terminal_size=SIZE)


def test_open_request_and_refusal_light_theme(snap_compare):
    async def run_before(pilot: Pilot) -> None:
        await open_order(pilot, "buyer", "FO-1006")
        await open_order(pilot, "freelancer", "FO-1006")
        await activate(pilot, "#buyer-pane #act-accept-delivery")  # refused: the notice says why

    assert snap_compare(build_light_app(), terminal_size=SIZE, run_before=run_before)
