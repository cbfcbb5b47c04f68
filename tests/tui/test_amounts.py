"""Amounts typed as the app writes them: "12,50" in German, "12.50" in English; an ambiguous or
malformed amount is refused with a message, and nothing changes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from textual.widgets import Input

from rcsim.engine.demo import create_demo
from rcsim.tui.app.app import make_app
from rcsim.tui.app.screens.request_sent import RequestSentScreen
from rcsim.tui.words import i18n
from rcsim.tui.words.amounts import read_amount

from .conftest import SIZE, START, activate, open_order, paste, screen_text


def build(language: str):
    return make_app(create_demo(None, start=START), cursor_blink=False, animation_level="none",
                    language=language)


async def ask_for_extras(pilot, order: str, price: str) -> None:
    """The freelancer asks for 2 more days and paid extras at the price typed."""
    await open_order(pilot, "freelancer", order)
    await activate(pilot, "#freelancer-pane #act-request-extension")
    form = pilot.app.screen
    typed = (("#days", "2"), ("#extra-price", price), ("#extra-description", "Source files"))
    for field, text in typed:
        form.query_one(field, Input).focus()
        await paste(pilot, text)
    await pilot.click("#submit")
    await pilot.pause()


@pytest.mark.parametrize(("typed", "cents"), [("12,50", 1250), ("1.234,50", 123450)])
async def test_german_amounts_are_accepted_in_the_extension_form(typed: str, cents: int):
    app = build("de")
    async with app.run_test(size=SIZE) as pilot:
        await ask_for_extras(pilot, "FO-1001", typed)
        assert isinstance(app.screen, RequestSentScreen), screen_text(app)
        assert app.sim.order_view("FO-1001").open_request.extra_price == cents


async def test_an_ambiguous_amount_is_refused_in_german_and_changes_nothing():
    app = build("de")
    async with app.run_test(size=SIZE) as pilot:
        before = app.sim.snapshot()
        await ask_for_extras(pilot, "FO-1001", "1.234")  # 1234 or 1,234?
        assert not isinstance(app.screen, RequestSentScreen)
        assert ("Das Feld „Preis der Extras“ enthält '1.234'; erwartet wird: ein eindeutiger "
                "Betrag in US-Dollar, z. B. 12,50 oder 1234,50.") in screen_text(app)
        assert app.sim.snapshot() == before


async def test_english_amounts_keep_their_point():
    app = build("en")
    async with app.run_test(size=SIZE) as pilot:
        await ask_for_extras(pilot, "FO-1001", "12.50")
        assert isinstance(app.screen, RequestSentScreen), screen_text(app)
        assert app.sim.order_view("FO-1001").open_request.extra_price == 1250


@pytest.mark.parametrize(("language", "typed", "read"), [
    ("de", "12,50", Decimal("12.50")),
    ("de", "1.234,50", Decimal("1234.50")),
    ("de", "1234", Decimal("1234")),
    ("de", "0", Decimal("0")),
    ("de", " 12,50 $ ", Decimal("12.50")),
    ("de", "12.50", Decimal("12.50")),  # only the English way reads it: one meaning
    ("de", "-5", Decimal("-5")),  # read, then refused by the engine as negative
    ("de", "12,5055", Decimal("12.5055")),  # read, then refused: at most two decimals
    ("de", "12,505", "12,505"),  # 12.505 the German way, 12505 the English way: ambiguous
    ("de", "1.234", "1.234"),  # 1234 the German way, 1.234 the English way: ambiguous
    ("de", "12,5x", "12,5x"),  # malformed
    ("de", "1.23.4", "1.23.4"),
    ("en", "12.50", Decimal("12.50")),
    ("en", "1,234.50", Decimal("1234.50")),
    ("en", "1,234", "1,234"),  # ambiguous the other way round
    ("en", "", ""),
    ("en", "$", "$"),
])
def test_reading_an_amount(language: str, typed: str, read) -> None:
    with i18n.using(language):
        assert read_amount(typed) == read
