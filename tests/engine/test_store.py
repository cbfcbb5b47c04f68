"""The simulation file: a TinyDB database, written once per change, refused when it is not one."""

from __future__ import annotations

import json
import signal
import threading
import time
from pathlib import Path

import pytest
import tinydb

from rcsim import engine
from rcsim.engine import Simulation, SimulationFileError
from rcsim.engine.storage import FORMAT, TABLES, VERSION, JournalStorage, encode

from .conftest import START, files
from .layouts import compacted, version_1_document, write_database
from .reach import journal_of, state_of


def busy_sim(path: Path) -> Simulation:
    """A file simulation with orders, open and closed requests, messages and fired deadlines."""
    sim = Simulation.create(path, start=START)
    sim.add_orders([
        {"id": "A", "title": "Logo", "price": 120, "delivery_days": 3},
        {"id": "B", "title": "Copy", "price": 85.5, "delivery_days": 4, "status": "incomplete"},
        {"id": "C", "title": "Photos", "price": 60, "delivery_days": 2, "status": "delivered"},
        {"id": "D", "title": "Video", "price": 300, "delivery_days": 5},
    ])
    sim.act("buyer", "ask_to_cancel", "A", comment="Plans changed", reason="no_longer_needed")
    sim.act("freelancer", "request_extension", "D", days=2, extra_price=15.25,
            extra_description="Second cut", comment="Need two more days")
    sim.act("buyer", "ask_to_cancel", "C", comment="Wrong colours")
    sim.advance("12h")
    sim.act("freelancer", "decline", "C", comment="They match the brief")
    sim.advance("50h")  # A's cancellation times out
    return sim


def test_round_trip_create_act_close_open_gives_same_snapshot(tmp_path):
    path = tmp_path / "sim.json"
    sim = busy_sim(path)
    before = sim.snapshot()
    deadlines = sim.deadlines()
    assert before["events"] and before["messages"] and before["requests"]
    sim.close()
    with Simulation.open(path) as again:
        assert again.snapshot() == before
        assert again.deadlines() == deadlines
        assert again.order_view("A").status == "cancelled"
        # and it carries on the same way: D's extension runs out at its own deadline
        events = again.advance("10d")
        assert [(e.type, e.order, e.data["outcome"]) for e in events if e.type == "timeout"] == [
            ("timeout", "D", "expired")]


def test_file_is_a_tinydb_database_with_the_documented_tables(tmp_path):
    path = tmp_path / "sim.json"
    sim = busy_sim(path)
    snap = sim.snapshot()
    steps = sim.step_count
    sim.close()
    assert all(line.startswith(b'{"') for line in path.read_bytes().splitlines())  # JSON lines
    db = tinydb.TinyDB(path, storage=JournalStorage)  # TinyDB reads it through its storage
    try:
        assert set(db.tables()) == set(TABLES)
        meta = db.table("meta").all()
        assert len(meta) == 1
        assert meta[0]["format"] == FORMAT and meta[0]["version"] == VERSION
        assert meta[0]["checkpoint"] == 0 and meta[0]["now"] == START  # the state as created ...
        assert meta[0]["origin"]["now"] == START and meta[0]["origin"]["rows"] == 0
        assert db.table("orders").all() == []
        journal = db.table("steps")  # ... and every step since, one document each
        assert len(journal) == steps == 7
        assert [doc["kind"] for doc in journal.all()] == [
            "orders", "act", "act", "act", "clock", "act", "clock"]
        assert journal.get(doc_id=5) == {"kind": "clock", "at": "2026-03-02T09:00:00Z",
                                         "to": "2026-03-02T21:00:00Z"}
        rules = db.table("rules").all()
        assert len(rules) == 1 and rules[0]["cancellation_response_hours"] == 48
    finally:
        db.close()
    with Simulation.open(path) as again:
        again.compact()  # a fresh checkpoint: the state's own tables, as format version 1 had
    db = tinydb.TinyDB(path, storage=JournalStorage)
    try:
        meta = db.table("meta").all()[0]
        assert meta["checkpoint"] == steps and meta["now"] == "2026-03-04T23:00:00Z"
        orders = {doc["id"]: doc for doc in db.table("orders").all()}
        assert set(orders) == {"A", "B", "C", "D"}
        assert orders["B"]["price"] == 8550 and orders["A"]["status"] == "cancelled"
        assert len(db.table("events").all()) == len(snap["events"])
        assert len(db.table("requests").all()) == 3
        assert len(db.table("steps")) == steps  # compaction keeps every step
    finally:
        db.close()


