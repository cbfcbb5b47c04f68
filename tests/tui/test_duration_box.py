"""The duration box takes what the app shows (issue 21, item 7): a countdown as the screen writes
it in each language ("2T 0h" in German) moves the clock by that much; the engine's own form
("1d12h") works in both; a box closed with Esc leaves no error behind in the clock bar."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Static

from rcsim.tui.app.screens.duration import DurationScreen
from rcsim.tui.words import i18n
from rcsim.tui.words.durations import read_duration

from .conftest import SIZE, paste, plain
from .test_keys_everywhere import CLASSIC, LANGUAGE_SIZES, app_in

SIZES = [pytest.param(CLASSIC, id="80x24"), pytest.param(SIZE, id="160x48")]
SHOWN = [2 * 86400, 2 * 86400 + 5 * 3600, 7 * 3600 + 30 * 60, 45 * 60, 86400 + 12 * 3600]


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("seconds", SHOWN)
def test_every_duration_the_app_shows_reads_back(language, seconds) -> None:
    with i18n.using(language):
        shown = i18n.fmt_duration(seconds)
        assert read_duration(shown) == f"{seconds // 60}m", shown
        assert read_duration(shown.replace(" ", "")) == f"{seconds // 60}m"
        assert read_duration(i18n.t("countdown.in", duration=shown)) == f"{seconds // 60}m"


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_engines_form_and_words_read_in_both_languages(language) -> None:
    with i18n.using(language):
        assert read_duration("1d12h") == f"{36 * 60}m"
        assert read_duration(" 90m ") == "90m"
        assert read_duration(i18n.t("count.days.other", n=3)) == f"{3 * 24 * 60}m"
        assert read_duration(i18n.t("count.hours.one", n=1)) == "60m"
        for nonsense in ("", "soon", "2x", "1d 1d", "-3h", "h"):
            assert read_duration(nonsense) == nonsense, "handed on as typed, for the engine"


@pytest.mark.parametrize("language, size", LANGUAGE_SIZES)
async def test_typing_a_countdown_as_shown_moves_the_clock(language, size) -> None:
    app = app_in(language)
    async with app.run_test(size=size) as pilot:
        start = app.sim.now
        with i18n.using(language):
            shown = i18n.fmt_duration(2 * 86400)  # German "2T 0h", English "2d 0h"
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, DurationScreen)
        await paste(pilot, shown)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, DurationScreen), plain(
            app.screen.query_one("#form-error", Static).content)
        assert app.sim.now - start == timedelta(days=2)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["en", "de"])
async def test_an_error_of_the_box_goes_with_it(language, size) -> None:
    app = app_in(language)
    async with app.run_test(size=size) as pilot:
        await pilot.press("t")
        await pilot.pause()
        await paste(pilot, "soon")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DurationScreen)
        assert "soon" in plain(app.screen.query_one("#form-error", Static).content)
        await pilot.press("escape")
        await pilot.pause()
        assert plain(app.main_screen.query_one("#clock-message", Static).content) == ""
