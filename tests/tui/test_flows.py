"""Each flow of RULES.md Part 1, played through the panes as a user would; asserts on engine and screen."""

from __future__ import annotations

from textual.widgets import Input, TextArea

from rcsim.engine import Simulation
from rcsim.tui.app.screens.action_form import ActionFormScreen
from rcsim.tui.app.screens.request_sent import RequestSentScreen
from rcsim.tui.app.screens.resolution_center import ResolutionCenterScreen
from rcsim.tui.app.widgets.lazy_table import LazyTable

from .conftest import (
    SIZE,
    START,
    activate,
    build_app,
    open_order,
    open_rc,
    pane_text,
    paste,
    row,
    screen_text,
)
from .reach import tick


async def test_start_screen_shows_both_parties_and_the_clock(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Mon, Mar 2, 2026 9:00 AM" in str(app.query_one("#clock-now").content)
        assert "FO-1006" in str(app.query_one("#clock-next").content)
        for party in ("buyer", "freelancer"):
            text = pane_text(app, party)
            assert "FO-1006" in text and "Cancel 2d" in row(app, party, "FO-1006")
            assert "Very late" in row(app, party, "FO-1004")
            assert "Late" in row(app, party, "FO-1003")
        assert app.focused is app.pane("buyer").query_one("#orders")


async def test_lifecycle_submit_deliver_revision_accept(app):
    sim = app.sim
    async with app.run_test(size=SIZE) as pilot:
        await open_order(pilot, "buyer", "FO-1002")
        await activate(pilot, "#buyer-pane #act-submit-requirements")
        assert sim.order_view("FO-1002").status == "in_progress"
        assert "In progress" in row(app, "freelancer", "FO-1002")

        await open_order(pilot, "freelancer", "FO-1001")
        await activate(pilot, "#freelancer-pane #act-deliver")
        assert isinstance(app.screen, ActionFormScreen)
        await paste(pilot, "Here are three logo drafts.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert sim.order_view("FO-1001").status == "delivered"
        await open_order(pilot, "buyer", "FO-1001")
        assert "Here are three logo drafts." in pane_text(app, "buyer")
        assert "The freelancer delivered FO-1001" in pane_text(app, "buyer")

        await activate(pilot, "#buyer-pane #act-request-revision")
        await pilot.click("#submit")  # a required comment left empty: refused, nothing changes
        await pilot.pause()
        assert isinstance(app.screen, ActionFormScreen)
        assert "must not be empty" in screen_text(app)
        assert sim.order_view("FO-1001").status == "delivered"
        app.screen.query_one("#comment").focus()
        await paste(pilot, "Please make the blue darker.")
        await pilot.click("#submit")
        await pilot.pause()
        assert sim.order_view("FO-1001").status == "in_revision"

        await open_order(pilot, "buyer", "FO-1005")
        await activate(pilot, "#buyer-pane #act-accept-delivery")
        assert sim.order_view("FO-1005").status == "completed"
        assert "Completed" in row(app, "freelancer", "FO-1005")


async def test_refused_action_shows_the_reason_and_changes_nothing(app):
    sim = app.sim
    before = sim.snapshot()
    async with app.run_test(size=SIZE) as pilot:
        await open_order(pilot, "buyer", "FO-1001")
        assert "[button act-cancel-order unavailable]" in pane_text(app, "buyer")
        await activate(pilot, "#buyer-pane #act-cancel-order")
        text = pane_text(app, "buyer")
        assert "Not possible: The buyer can cancel order FO-1001 directly only" in text
        assert "Not possible" not in pane_text(app, "freelancer")
        assert sim.snapshot() == before


async def test_direct_cancellation_of_a_very_late_order(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_order(pilot, "buyer", "FO-1004")
        await activate(pilot, "#buyer-pane #act-cancel-order")
        await pilot.click("#submit")
        await pilot.pause()
        view = app.sim.order_view("FO-1004")
        assert view.status == "cancelled" and view.cancellation["kind"] == "direct"
        assert "The buyer cancelled FO-1004 directly" in pane_text(app, "freelancer")


async def test_buyer_update_request_answered_by_freelancer(app):
    sim = app.sim
    async with app.run_test(size=SIZE) as pilot:
        await open_rc(pilot, "buyer", "FO-1001")
        assert isinstance(app.screen, ResolutionCenterScreen)
        assert "Get an order update" in screen_text(app) or app.screen.query_one("#choice-request-update")
        await pilot.click("#choice-request-update")
        await pilot.click("#rc-continue")
        await pilot.pause()
        assert isinstance(app.screen, ActionFormScreen)
        await pilot.press(*"Status?")
        await pilot.click("#submit")
        await pilot.pause()
        assert isinstance(app.screen, RequestSentScreen)
        sent = screen_text(app)
        assert "sent to the freelancer" in sent and "Customer Support got no copy" in sent
        assert "Mar 4, 2026 9:00 AM" in sent
        await pilot.press("enter")
        await pilot.pause()
        assert sim.order_view("FO-1001").open_request.type == "order_update"
        assert "Update 2d" in row(app, "freelancer", "FO-1001")

        await open_order(pilot, "freelancer", "FO-1001")
        assert "Status?" in pane_text(app, "freelancer")
        await activate(pilot, "#freelancer-pane #act-respond-update")
        await paste(pilot, "Sketches are done, colouring tomorrow.")
        await pilot.click("#submit")
        await pilot.pause()
        last = sim.order_view("FO-1001").last_request
        assert last.state == "answered" and sim.order_view("FO-1001").open_request is None
        assert "answered" in pane_text(app, "buyer")
        assert "Sketches are done" in pane_text(app, "buyer")


async def test_buyer_asks_to_cancel_freelancer_accepts(app):
    sim = app.sim
    async with app.run_test(size=SIZE) as pilot:
        await open_rc(pilot, "buyer", "FO-1001", "ask_to_cancel")
        await pilot.click("#submit")  # the buyer must explain: refused, the form stays
        await pilot.pause()
        assert isinstance(app.screen, ActionFormScreen)
        assert "The comment must not be empty to ask to cancel the order" in screen_text(app)
        assert sim.order_view("FO-1001").open_request is None
        app.screen.query_one("#comment").focus()
        await paste(pilot, "We changed our plans.")
        await pilot.click("#reason-no-longer-needed")
        await pilot.click("#submit")
        await pilot.pause()
        assert isinstance(app.screen, RequestSentScreen)
        await pilot.click("#ok")
        await pilot.pause()
        request = sim.order_view("FO-1001").open_request
        assert request.type == "cancellation" and request.reason == "no_longer_needed"
        assert "asked to cancel FO-1001" in pane_text(app, "freelancer")

        await open_order(pilot, "freelancer", "FO-1001")
        text = pane_text(app, "freelancer")
        assert "We changed our plans." in text and "No longer needed" in text
        assert "[button act-accept]" in text and "[button act-decline]" in text
        assert "[button act-withdraw]" not in text
        await open_order(pilot, "buyer", "FO-1001")
        assert "[button act-withdraw]" in pane_text(app, "buyer")
        assert "[button act-accept]" not in pane_text(app, "buyer")

        await activate(pilot, "#freelancer-pane #act-accept")
        await pilot.click("#submit")
        await pilot.pause()
        view = sim.order_view("FO-1001")
        assert view.status == "cancelled" and view.cancellation["kind"] == "mutual"
        assert "Mutual cancellation (accepted)" in pane_text(app, "buyer")


async def test_freelancer_must_pick_a_reason_first_then_buyer_declines(app):
    sim = app.sim
    async with app.run_test(size=SIZE) as pilot:
        await open_rc(pilot, "freelancer", "FO-1001")
        labels = [b.id for b in app.screen.query("RadioButton")]
        assert labels == ["choice-ask-to-cancel"]  # freelancers can only ask the buyer to cancel
        await pilot.click("#rc-continue")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ActionFormScreen)
        assert form.focused is form.query_one("#reason")  # the reason comes first
        await pilot.click("#submit")
        await pilot.pause()
        assert "The reason is required to ask to cancel the order" in screen_text(app)
        await pilot.click("#reason-out-of-scope")
        form.query_one("#comment", TextArea).focus()
        await paste(pilot, "A whole website was asked for.")
        await pilot.click("#submit")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert sim.order_view("FO-1001").open_request.reason == "out_of_scope"

        await open_order(pilot, "buyer", "FO-1001")
        assert "The buyer asked for work outside the agreed scope" in pane_text(app, "buyer")
        await activate(pilot, "#buyer-pane #act-decline")
        await pilot.click("#submit")
        await pilot.pause()
        view = sim.order_view("FO-1001")
        assert view.status == "in_progress" and view.last_request.state == "declined"
        assert "Customer Support" in pane_text(app, "freelancer")


async def test_requester_withdraws_and_a_second_request_is_refused(app):
    sim = app.sim
    async with app.run_test(size=SIZE) as pilot:
        await open_rc(pilot, "buyer", "FO-1006")  # FO-1006 already has the buyer's cancellation request
        assert app.screen.query_one("#rc-continue").disabled
        assert "already has an open request" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await activate(pilot, "#buyer-pane #act-withdraw")
        assert sim.order_view("FO-1006").open_request is None
        assert sim.order_view("FO-1006").last_request.state == "withdrawn"
        assert "withdrew" in pane_text(app, "freelancer")


async def test_next_deadline_fires_the_48h_timeouts(app):
    sim = app.sim
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert sim.now.isoformat().startswith("2026-03-04T09:00")
        for order in ("FO-1006", "FO-1007"):
            view = sim.order_view(order)
            assert view.status == "cancelled"
            assert view.cancellation == {"kind": "mutual", "initiator": view.cancellation["initiator"],
                                         "resolved_by": "timeout", "request": view.cancellation["request"]}
        assert sim.order_view("FO-1008").last_request.state == "expired"
        assert sim.order_view("FO-1008").status == "in_progress"
        for party in ("buyer", "freelancer"):
            text = pane_text(app, party)
            assert "the order was cancelled automatically and marked as a mutual cancellation" in text
            assert "Cancelled" in row(app, party, "FO-1006")
        assert "Wed, Mar 4, 2026 9:00 AM" in str(app.query_one("#clock-now").content)


async def test_extension_requested_and_accepted(app):
    sim = app.sim
    due_before = sim.order_view("FO-1001").due
    async with app.run_test(size=SIZE) as pilot:
        await open_order(pilot, "freelancer", "FO-1001")
        await activate(pilot, "#freelancer-pane #act-request-extension")
        form = app.screen
        form.query_one("#days", Input).focus()
        await pilot.press("2")
        form.query_one("#extra-price", Input).focus()
        await pilot.press("3", "0")
        await pilot.click("#submit")  # a price needs a description: refused
        await pilot.pause()
        assert "A paid extra needs a description" in screen_text(app)
        form.query_one("#extra-description", Input).focus()
        await pilot.press(*"Source files")
        await pilot.click("#submit")
        await pilot.pause()
        assert isinstance(app.screen, RequestSentScreen)
        assert "(in 4d)" in screen_text(app)  # the seed's 96 hours
        await pilot.press("escape")
        await open_order(pilot, "buyer", "FO-1001")
        assert "Extension: 2 more days" in pane_text(app, "buyer")
        await activate(pilot, "#buyer-pane #act-accept")
        await pilot.click("#submit")
        await pilot.pause()
        view = sim.order_view("FO-1001")
        assert (view.due - due_before).days == 2 and view.extras_total == 3000
        assert "Total: $150.00" in pane_text(app, "freelancer") or "Total: $150.00" in pane_text(app, "buyer")


async def test_unanswered_extension_expires_after_four_days(app):
    sim = app.sim
    due = sim.order_view("FO-1009").due
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*"95h", "enter")
        await pilot.pause()
        assert sim.order_view("FO-1009").open_request is not None
        await pilot.press("h")
        await pilot.pause()
        view = sim.order_view("FO-1009")
        assert view.open_request is None and view.last_request.state == "expired" and view.due == due
        assert ("the request expired, the order keeps its status and the delivery date stays"
                in pane_text(app, "freelancer"))


async def test_auto_complete_and_clock_keys(app):
    sim = app.sim
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h")
        await pilot.pause()
        assert sim.now.isoformat().startswith("2026-03-02T10:00")
        await pilot.press("d", "d", "d")
        await pilot.pause()
        assert sim.order_view("FO-1005").status == "completed"
        assert "FO-1005 was completed automatically" in pane_text(app, "buyer")
        assert "FO-1005 was completed automatically" in pane_text(app, "freelancer")
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*"soon", "enter")  # not a duration: refused in the dialog, clock unchanged
        await pilot.pause()
        now = sim.now
        assert "is not a duration" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert sim.now == now


