"""No label is cut where there is room, and a cut ends with "…" (issue 21, item 6): the
Resolution Center badge, the comparison's cells, the rules screen's descriptions, order titles
and the action buttons; in English and German, from 80x24 to 200 columns."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.widgets import DataTable, Input, Static

from rcsim.engine import Simulation
from rcsim.engine.demo import create_demo
from rcsim.engine.rules import ADJUSTABLE
from rcsim.tui.app.app import make_app
from rcsim.tui.app.widgets.lazy_table import LazyTable
from rcsim.tui.words import i18n

from ..conftest import THOROUGH
from .conftest import SIZE, START, open_order, paste, plain
from .test_keys_everywhere import CLASSIC, app_in, title

SIZES = [pytest.param(CLASSIC, id="80x24"), pytest.param(SIZE, id="160x48"),
         pytest.param((200, 50), id="200x50")]
LONG_TITLE = "Brand guidelines, logo variants and a launch kit for the spring campaign"


def words(language: str, key: str, **params) -> str:
    with i18n.using(language):
        return i18n.t(key, **params)


def button_label(button) -> str:
    return plain(button.label)


async def look_at(pilot, party: str, order: str) -> None:
    await open_order(pilot, party, order)
    await pilot.pause()


# ---------------------------------------------------------------- buttons and the badge


# German at the classic size (the longest labels, the least room), English at the widest (three
# buttons a row); every language at both with RCSIM_THOROUGH=1 (160x48: every snapshot shows it).
BUTTON_CASES = [pytest.param(language, size.values[0], id=f"{language}-{size.id}")
                for language in ("en", "de") for size in (SIZES[0], SIZES[2])
                if THOROUGH or (language, size.id) in (("de", "80x24"), ("en", "200x50"))]


@pytest.mark.parametrize("language, size", BUTTON_CASES)
async def test_action_buttons_keep_their_label_on_one_line(language, size) -> None:
    app = app_in(language)
    async with app.run_test(size=size) as pilot:
        # FO-1006: the buyer's open request (withdraw); FO-1009: the freelancer's extension
        await pilot.pause()
        await pilot.press(*["down"] * 5)  # to FO-1006 with the arrows: its answer row is new
        await pilot.pause()
        for party, order, rebuilt in (("buyer", "FO-1006", None), ("buyer", "FO-1006", False),
                                      ("buyer", "FO-1006", True),
                                      ("freelancer", "FO-1009", False),
                                      ("buyer", "FO-1009", False),
                                      ("freelancer", "FO-1001", False)):
            if rebuilt:  # built anew (a language switch there and back): laid out again
                await pilot.press("g", "g")
                await pilot.pause()
                await pilot.pause()
            elif rebuilt is False:
                await look_at(pilot, party, order)
            assert app.pane(party).order_id == order
            buttons = [b for b in app.pane(party).query(".action")
                       if b.display and b.parent.display]
            assert buttons
            for button in buttons:
                label = button_label(button)
                assert button.region.height == 1, f"{label!r} wraps"
                room = button.content_region.width
                assert cell_len(label) <= room or label.endswith("…"), (label, room)
                full = words(language, f"action.{button.id[4:].replace('-', '_')}")
                if cell_len(full) <= room:
                    assert label == full, "cut although there is room"


# The widths the page is rewrapped at: narrow, both sides of where the panes go side by side,
# wide; RCSIM_THOROUGH=1 adds the widths between.
BADGE_WIDTHS = (70, 80, 100, 119, 120, 130, 160, 200) if THOROUGH else (70, 119, 120, 160)


@pytest.mark.parametrize("language", ["en", "de"])
async def test_the_resolution_center_badge_is_never_split(language) -> None:
    app = app_in(language)
    badge = words(language, "overlay.in_resolution")
    async with app.run_test(size=(200, 40)) as pilot:
        for order in ("FO-1006", "FO-1007", "FO-1008", "FO-1009"):  # long and short statuses
            await pilot.resize_terminal(200, 40)
            await look_at(pilot, "buyer", order)
            for width in BADGE_WIDTHS:  # the page rewraps as resized
                await pilot.resize_terminal(width, 40)
                await pilot.pause()
                details = app.pane("buyer").query_one("#page-details", Static)
                lines = [line.plain for line in details.content.wrap(details.content_region.width)]
                assert any(badge in line for line in lines), (width, lines)


# ---------------------------------------------------------------- titles


async def test_order_titles_are_whole_where_the_list_has_room() -> None:
    sim = create_demo(None, start=START)
    sim.add_order("FO-2001", LONG_TITLE, 90, 4)
    app = make_app(sim, cursor_blink=False, animation_level="none", language="de")
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        with i18n.using("de"):
            for order in sim.order_ids():
                row = app.pane("buyer").row_text(order)
                title_ = sim.order_view(order).title
                assert title_ in row or "…" in row, row
            short = [o for o in sim.order_ids() if len(sim.order_view(o).title) <= 20]
            for order in short:  # at 200 columns, titles of up to 20 characters are whole (German
                # says "Ohne Anforderungen" and "2 Tg. 6 Std. überfällig": longer columns)
                assert sim.order_view(order).title in app.pane("buyer").row_text(order)
        await look_at(pilot, "buyer", "FO-2001")
        await pilot.press("r")
        await pilot.pause()
        assert LONG_TITLE in title(app), "the dialog's title wraps rather than cut"


# ---------------------------------------------------------------- the rules screen


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["en", "de"])
async def test_rule_descriptions_are_whole_where_the_screen_has_room(language, size) -> None:
    app = app_in(language)
    async with app.run_test(size=size) as pilot:
        await pilot.press("R")
        await pilot.pause()
        await pilot.pause()
        table = app.screen.query_one("#rules-table", DataTable)
        column = table.columns[next(iter(table.columns))]
        longest = max(max(cell_len(name), cell_len(words(language, f"help.rules.name.{name}")))
                      for name in ADJUSTABLE)
        free = app.screen.query_one("#rules-dialog").content_region.width - sum(
            c.get_render_width(table) for c in table.columns.values())
        # whole, or (no room left) cut, and rich ends the cut with "…"
        assert column.width >= longest or free <= 4, ("cut although there is room", free)
        for key in table.rows:
            cell = table.get_row(key)[0]
            assert cell.overflow == "ellipsis" and cell.no_wrap


# ---------------------------------------------------------------- the comparison


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["en", "de"])
async def test_comparison_cells_are_whole_where_there_is_room(tmp_path, monkeypatch, language,
                                                              size) -> None:
    monkeypatch.chdir(tmp_path)
    with create_demo(tmp_path / "a.json", start=START) as sim:
        sim.branch(sim.step_count, tmp_path / "b.json")
        sim.act("buyer", "accept", "FO-1009")
    app = make_app(Simulation.open(tmp_path / "a.json"), cursor_blink=False,
                   animation_level="none", language=language)
    async with app.run_test(size=size) as pilot:
        await pilot.press("v")
        await pilot.pause()
        app.screen.query_one("#compare-path", Input).value = ""
        await paste(pilot, "b.json")
        await pilot.press("ctrl+s")
        await pilot.pause()
        table = app.screen.query_one("#compare-orders", LazyTable)
        room = table.scrollable_content_region.width
        used = sum(c.width + 2 for c in table.columns)
        assert used <= room + 2, "the columns fit the dialog"
        for index in range(table.row_count):
            for column, (text, _) in zip(table.columns, table.row_at(index)[1], strict=False):
                if cell_len(text) > column.width:
                    assert size == CLASSIC, f"{text!r} cut at {size}"
        line = "\n".join("".join(segment.text for segment in table.render_line(y))
                         for y in range(1, table.row_count + 1))
        request = words(language, "travel.value.request.freelancer",
                        type=words(language, "request_type.extension"))
        if size != CLASSIC:
            assert request in line
        else:
            assert request in line or "…" in line
