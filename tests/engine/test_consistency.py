"""A file that parses but is not a consistent simulation is refused at open, naming what is
wrong, and left untouched; every state the engine itself writes passes the same checks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rcsim.engine import Simulation, SimulationFileError
from rcsim.engine.scenario import Player, load

from .conftest import START, files
from .layouts import compacted, read_database, version_1_document, write_database, write_version_1

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "data" / "scenarios").glob("*.toml"))


def good_document(tmp_path: Path, version: int = 2) -> dict[str, Any]:
    """A file with every kind of record: an open request, a closed one of each end, a running and
    a paused auto-complete, a mutual cancellation, messages and fired deadlines; in format
    version 2 with a fresh checkpoint (its tables hold that state), or in version 1."""
    path = tmp_path / "good.json"
    with Simulation.create(path, start=START) as sim:
        sim.add_orders([
            {"id": "A", "title": "Logo", "price": 120, "delivery_days": 3},
            {"id": "B", "title": "Copy", "price": 85.5, "delivery_days": 4, "status": "incomplete"},
            {"id": "C", "title": "Photos", "price": 60, "delivery_days": 2, "status": "delivered"},
            {"id": "D", "title": "Video", "price": 300, "delivery_days": 5},
            {"id": "E", "title": "Flyer", "price": 40, "delivery_days": 2, "status": "delivered"},
        ])
        sim.act("buyer", "ask_to_cancel", "A", comment="Plans changed", reason="no_longer_needed")
        sim.act("freelancer", "request_extension", "D", days=2, extra_price=15.25,
                extra_description="Second cut", comment="Need two more days")
        sim.act("buyer", "ask_to_cancel", "C", comment="Wrong colours")
        sim.advance("12h")
        sim.act("freelancer", "decline", "C", comment="They match the brief")
        sim.advance("50h")  # A's cancellation times out: a mutual cancellation
        sim.act("buyer", "ask_to_cancel", "E", comment="Not needed")  # E's auto-complete pauses
        view = {o: sim.order_view(o) for o in sim.order_ids()}
        document = compacted(sim) if version == 2 else version_1_document(sim)
    assert view["D"].open_request and view["C"].auto_complete_at and view["E"].auto_complete_paused
    assert view["A"].cancellation["kind"] == "mutual"
    path.unlink()
    return document


def write(path: Path, document: dict[str, Any], version: int) -> None:
    if version == 2:
        write_database(path, document)
    else:
        write_version_1(path, document)


def order(doc: dict, oid: str) -> dict:
    return next(o for o in doc["orders"].values() if o["id"] == oid)


def request_of(doc: dict, oid: str, state: str | None = None) -> dict:
    return next(r for r in doc["requests"].values()
                if r["order"] == oid and (state is None or r["state"] == state))


def meta(doc: dict) -> dict:
    return doc["meta"]["1"]


def _set(getter: Callable[[dict], dict], key: str, value: Any) -> Callable[[dict], None]:
    def change(doc: dict) -> None:
        getter(doc)[key] = value
    return change


def _drop(getter: Callable[[dict], dict], key: str) -> Callable[[dict], None]:
    def change(doc: dict) -> None:
        del getter(doc)[key]
    return change


def _add_row(table: str, row: Callable[[dict], dict]) -> Callable[[dict], None]:
    def change(doc: dict) -> None:
        doc[table][str(len(doc[table]) + 100)] = row(doc)
    return change


def _both(*changes: Callable[[dict], None]) -> Callable[[dict], None]:
    def change(doc: dict) -> None:
        for one in changes:
            one(doc)
    return change


def _instant_before_now(doc: dict) -> str:
    now = meta(doc)["now"]
    return now[:11] + "00:00:00Z" if now[11:13] != "00" else now[:8] + "01T00:00:00Z"


D_OPEN = lambda d: request_of(d, "D", "open")  # noqa: E731
C_DECLINED = lambda d: request_of(d, "C", "declined")  # noqa: E731
A_ORDER, C_ORDER, D_ORDER, E_ORDER = (lambda d, o=o: order(d, o) for o in "ACDE")
FIRST_EVENT = lambda d: d["events"]["1"]  # noqa: E731
FIRST_MESSAGE = lambda d: d["messages"]["1"]  # noqa: E731

BROKEN: dict[str, tuple[Callable[[dict], None], str, tuple[str, ...]]] = {
    # name: (how the good file is broken, the code, words the problem must contain)
    # ---- unknown statuses and names
    "order_status": (_set(A_ORDER, "status", "paused"), "unknown_value", ("order A", "'paused'")),
    "request_state": (_set(D_OPEN, "state", "pending"), "unknown_value", ("'pending'",)),
    "request_type": (_set(D_OPEN, "type", "refund"), "unknown_value", ("'refund'",)),
    "requester": (_set(D_OPEN, "requester", "admin"), "unknown_value", ("'admin'",)),
    "same_party": (_set(D_OPEN, "responder", "freelancer"), "same_party", ()),
    "sender": (_set(FIRST_MESSAGE, "sender", "support"), "unknown_value", ("'support'",)),
    "actor": (_set(FIRST_EVENT, "actor", "robot"), "unknown_value", ("'robot'",)),
    "cancellation_kind": (_set(A_ORDER, "cancellation", {"kind": "refund", "initiator": "buyer",
                                                         "resolved_by": "timeout", "request": None}),
                          "unknown_value", ("'refund'",)),
    # ---- a request that points nowhere
    "request_of_no_order": (_set(D_OPEN, "order", "ZZ"), "dangling_order", ("'ZZ'",)),
    "open_request_missing": (_set(C_ORDER, "open_request", "R-99"), "dangling_request",
                             ("order C", "R-99")),
    "open_request_not_open": (lambda d: order(d, "C").update(open_request=C_DECLINED(d)["id"]),
                              "open_request_not_open", ("order C", "declined")),
    "open_request_of_other_order": (lambda d: order(d, "B").update(open_request=D_OPEN(d)["id"]),
                                    "dangling_request", ("order B",)),
    "open_not_named": (_set(D_ORDER, "open_request", None), "open_request_unnamed", ("order D",)),
    "requests_list": (lambda d: order(d, "B")["requests"].append("R-77"), "dangling_request",
                      ("order B", "R-77")),
    "request_not_listed": (lambda d: order(d, "D")["requests"].clear(), "request_unlisted",
                           ("order D",)),
    "message_of_no_order": (_set(FIRST_MESSAGE, "order", "ZZ"), "dangling_order", ("'ZZ'",)),
    "event_of_no_order": (_set(FIRST_EVENT, "order", "ZZ"), "dangling_order", ("'ZZ'",)),
    "open_on_final_order": (_set(D_ORDER, "status", "completed"), "open_on_final", ("order D",)),
    "cancelled_without_how": (_set(A_ORDER, "cancellation", None), "cancellation_mismatch",
                              ("order A",)),
    # ---- the clock past an open deadline
    "request_deadline_past": (lambda d: D_OPEN(d).update(deadline=_instant_before_now(d)),
                              "deadline_past", ("order D",)),
    "clock_past_request": (lambda d: meta(d).update(now="2030-01-01T00:00:00Z"),
                           "deadline_past", ("2030-01-01",)),
    "auto_complete_past": (lambda d: C_ORDER(d).update(review_deadline=_instant_before_now(d)),
                           "deadline_past", ("order C",)),
    "auto_complete_not_delivered": (_set(C_ORDER, "status", "in_revision"), "auto_complete_state",
                                    ("order C",)),
    "paused_without_request": (_both(lambda d: E_ORDER(d).update(open_request=None),
                                     lambda d: request_of(d, "E", "open").update(
                                         state="withdrawn", closed_at=meta(d)["now"])),
                               "auto_complete_state", ("order E",)),
    "event_after_clock": (_set(FIRST_EVENT, "at", "2031-01-01T00:00:00Z"), "event_after_clock",
                          ("2031-01-01",)),
    # ---- wrong types
    "price_text": (_set(A_ORDER, "price", "120"), "field_type", ("order A", "price", "'120'")),
    "days_fraction": (_set(A_ORDER, "delivery_days", 3.5), "field_type", ("delivery_days", "3.5")),
    "price_bool": (_set(A_ORDER, "price", True), "field_type", ("price", "True")),
    "price_zero": (_set(A_ORDER, "price", 0), "field_type", ("price",)),
    "instant_number": (_set(A_ORDER, "created", 12345), "field_type", ("created", "12345")),
    "instant_text": (_set(D_OPEN, "deadline", "soon"), "field_type", ("deadline", "'soon'")),
    "requests_text": (_set(A_ORDER, "requests", "R-1"), "field_type", ("requests",)),
    "remaining_text": (_set(E_ORDER, "review_remaining", "1d"), "field_type", ("review_remaining",)),
    "remaining_huge": (_set(E_ORDER, "review_remaining", 10**30), "field_range",
                       ("review_remaining",)),
    "days_huge": (_set(D_OPEN, "days", 10**9), "field_range", ("days",)),
    "message_text_number": (_set(FIRST_MESSAGE, "text", 5), "field_type", ("text",)),
    "event_seq_text": (_set(FIRST_EVENT, "seq", "1"), "field_type", ("seq",)),
    "event_data_list": (_set(FIRST_EVENT, "data", []), "field_type", ("data",)),
    "counter_text": (lambda d: meta(d)["counters"].update(request="7"), "field_type", ("request",)),
    "counters_missing": (_drop(meta, "counters"), "field_missing", ("counters",)),
    "clock_number": (_set(meta, "now", 5), "field_type", ("now",)),
    "order_not_object": (lambda d: d["orders"].update({"1": "A"}), "field_type", ("orders",)),
    "table_list": (lambda d: d.update(events=[]), "field_type", ("events",)),
    "table_missing": (lambda d: d.pop("requests"), "field_missing", ("requests",)),
    "missing_title": (_drop(A_ORDER, "title"), "field_missing", ("order A", "title")),
    # ---- ids and counters that would repeat
    "duplicate_order": (_add_row("orders", lambda d: dict(order(d, "B"))), "duplicate", ("'B'",)),
    "duplicate_request": (_add_row("requests", lambda d: dict(C_DECLINED(d))), "duplicate", ()),
    "request_counter_low": (lambda d: meta(d)["counters"].update(request=1), "counter_low",
                            ("request",)),
    "message_counter_low": (lambda d: meta(d)["counters"].update(message=0), "counter_low",
                            ("message",)),
    "event_gap": (lambda d: d["events"].pop("2"), "event_sequence", ()),
    "event_counter": (lambda d: meta(d)["counters"].update(event=3), "event_counter", ()),
}


@pytest.mark.parametrize("version", [2, 1])
@pytest.mark.parametrize("name", list(BROKEN))
def test_an_inconsistent_file_is_refused_at_open_naming_what_is_wrong_and_left_untouched(
        tmp_path, name, version):
    change, code, words = BROKEN[name]
    document = good_document(tmp_path, version)
    change(document)
    path = tmp_path / f"{name}.json"
    write(path, document, version)
    raw = path.read_bytes()
    for read_only in (False, True):
        with pytest.raises(SimulationFileError) as caught:
            Simulation.open(path, read_only=read_only)
        error = caught.value
        assert error.code == code, error.problem
        assert error.path == str(path)
        for word in words:
            assert word in error.problem, error.problem
    assert path.read_bytes() == raw
    assert files(tmp_path) == [path.name]  # no temporary file (the lock file stays)


@pytest.mark.parametrize("version", [2, 1])
def test_the_untouched_good_file_opens(tmp_path, version):
    path = tmp_path / "sim.json"
    write(path, good_document(tmp_path, version), version)
    with Simulation.open(path) as sim:
        assert len(sim.order_ids()) == 5


def journal_document(tmp_path: Path) -> dict[str, Any]:
    """A version 2 file with a checkpoint and three steps after it, of each kind."""
    path = tmp_path / "good.json"
    with Simulation.create(path, start=START) as sim:
        sim.add_orders([{"id": "A", "title": "Logo", "price": 120, "delivery_days": 3},
                        {"id": "B", "title": "Copy", "price": 85.5, "delivery_days": 4}])
        sim.compact()
        sim.add_order("C", "Photos", 60, 2, status="delivered")
        sim.act("buyer", "ask_to_cancel", "A", comment="Plans changed")
        sim.advance("1h")
    document = read_database(path)
    path.unlink()
    assert document["meta"]["1"]["checkpoint"] == 1 and len(document["steps"]) == 4
    return document


def step(doc: dict, number: int) -> dict:
    return doc["steps"][str(number)]


BROKEN_JOURNAL: dict[str, tuple[Callable[[dict], None], str, tuple[str, ...]]] = {
    "step_gap": (lambda d: d["steps"].update({"7": d["steps"].pop("4")}), "step_sequence",
                 ("step 4", "7")),
    "step_kind": (lambda d: step(d, 3).update(kind="undo"), "unknown_value", ("step 3", "'undo'")),
    "step_not_object": (lambda d: d["steps"].update({"3": ["act"]}), "field_type", ("steps",)),
    "step_fields_list": (lambda d: step(d, 3).update(fields=[]), "field_type", ("step 3", "fields")),
    "step_at_missing": (lambda d: step(d, 4).pop("at"), "field_missing", ("step 4", "at")),
    "step_order_spec": (lambda d: step(d, 2)["orders"][0].update(price="60"), "field_type",
                        ("step 2", "price")),
    "step_unknown_order": (lambda d: step(d, 3).update(order="ZZ"), "step_refused",
                           ("step 3", "ZZ")),
    "step_refused_field": (lambda d: step(d, 3)["fields"].update(reason="bored"), "step_refused",
                           ("step 3", "bored")),
    "step_at_other_time": (lambda d: step(d, 3).update(at="2026-03-02T10:00:00Z"), "step_refused",
                           ("step 3",)),
    "step_clock_back": (lambda d: step(d, 4).update(to="2026-03-01T10:00:00Z"), "step_refused",
                        ("step 4",)),
    "step_duplicate_order": (lambda d: step(d, 2)["orders"][0].update(id="A"), "step_refused",
                             ("step 2", "A")),
    "checkpoint_ahead": (lambda d: meta(d).update(checkpoint=9), "checkpoint_ahead", ("9", "4")),
    "checkpoint_text": (lambda d: meta(d).update(checkpoint="1"), "field_type", ("checkpoint",)),
    "origin_missing": (lambda d: meta(d).pop("origin"), "field_type", ("origin",)),
    "origin_rules": (lambda d: meta(d)["origin"]["rules"].update(auto_complete_hours=0),
                     "bad_rules", ("auto_complete_hours",)),
    "steps_missing": (lambda d: d.pop("steps"), "field_missing", ("steps",)),
    "unknown_table": (lambda d: d.update({"notes": {"1": {"a": 1}}}), "unknown_value",
                      ("'notes'",)),
}


@pytest.mark.parametrize("name", list(BROKEN_JOURNAL))
def test_a_journal_that_does_not_replay_is_refused_at_open_naming_the_step_and_left_untouched(
        tmp_path, name):
    change, code, words = BROKEN_JOURNAL[name]
    document = journal_document(tmp_path)
    change(document)
    path = tmp_path / f"{name}.json"
    write_database(path, document)
    raw = path.read_bytes()
    for read_only in (False, True):
        with pytest.raises(SimulationFileError) as caught:
            Simulation.open(path, read_only=read_only)
        error = caught.value
        assert error.code == code, error.problem
        for word in words:
            assert word in error.problem, error.problem
    assert path.read_bytes() == raw
    assert files(tmp_path) == [path.name]


def test_the_untouched_journal_opens_and_replays_its_steps(tmp_path):
    path = tmp_path / "sim.json"
    write_database(path, journal_document(tmp_path))
    with Simulation.open(path) as sim:
        assert sim.step_count == 4 and sim.order_view("A").open_request is not None


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_state_of_every_library_scenario_passes_the_checks(tmp_path, scenario):
    story = load(scenario)
    path = tmp_path / "sim.json"
    player = Player(story, story.simulation(path))
    try:
        while not player.done:
            player.step()
            with Simulation.open(path, read_only=True) as look:
                assert look.snapshot() == player.simulation.snapshot()
    finally:
        player.simulation.close()
