"""Recording: a session written as a scenario plays back to the same orders, requests and events."""

from __future__ import annotations

import os
import tomllib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rcsim.engine import Refusal, Simulation, recording, scenario
from rcsim.engine.recording import Mark, RecordingError, plan, toml_string, write
from rcsim.tui.cli.run import main as run_main
from rcsim.tui.words.report import transcript

START = "2026-03-02T09:00:00Z"


def record(sim: Simulation, since: Mark | None = None) -> recording.Recording:
    """The engine's recording, without words: a plain title and no comments (the app's words
    are tested in tests/tui/test_record.py)."""
    return write(plan(sim, since), title="Recorded session")

# Everything a comment box may receive: quotes of both kinds (and TOML's triple ones), backslashes
# (and things that look like escapes), newlines of every kind, tabs, control characters, emoji
# (with a zero-width joiner), right-to-left text with a bidi override, markup and a TOML table.
TRICKY = [
    'He said "no" \\ then \'yes\' """ \'\'\' \\n \\u0041 \\"',
    "line one\nline two\r\nline three\rend\ttab",
    "bell\x07 nul\x00 esc\x1b[31mred\x7f del \x1f unit",
    "emoji 👩‍💻🎉 and RTL: مرحبا بالعالم \u202eevil\u202c שלום",
    "[[steps]]\nactor = \"buyer\" # not a step\n[bold]markup[/bold] ${x} {x}",
    "\u2028 line separator \u2029 paragraph \ufeff bom \u00a0 nbsp",
]


def _sim(rules: dict[str, Any] | None = None) -> Simulation:
    sim = Simulation.create(None, start=START, rules=rules)
    sim.add_orders([
        {"id": "FO-1", "title": 'Logo "v2" \\ 🎨', "price": 120, "delivery_days": 3},
        {"id": "FO-2", "title": "Website\nrelaunch", "price": 99.99, "delivery_days": 5,
         "status": "incomplete"},
        {"id": "FO-3", "title": "Voice-over", "price": 45.5, "delivery_days": 2,
         "status": "delivered"},
        {"id": "FO-4", "title": "Flyer", "price": 30, "delivery_days": 1,
         "due": "2026-03-02T12:00:00Z"},
    ])
    return sim


def _refused(sim: Simulation, *args: Any, **fields: Any) -> None:
    before = sim.snapshot()
    with pytest.raises(Refusal):
        sim.act(*args, **fields)
    assert sim.snapshot() == before


def _session() -> Simulation:
    """Both parties act with tricky comments; the clock moves by durations, to deadlines and past
    timeouts; some actions are refused along the way."""
    sim = _sim(rules={"cancellation_response_hours": 72, "comment_max_chars": 3000})
    sim.act("buyer", "ask_to_cancel", "FO-1", comment=TRICKY[0], reason="no_longer_needed")
    _refused(sim, "freelancer", "withdraw", "FO-1")  # only the requester may withdraw
    _refused(sim, "buyer", "ask_to_cancel", "FO-1", comment="again")  # one open request at a time
    sim.act("buyer", "submit_requirements", "FO-2")
    sim.advance("90m")
    sim.act("freelancer", "request_extension", "FO-2", days=2, comment=TRICKY[1],
            extra_price=12.34, extra_description=TRICKY[3])
    sim.act("buyer", "decline", "FO-2", comment=TRICKY[2])
    sim.act("buyer", "request_update", "FO-4", comment="  ")  # a blank optional comment
    _refused(sim, "buyer", "respond_update", "FO-4", comment="x")  # the wrong party answers
    sim.advance("1d")  # FO-4's update request is still open 24 h later
    sim.act("freelancer", "respond_update", "FO-4", comment=TRICKY[4])
    sim.advance_to_next_deadline()  # FO-3 completes on its own
    sim.advance("2d")  # FO-1's 72-hour cancellation request runs out: a mutual cancellation
    sim.act("freelancer", "deliver", "FO-2", comment=TRICKY[5])
    sim.act("buyer", "request_revision", "FO-2", comment="Please: \"more\" \\ less")
    sim.act("freelancer", "ask_to_cancel", "FO-2", reason="out_of_scope")
    sim.act("freelancer", "withdraw", "FO-2")
    sim.act("freelancer", "request_extension", "FO-4", days=1)
    sim.advance("5d7h13m")  # the extension on FO-4 runs out (seed: expires)
    _refused(sim, "buyer", "accept_delivery", "FO-1")  # cancelled: final
    return sim


