"""Several processes share one simulation file: each holds its write lock only for a moment, a
lock a killed process held is free again, a lock not had in time is a refusal that changes
nothing, and a closed simulation overwrites nobody. A read-only look needs no lock."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from rcsim.engine import Refusal, Simulation, SimulationFileError

from .conftest import START, files
from .layouts import ROOT
from .processes import Child


def made(path):
    with Simulation.create(path, start=START) as sim:
        sim.add_order("A", "Logo", 120, 3)
        sim.add_order("B", "Copy", 10, 1)
    return path


def test_a_second_process_opens_a_file_in_use_and_each_sees_the_others_steps(tmp_path):
    path = made(tmp_path / "sim.json")
    with Simulation.open(path) as sim:
        other = Child(path)  # once refused with in_use: now it opens
        try:
            assert other.call("act", "buyer", "request_update", "A") == {"ok": ["request_update"]}
            assert [e.type for e in sim.sync()] == ["request_update"]  # taken in here
            sim.act("freelancer", "respond_update", "A", comment="On it")
            assert other.call("sync") == {"ok": ["respond_update"]}
            assert other.ask("fingerprint")["ok"][0] == sim.step_count == 4
        finally:
            other.close()
    # The hidden lock file stays beside the file for the next process; nothing else is left.
    assert sorted(p.name for p in tmp_path.iterdir()) == [".sim.json.lock", "sim.json"]
    with Simulation.open(path) as again:
        assert [e.type for e in again.events()][-2:] == ["request_update", "respond_update"]


def test_read_only_look_at_a_file_in_use_refuses_every_change(tmp_path):
    path = tmp_path / "sim.json"
    with Simulation.create(path, start=START) as sim:
        sim.add_order("A", "Logo", 120, 3)
        with Simulation.open(path, read_only=True) as look:
            assert look.snapshot() == sim.snapshot()
            before = path.read_bytes()
            for change in (lambda: look.act("buyer", "request_update", "A"),
                           lambda: look.advance("1h"),
                           lambda: look.add_order("B", "Copy", 10, 1),
                           lambda: look.undo()):
                with pytest.raises(Refusal) as caught:
                    change()
                assert caught.value.code == "read_only"
            assert look.take_in() == ()  # a look takes nothing in either
            assert look.snapshot()["events"] == sim.snapshot()["events"]
            assert path.read_bytes() == before


def test_a_read_only_look_makes_no_lock_file(tmp_path):
    path = made(tmp_path / "sim.json")
    (tmp_path / ".sim.json.lock").unlink()
    with Simulation.open(path, read_only=True):
        pass
    assert files(tmp_path) == sorted(p.name for p in tmp_path.iterdir()) == ["sim.json"]


CHANGES = {
    "act": lambda sim: sim.act("buyer", "request_update", "A"),
    "advance": lambda sim: sim.advance("1h"),
    "advance_to": lambda sim: sim.advance_to("2026-03-03T09:00:00Z"),
    "next_deadline": lambda sim: sim.advance_to_next_deadline(),
    "add_order": lambda sim: sim.add_order("C", "Copy", 10, 1),
    "add_orders": lambda sim: sim.add_orders([{"id": "C", "title": "Copy", "price": 10,
                                               "delivery_days": 1}]),
    "change_rules": lambda sim: sim.change_rules({"cancellation_response_hours": 72}),
    "undo": lambda sim: sim.undo(),
    "rewind": lambda sim: sim.rewind(1),
    "compact": lambda sim: sim.compact(),
}


def test_a_write_of_another_process_that_does_not_end_in_time_refuses_every_change(tmp_path):
    path = made(tmp_path / "sim.json")
    with Simulation.open(path) as sim:
        sim.act("freelancer", "request_extension", "B", days=2)  # a deadline to jump to
        sim.lock_wait = 0.2  # (the default waits 20 s)
        other = Child(path)
        try:
            other.call("act", "buyer", "request_update", "A")  # written, not yet taken in here
            other.hold()  # then as a write that takes long
            before, raw = sim.snapshot(), path.read_bytes()
            for name, change in CHANGES.items():
                with pytest.raises(Refusal) as caught:
                    change(sim)
                assert caught.value.code == "busy", name
                assert str(path) in caught.value.message and "0.2 s" in caught.value.message
                assert sim.snapshot() == before and path.read_bytes() == raw, name
            assert sim.take_in(0) == ()  # a look never waits: the next one takes it in
            with pytest.raises(Refusal) as caught:
                sim.take_in(0.2)
            assert caught.value.code == "busy"
            with pytest.raises(SimulationFileError) as opening:
                Simulation.open(path, wait=0.2)
            assert opening.value.code == "busy" and opening.value.path == str(path)
            other.release()
            assert [e.type for e in sim.sync(0.2)] == ["request_update"]  # free again
            sim.act("freelancer", "respond_update", "A", comment="On it")
            assert other.call("sync") == {"ok": ["respond_update"]}
        finally:
            other.close()


def test_a_killed_holder_of_the_lock_leaves_no_stale_lock(tmp_path):
    path = made(tmp_path / "sim.json")
    holder = Child(path)
    holder.hold()
    with pytest.raises(SimulationFileError) as caught:
        Simulation.open(path, wait=0.2)
    assert caught.value.code == "busy"
    holder.kill()  # while it holds the lock
    assert (tmp_path / ".sim.json.lock").exists()  # the lock file stays, its lock went
    with Simulation.open(path, wait=0.2) as after:  # at once: no waiting out a stale lock
        after.lock_wait = 0.2
        after.act("buyer", "request_update", "A")
        assert after.events()[-1].type == "request_update"


def test_a_new_simulation_over_a_file_in_use_keeps_the_old_aside_and_the_others_restart(tmp_path):
    path, backup = made(tmp_path / "sim.json"), tmp_path / "sim.json.bak"
    other = Child(path)  # another process has the old simulation open
    try:
        old = path.read_bytes()
        with pytest.raises(SimulationFileError) as caught:  # without a name to keep it under
            Simulation.create(path, start=START)
        assert caught.value.code == "exists"
        backup.write_text("someone else's file")
        with pytest.raises(SimulationFileError) as caught:  # never kept over another file
            Simulation.create(path, start=START, keep_old_as=backup)
        assert caught.value.path == str(backup) and path.read_bytes() == old
        backup.unlink()
        # The same start and rules as the old one: still another simulation.
        with Simulation.create(path, start=START, keep_old_as=backup) as new:
            assert backup.read_bytes() == old  # the old one, kept whole
            # A change the other process decided on the old simulation is refused ...
            refused = other.call("act", "buyer", "request_update", "A")
            assert refused["refused"] == "changed_meanwhile"
            assert "started afresh" in refused["message"]
            assert other.call("take_in") == {"ok": [{"taken": [], "taken_back": [], "put_back": [],
                                                     "restarted": True}]}
            # ... and from there on it works on the new one, as this process does.
            new.add_order("N", "New", 50, 2)
            assert other.call("sync") == {"ok": ["order_added"]}
            assert other.call("act", "buyer", "request_update", "N")["ok"] == ["request_update"]
            assert [e.type for e in new.sync()] == ["request_update"]
            assert other.ask("fingerprint")["ok"][0] == new.step_count == 2
    finally:
        other.close()
    with Simulation.open(backup) as kept:  # the old simulation, untouched
        assert kept.order_ids() == ("A", "B") and kept.step_count == 2


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_closed_simulation_refuses_every_change_and_overwrites_no_other_process(tmp_path, change):
    path = tmp_path / "sim.json"
    closed = Simulation.create(path, start=START)
    closed.add_order("A", "Logo", 120, 3)
    closed.act("freelancer", "request_extension", "A", days=2)  # a deadline to jump to
    closed.close()
    kept = closed.snapshot()
    with Simulation.open(path) as other:  # another process changes the file meanwhile
        other.act("buyer", "decline", "A", comment="No more time")
        after = path.read_bytes()
        with pytest.raises(Refusal) as caught:
            CHANGES[change](closed)
        assert caught.value.code == "closed" and str(path) in caught.value.message
        assert path.read_bytes() == after  # the other's change is still there
        assert closed.snapshot() == kept  # and nothing changed in memory either
        assert closed.take_in() == ()  # nor is anything taken in
    closed.close()  # closing twice is harmless
    assert files(tmp_path) == ["sim.json"]


def test_a_closed_memory_simulation_refuses_changes_too():
    sim = Simulation.create(None, start=START)
    sim.add_order("A", "Logo", 120, 3)
    sim.close()
    with pytest.raises(Refusal) as caught:
        sim.advance("1h")
    assert caught.value.code == "closed_memory" and "closed" in caught.value.message
    assert sim.now.isoformat() == "2026-03-02T09:00:00+00:00"
    assert sim.order_view("A").status == "in_progress"  # reading what it held still works


LIMITED = """
import json, resource, sys
sys.path.insert(0, {root!r})
from rcsim.engine import Simulation, SimulationFileError
resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))  # no file may grow past 200 bytes
try:
    Simulation.create({path!r}, start="2026-03-02T09:00:00Z")
    print(json.dumps("created"))
except SimulationFileError as error:
    print(json.dumps(error.code))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="needs resource limits")
def test_a_new_simulation_the_system_refuses_leaves_no_file_not_even_its_lock_file(tmp_path):
    path = tmp_path / "sim.json"
    result = subprocess.run([sys.executable, "-c", LIMITED.format(root=str(ROOT), path=str(path))],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and json.loads(result.stdout) == "write_failed", result.stderr
    assert list(tmp_path.iterdir()) == []
    with Simulation.create(path, start=START) as sim:  # the name is free, its lock too
        sim.add_order("A", "Logo", 120, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".sim.json.lock", "sim.json"]
