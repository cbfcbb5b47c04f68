"""One process holds a simulation file at a time; a read-only look needs no lock."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

import pytest

from engine import Refusal, Simulation, SimulationFileError

from .conftest import START


def test_a_second_open_of_a_held_file_is_refused_and_the_file_untouched(tmp_path):
    path = tmp_path / "sim.json"
    sim = Simulation.create(path, start=START)
    sim.add_order("A", "Logo", 120, 3)
    before = path.read_bytes()
    with pytest.raises(SimulationFileError) as caught:
        Simulation.open(path)
    assert caught.value.path == str(path)
    assert "open in another rcsim process" in caught.value.problem
    assert path.read_bytes() == before
    sim.close()
    with Simulation.open(path) as again:  # closing let it go
        assert again.order_ids() == ("A",)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sim.json"], "no lock file left behind"


def test_read_only_look_at_a_held_file_refuses_every_change(tmp_path):
    path = tmp_path / "sim.json"
    with Simulation.create(path, start=START) as sim:
        sim.add_order("A", "Logo", 120, 3)
        with Simulation.open(path, read_only=True) as look:
            assert look.snapshot() == sim.snapshot()
            before = path.read_bytes()
            for change in (lambda: look.act("buyer", "request_update", "A"),
                           lambda: look.advance("1h"),
                           lambda: look.add_order("B", "Copy", 10, 1)):
                with pytest.raises(Refusal) as caught:
                    change()
                assert caught.value.code == "read_only"
            assert look.snapshot()["events"] == sim.snapshot()["events"]
            assert path.read_bytes() == before


def test_a_killed_holder_releases_the_file(tmp_path):
    path = tmp_path / "sim.json"
    Simulation.create(path, start=START).close()
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from engine import Simulation
        sim = Simulation.open({str(path)!r})
        print("holding", flush=True)
        sys.stdin.read()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert holder.stdout.readline().strip() == b"holding"
    with pytest.raises(SimulationFileError):
        Simulation.open(path)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    holder.stdout.close()
    holder.stdin.close()
    with Simulation.open(path) as after:  # a stale lock file from the kill is simply locked anew
        assert after.events() == ()


def test_the_app_refuses_a_held_file_with_a_clear_message(tmp_path, capsys):
    from tui.__main__ import main

    path = tmp_path / "sim.json"
    with Simulation.create(path, start=START):
        before = path.read_bytes()
        assert main(["--db", str(path), "--lang", "en"]) == 2
        assert path.read_bytes() == before
    err = capsys.readouterr().err
    assert str(path) in err and "open in another rcsim process" in err


def test_a_new_simulation_keeps_the_old_file_aside_but_never_one_in_use(tmp_path):
    path, backup = tmp_path / "sim.json", tmp_path / "sim.json.bak"
    with Simulation.create(path, start=START) as old:
        old.add_order("A", "Logo", 120, 3)
        before = path.read_bytes()
        with pytest.raises(SimulationFileError) as caught:  # another process has it open
            Simulation.create(path, start=START, keep_old_as=backup)
        assert "open in another rcsim process" in caught.value.problem
        assert path.read_bytes() == before and not backup.exists()
    with pytest.raises(SimulationFileError):  # without a name to keep it under: refused
        Simulation.create(path, start=START)
    backup.write_text("someone else's file")
    with pytest.raises(SimulationFileError) as caught:  # never kept over another file
        Simulation.create(path, start=START, keep_old_as=backup)
    assert caught.value.path == str(backup) and path.read_bytes() == before
    backup.unlink()
    with Simulation.create(path, start=START, keep_old_as=backup) as new:
        assert new.order_ids() == ()
    assert backup.read_bytes() == before


def test_the_app_does_not_start_afresh_over_a_file_in_use(tmp_path, capsys):
    from tui.__main__ import main

    path = tmp_path / "sim.json"
    with Simulation.create(path, start=START):
        before = path.read_bytes()
        assert main(["--db", str(path), "--new", "--lang", "en"]) == 2
        assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sim.json"], "no backup was made"
    assert "open in another rcsim process" in capsys.readouterr().err


CHANGES = {
    "act": lambda sim: sim.act("buyer", "request_update", "A"),
    "advance": lambda sim: sim.advance("1h"),
    "advance_to": lambda sim: sim.advance_to("2026-03-03T09:00:00Z"),
    "next_deadline": lambda sim: sim.advance_to_next_deadline(),
    "add_order": lambda sim: sim.add_order("B", "Copy", 10, 1),
    "add_orders": lambda sim: sim.add_orders([{"id": "B", "title": "Copy", "price": 10,
                                               "delivery_days": 1}]),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_closed_simulation_refuses_every_change_and_overwrites_no_other_holder(tmp_path, change):
    path = tmp_path / "sim.json"
    closed = Simulation.create(path, start=START)
    closed.add_order("A", "Logo", 120, 3)
    closed.act("freelancer", "request_extension", "A", days=2)  # a deadline to jump to
    closed.close()
    kept = closed.snapshot()
    with Simulation.open(path) as holder:  # another holder changes the file meanwhile
        holder.act("buyer", "decline", "A", comment="No more time")
        after = path.read_bytes()
        with pytest.raises(Refusal) as caught:
            CHANGES[change](closed)
        assert caught.value.code == "closed" and str(path) in caught.value.message
        assert path.read_bytes() == after  # the holder's change is still there
        assert closed.snapshot() == kept  # and nothing changed in memory either
    closed.close()  # closing twice is harmless
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sim.json"]


def test_a_closed_memory_simulation_refuses_changes_too():
    sim = Simulation.create(None, start=START)
    sim.add_order("A", "Logo", 120, 3)
    sim.close()
    with pytest.raises(Refusal) as caught:
        sim.advance("1h")
    assert caught.value.code == "closed_memory" and "closed" in caught.value.message
    assert sim.now.isoformat() == "2026-03-02T09:00:00+00:00"
    assert sim.order_view("A").status == "in_progress"  # reading what it held still works
