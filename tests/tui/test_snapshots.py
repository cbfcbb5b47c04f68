"""Snapshots of the screens that matter, all from the same start, at the one terminal size.

Look at a changed snapshot in snapshot_report.html before accepting it with --snapshot-update.
"""

from __future__ import annotations

from textual.pilot import Pilot

from .conftest import SIZE, activate, build_app, open_order, open_rc, paste

MARKUP_COMMENT = "[bold]x[/bold] [link=https://e.com]y[/link] \x1b[31mred"


def test_start_screen(snap_compare):
    assert snap_compare(build_app(), terminal_size=SIZE)


def test_resolution_center_choice_buyer(snap_compare):
    async def run_before(pilot: Pilot) -> None:
        await open_rc(pilot, "buyer", "FO-1001")  # list, View, "Resolution Center"

    assert snap_compare(build_app(), terminal_size=SIZE, run_before=run_before)


def test_resolution_center_choice_freelancer(snap_compare):
    async def run_before(pilot: Pilot) -> None:
        await open_rc(pilot, "freelancer", "FO-1001")

    assert snap_compare(build_app(), terminal_size=SIZE, run_before=run_before)


def test_freelancer_form_with_reason_list(snap_compare):
    async def run_before(pilot: Pilot) -> None:
        await open_rc(pilot, "freelancer", "FO-1001", "ask_to_cancel")  # Continue: the form

    assert snap_compare(build_app(), terminal_size=SIZE, run_before=run_before)


async def _buyer_asks_to_cancel(pilot: Pilot, comment: str = "We no longer need the logo.") -> None:
    await open_rc(pilot, "buyer", "FO-1001", "ask_to_cancel")
    await paste(pilot, comment)
    await pilot.click("#reason-no-longer-needed")
    await pilot.click("#submit")
    await pilot.pause()


def test_request_sent_confirmation(snap_compare):
    assert snap_compare(build_app(), terminal_size=SIZE, run_before=_buyer_asks_to_cancel)


def test_both_panes_after_buyer_cancellation_request(snap_compare):
    async def run_before(pilot: Pilot) -> None:
        await _buyer_asks_to_cancel(pilot)
        await pilot.press("enter")  # close the confirmation
        await open_order(pilot, "freelancer", "FO-1001")

    assert snap_compare(build_app(), terminal_size=SIZE, run_before=run_before)


def test_both_panes_after_48h_timeout(snap_compare):
    async def run_before(pilot: Pilot) -> None:
        await open_order(pilot, "buyer", "FO-1006")
        await open_order(pilot, "freelancer", "FO-1006")
        await pilot.press("n")  # next deadline: the 48 h of the open cancellation requests run out

    assert snap_compare(build_app(), terminal_size=SIZE, run_before=run_before)


def test_extension_accepted(snap_compare):
    async def run_before(pilot: Pilot) -> None:
        await open_order(pilot, "freelancer", "FO-1009")
        await open_order(pilot, "buyer", "FO-1009")
        await activate(pilot, "#buyer-pane #act-accept")
        await pilot.click("#submit")

    assert snap_compare(build_app(), terminal_size=SIZE, run_before=run_before)


def test_update_answered(snap_compare):
    async def run_before(pilot: Pilot) -> None:
        await open_order(pilot, "buyer", "FO-1008")
        await open_order(pilot, "freelancer", "FO-1008")
        await activate(pilot, "#freelancer-pane #act-respond-update")
        await paste(pilot, "First sketches are attached; colours by Friday.")
        await pilot.click("#submit")

    assert snap_compare(build_app(), terminal_size=SIZE, run_before=run_before)


def test_refused_action(snap_compare):
    async def run_before(pilot: Pilot) -> None:
        await open_order(pilot, "buyer", "FO-1001")
        await activate(pilot, "#buyer-pane #act-cancel-order")  # not very late: refused, shown why

    assert snap_compare(build_app(), terminal_size=SIZE, run_before=run_before)


def test_comment_full_of_markup(snap_compare):
    async def run_before(pilot: Pilot) -> None:
        await _buyer_asks_to_cancel(pilot, MARKUP_COMMENT)
        await pilot.press("enter")
        await open_order(pilot, "freelancer", "FO-1001")

    assert snap_compare(build_app(), terminal_size=SIZE, run_before=run_before)


def test_event_log(snap_compare):
    async def run_before(pilot: Pilot) -> None:
        await pilot.press("n", "l")  # fire the 48 h deadlines, then show the log

    assert snap_compare(build_app(), terminal_size=SIZE, run_before=run_before)


def test_help_screen(snap_compare):
    assert snap_compare(build_app(), terminal_size=SIZE, press=["question_mark"])


def test_small_terminal(snap_compare):
    """At 100x30 (too narrow for both panes) one party is in front, with how to switch."""
    assert snap_compare(build_app(), terminal_size=(100, 30))


def test_classic_80x24_terminal(snap_compare):
    """The classic terminal: one party at a time, the clock with its time of day, every column."""
    assert snap_compare(build_app(), terminal_size=(80, 24))


def test_classic_80x24_resolution_center_scrolls(snap_compare):
    async def run_before(pilot: Pilot) -> None:
        await open_rc(pilot, "buyer", "FO-1001")
        await pilot.press("tab", "tab")  # down to Continue: the dialog scrolls to it

    assert snap_compare(build_app(), terminal_size=(80, 24), run_before=run_before)


def test_too_small_terminal(snap_compare):
    assert snap_compare(build_app(), terminal_size=(60, 16))