def test_tinydb_writes_through_the_storage_append_what_is_new_and_rewrite_the_rest(tmp_path):
    path = tmp_path / "plain.json"
    db = tinydb.TinyDB(path, storage=JournalStorage)
    db.table("notes").insert({"text": "one"})
    db.table("notes").insert({"text": "two"})
    assert path.read_bytes().count(b"\n") == 2  # each insert appended one line
    db.table("notes").update({"text": "TWO"}, doc_ids=[2])  # a change rewrites the file whole
    assert path.read_bytes().count(b"\n") == 1
    db.table("notes").remove(doc_ids=[1])
    assert [doc["text"] for doc in db.table("notes").all()] == ["TWO"]
    db.close()
    assert [p.name for p in tmp_path.iterdir()] == ["plain.json"]


def step_lines(monkeypatch) -> tuple[list[dict], list[int]]:
    """Record the pieces appended to simulation files and count their whole rewrites."""
    appended: list[dict] = []
    rewrites: list[int] = []
    real_append, real_rewrite = JournalStorage.append, JournalStorage.rewrite

    def append(self, fragment):
        appended.append(fragment)
        return real_append(self, fragment)

    def rewrite(self, lines):
        rewrites.append(1)
        return real_rewrite(self, lines)

    monkeypatch.setattr(JournalStorage, "append", append)
    monkeypatch.setattr(JournalStorage, "rewrite", rewrite)
    return appended, rewrites


@pytest.mark.parametrize("step", ["act", "advance_many", "next_deadline", "add_orders"])
@pytest.mark.parametrize("size", [40, 400])
def test_one_change_is_exactly_one_append_of_the_step_however_many_deadlines_fire(
        tmp_path, monkeypatch, step, size):
    sim = Simulation.create(tmp_path / "sim.json", start=START)
    sim.add_orders([{"id": f"O{i}", "title": "t", "price": 10, "delivery_days": 3} for i in range(size)])
    for i in range(size):
        sim.act("buyer", "ask_to_cancel", f"O{i}", comment="bye")
    sim.compact()
    appended, rewrites = step_lines(monkeypatch)
    before = sim.path.stat().st_size
    if step == "act":
        sim.act("freelancer", "accept", "O0")
    elif step == "advance_many":
        events = sim.advance("30d")
        assert len(events) == size  # every deadline fired ...
    elif step == "next_deadline":
        events = sim.advance_to_next_deadline()
        assert len(events) == size  # all share one instant: ties fire together
    else:
        sim.add_orders([{"id": f"N{i}", "title": "t", "price": 10, "delivery_days": 3} for i in range(25)])
    number = sim.step_count
    assert appended == [{"steps": {str(number): sim.journal(number - 1)[0].record}}]  # ... in one line
    assert rewrites == []
    line = sim.path.stat().st_size - before
    assert line == len(encode(appended[0]))  # what it wrote is the step, whatever the size
    assert line < (3000 if step == "add_orders" else 200)
    sim.close()


def test_refused_action_writes_nothing(tmp_path, monkeypatch):
    sim = Simulation.create(tmp_path / "sim.json", start=START)
    sim.add_order("A", "t", 10, 3)
    appended, rewrites = step_lines(monkeypatch)
    with pytest.raises(engine.Refusal):
        sim.act("buyer", "accept_delivery", "A")
    with pytest.raises(engine.Refusal):
        sim.advance("-1h")
    with pytest.raises(engine.Refusal):
        sim.add_orders([{"id": "B", "title": "t", "price": 10, "delivery_days": 3},
                        {"id": "B", "title": "t", "price": 10, "delivery_days": 3}])
    assert appended == [] and rewrites == [] and sim.step_count == 1
    sim.close()


