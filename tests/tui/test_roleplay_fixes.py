"""Role-play as a class plays it (issue 19, item 5): a form whose order another window changed
says what changed and shows the order as it is now; a refusal is on screen in every window at
every width; a party's window has no other side to switch to; the focus is usable after every
action; a notice of a step taken back goes with it."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Button, RadioButton, TextArea

from rcsim.engine import Simulation
from rcsim.engine.demo import create_demo
from rcsim.tui.app.app import make_app
from rcsim.tui.app.screens.action_form import ActionFormScreen
from rcsim.tui.app.screens.resolution_center import ResolutionCenterScreen

from .conftest import START, pane_text, screen_text, shown
from .test_roleplay import other_process, until

SIZES = [(80, 24), (119, 36), (220, 50)]  # one party, the narrowest side by side, wide


def window(path: Path, role: str | None = None):
    return make_app(Simulation.open(path), cursor_blink=False, animation_level="none",
                    language="en", role=role)


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    path = tmp_path / "class.json"
    create_demo(path, start=START).close()
    return path


async def test_a_form_whose_order_another_window_changed_says_what_and_shows_it_now(demo_file):
    app = window(demo_file, "buyer")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        app.pane("buyer").request_action("ask_to_cancel")  # FO-1001, the first order
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ActionFormScreen)
        form.query_one("#comment", TextArea).text = "We ran out of budget"
        other_process(demo_file, 'sim.act("freelancer", "ask_to_cancel", "FO-1001", '
                                 'comment="I am ill", reason="other")')
        await until(pilot, lambda: "In another window" in screen_text(app), "what changed")
        text = screen_text(app)
        assert "freelancer" in text and "FO-1001" in text and "cancel" in text.lower()
        assert "Not possible" in text  # the form's action cannot be taken now, and why
        assert app.screen is form  # the form stays: what was typed is kept
        assert form.query_one("#comment", TextArea).text == "We ran out of budget"
        assert form.query_one("#submit", Button).disabled
        steps = app.sim.step_count
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.sim.step_count == steps
    app.sim.close()


async def test_the_resolution_center_shows_the_choices_of_now_after_another_windows_step(demo_file):
    app = window(demo_file, "freelancer")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        app.pane("freelancer").action_resolution_center()  # FO-1001
        await pilot.pause()
        center = app.screen
        assert isinstance(center, ResolutionCenterScreen)
        assert not center.query_one("#choice-ask-to-cancel", RadioButton).disabled
        other_process(demo_file, 'sim.act("buyer", "ask_to_cancel", "FO-1001", '
                                 'comment="Plans changed", reason="no_longer_needed")')
        await until(pilot, lambda: "In another window" in screen_text(app), "what changed")
        assert app.screen is center
        assert "buyer" in screen_text(app)
        assert center.query_one("#choice-ask-to-cancel", RadioButton).disabled  # one open request
    app.sim.close()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("role", [None, "buyer"])
async def test_a_refusal_is_on_screen_in_every_window_at_every_width(demo_file, role, size):
    app = window(demo_file, role)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        app.pane("buyer").request_action("cancel_order")  # FO-1001 is in progress: refused
        await pilot.pause()
        await pilot.pause()
        assert "Not possible" in shown(app), shown(app)


@pytest.mark.parametrize("size", SIZES)
async def test_a_refused_undo_is_on_screen_in_a_partys_window_at_every_width(demo_file, size):
    other_process(demo_file, 'sim.act("freelancer", "request_extension", "FO-1001", days=2, '
                             'comment="More time")')
    app = window(demo_file, "buyer")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        steps = app.sim.step_count
        await pilot.press("u")
        await pilot.pause()
        await pilot.pause()
        assert app.sim.step_count == steps
        assert "Not possible" in shown(app), shown(app)


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_a_partys_window_offers_no_other_side(demo_file, size):
    app = window(demo_file, "buyer")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert "Press 2" not in shown(app)
    app.sim.close()
    both = window(demo_file)
    async with both.run_test(size=(80, 24)) as pilot:  # the trainer's window still says it
        await pilot.pause()
        assert "Press 2" in shown(both)
    both.sim.close()


async def test_a_notice_of_a_step_another_window_took_back_goes_with_it(demo_file):
    app = window(demo_file, "freelancer")
    async with app.run_test(size=(160, 48)) as pilot:
        other_process(demo_file, 'sim.act("buyer", "ask_to_cancel", "FO-1001", '
                                 'comment="Plans changed", reason="no_longer_needed")')
        await until(pilot, lambda: "asked to cancel FO-1001" in pane_text(app, "freelancer"),
                    "the buyer's request, as a notice")
        other_process(demo_file, 'sim.undo()')
        await until(pilot, lambda: "In another window: Taken back" in pane_text(app, "freelancer"),
                    "the undo, as a notice")
        assert "asked to cancel FO-1001" not in pane_text(app, "freelancer").split("Taken back")[0]
    app.sim.close()


async def test_a_notice_of_a_step_taken_back_here_goes_with_it(demo_file):
    app = window(demo_file)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        app.pane("buyer").request_action("ask_to_cancel")
        await pilot.pause()
        app.screen.query_one("#comment", TextArea).text = "Plans changed"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")  # the confirmation
        await pilot.pause()
        assert "asked to cancel FO-1001" in pane_text(app, "freelancer")
        await pilot.press("u")
        await pilot.pause()
        assert "asked to cancel FO-1001" not in pane_text(app, "freelancer").split("Taken back")[0]


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_the_focus_is_usable_after_withdrawing_a_request(demo_file, size):
    other_process(demo_file, 'sim.act("buyer", "ask_to_cancel", "FO-1001", '
                             'comment="Plans changed", reason="no_longer_needed")')
    app = window(demo_file, "buyer")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        pane = app.pane("buyer")
        button = pane.query_one("#act-withdraw", Button)
        button.focus()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert app.sim.order_view("FO-1001").open_request is None
        focused = app.focused
        assert focused is not None and focused.display and focused.visible
        assert focused.region.height > 0  # on screen, where the keys go
        await pilot.press("down")  # and the keys do something there
        await pilot.pause()
    app.sim.close()


async def test_an_answer_form_whose_request_the_trainer_took_back_says_so(demo_file):
    other_process(demo_file, 'sim.act("buyer", "ask_to_cancel", "FO-1001", '
                             'comment="Plans changed", reason="no_longer_needed")')
    app = window(demo_file, "freelancer")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        app.pane("freelancer").request_action("decline")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ActionFormScreen)
        form.query_one("#comment", TextArea).text = "I would rather finish it"
        other_process(demo_file, 'sim.undo()')  # the trainer's undo, in the trainer's window
        await until(pilot, lambda: "In another window" in screen_text(app), "what changed")
        text = screen_text(app)
        assert "Taken back" in text and "Not possible" in text
        assert form.query_one("#submit", Button).disabled
        assert form.query_one("#comment", TextArea).text == "I would rather finish it"
    app.sim.close()
