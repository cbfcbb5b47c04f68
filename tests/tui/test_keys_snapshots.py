"""Snapshots of issue 21's screens, in English and German: help over a dialog (its keys), the
timeline with the focus at 80x24, the save box with a marked start, the presenter's footer at
160 columns, the German buttons and titles at 200 columns."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from .conftest import SIZE, open_rc
from .test_keys_everywhere import CLASSIC, app_in, present_app


@pytest.mark.parametrize("language", ["en", "de"])
def test_help_over_a_dialog_80x24(snap_compare, language):
    async def run_before(pilot: Pilot) -> None:
        await open_rc(pilot, "buyer", "FO-1001")
        await pilot.press("question_mark")  # help lists the keys of the dialog
        await pilot.pause()

    assert snap_compare(app_in(language), terminal_size=CLASSIC, run_before=run_before)


@pytest.mark.parametrize("language", ["en", "de"])
def test_timeline_with_the_focus_80x24(snap_compare, language):
    async def run_before(pilot: Pilot) -> None:
        await pilot.press("l")  # the timeline, with the focus and its keys in the footer
        await pilot.pause()
        await pilot.press("down")
        await pilot.pause()

    assert snap_compare(app_in(language), terminal_size=CLASSIC, run_before=run_before)


@pytest.mark.parametrize("language", ["en", "de"])
def test_save_box_with_a_marked_start(snap_compare, tmp_path, monkeypatch, language):
    monkeypatch.chdir(tmp_path)  # the file name it offers: recording.toml, here

    async def run_before(pilot: Pilot) -> None:
        await pilot.press("d", "m")
        await pilot.pause()
        pilot.app.clear_notifications()  # (a toast's timing is no part of the picture)
        await pilot.press("d", "w")
        await pilot.pause()

    assert snap_compare(app_in(language), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("language", ["en", "de"])
def test_presenter_footer_160(snap_compare, language):
    async def run_before(pilot: Pilot) -> None:
        await pilot.press("s", "s", "u")  # a step to put back: U in the footer too
        await pilot.pause()

    assert snap_compare(present_app(language), terminal_size=SIZE, run_before=run_before)


def test_german_buttons_and_titles_at_200_columns(snap_compare):
    async def run_before(pilot: Pilot) -> None:
        await open_rc(pilot, "freelancer", "FO-1009")
        await pilot.press("escape")
        await pilot.pause()

    assert snap_compare(app_in("de"), terminal_size=(200, 50), run_before=run_before)
