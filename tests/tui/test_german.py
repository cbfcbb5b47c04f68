"""The app in German, and the live switch between German and English that loses nothing."""

from __future__ import annotations

from textual.pilot import Pilot

from rcsim.engine.demo import create_demo
from rcsim.tui.app.app import make_app
from rcsim.tui.app.widgets.footer import LocalizedFooter
from rcsim.tui.app.widgets.lazy_table import LazyTable
from rcsim.tui.words import i18n

from .conftest import SIZE, START, activate, build_app, open_order, open_rc, pane_text, paste, row


def build_german_app():
    """The same fresh demo as every other test, in German."""
    return make_app(create_demo(None, start=START), cursor_blink=False, animation_level="none",
                    language="de")


def footer_text(app) -> str:
    return " ".join(key.description for key in app.screen.query_one(LocalizedFooter).children
                    if hasattr(key, "description"))


# ---------------------------------------------------------------- snapshots in German


def test_start_screen_german(snap_compare):
    assert snap_compare(build_german_app(), terminal_size=SIZE)


def test_resolution_center_form_german(snap_compare):
    async def run_before(pilot: Pilot) -> None:
        await open_rc(pilot, "freelancer", "FO-1001", "ask_to_cancel")  # reason first, then explain

    assert snap_compare(build_german_app(), terminal_size=SIZE, run_before=run_before)


def test_mutual_cancellation_german(snap_compare):
    async def run_before(pilot: Pilot) -> None:
        await open_order(pilot, "buyer", "FO-1006")
        await open_order(pilot, "freelancer", "FO-1006")
        await pilot.press("n")  # the 48 hours run out: Einvernehmliche Stornierung

    assert snap_compare(build_german_app(), terminal_size=SIZE, run_before=run_before)


# ---------------------------------------------------------------- what a German user reads


async def test_german_labels_dates_and_money():
    app = build_german_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_order(pilot, "buyer", "FO-1001")
        text = pane_text(app, "buyer")
        assert "Kunde: meine Aufträge" in str(app.pane("buyer").border_title)
        assert "Preis: 120,00\u00a0$" in text
        assert "Lieferdatum: 05.03.2026, 09:00" in text or "Lieferdatum: 05.03.2026 09:00" in text
        assert "Stark verspätet" in row(app, "buyer", "FO-1004")
        assert "Lösungscenter" in footer_text(app) or "Lösungscenter" in text
        assert "English" in footer_text(app)  # the key that switches back


# ---------------------------------------------------------------- the live switch


async def test_switching_language_live_keeps_the_simulation_and_the_selection():
    app = build_app()  # English
    async with app.run_test(size=SIZE) as pilot:
        await open_order(pilot, "buyer", "FO-1008")
        await open_order(pilot, "freelancer", "FO-1008")
        await activate(pilot, "#freelancer-pane #act-respond-update")
        await paste(pilot, "Sketches attached.")
        await pilot.click("#submit")
        await pilot.press("l")  # the event log is open
        await activate(pilot, "#buyer-pane #act-accept-delivery")  # refused: a notice says why
        await pilot.pause()
        before = app.sim.snapshot()
        assert "Buyer: my orders" in str(app.pane("buyer").border_title)
        assert "Not possible" in pane_text(app, "buyer")
        assert "Deutsch" in footer_text(app)

        await pilot.press("g")
        await pilot.pause()
        assert app.language == "de"
        assert app.sim.snapshot() == before, "switching the language changes no state"
        buyer = pane_text(app, "buyer")
        assert "Kunde: meine Aufträge" in str(app.pane("buyer").border_title)
        assert app.pane("buyer").order_id == "FO-1008" and app.pane("freelancer").order_id == "FO-1008"
        assert "Nicht möglich" in buyer, "the refusal notice is shown anew in German"
        assert "Sketches attached." in buyer, "what a user typed stays exactly as typed"
        assert app.pane("buyer").query_one("#orders", LazyTable).columns[0].label == "Auftrag"
        log = app.query_one("#event-log-table", LazyTable)
        assert any("Anfrage des Kunden nach einem Auftragsupdate" in text
                   for i in range(log.row_count) for text, _ in log.row_at(i)[1])
        assert "Simulierte Zeit" in str(app.query_one("#clock-now").content)
        assert "English" in footer_text(app)

        await pilot.press("g")
        await pilot.pause()
        assert app.language == "en"
        assert "Buyer: my orders" in str(app.pane("buyer").border_title)
        assert "Not possible" in pane_text(app, "buyer")
        assert app.sim.snapshot() == before


async def test_order_lists_fit_their_panes_in_both_languages():
    for language in ("en", "de"):
        app = make_app(create_demo(None, start=START), cursor_blink=False, animation_level="none",
                       language=language)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            for party in ("buyer", "freelancer"):
                table = app.pane(party).query_one("#orders", LazyTable)
                assert table.virtual_size.width <= table.size.width, (language, party)


def test_german_nouns_keep_their_capitals_inside_sentences():
    from rcsim.tui.words.describe import describe_event

    sim = create_demo(None, start=START)
    (event,) = sim.act("freelancer", "accept", "FO-1006")
    (deadline,) = [d for d in sim.deadlines() if d.order == "FO-1008"]
    with i18n.using("de"):
        assert "die Stornierungsanfrage des Kunden zu FO-1006" in describe_event(event)
        from rcsim.tui.words.describe import describe_deadline
        assert "Anfrage nach einem Auftragsupdate" in describe_deadline(deadline)


def test_classic_80x24_terminal_german(snap_compare):
    assert snap_compare(build_german_app(), terminal_size=(80, 24))


def test_classic_80x24_after_a_live_switch_to_german(snap_compare):
    """The same picture as a fresh German start (test_classic_80x24_terminal_german)."""
    async def run_before(pilot: Pilot) -> None:
        await pilot.press("g")

    assert snap_compare(build_app(), terminal_size=(80, 24), run_before=run_before)


async def test_notices_are_shown_whole_never_cut_mid_sentence():
    """The notices at the top of a pane have a few lines: the newest notices that fit are
    shown whole, an older one that would be cut off mid-sentence is left out (issue 21)."""
    from textual.widgets import Static

    app = build_german_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_order(pilot, "buyer", "FO-1006")
        await pilot.press("n")  # two long sentences: an update request and a cancellation expire
        await pilot.pause()
        for party in ("buyer", "freelancer"):
            pane = app.pane(party)
            widget = pane.query_one("#notices", Static)
            shown = widget.content.plain
            lines = len(widget.content.wrap(widget.content_region.width))
            assert lines <= widget.content_region.height, (party, shown)
            with i18n.using("de"):
                texts = [pane_notice_text(notice) for notice in pane.notices]
            whole = [text for text in texts if text in shown]
            assert whole, shown
            for text in texts:  # every notice is shown whole or not at all (its end is the test)
                assert text in shown or text[-40:] not in shown, (party, shown)
            assert sum(text in shown for text in texts) == shown.count("04.03.2026 09:00  ")
            assert shown.rstrip().endswith((".", ")")), shown


def pane_notice_text(notice) -> str:
    from rcsim.tui.app.widgets.party_pane import _notice_text

    return _notice_text(notice[1])
