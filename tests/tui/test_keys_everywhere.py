"""Every key on every screen (issue 21, items 1 and 2): `g` switches the language live on every
screen (ctrl+g where `g` is a letter, and the command palette), the footer fits its width with
help always in it, and help lists every key of the screen it was opened from; in English and
German, at 80x24 and at the suite's size."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import RadioButton, Static, TextArea

from rcsim.engine.scenario import Player, load
from rcsim.tui.app.app import RcsimApp, make_app
from rcsim.tui.app.screens.action_form import ActionFormScreen
from rcsim.tui.app.screens.dialog import Dialog
from rcsim.tui.app.screens.flow_map import FlowMapScreen
from rcsim.tui.app.screens.help import HelpScreen
from rcsim.tui.app.screens.request_sent import RequestSentScreen
from rcsim.tui.app.screens.resolution_center import ResolutionCenterScreen
from rcsim.tui.app.screens.rules import RulesScreen
from rcsim.tui.app.widgets.footer import FooterKey, LocalizedFooter
from rcsim.tui.words import i18n

from ..conftest import THOROUGH
from .conftest import (
    SIZE,
    START,
    activate,
    open_rc,
    paste,
    plain,
    run_from_palette,
    wait_for,
)
from .test_present import TIMEOUT_STORY

CLASSIC = (80, 24)
SIZES = [pytest.param(CLASSIC, id="80x24"), pytest.param(SIZE, id="160x48")]
SWITCHES = [pytest.param("en", CLASSIC, id="en-80x24"), pytest.param("de", SIZE, id="de-160x48")]
"""For a test that switches the language and back: each language at each size, both ways."""
EVERY_LANGUAGE_AT_EVERY_SIZE = [pytest.param(language, size.values[0], id=f"{language}-{size.id}")
                                for language in ("en", "de") for size in SIZES]
LANGUAGE_SIZES = EVERY_LANGUAGE_AT_EVERY_SIZE if THOROUGH else SWITCHES
"""For a test whose words and layout both matter: English at the classic size, German (the longer
words) at the usual one every day; each language at each size with RCSIM_THOROUGH=1."""
LANGUAGES = ["en", "de"]


def app_in(language: str, sim=None) -> RcsimApp:
    from rcsim.engine.demo import create_demo
    return make_app(sim or create_demo(None, start=START), cursor_blink=False,
                    animation_level="none", language=language)


def other(language: str) -> str:
    return "de" if language == "en" else "en"


def title(app: RcsimApp) -> str:
    return plain(app.screen.query_one(".dialog-title", Static).content)


def footer_keys(app: RcsimApp, screen=None) -> list[FooterKey]:
    footer = (screen or app.screen).query_one(LocalizedFooter)
    return list(footer.query(FooterKey))


def footer_words(app: RcsimApp) -> list[str]:
    return [f"{key.key_display} {key.description}" for key in footer_keys(app)]


def clock_line(app: RcsimApp) -> str:
    return plain(app.main_screen.query_one("#clock-now", Static).content)


async def switched(pilot: Pilot, key: str = "g") -> None:
    await pilot.press(key)
    await pilot.pause()
    await pilot.pause()


def words_in(language: str, key: str, **params) -> str:
    with i18n.using(language):
        return i18n.t(key, **params)


# ---------------------------------------------------------------- item 1: g everywhere


async def open_form(pilot: Pilot, action: str) -> None:
    """The buyer's Resolution Center on FO-1001, the choice made, ctrl+s (Continue)."""
    await open_rc(pilot, "buyer", "FO-1001")
    pilot.app.screen.query_one(f"#choice-{action.replace('_', '-')}", RadioButton).value = True
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ActionFormScreen)


async def open_each(pilot: Pilot, which: str) -> type[Dialog]:
    """Open one of the screens the issue names; returns its class."""
    if which == "resolution center":
        await open_rc(pilot, "buyer", "FO-1001")
        return ResolutionCenterScreen
    if which == "help":
        await pilot.press("question_mark")
    elif which == "flow map":
        await pilot.press("f")
    elif which == "rules":
        await pilot.press("R")
    await pilot.pause()
    screens: dict[str, type[Dialog]] = {"help": HelpScreen, "flow map": FlowMapScreen, "rules": RulesScreen}
    return screens[which]


