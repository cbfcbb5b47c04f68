"""Recording from the app: mark a start, save through the dialog, never replace a file silently;
the saved file plays back (engine.scenario) to the app's state."""

from __future__ import annotations

import tomllib

import pytest
from textual.widgets import Input, RadioButton

from rcsim.engine import scenario
from rcsim.tui.app.messages import ActionRequested
from rcsim.tui.words.report import transcript

from .conftest import SIZE, build_app, screen_text
from .reach import notifications
from .test_keys_everywhere import LANGUAGE_SIZES

COMMENT = 'Stop "now" \\ please\nsecond line 🎉 مرحبا'


async def test_saving_a_session_from_the_app_plays_back_to_the_same_state(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the dialog offers a name in the current directory
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("h")  # +1 hour
        app.post_message(ActionRequested("buyer", "ask_to_cancel", "FO-1001",
                                         {"comment": COMMENT, "reason": "no_longer_needed"}))
        await pilot.pause()
        await pilot.press("enter")  # close the "request sent" confirmation
        app.post_message(ActionRequested("buyer", "accept_delivery", "FO-1001"))  # refused
        await pilot.pause()
        await pilot.press("n")  # next deadline: timeouts fire

        await pilot.press("w")
        await pilot.pause()
        assert "Save a recording" in screen_text(app)
        assert app.screen.query_one("#record-path", Input).value == "recording.toml"
        await pilot.click("#record-save")
        await pilot.pause()
        saved = tmp_path / "recording.toml"
        assert saved.exists() and not app.screen.query("#record-path")  # dialog closed
        assert any("Saved to" in n.message and "recording.toml" in n.message
                   for n in notifications(app))

        played = scenario.Player(scenario.load(saved))
        report = played.run()
        assert report.passed, transcript(report)
        assert played.simulation.snapshot() == app.sim.snapshot()
        document = tomllib.loads(saved.read_text(encoding="utf-8"))
        assert COMMENT in [s.get("comment") for s in document["steps"]]
        steps = [(s.get("action"), s.get("order")) for s in document["steps"]]
        assert ("ask_to_cancel", "FO-1001") in steps
        assert ("accept_delivery", "FO-1001") not in steps  # refused, so not recorded

        # the same name again: the dialog offers a free one; typed over, it asks before replacing
        await pilot.press("w")
        await pilot.pause()
        field = app.screen.query_one("#record-path", Input)
        assert field.value == "recording-2.toml"
        field.value = str(saved)
        before = saved.read_bytes()
        await pilot.click("#record-save")
        await pilot.pause()
        assert "already exists" in screen_text(app) and saved.read_bytes() == before
        app.screen.query_one("#record-path", Input).focus()
        await pilot.press("enter")  # Enter in the field goes to Save ...
        await pilot.pause()
        assert app.screen.query("#record-path") and saved.read_bytes() == before
        assert app.focused.id == "record-save"
        await pilot.press("enter")  # ... and Save, pressed again: replace
        await pilot.pause()
        assert not app.screen.query("#record-path")
        assert sorted(p.name for p in tmp_path.iterdir()) == ["recording.toml"]


async def test_a_marked_start_is_offered_and_keeps_every_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.press("m")  # mark the recording start here
        await pilot.pause()
        assert app.recording_mark is not None
        await pilot.press("d")
        await pilot.press("w")
        await pilot.pause()
        labels = [str(b.label) for b in app.screen.query(RadioButton)]
        assert labels[0].startswith("From the marked start (Mar 3, 2026 9:00 AM)")
        assert labels[1].startswith("From the simulation's start (Mar 2, 2026 9:00 AM)")
        await pilot.click("#record-save")  # the marked start is chosen by default
        await pilot.pause()
        saved = tmp_path / "recording.toml"
        source = saved.read_text(encoding="utf-8")
        assert source.startswith("# Recorded by rcsim from a marked start")
        # The demo's orders hold requests and a revision at the mark: the file replays what led
        # there from the simulation's start, and keeps all twelve (issue 21, item 9).
        assert "# Left out:" not in source
        assert "# The marked start is 2026-03-03T09:00:00Z" in source
        assert 'note = "The marked start: the recording begins here.' in source
        document = tomllib.loads(source)
        assert len(document["orders"]) == 12
        played = scenario.Player(scenario.load(saved))
        report = played.run()
        assert report.passed, transcript(report)
        assert played.simulation.snapshot()["orders"] == app.sim.snapshot()["orders"]


# ---- the words of a recording: the app's, in its language (tui/words/recording.py)


def _marked_session():
    from rcsim.engine import Simulation
    from rcsim.engine.recording import mark

    sim = Simulation.create(None, start="2026-03-02T09:00:00Z")
    sim.add_orders([{"id": "FO-1", "title": "Logo", "price": 120, "delivery_days": 3},
                    {"id": "FO-2", "title": "Flyer", "price": 30, "delivery_days": 2}])
    sim.act("freelancer", "deliver", "FO-2")
    sim.act("buyer", "accept_delivery", "FO-2")
    sim.act("buyer", "ask_to_cancel", "FO-1", comment="stop")
    start = mark(sim)
    sim.act("freelancer", "accept", "FO-1")  # on a left-out order
    return sim, start


def test_the_file_comments_title_and_description_are_in_the_apps_language():
    from rcsim.engine.recording import RecordingError, plan
    from rcsim.tui.words import i18n
    from rcsim.tui.words.recording import error_text, record

    sim, start = _marked_session()
    assert plan(sim, since=start).mark is not None  # replayed from the creation, not refused
    refused = RecordingError("no_orders_left")  # (when it cannot be replayed: in words below)
    english = record(sim).text
    assert english.startswith("# Recorded by rcsim from the simulation's start, "
                              "2026-03-02T09:00:00Z to 2026-03-02T09:00:00Z")
    assert 'title = "Recorded session"' in english
    assert "# The final state, checked when the file is played back." in english
    assert error_text(refused) == (
        "there is nothing to record from this start: every order was left out")
    with i18n.using("de"):
        german = record(sim).text
        assert german.startswith("# Aufgenommen von rcsim ab dem Beginn der Simulation, ")
        assert 'title = "Aufgenommene Sitzung"' in german
        assert 'description = "Aufgenommen in rcsim: 2 Aufträge, 4 Aktionen' in german
        assert "# Der Endzustand; er wird beim Abspielen der Datei geprüft." in german
        assert error_text(refused) == (
            "ab diesem Start gibt es nichts aufzunehmen: Alle Aufträge wurden weggelassen")
        for text in (english, german):
            assert scenario.play(scenario.loads(text)).passed


def test_why_an_order_was_left_out_is_said_in_words():
    from rcsim.engine.recording import mark
    from rcsim.tui.words import i18n
    from rcsim.tui.words.recording import record

    sim, _ = _marked_session()  # FO-1 cancelled, FO-2 completed
    sim.change_rules({"comment_max_chars": 3000})  # the file cannot replay from the creation
    sim.add_order("FO-3", "Card", 10, 1)
    sim.act("buyer", "ask_to_cancel", "FO-3", comment="stop")
    sim.add_order("FO-4", "Poster", 10, 1)
    start = mark(sim)
    sim.advance("1h")
    sim.act("freelancer", "accept", "FO-3")  # on a left-out order: not recorded either
    sim.act("freelancer", "deliver", "FO-4")
    head = record(sim, since=start).text.split("\ntitle = ", 1)[0]
    assert head.startswith("# Recorded by rcsim from a marked start")
    assert '#   "FO-1": already cancelled (final)' in head
    assert '#   "FO-2": already completed (final)' in head
    assert '#   "FO-3": its cancellation request R-2 is open' in head
    assert "#   (1 action on them after the start is left out too)" in head
    with i18n.using("de"):
        head = record(sim, since=start).text.split("\ntitle = ", 1)[0]
        assert head.startswith("# Aufgenommen von rcsim ab einem markierten Start")
        assert "# Weggelassen: 3 Aufträge, deren" in head
        assert '#   "FO-1": bereits storniert (endgültig)' in head
        assert '#   "FO-3": die Stornierungsanfrage R-2 ist offen' in head


# ---- the save box (issue 21, item 9): the choice seen first, the save deliberate


@pytest.mark.parametrize("language, size", LANGUAGE_SIZES)
async def test_the_save_box_shows_its_choice_first_and_enter_does_not_save(
        tmp_path, monkeypatch, language, size):
    from rcsim.engine.demo import create_demo
    from rcsim.tui.app.app import make_app
    from rcsim.tui.words import i18n

    from .conftest import START, plain

    monkeypatch.chdir(tmp_path)
    app = make_app(create_demo(None, start=START), cursor_blink=False, animation_level="none",
                   language=language)
    async with app.run_test(size=size) as pilot:
        await pilot.press("d", "m", "d", "w")
        await pilot.pause()
        screen = app.screen
        assert app.focused is screen.query_one("#record-since"), "the choice has the focus"
        assert screen.query_one("#since-mark", RadioButton).value, "the marked start by default"
        mark_label = plain(screen.query_one("#since-mark", RadioButton).label)
        chosen = plain(screen.query_one("#record-chosen").content)
        with i18n.using(language):
            assert chosen == i18n.t("record.chosen", start=mark_label)
        await pilot.press("down", "enter")  # the other start: said at once
        await pilot.pause()
        start_label = plain(screen.query_one("#since-start", RadioButton).label)
        with i18n.using(language):
            assert plain(screen.query_one("#record-chosen").content) == i18n.t(
                "record.chosen", start=start_label)
        await pilot.press("up", "enter")  # the marked start again
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is screen.query_one("#record-path", Input)
        await pilot.press("enter")  # Enter in the file name does not save ...
        await pilot.pause()
        saved = tmp_path / "recording.toml"
        assert not saved.exists() and app.screen is screen
        assert app.focused is screen.query_one("#record-save"), "... it goes to Save"
        await pilot.press("enter")  # Save: written
        await pilot.pause()
        assert saved.exists() and app.screen is not screen
        with i18n.using(language):
            said = i18n.t("record.file.replayed", mark="2026-03-03T09:00:00Z")
        assert f"# {said}" in saved.read_text(encoding="utf-8")