def _play(source: str) -> tuple[Simulation, scenario.Report]:
    sc = scenario.loads(source)
    player = scenario.Player(sc)
    report = player.run()
    return player.simulation, report


def _requests(sim: Simulation) -> list[tuple[str, str, str, str, str]]:
    out = []
    for order in sim.order_ids():
        for r in sim.order_view(order).requests:
            out.append((r.order, r.type, r.requester, r.state, r.deadline.isoformat()))
    return out


def _events(sim: Simulation, since: int = 0) -> list[tuple[Any, ...]]:
    return [(e.at, e.type, e.order, e.actor, dict(e.data)) for e in sim.events(since)]


def test_a_recorded_session_plays_back_to_the_same_state():
    sim = _session()
    rec = record(sim)
    played, report = _play(rec.text)
    assert report.passed, transcript(report)
    # the same orders, requests (type, state, deadline) and event log (types, orders, times, data)
    for order in sim.order_ids():
        a, b = sim.order_view(order), played.order_view(order)
        assert (a.title, a.price, a.status, a.due, a.cancellation, a.extras_total, a.delivered_at) \
            == (b.title, b.price, b.status, b.due, b.cancellation, b.extras_total, b.delivered_at)
        assert [m.text for m in a.thread] == [m.text for m in b.thread]
    assert _requests(played) == _requests(sim)
    assert _events(played) == _events(sim)
    assert played.now == sim.now
    # and, stronger still, the whole stored state (counters, messages, rules) is the same
    assert played.snapshot() == sim.snapshot()


def test_the_file_holds_the_comments_exactly_and_no_refusal():
    sim = _session()
    rec = record(sim)
    document = tomllib.loads(rec.text)
    comments = [s["comment"] for s in document["steps"] if "comment" in s]
    for text in TRICKY:
        assert text in comments or any(text == s.get("extra_description")
                                       for s in document["steps"])
    actions = [(s["actor"], s["action"], s["order"]) for s in document["steps"] if "actor" in s]
    expected = [(e.actor, e.type, e.order) for e in sim.events() if e.actor != "system"]
    assert actions == expected  # refused actions are not in the event log, so not in the file
    assert ("freelancer", "withdraw", "FO-1") not in actions
    assert document["rules"] == {"cancellation_response_hours": 72, "comment_max_chars": 3000}
    assert [o["price"] for o in document["orders"]] == [120, 99.99, 45.5, 30]
    assert document["orders"][1].get("due") is None  # incomplete: no due yet
    # the blank optional comment was dropped by the engine, so the step has none
    update = next(s for s in document["steps"] if s.get("action") == "request_update")
    assert "comment" not in update
    # clock moves are `until` steps to the next action's time, and one to the end
    end = sim.now.strftime("%Y-%m-%dT%H:%M:%SZ")
    untils = [s["until"] for s in document["steps"] if "until" in s]
    assert untils == sorted(untils) and untils[-1] == end
    assert document["steps"][-1] == {"expect": {"now": end}}
    # no raw control character may appear in the text (TOML forbids them, and they would hide)
    assert not any(ord(c) < 0x20 and c != "\n" or ord(c) == 0x7F for c in rec.text)
    # nor an invisible one that reorders or splits a line; emoji and RTL letters stay readable
    assert "\u202e" not in rec.text and "\\u202E" in rec.text and "\u2028" not in rec.text
    assert "👩\u200d💻" in rec.text and "مرحبا" in rec.text