def test_memory_simulation_serialises_nothing(monkeypatch):
    from rcsim.engine import model

    for record in (model.Order, model.Request, model.Message, model.Event):
        monkeypatch.setattr(record, "to_doc", lambda self: pytest.fail("serialised in memory"))
    sim = Simulation.create(None, start=START)
    sim.add_orders([{"id": f"O{i}", "title": "t", "price": 10, "delivery_days": 3} for i in range(50)])
    for i in range(50):
        sim.act("buyer", "ask_to_cancel", f"O{i}", comment="bye")
    sim.advance("30d")
    assert sim.step_count == 52 and sim.order_view("O1").status == "cancelled"


def _good_doc(tmp_path: Path, version: int) -> dict:
    path = tmp_path / "good.json"
    sim = busy_sim(path)
    document = compacted(sim) if version == 2 else version_1_document(sim)
    sim.close()
    return document


def _damaged(doc: dict) -> dict:
    doc = json.loads(json.dumps(doc))
    first = next(iter(doc["orders"]))
    del doc["orders"][first]["status"]
    return doc


def _bad_order_time(doc: dict) -> dict:
    doc = json.loads(json.dumps(doc))
    first = next(iter(doc["orders"]))
    doc["orders"][first]["created"] = "yesterday-ish"
    return doc


def _bad_rules(doc: dict) -> dict:
    doc = json.loads(json.dumps(doc))
    doc["rules"]["1"]["cancellation_response_hours"] = "two days"
    return doc


def _rules_without_policy(doc: dict) -> dict:
    doc = json.loads(json.dumps(doc))
    del doc["rules"]["1"]["policy"]
    return doc


def _meta(doc: dict, **changes) -> dict:
    doc = json.loads(json.dumps(doc))
    doc["meta"]["1"].update(changes)
    return doc


BAD_FILES = {
    # name: (bytes or a function of the good document, words the problem must contain)
    "empty": (lambda d: b"", "empty"),
    "blank": (lambda d: b"  \n\t", "empty"),
    "not_json": (lambda d: b"this is { not json", "not valid JSON"),
    "not_utf8": (lambda d: b"\xff\xfe\x00garbage", "cannot be read"),
    "json_without_meta": (lambda d: {k: v for k, v in d.items() if k != "meta"}, "no rcsim meta table"),
    "json_list": (lambda d: [1, 2, 3], "no rcsim meta table"),
    "json_null": (lambda d: None, "no rcsim meta table"),
    "plain_tinydb": (lambda d: {"_default": {"1": {"a": 1}}}, "no rcsim meta table"),
    "meta_not_a_table": (lambda d: {**d, "meta": ["format"]}, "no rcsim meta table"),
    "meta_text": (lambda d: {**d, "meta": "rcsim"}, "no rcsim meta table"),
    "meta_doc_text": (lambda d: {**d, "meta": {"1": "rcsim-simulation"}}, "not an rcsim simulation"),
    "wrong_format": (lambda d: _meta(d, format="someone-else"), "not an rcsim simulation"),
    "unknown_version": (lambda d: _meta(d, version=99), "version 99"),
    "damaged_order_doc": (_damaged, "damaged"),
    "bad_instant_in_order": (_bad_order_time, "damaged"),
    "bad_rules": (_bad_rules, "damaged"),
    "rules_without_policy": (_rules_without_policy, "no policy"),
    "bad_clock": (lambda d: _meta(d, now=None), "damaged"),
}


