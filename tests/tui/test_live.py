"""What a trainer meets live: fast keys, a language switch, an 80x24 terminal, repeated notices."""

from __future__ import annotations

import pytest
from textual.events import Key
from textual.pilot import Pilot
from textual.widgets import Button, RadioButton, Static

from rcsim.engine.demo import create_demo
from rcsim.tui.app.app import make_app
from rcsim.tui.app.screens.main import MIN_HEIGHT, MIN_WIDTH
from rcsim.tui.app.widgets.lazy_table import LazyTable
from rcsim.tui.words import i18n

from .conftest import START, build_app, open_order, open_rc
from .reach import notifications

CLASSIC = (80, 24)


def build(language: str = "en"):
    return make_app(create_demo(None, start=START), cursor_blink=False, animation_level="none",
                    language=language)


async def type_keys(pilot: Pilot, keys: str) -> None:
    """Keys as a fast typist (or tmux send-keys) delivers them: all queued before any is handled."""
    for char in keys:
        pilot.app.post_message(Key(char, char))
    await pilot.pause()
    await pilot.pause()


# ---------------------------------------------------------------- the language switch


@pytest.mark.parametrize("keys", ["lg", "lgg", "glg", "lglg", "gl", "lll" "g"])
async def test_log_and_language_typed_with_no_pause_never_crash(keys):
    app = build()
    async with app.run_test(size=(160, 48)) as pilot:
        await type_keys(pilot, keys)
        assert app.return_code is None, "the app is still running"
        shown = keys.count("l") % 2 == 1
        assert bool(app.main_screen.query("#event-log")) == shown
        expected = "de" if keys.count("g") % 2 else "en"
        assert app.language == expected
        log_title = "Zeitleiste" if expected == "de" else "Timeline"
        if shown:
            assert log_title in str(app.main_screen.query_one("#event-log-title", Static).content)


def _screenshot(app) -> str:
    return app.export_screenshot(title="rcsim")


@pytest.mark.parametrize("size", [(160, 48), CLASSIC])
async def test_a_live_switch_lays_out_as_a_fresh_start_in_that_language(size):
    fresh = build("de")
    async with fresh.run_test(size=size) as pilot:
        await pilot.pause()
        expected = _screenshot(fresh)
    switched = build("en")
    async with switched.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        after = _screenshot(switched)
        for button in switched.main_screen.query(Button):
            width, height = button.content_size
            if button.region.width:  # on screen: the whole label fits (wrapped if need be)
                assert width * height >= len(str(button.label)), button.label
    assert after == expected


async def test_a_language_switch_keeps_selection_notices_log_and_focus():
    app = build()
    async with app.run_test(size=(160, 48)) as pilot:
        await open_order(pilot, "freelancer", "FO-1006")
        await pilot.press("l")
        app.pane("freelancer").request_action("accept_delivery")  # refused: a notice says why
        await pilot.pause()
        app.pane("freelancer").focus_list()
        await pilot.press("g")
        await pilot.pause()
        pane = app.pane("freelancer")
        assert pane.order_id == "FO-1006"
        assert pane.query_one("#orders", LazyTable).cursor_row == 5
        assert app.main_screen.query("#event-log")
        assert "Nicht möglich" in str(pane.query_one("#notices", Static).content)
        assert app.focused is pane.query_one("#orders")


# ---------------------------------------------------------------- 80x24


@pytest.mark.parametrize("language", ["en", "de"])
async def test_80x24_keeps_the_time_of_day_and_the_list_columns(language):
    app = build(language)
    async with app.run_test(size=CLASSIC) as pilot:
        await pilot.pause()
        clock = app.main_screen.query_one("#clock-now", Static)
        text = str(clock.content)
        assert clock.content_size.width >= len(text), "the clock line is not cut"
        assert ("8:00 PM" in text or "9:00 AM" in text) if language == "en" else "09:00" in text
        table = app.pane("buyer").query_one("#orders", LazyTable)
        keys = [column.key for column in table.columns]
        assert {"order", "status", "due", "request"} <= set(keys)
        assert table.virtual_size.width <= table.scrollable_content_region.width, \
            "every column is on screen"
        # one party at a time: 2 brings the freelancer to the front
        assert app.pane("buyer").display and not app.pane("freelancer").display
        await pilot.press("2")
        await pilot.pause()
        assert app.pane("freelancer").display and not app.pane("buyer").display


def _reachable(app, button_id: str) -> bool:
    """The focused button is on screen: a click at its middle lands on it."""
    button = app.screen.query_one(f"#{button_id}")
    region = button.region
    if not region.width or not region.height:
        return False
    x, y = region.x + region.width // 2, region.y + region.height // 2
    width, height = app.size
    if not (0 <= x < width and 0 <= y < height):
        return False
    widget, _ = app.screen.get_widget_at(x, y)
    return widget is button


async def _tab_to(pilot: Pilot, button_id: str) -> None:
    for _ in range(30):
        if pilot.app.focused is not None and pilot.app.focused.id == button_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"Tab never reached #{button_id}")


@pytest.mark.parametrize("language", ["en", "de"])
async def test_80x24_every_dialog_can_reach_its_buttons(language):
    app = build(language)
    async with app.run_test(size=CLASSIC) as pilot:
        # the Resolution Center, then the freelancer's form (reason list and comment)
        await open_rc(pilot, "freelancer", "FO-1001")
        await _tab_to(pilot, "rc-continue")
        await pilot.pause()
        assert _reachable(app, "rc-continue")
        await pilot.click("#choice-ask-to-cancel")
        await _tab_to(pilot, "rc-continue")
        await pilot.press("enter")
        await pilot.pause()
        await _tab_to(pilot, "submit")
        await pilot.pause()
        assert _reachable(app, "submit")
        await pilot.press("escape")
        # the duration dialog and the recording dialog
        for key, button in (("t", "go"), ("w", "record-save")):
            await pilot.press(key)
            await pilot.pause()
            await _tab_to(pilot, button)
            await pilot.pause()
            assert _reachable(app, button), button
            await pilot.press("escape")
            await pilot.pause()