def test_the_final_expectations_catch_a_different_outcome():
    sim = _session()
    rec = record(sim)
    # the same file played with a longer cancellation window: FO-1 is no longer cancelled
    changed = rec.text.replace("cancellation_response_hours = 72",
                               "cancellation_response_hours = 700")
    _, report = _play(changed)
    assert not report.passed
    failed = {(r.step.order, c.key) for r in report.failures for c in r.checks if not c.passed}
    assert ("FO-1", "status") in failed and ("FO-1", "cancellation") in failed


def test_recording_from_a_mark_keeps_every_order_whatever_its_state_then():
    """Issue 21, item 9: an order with an open request at the mark, or final, cannot be written
    as a scenario's starting order; the recording then starts at the creation and replays what
    led to the mark, marked by an expectation of the clock with a note: every order is kept, and
    each plays back to its state, the events after the mark exactly as they were."""
    sim = _sim()
    sim.act("buyer", "submit_requirements", "FO-2")
    sim.act("freelancer", "request_extension", "FO-2", days=2)
    sim.act("buyer", "decline", "FO-2")  # a closed request before the mark
    sim.advance("3d")  # FO-3 auto-completes: final; FO-4 is now very late
    sim.act("buyer", "ask_to_cancel", "FO-1", comment="stop")  # open at the mark
    start = recording.mark(sim)
    mark_seq = start.seq
    sim.advance("2h")
    sim.act("buyer", "request_update", "FO-2", comment=TRICKY[3])
    sim.act("freelancer", "accept", "FO-1")
    sim.act("buyer", "cancel_order", "FO-4", comment=TRICKY[0])  # very late: direct cancel
    sim.advance("3d")  # FO-2's update request runs out
    planned = plan(sim, since=start)
    assert planned.left_out == () and planned.skipped_actions == 0
    assert planned.mark == start.at and planned.from_mark
    rec = write(planned, title="t", mark_note="From here on: what was recorded.")
    assert rec.orders == ("FO-1", "FO-2", "FO-3", "FO-4") and rec.left_out == ()
    document = tomllib.loads(rec.text)
    assert document["start"] == "2026-03-02T09:00:00Z"  # the creation
    marks = [s for s in document["steps"] if s.get("note") == "From here on: what was recorded."]
    assert marks == [{"expect": {"now": "2026-03-05T09:00:00Z"},
                      "note": "From here on: what was recorded."}]
    after = document["steps"][document["steps"].index(marks[0]) + 1:]
    assert [(s["actor"], s["action"]) for s in after if "actor" in s] == [
        ("buyer", "request_update"), ("freelancer", "accept"), ("buyer", "cancel_order")]

    played, report = _play(rec.text)
    assert report.passed, transcript(report)
    assert played.snapshot()["orders"] == sim.snapshot()["orders"]
    assert _events(played, mark_seq) == _events(sim, mark_seq)
    assert _requests(played) == _requests(sim)


def test_from_a_mark_after_a_change_of_rules_the_orders_it_cannot_write_are_left_out():
    """Replaying from the creation would cross the change of rules, which a scenario file
    cannot hold: the orders are written as they stood at the mark, the others named."""
    sim = _sim()
    sim.act("buyer", "ask_to_cancel", "FO-1", comment="stop")  # open at the mark
    sim.change_rules({"comment_max_chars": 3000})
    start = recording.mark(sim)
    sim.act("buyer", "request_update", "FO-4")
    planned = plan(sim, since=start)
    assert planned.mark is None and [o.order for o in planned.left_out] == ["FO-1"]
    _, report = _play(write(planned, title="t").text)
    assert report.passed, transcript(report)


def test_a_mark_keeps_an_order_delivered_at_the_very_mark():
    sim = _sim()
    sim.act("freelancer", "deliver", "FO-1")
    start = recording.mark(sim)  # FO-1 and FO-3 were delivered at this very instant
    sim.advance("4d")
    rec = record(sim, since=start)
    assert "FO-1" in rec.orders and "FO-3" in rec.orders
    _, report = _play(rec.text)
    assert report.passed, transcript(report)