async def test_play_mode_moves_the_clock_by_explicit_ticks(app):
    sim = app.sim
    async with app.run_test(size=SIZE) as pilot:
        assert not app.playing
        await pilot.press("p")
        await pilot.pause()
        assert app.playing and "Playing" in str(app.query_one("#clock-state").content)
        await pilot.press("p")  # paused again before any real tick matters
        start = sim.now
        tick(app)  # one tick: half a second at 1h per second
        await pilot.pause()
        assert (sim.now - start).total_seconds() == 1800
        await pilot.press("right_square_bracket")
        assert app.speed == "6h"


async def test_markup_and_escapes_in_comments_are_shown_as_typed(app):
    comment = "[bold]x[/bold] [link=https://e.com]y[/link] \x1b[31mred 🎉 שלום " + "long " * 80
    async with app.run_test(size=SIZE) as pilot:
        await open_rc(pilot, "buyer", "FO-1001", "ask_to_cancel")
        await paste(pilot, comment)
        await pilot.click("#submit")
        await pilot.pause()
        await pilot.press("escape")
        await open_order(pilot, "freelancer", "FO-1001")
        text = pane_text(app, "freelancer")
        assert "[bold]x[/bold] [link=https://e.com]y[/link] \u241b[31mred 🎉 שלום" in text
        assert app.sim.order_view("FO-1001").open_request.comment == comment  # kept exactly


