"""Going back in time: undo, redo, rewind and branch give exactly the states the journal's steps
make, in memory and on file, and the file says where the simulation stands."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import given

from rcsim.engine import Refusal, Simulation, SimulationFileError
from rcsim.engine.storage import body_of, encode

from .conftest import START
from .test_journal import journals, settings_, take

ROOT = Path(__file__).resolve().parents[2]

# Time travel mixed into the random calls: undo, redo, and a rewind to some step kept.
travel_op = st.one_of(st.tuples(st.just("undo")), st.tuples(st.just("redo")),
                      st.tuples(st.just("rewind"), st.integers(0, 60)))
travelling = st.tuples(journals, st.lists(st.tuples(st.integers(0, 60), travel_op), max_size=8))


def state(sim: Simulation) -> tuple[Any, ...]:
    """Everything a state is: the records, the clock, the counters and the deadlines to come."""
    return sim.snapshot(), sim.next_deadline(), sim.deadlines()


def travel(sim: Simulation, op: tuple) -> None:
    try:
        if op[0] == "undo":
            sim.undo()
        elif op[0] == "redo":
            sim.redo()
        else:
            sim.rewind(op[1] % (sim.step_count + sim.redo_count + 1))
    except Refusal as refusal:
        assert refusal.code in ("nothing_to_undo", "nothing_to_redo")


def play(sim: Simulation, journal: list, trips: list) -> None:
    """The random calls, with the time travel inserted among them."""
    at = {index % (len(journal) + 1): op for index, op in trips}
    count = [0]
    for index, op in enumerate(journal):
        if index in at:
            travel(sim, at[index])
        take(sim, op, count)
    if len(journal) in at:
        travel(sim, at[len(journal)])


def fresh_replay(policy: str, records: list) -> Simulation:
    fresh = Simulation.create(None, start=START, policy=policy)
    for record in records:
        fresh.replay(record)
    return fresh


@given(trip=travelling, policy=st.sampled_from(["seed", "current"]))
@settings_
def test_rewind_to_k_equals_replaying_the_first_k_steps_on_a_fresh_simulation(trip, policy):
    journal, trips = trip
    with tempfile.TemporaryDirectory(prefix="rcsim-travel-") as folder:
        sim = Simulation.create(Path(folder) / "sim.json", start=START, policy=policy)
        play(sim, journal, trips)
        history = sim.history()
        kept = len(history)
        assert kept == sim.step_count + sim.redo_count
        assert [h.number for h in history] == list(range(1, kept + 1))
        assert [h.undone for h in history] == [n > sim.step_count for n in range(1, kept + 1)]
        records = [dict(h.record) for h in history]
        for k in [*range(kept, -1, -1), *range(0, kept + 1)]:  # back down, then up again
            sim.rewind(k)
            fresh = fresh_replay(policy, records[:k])
            assert state(sim) == state(fresh), k
            assert sim.step_count == k and sim.redo_count == kept - k
            assert [e.record for e in sim.journal()] == records[:k]
            # the events each step caused are the ones its replay causes
            assert [e for h in sim.history()[:k] for e in h.events] == list(fresh.events())
        sim.close()


@given(trip=travelling, policy=st.sampled_from(["seed", "current"]))
@settings_
def test_undo_gives_back_the_state_before_any_step_and_redo_the_state_after(trip, policy):
    journal, trips = trip
    sim = Simulation.create(None, start=START, policy=policy)
    play(sim, journal, trips)
    # the states after each step in effect, read on the way up
    before_all = sim.step_count
    after: list[tuple[Any, ...]] = []
    sim.rewind(0)
    after.append(state(sim))
    for _ in range(before_all):
        sim.redo()
        after.append(state(sim))
    # every step undone in turn gives the state before it, and redone the state after it
    for k in range(before_all, 0, -1):
        assert state(sim) == after[k]
        taken = sim.undo()
        assert taken.number == k and taken.undone
        assert state(sim) == after[k - 1], k
        assert sim.redo().number == k
        assert state(sim) == after[k], k
        sim.undo()
    with pytest.raises(Refusal) as caught:
        sim.undo()
    assert caught.value.code == "nothing_to_undo" and state(sim) == after[0]


@given(trip=travelling)
@settings_
def test_a_new_step_after_an_undo_drops_the_steps_that_could_be_redone(trip):
    journal, trips = trip
    sim = Simulation.create(None, start=START)
    play(sim, journal, trips)
    if sim.step_count == 0:
        sim.redo() if sim.redo_count else sim.advance("1h")
    sim.undo()
    assert sim.redo_count >= 1
    kept_before = [dict(h.record) for h in sim.history()[:sim.step_count]]
    sim.advance("5m")
    assert sim.redo_count == 0
    assert [dict(h.record) for h in sim.history()][:-1] == kept_before
    with pytest.raises(Refusal) as caught:
        sim.redo()
    assert caught.value.code == "nothing_to_redo"


@given(trip=travelling, pick=st.integers(0, 60))
@settings_
def test_reopening_shows_the_same_step_the_same_steps_to_redo_and_the_same_state(trip, pick):
    journal, trips = trip
    with tempfile.TemporaryDirectory(prefix="rcsim-travel-") as folder:
        path = Path(folder) / "sim.json"
        sim = Simulation.create(path, start=START)
        play(sim, journal, trips)
        sim.rewind(pick % (sim.step_count + sim.redo_count + 1))
        expected = state(sim), sim.step_count, [dict(h.record) for h in sim.history()]
        sim.close()
        with Simulation.open(path, read_only=True) as look:
            assert (state(look), look.step_count) == expected[:2]
        with Simulation.open(path) as again:
            assert (state(again), again.step_count,
                    [dict(h.record) for h in again.history()]) == expected
            if again.redo_count:  # and the steps to redo are put back as they were
                again.rewind(again.step_count + again.redo_count)
                sim_all = fresh_replay("seed", expected[2])
                assert state(again) == state(sim_all)


@given(trip=travelling, pick=st.integers(0, 60))
@settings_
def test_a_branch_reopened_equals_rewind_to_its_step_and_leaves_the_original_untouched(trip, pick):
    journal, trips = trip
    with tempfile.TemporaryDirectory(prefix="rcsim-travel-") as folder:
        path = Path(folder) / "sim.json"
        sim = Simulation.create(path, start=START)
        play(sim, journal, trips)
        k = pick % (sim.step_count + sim.redo_count + 1)
        original, position, here = path.read_bytes(), sim.step_count, state(sim)
        branch = sim.branch(k, Path(folder) / "branch.json")
        assert path.read_bytes() == original  # byte for byte
        assert sim.step_count == position and state(sim) == here
        records = [dict(h.record) for h in sim.history()[:k]]
        with Simulation.open(branch) as opened:
            assert opened.branched_from is not None
            assert (opened.branched_from.file, opened.branched_from.step) == (path.resolve(), k)
            assert [dict(h.record) for h in opened.history()] == records
            assert opened.redo_count == 0
            sim.rewind(k)
            assert state(opened) == state(sim)
        sim.close()


def test_undo_takes_back_every_kind_of_step_and_the_clock_goes_back(tmp_path):
    sim = Simulation.create(tmp_path / "sim.json", start=START)
    sim.add_order("A", "Logo", 120, 3)
    sim.act("buyer", "ask_to_cancel", "A", comment="Sorry", reason="no_longer_needed")
    sim.advance("2d")
    assert sim.order_view("A").cancellation["kind"] == "mutual"
    clock = sim.undo()
    assert (clock.kind, clock.to, sim.now) == ("clock", sim.now + (clock.to - sim.now), clock.at)
    assert [e.type for e in clock.events] == ["timeout"]
    assert sim.order_view("A").status == "in_progress" and sim.next_deadline() is not None
    act = sim.undo()
    assert (act.kind, act.party, act.action, act.order) == ("act", "buyer", "ask_to_cancel", "A")
    assert sim.order_view("A").open_request is None
    orders = sim.undo()
    assert (orders.kind, orders.orders) == ("orders", ("A",))
    assert sim.order_ids() == () and sim.events() == ()
    assert [h.undone for h in sim.history()] == [True, True, True]
    sim.redo()
    assert sim.order_ids() == ("A",)


def test_rewind_refuses_a_step_that_is_not_kept_and_changes_nothing(tmp_path):
    path = tmp_path / "sim.json"
    sim = Simulation.create(path, start=START)
    sim.add_order("A", "Logo", 120, 3)
    sim.advance("1h")
    before, content = sim.snapshot(), path.read_bytes()
    for bad in (-1, 3, 10, True, "1", 1.0):
        with pytest.raises(Refusal) as caught:
            sim.rewind(bad)
        assert caught.value.code == "no_such_step"
        assert sim.snapshot() == before and path.read_bytes() == content
    assert sim.rewind(2) == ()  # where it stands: nothing to do, nothing written
    assert path.read_bytes() == content
    with pytest.raises(Refusal):
        sim.branch(3, tmp_path / "b.json")
    assert not (tmp_path / "b.json").exists()


def test_a_read_only_look_refuses_to_travel_but_can_be_branched(tmp_path):
    path = tmp_path / "sim.json"
    with Simulation.create(path, start=START) as sim:
        sim.add_order("A", "Logo", 120, 3)
        sim.advance("1h")
    content = path.read_bytes()
    with Simulation.open(path, read_only=True) as look:
        for call in (look.undo, look.redo, lambda: look.rewind(0)):
            with pytest.raises(Refusal) as caught:
                call()
            assert caught.value.code == "read_only"
        look.branch(1, tmp_path / "b.json")
    assert path.read_bytes() == content
    with Simulation.open(tmp_path / "b.json") as branch:
        assert branch.step_count == 1 and branch.now.hour == 9


def test_a_branch_is_never_written_over_a_file_and_remembers_a_memory_origin(tmp_path):
    sim = Simulation.create(None, start=START)
    sim.add_order("A", "Logo", 120, 3)
    taken = tmp_path / "taken.json"
    taken.write_text("mine")
    with pytest.raises(SimulationFileError) as caught:
        sim.branch(1, taken)
    assert caught.value.code == "exists" and taken.read_text() == "mine"
    path = sim.branch(1, tmp_path / "b.json")
    with Simulation.open(path) as branch:
        assert branch.branched_from.file is None and branch.branched_from.step == 1


UNWRITABLE_CHILD = """
import json, os, resource, sys
sys.path.insert(0, {root!r})
from rcsim.engine import Refusal, Simulation
sim = Simulation.open({path!r})
before = (sim.snapshot(), sim.step_count, sim.redo_count)
size = os.path.getsize({path!r})
resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))  # the file cannot grow: no append
out = []
for change in (sim.undo, sim.redo, lambda: sim.rewind(0)):
    try:
        change()
        out.append("written")
    except Refusal as refusal:
        out.append([refusal.code, (sim.snapshot(), sim.step_count, sim.redo_count) == before])