@pytest.mark.parametrize("language, size", SWITCHES)
@pytest.mark.parametrize("which", ["resolution center", "help", "flow map", "rules"])
async def test_g_switches_the_language_on_every_screen_live(which, language, size) -> None:
    app = app_in(language)
    async with app.run_test(size=size) as pilot:
        screen_class = await open_each(pilot, which)
        assert isinstance(app.screen, screen_class)
        before_title, before_clock = title(app), clock_line(app)
        await switched(pilot)
        assert app.language == other(language)
        assert isinstance(app.screen, screen_class), "the screen stays open"
        assert title(app) != before_title, "its title is in the other language"
        assert clock_line(app) != before_clock, "and so is the main screen behind it"
        assert f"g {words_in(other(language), 'key.language')}" in footer_words(app)
        await switched(pilot)
        assert app.language == language and title(app) == before_title


@pytest.mark.parametrize("language, size", SWITCHES)
async def test_in_a_text_field_g_is_a_letter_and_ctrl_g_switches(language, size) -> None:
    """The request form: its comment field takes `g`; ctrl+g switches the language, shown in
    the footer; what was typed, the choice and the focus stay."""
    app = app_in(language)
    async with app.run_test(size=size) as pilot:
        await open_form(pilot, "ask_to_cancel")
        area = app.screen.query_one("#comment", TextArea)
        assert app.focused is area
        await pilot.press("g")
        await pilot.pause()
        assert area.text == "g" and app.language == language
        ctrl = words_in(language, "key.ctrl", letter="G")
        words = footer_words(app)
        assert f"{ctrl} {words_in(language, 'key.language')}" in words
        assert not any(w.startswith("g ") for w in words), "g is a letter here: not offered"
        assert any(w.startswith("F1 ") for w in words), "help is F1 where ? is a letter"
        await paste(pilot, "ood reason [bold]x[/bold]")
        app.screen.query_one("#reason-no-longer-needed", RadioButton).value = True
        area = app.screen.query_one("#comment", TextArea)
        area.focus()
        await pilot.pause()
        await switched(pilot, "ctrl+g")
        assert app.language == other(language)
        form = app.screen
        assert isinstance(form, ActionFormScreen)
        assert form.query_one("#comment", TextArea).text == "good reason [bold]x[/bold]"
        assert form.values()["reason"] == "no_longer_needed"
        assert isinstance(app.focused, TextArea)
        assert words_in(other(language), "field.comment.required") in [
            plain(label.content) for label in form.query(".field-label").results(Static)]
        # Submit: "Request sent", where g is a key again
        await activate(pilot, "#submit")
        assert isinstance(app.screen, RequestSentScreen)
        before = title(app)
        await switched(pilot)
        assert app.language == language and isinstance(app.screen, RequestSentScreen)
        assert title(app) != before


async def test_a_refusal_in_a_dialog_is_said_again_in_the_new_language() -> None:
    app = app_in("en")
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot, "ask_to_cancel")
        await activate(pilot, "#submit")  # no comment: refused, said in the form
        error = app.screen.query_one("#form-error", Static)
        english = plain(error.content)
        assert "Refused" in english or "not" in english
        await switched(pilot, "ctrl+g")
        german = plain(app.screen.query_one("#form-error", Static).content)
        assert german and german != english


async def test_the_language_command_of_the_palette_works_over_a_dialog() -> None:
    app = app_in("en")
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot, "ask_to_cancel")  # the focus in its comment: g is a letter
        await paste(pilot, "typed before the switch")
        await run_from_palette(pilot, "Language")
        await wait_for(pilot, lambda: app.language == "de", "the switch")
        assert isinstance(app.screen, ActionFormScreen)
        assert app.screen.query_one("#comment", TextArea).text == "typed before the switch"
        await pilot.press("escape")
        await pilot.pause()
        await open_rc(pilot, "buyer", "FO-1002")
        await run_from_palette(pilot, "Sprache")
        await wait_for(pilot, lambda: app.language == "en", "the switch back")
        assert isinstance(app.screen, ResolutionCenterScreen)
        assert "Resolution Center" in title(app)


