"""The flow map in the app: its key and command, the front pane's order on it, and snapshots in
English and German at 160x45 and 80x24."""

from __future__ import annotations

from textual.pilot import Pilot

from rcsim.engine.demo import create_demo
from rcsim.tui.app.app import make_app
from rcsim.tui.app.screens.flow_map import FlowMapScreen

from .conftest import START, build_app, open_order

WIDE = (160, 45)
CLASSIC = (80, 24)


def _app(language: str = "en"):
    return make_app(create_demo(None, start=START), cursor_blink=False, animation_level="none",
                    language=language)


async def _map_of_fo_1006(pilot: Pilot) -> None:
    """FO-1006 in the buyer's pane, its cancellation request run out, then the map."""
    await open_order(pilot, "buyer", "FO-1006")
    await pilot.press("n")  # the 48 h run out: a mutual cancellation
    await pilot.press("f")
    await pilot.pause()


async def test_f_opens_the_map_of_this_simulation_with_the_front_panes_order() -> None:
    app = build_app()
    async with app.run_test(size=WIDE) as pilot:
        await open_order(pilot, "freelancer", "FO-1009")
        await pilot.press("f")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FlowMapScreen)
        flow = screen.flow
        assert flow.position is not None and flow.position.order == "FO-1009"
        assert flow.position.request == "extension"
        assert flow.total == len(app.sim.order_ids())
        assert [s.event for s in flow.path] == [
            e.type for e in app.sim.events() if e.order == "FO-1009"]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, FlowMapScreen)
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("f")  # f closes it again
        await pilot.pause()
        assert not isinstance(app.screen, FlowMapScreen)


async def test_the_map_is_in_the_command_palette() -> None:
    app = build_app()
    async with app.run_test(size=WIDE) as pilot:
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        command = commands["Flow map: the rules, and where the selected order stands"]
        command.callback()
        await pilot.pause()
        assert isinstance(app.screen, FlowMapScreen)
        assert app.screen.flow.position.order == "FO-1001"


def test_flow_map_160x45(snap_compare):
    assert snap_compare(_app(), terminal_size=WIDE, run_before=_map_of_fo_1006)


def test_flow_map_160x45_german(snap_compare):
    assert snap_compare(_app("de"), terminal_size=WIDE, run_before=_map_of_fo_1006)


def test_flow_map_80x24(snap_compare):
    assert snap_compare(_app(), terminal_size=CLASSIC, run_before=_map_of_fo_1006)


def test_flow_map_80x24_german(snap_compare):
    assert snap_compare(_app("de"), terminal_size=CLASSIC, run_before=_map_of_fo_1006)


def test_flow_map_80x24_scrolled_to_the_path(snap_compare):
    async def run_before(pilot: Pilot) -> None:
        await _map_of_fo_1006(pilot)
        await pilot.press("end")  # the end of the map: the Resolution Center and the path

    assert snap_compare(_app(), terminal_size=CLASSIC, run_before=run_before)