@pytest.mark.parametrize("version", [2, 1])
@pytest.mark.parametrize("name", list(BAD_FILES))
def test_refused_file_names_file_and_problem_and_is_left_byte_identical(tmp_path, name, version):
    make, words = BAD_FILES[name]
    content = make(_good_doc(tmp_path, version))
    path = tmp_path / f"{name}.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, dict) and version == 2:
        write_database(path, content)
    else:
        path.write_text(json.dumps(content), encoding="utf-8")
    raw = path.read_bytes()
    with pytest.raises(SimulationFileError) as info:
        Simulation.open(path)
    error = info.value
    assert error.path == str(path)
    assert str(path) in str(error)
    assert words in error.problem
    assert path.read_bytes() == raw
    assert files(tmp_path) == sorted(["good.json", path.name])


def test_missing_file_is_refused_and_not_created(tmp_path):
    path = tmp_path / "nothing-here.json"
    with pytest.raises(SimulationFileError) as info:
        Simulation.open(path)
    assert info.value.path == str(path) and "does not exist" in info.value.problem
    assert not path.exists()


def test_a_folder_is_not_a_simulation_file(tmp_path):
    with pytest.raises(SimulationFileError) as info:
        Simulation.open(tmp_path)
    assert "not a file" in info.value.problem


def test_create_refuses_an_existing_path_and_leaves_it_alone(tmp_path):
    path = tmp_path / "mine.json"
    path.write_bytes(b"precious")
    with pytest.raises(SimulationFileError) as info:
        Simulation.create(path, start=START)
    assert info.value.path == str(path) and "already exists" in info.value.problem
    assert path.read_bytes() == b"precious"


def test_create_refuses_an_existing_simulation_too(tmp_path):
    path = tmp_path / "sim.json"
    busy_sim(path).close()
    raw = path.read_bytes()
    with pytest.raises(SimulationFileError):
        Simulation.create(path, start=START)
    assert path.read_bytes() == raw


def test_create_in_a_missing_folder_is_refused(tmp_path):
    path = tmp_path / "no" / "such" / "sim.json"
    with pytest.raises(SimulationFileError) as info:
        Simulation.create(path, start=START)
    assert "does not exist" in info.value.problem
    assert not (tmp_path / "no").exists()


def test_refused_rules_create_no_file(tmp_path):
    path = tmp_path / "sim.json"
    with pytest.raises(engine.Refusal) as info:
        Simulation.create(path, start=START, rules={"cancellation_response_hours": 0})
    assert info.value.code == "bad_rules"
    with pytest.raises(engine.Refusal):
        Simulation.create(path, start=START, rules={"no_such_rule": 1})
    assert not path.exists()


def test_write_leaves_no_temporary_files_behind(tmp_path):
    sim = busy_sim(tmp_path / "sim.json")
    sim.close()
    assert files(tmp_path) == ["sim.json"]


def test_memory_simulation_behaves_like_a_file_one(tmp_path):
    on_disk = busy_sim(tmp_path / "sim.json")
    memory = Simulation.create(None, start=START)
    assert memory.path is None
    memory.add_orders([
        {"id": "A", "title": "Logo", "price": 120, "delivery_days": 3},
        {"id": "B", "title": "Copy", "price": 85.5, "delivery_days": 4, "status": "incomplete"},
        {"id": "C", "title": "Photos", "price": 60, "delivery_days": 2, "status": "delivered"},
        {"id": "D", "title": "Video", "price": 300, "delivery_days": 5},
    ])
    memory.act("buyer", "ask_to_cancel", "A", comment="Plans changed", reason="no_longer_needed")
    memory.act("freelancer", "request_extension", "D", days=2, extra_price=15.25,
               extra_description="Second cut", comment="Need two more days")
    memory.act("buyer", "ask_to_cancel", "C", comment="Wrong colours")
    memory.advance("12h")
    memory.act("freelancer", "decline", "C", comment="They match the brief")
    memory.advance("50h")
    assert memory.snapshot() == on_disk.snapshot()
    on_disk.close()
    memory.close()