print(json.dumps(out))
sim.close()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="needs resource limits")
def test_a_time_travel_the_system_refuses_to_write_changes_nothing(tmp_path):
    path = tmp_path / "sim.json"
    with Simulation.create(path, start=START) as sim:
        sim.add_order("A", "Logo", 120, 3)
        sim.advance("1h")
        sim.advance("1h")
        sim.undo()  # one step to redo
    content = path.read_bytes()
    result = subprocess.run([sys.executable, "-c", UNWRITABLE_CHILD.format(root=str(ROOT), path=str(path))],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert json.loads(result.stdout) == [["write_failed", True]] * 3
    assert path.read_bytes() == content


def test_the_file_holds_the_head_as_a_line_and_a_new_step_rewrites_the_step_after_it(tmp_path):
    path = tmp_path / "sim.json"
    sim = Simulation.create(path, start=START)
    sim.add_order("A", "Logo", 120, 3)
    sim.advance("1h")
    sim.advance("1h")
    plain = path.read_bytes()
    assert b'"head"' not in plain  # a simulation never taken back has no head
    sim.undo()
    assert path.read_bytes()[len(plain):] == encode({"head": {"1": {"step": 2, "steps": 3}}})
    sim.undo()
    sim.advance("30m")  # step 2 again: the old 2 and 3 are dropped
    lines = [body_of(line) for line in path.read_bytes()[len(plain):].splitlines(keepends=True)]
    assert lines[-1].startswith(b'{"steps":{"2":{"kind":"clock"')
    assert lines[-1].endswith(b'"head":{"1":{"step":2,"steps":2}}}')
    sim.close()
    with Simulation.open(path) as again:
        assert again.step_count == 2 and again.redo_count == 0
        assert again.history()[-1].to.minute == 30
        again.compact()  # a fresh checkpoint: the steps dropped, and the head, are gone
    content = path.read_bytes()
    assert b'"head"' not in content and content.count(b'"kind":"clock"') == 1


def test_a_damaged_head_is_refused_naming_the_problem(tmp_path):
    path = tmp_path / "sim.json"
    with Simulation.create(path, start=START) as sim:
        sim.add_order("A", "Logo", 120, 3)
    content = path.read_bytes()
    for head in (encode({"head": {"1": {"step": 2, "steps": 2}}}),
                 encode({"head": {"1": {"step": 1}}}),
                 encode({"head": {"1": {"step": 1, "steps": 0}}}),
                 encode({"head": {"2": {"step": 1, "steps": 1}}})):  # each with its checksum
        path.write_bytes(content + head)
        with pytest.raises(SimulationFileError) as caught:
            Simulation.open(path)
        assert caught.value.code in ("head_beyond", "field_missing"), caught.value
        assert path.read_bytes() == content + head
    # a step written again without saying where the simulation stands is refused
    path.write_bytes(content + encode({"steps": {"1": {"kind": "clock", "at": "2026-03-02T09:00:00Z",
                                                       "to": "2026-03-02T10:00:00Z"}}}))
    with pytest.raises(SimulationFileError) as caught:
        Simulation.open(path)
    assert caught.value.code == "step_sequence"


def test_a_comparison_says_where_the_clocks_and_the_rules_stand(tmp_path):
    """Issue 21, item 10: a branch whose window is 72 hours and whose clock moved on differs
    by its clock and its rules, whatever its orders; the same file agrees on both."""
    from rcsim.engine.demo import create_demo

    path = tmp_path / "a.json"
    with create_demo(path, start=START) as sim:
        sim.branch(sim.step_count, tmp_path / "b.json")
        with Simulation.open(tmp_path / "b.json") as other:
            other.change_rules({"cancellation_response_hours": 72})
            other.advance("5h")
            comparison = sim.compare(other)
            assert (comparison.here_now, comparison.there_now) == (sim.now, other.now)
            assert comparison.here_now != comparison.there_now
            assert [(r.name, r.here, r.there) for r in comparison.rules] == [
                ("cancellation_response_hours", 48, 72)]
            assert not comparison.equal
        same = sim.compare(sim)
        assert same.equal and same.rules == () and same.here_now == same.there_now
        current = Simulation.create(None, start=START, policy="current")
        assert ("policy", "seed", "current") in [(r.name, r.here, r.there)
                                                 for r in sim.compare(current).rules]