async def test_event_log_help_and_command_palette(app):
    async with app.run_test(size=SIZE) as pilot:
        assert not app.query("#event-log")
        await pilot.press("l")
        await pilot.pause()
        log = app.query_one("#event-log")
        assert log.display
        # the timeline: a row per step and per event it caused, and the start
        assert log.query_one(LazyTable).row_count == len(app.sim.events()) + app.sim.step_count + 1
        await pilot.press("?")
        await pilot.pause()
        text = screen_text(app)
        assert "within 48 hours" in text and "within 96 hours" in text and "72 hours" in text
        await pilot.press("escape", "l")
        await pilot.pause()
        assert not log.display
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Clock: next deadline" in titles and "Show or hide the timeline" in titles


async def test_help_shows_this_simulations_deadlines():
    sim = Simulation.create(None, start=START, policy="current",
                            rules={"cancellation_response_hours": 72})
    sim.add_order("X-1", "Thing", 10, 2)
    app = build_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        assert "within 72 hours" in text and "accepted automatically" in text


async def test_resize_small_and_back(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_rc(pilot, "buyer", "FO-1001", "ask_to_cancel")
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        await open_order(pilot, "freelancer", "FO-1006")
        await activate(pilot, "#freelancer-pane #act-accept")
        await pilot.click("#submit")
        await pilot.pause()
        assert app.sim.order_view("FO-1006").status == "cancelled"
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()


async def test_clock_keys_wait_while_a_dialog_is_open(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_rc(pilot, "buyer", "FO-1001", "ask_to_cancel")
        now = app.sim.now
        await pilot.press("h")  # typed into the comment, not a clock move
        await pilot.pause()
        assert app.sim.now == now
        assert app.screen.query_one("#comment", TextArea).text == "h"


async def test_paused_auto_complete_shows_the_time_it_keeps(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h")  # an hour after delivery: 71 h of the 72 h are left
        app.sim.act("buyer", "ask_to_cancel", "FO-1005", comment="Wrong episode.")
        app.changed()
        await open_order(pilot, "buyer", "FO-1005")
        assert "Automatic completion paused while a request is open (2d 23h left when it resumes)" \
            in pane_text(app, "buyer")
        assert "paused" in row(app, "buyer", "FO-1005")