def test_atomic_writes_keep_the_file_mode(tmp_path):
    import os
    import stat

    from rcsim.engine.atomic import write_text

    fresh = write_text(tmp_path / "new.toml", "a = 1\n")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~mask  # not the temp file's 0600
    os.chmod(fresh, 0o640)
    write_text(fresh, "a = 2\n")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o640 and fresh.read_text() == "a = 2\n"


def test_the_file_compacts_itself_when_replaying_would_cost_too_much_and_keeps_every_step(tmp_path):
    path = tmp_path / "sim.json"
    sim = Simulation.create(path, start=START)
    sim.add_orders([{"id": f"O{i}", "title": "t", "price": 10, "delivery_days": 3} for i in range(10)])
    checkpoints = set()
    for i in range(1500):  # many small steps: the replay since the checkpoint grows
        order = f"O{i % 10}"
        if sim.order_view(order).open_request is None:
            sim.act("buyer", "request_update", order)
        else:
            sim.act("buyer", "withdraw", order)
        checkpoints.add(journal_of(sim).checkpoint_step)
    assert len(checkpoints) >= 2 and max(checkpoints) > 500  # it compacted by itself
    snap, records = sim.snapshot(), [e.record for e in sim.journal()]
    sim.close()
    assert files(tmp_path) == ["sim.json"]  # no temporary file left
    data = JournalStorage(path).read()
    assert data["meta"]["1"]["checkpoint"] == max(checkpoints)
    assert len(data["steps"]) == 1501  # every step kept
    with Simulation.open(path) as again:
        assert again.snapshot() == snap and [e.record for e in again.journal()] == records


@pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="needs pthread_kill")
@pytest.mark.parametrize("where", ["file", "memory"])
def test_a_step_interrupted_half_way_is_taken_back_in_memory_and_on_disk(tmp_path, where):
    """A real Ctrl-C (SIGINT) while a clock move fires thousands of deadlines: the move is taken
    back as a whole, on disk and in memory, as if it had been refused."""
    sim = Simulation.create(None, start=START)
    sim.add_orders([{"id": f"O{i}", "title": "t", "price": 10, "delivery_days": 3} for i in range(10_000)])
    for i in range(10_000):
        sim.act("buyer", "ask_to_cancel", f"O{i}", comment="bye")
    path = tmp_path / "sim.json" if where == "file" else None
    if path is not None:
        sim = sim.save_as(path)
    before, steps = sim.snapshot(), sim.step_count
    raw = path.read_bytes() if path else None
    inside: list[bool] = []  # (a plain list: the interrupt may land anywhere, even in a lock)
    fired = []

    def interrupt(signum, frame):
        if inside:  # only while the step's effect is under way
            fired.append(1)
            raise KeyboardInterrupt

    state = state_of(sim)
    real_fire = state._fire

    def fire(kind, ref):  # (the real effect; it tells the test the effect has begun)
        inside.append(True)
        return real_fire(kind, ref)

    def poke() -> None:
        give_up = time.monotonic() + 10
        while not inside and time.monotonic() < give_up:
            time.sleep(0.001)
        main = threading.main_thread().ident
        assert main is not None
        signal.pthread_kill(main, signal.SIGINT)

    previous = signal.signal(signal.SIGINT, interrupt)
    state._fire = fire
    timer = threading.Thread(target=poke)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            sim.advance("30d")
    finally:
        inside.clear()
        timer.join()
        signal.signal(signal.SIGINT, previous)
        del state._fire
    assert fired
    assert sim.snapshot() == before and sim.step_count == steps
    if path is not None:
        assert path.read_bytes() == raw
    assert len(sim.advance("30d")) == 10_000  # and it goes on from there
    sim.close()


def test_a_file_removed_while_open_is_written_anew_at_the_next_step(tmp_path):
    path = tmp_path / "sim.json"
    sim = busy_sim(path)
    path.unlink()  # (by hand, or by another program)
    sim.advance("1h")
    snap, steps = sim.snapshot(), sim.step_count
    sim.close()
    with Simulation.open(path) as again:
        assert again.snapshot() == snap and again.step_count == steps