async def test_help_opens_at_its_top_and_scrolls():
    app = build()
    async with app.run_test(size=CLASSIC) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        dialog = app.screen.query_one("#help-dialog")
        assert dialog.scroll_y == 0 and app.focused is dialog
        title = app.screen.query_one(".dialog-title")
        assert dialog.region.contains_region(title.region)
        await pilot.press("pagedown")
        await pilot.pause()
        assert dialog.scroll_y > 0


@pytest.mark.parametrize("size", [(MIN_WIDTH - 1, 30), (100, MIN_HEIGHT - 1), (40, 12)])
async def test_below_the_smallest_size_one_line_says_what_is_needed(size):
    app = build()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        line = app.main_screen.query_one(".too-small", Static)
        assert line.display
        assert f"{MIN_WIDTH}×{MIN_HEIGHT}" in str(line.content)
        assert not app.main_screen.query_one("#panes").display
        assert not app.main_screen.query_one("#clock-bar").display
        await pilot.resize_terminal(*CLASSIC)
        await pilot.pause()
        assert not line.display and app.main_screen.query_one("#panes").display


async def test_the_smallest_size_still_works():
    app = build()
    async with app.run_test(size=(MIN_WIDTH, MIN_HEIGHT)) as pilot:
        await pilot.pause()
        assert not app.main_screen.query_one(".too-small").display
        table = app.pane("buyer").query_one("#orders", LazyTable)
        assert {"order", "status", "due", "request"} <= {column.key for column in table.columns}
        assert table.virtual_size.width <= table.scrollable_content_region.width


# ---------------------------------------------------------------- notices


async def test_the_same_notice_twice_does_not_stack():
    app = build_app()
    async with app.run_test(size=(160, 48)) as pilot:
        pane = app.pane("buyer")
        app.changed(app.sim.act("freelancer", "deliver", "FO-1001"))  # a real notice
        await pilot.pause()
        for _ in range(4):  # a dimmed button pressed again and again
            pane.request_action("deliver")
            await pilot.pause()
        assert len(pane.notices) == 2
        text = str(pane.query_one("#notices", Static).content)
        assert "FO-1001" in text and text.count("Not possible") == 1


# ---------------------------------------------------------------- the recording dialog


async def test_recording_dialog_saves_with_ctrl_s_and_says_recording(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = build_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        titles = [n.title for n in notifications(app)]
        assert titles == ["Recording"], titles
        await pilot.press("w")
        await pilot.pause()
        for radio in app.screen.query(RadioButton):
            label = str(radio.label)
            assert radio.content_size.width >= len(label) + 4, f"cut: {label}"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert (tmp_path / "recording.toml").is_file()
        assert app.screen is app.main_screen


# ---------------------------------------------------------------- answers say what happens next


@pytest.mark.parametrize("language, party, order, action, expected", [
    ("en", "freelancer", "FO-1006", "accept",
     "Accept the buyer's cancellation request on FO-1006: the order will be cancelled "
     "(mutual cancellation)."),
    ("en", "freelancer", "FO-1006", "decline",
     "the order carries on as it is. If you still cannot agree, the next step would be "
     "Customer Support"),
    ("en", "buyer", "FO-1009", "decline",
     "Decline the freelancer's request to extend the delivery date of FO-1009: the delivery "
     "date stays as it is"),
    ("en", "buyer", "FO-1009", "accept", "the delivery date moves by 3 days"),
    ("en", "freelancer", "FO-1008", "respond_update",
     "Answer the buyer's order update request on FO-1008. Your answer goes to the buyer"),
    ("de", "buyer", "FO-1009", "decline",
     "Lehne die Anfrage des Freelancers zur Verlängerung der Lieferfrist von FO-1009 ab: "
     "Das Lieferdatum bleibt, wie es ist"),
    ("de", "freelancer", "FO-1006", "accept",
     "Nimm die Stornierungsanfrage des Kunden zu FO-1006 an: Der Auftrag wird storniert "
     "(Einvernehmliche Stornierung)."),
])
async def test_an_answer_form_says_what_is_answered_and_what_happens_next(
        language, party, order, action, expected):
    app = build(language)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_order(pilot, party, order)
        with i18n.using(app.language):  # called from the test, as the app's own task would
            app.pane(party).request_action(action)
        await pilot.pause()
        intro = "\n".join(str(s.content) for s in app.screen.query(Static))
        assert expected in " ".join(intro.split())
        assert "Customer Support" not in intro or (action == "decline" and order == "FO-1006")


async def test_the_newest_notice_is_always_in_view():
    app = build()
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("n")  # three deadlines at once: three long notices for the buyer
        await pilot.pause()
        notices = app.pane("buyer").query_one("#notices", Static)
        newest = app.pane("buyer").notices[-1][1]
        first_line = str(notices.content).split("\n")[0]
        assert (newest() if callable(newest) else newest)[:30] in first_line


async def test_a_saved_recording_path_is_never_read_as_markup(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = build_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("w")
        await pilot.pause()
        field = app.screen.query_one("#record-path")
        field.value = str(tmp_path / "[red]x[blink].toml")
        await pilot.press("ctrl+s")
        await pilot.pause()
        (notice,) = [n for n in notifications(app)]
        assert "[red]x[blink].toml" in notice.message and not notice.markup
        assert (tmp_path / "[red]x[blink].toml").is_file()