# ---------------------------------------------------------------- item 2: the footer fits


def present_app(language: str) -> RcsimApp:
    player = Player(load(TIMEOUT_STORY))
    return make_app(player.simulation, player=player, cursor_blink=False,
                    animation_level="none", language=language)


def assert_fits(app: RcsimApp) -> None:
    """No key of the footer is cut or hidden under the palette's key, and help is in it."""
    keys = footer_keys(app)
    palette = [k for k in keys if k.has_class("-palette")]
    others = [k for k in keys if not k.has_class("-palette")]
    assert palette and others
    limit = palette[0].region.x
    for key in others:
        text = f" {key.key_display} {key.description} "
        assert key.region.width == len(text) and key.region.right <= limit, text
    assert others[0].key in ("question_mark", "f1"), "help comes first"


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_footer_fits_with_help_first(language, size) -> None:
    app = app_in(language)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert_fits(app)
        await open_rc(pilot, "buyer", "FO-1001")
        await pilot.pause()
        assert_fits(app)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_presenting_at_160_columns_every_key_is_in_the_footer(language) -> None:
    """The presenter's footer used to end "u U" cut off (German: "e Bis", without u)."""
    app = present_app(language)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "s", "u")  # something to take back and to put back
        await pilot.pause()
        shown = {key.key for key in footer_keys(app)}
        assert {"question_mark", "s", "e", "u", "U", "g", "q", "n"} <= shown
        assert_fits(app)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_presenting_at_80x24_the_footer_fits_and_help_is_in_it(language) -> None:
    app = present_app(language)
    async with app.run_test(size=CLASSIC) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert_fits(app)
        shown = [key.key for key in footer_keys(app)]
        assert shown[:3] == ["question_mark", "s", "e"]


# ---------------------------------------------------------------- item 2: help lists every key


def help_keys_text(app: RcsimApp) -> str:
    return plain(app.screen.query_one("#help-keys", Static).content)


def screen_keys(app: RcsimApp) -> set[str]:
    """Every key of the screen in front that has words (a key without words moves in a list)."""
    return {app.get_key_display(active.binding) for active in app.screen.active_bindings.values()
            if i18n.has(active.binding.description)}


@pytest.mark.parametrize("language, size", LANGUAGE_SIZES)
async def test_help_lists_every_key_of_the_main_screen(language, size) -> None:
    app = present_app(language)  # presenting: the most keys
    async with app.run_test(size=size) as pilot:
        await pilot.press("s", "l")
        await pilot.pause()
        with i18n.using(language):
            keys = screen_keys(app)
        assert {"s", "e", "h", "d", "t", "n", "p", "[", "]", "l", "?", "F1", "f", "R", "1", "2",
                "g", "q", "m", "w", "u", "v", "c"} <= keys
        await pilot.press("question_mark")
        await pilot.pause()
        listed = help_keys_text(app)
        lines = listed.splitlines()
        for key in keys:
            assert any(line.startswith(key + " ") or line.startswith(key + ",")
                       or f", {key} " in line or f", {key}," in line for line in lines), key


@pytest.mark.parametrize("language", LANGUAGES)
async def test_help_over_a_dialog_lists_that_dialogs_keys(language) -> None:
    app = app_in(language)
    async with app.run_test(size=CLASSIC) as pilot:
        await open_rc(pilot, "buyer", "FO-1001")
        with i18n.using(language):
            keys = screen_keys(app)
        assert {words_in(language, "key.escape"), words_in(language, "key.ctrl", letter="S"),
                "?", "g"} <= keys
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        listed = help_keys_text(app)
        for key in keys:
            assert key in listed
        assert "+1" not in listed, "the clock keys are not keys of that dialog"
        await pilot.press("question_mark")  # ? closes help again
        await pilot.pause()
        assert isinstance(app.screen, ResolutionCenterScreen)