def test_nothing_to_record():
    with pytest.raises(RecordingError) as caught:
        record(Simulation.create(None, start=START))
    assert caught.value.code == "nothing"
    sim = Simulation.create(None, start=START)
    sim.add_order("FO-1", "Logo", 10, 3)
    sim.act("buyer", "ask_to_cancel", "FO-1", comment="x")
    sim.advance("30d")  # the request runs out: cancelled, final
    start = recording.mark(sim)
    rec = record(sim, since=start)  # replayed from the creation: kept, cancelled
    assert rec.orders == ("FO-1",) and rec.left_out == ()
    _, report = _play(rec.text)
    assert report.passed, transcript(report)
    sim.change_rules({"comment_max_chars": 3000})  # now it cannot be replayed: nothing left
    start = recording.mark(sim)
    with pytest.raises(RecordingError) as caught:
        record(sim, since=start)
    assert caught.value.code == "no_orders_left"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_any_text_reads_back_exactly(text):
    assert tomllib.loads(f"x = {toml_string(text)}\n")["x"] == text


def test_the_comment_lines_are_the_callers_and_stay_comments():
    rec = write(plan(_session()), title="t", head=["first", "evil\n[[steps]]\nx = 1\u202e"],
                before_expects=["the end"])
    assert rec.text.startswith("# first\n# evil\\u000A[[steps]]\\u000Ax = 1\\u202E\n")
    assert "\n# the end\n\n[[steps]]\nexpect = " in rec.text
    _, report = _play(rec.text)
    assert report.passed, transcript(report)


def test_a_lone_surrogate_is_refused_not_written_wrong():
    with pytest.raises(RecordingError):
        toml_string("broken \ud800 text")


def test_write_new_never_replaces_a_file_silently(tmp_path):
    path = tmp_path / "story.toml"
    assert recording.write_new(path, "one\n") == path
    with pytest.raises(FileExistsError):
        recording.write_new(path, "two\n")
    assert path.read_text(encoding="utf-8") == "one\n"
    recording.write_new(path, "three\n", overwrite=True)
    assert path.read_text(encoding="utf-8") == "three\n"
    assert sorted(os.listdir(tmp_path)) == ["story.toml"]  # no temporary file left behind
    assert recording.free_name(tmp_path, "story") == tmp_path / "story-2.toml"
    assert recording.free_name(tmp_path, "other") == tmp_path / "other.toml"


def test_a_written_recording_runs_with_rcsim_run(tmp_path, capsys):
    sim = _session()
    path = recording.write_new(tmp_path / "session.toml", record(sim).text)
    assert run_main(["run", str(path)]) == 0
    assert "PASS" in capsys.readouterr().out


def test_a_change_of_rules_after_the_start_is_refused_and_a_mark_after_it_plays_back():
    """A scenario file has one set of rules: a recording across a `rules` step would play back
    under the wrong ones, so it is refused, saying when; from a mark after the change it holds
    the changed rules and plays back to the same state."""
    sim = _sim()
    sim.act("buyer", "ask_to_cancel", "FO-1", comment="Under 48 hours.")
    sim.advance("1h")
    sim.change_rules({"cancellation_response_hours": 72})
    with pytest.raises(RecordingError) as caught:
        plan(sim)
    assert caught.value.code == "rules_changed"
    assert caught.value.params == {"at": "2026-03-02T10:00:00Z",
                                   "rules": "cancellation_response_hours"}
    start = recording.mark(sim)
    sim.act("buyer", "ask_to_cancel", "FO-4", comment="Under 72 hours.")
    sim.advance("4d")
    rec = record(sim, since=start)
    assert tomllib.loads(rec.text)["rules"] == {"cancellation_response_hours": 72}
    played, report = _play(rec.text)
    assert report.passed, transcript(report)
    a, b = played.order_view("FO-4"), sim.order_view("FO-4")  # (its request renumbered)
    assert (a.status, a.cancellation["kind"], a.requests[-1].deadline) == \
        (b.status, b.cancellation["kind"], b.requests[-1].deadline)
