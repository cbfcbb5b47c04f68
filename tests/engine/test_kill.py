"""Kill -9 a process in the middle of acting on a simulation file: the file must stay readable
and hold every action the process reported as done."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from engine import Simulation, SimulationFileError

from .conftest import START

CHILD = Path(__file__).with_name("_kill_child.py")
KILLS = 40


def complete(lines: list[bytes]) -> list[list[bytes]]:
    """The report lines the child finished writing: a kill can cut the last one short."""
    return [line.split() for line in lines if line.endswith(b"\n") and len(line.split()) == 2]


def read_reports(stream) -> list[bytes]:
    return stream.read().splitlines(keepends=True)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_at_random_moments_never_loses_a_reported_action_or_the_file(tmp_path):
    path = tmp_path / "sim.json"
    with Simulation.create(path, start=START) as sim:
        # a few hundred orders make each write take long enough to be hit by a kill
        sim.add_orders([{"id": f"O{i}", "title": "Work", "price": 50, "delivery_days": 3,
                         "status": ("incomplete", "in_progress", "delivered")[i % 3]} for i in range(300)])
    rng = random.Random(20260302)
    with Simulation.open(path) as before:  # closed again: the child must be able to lock it
        reported = len(before.events())
    first = reported
    killed_mid_run = 0
    for attempt in range(KILLS):
        child = subprocess.Popen([sys.executable, str(CHILD), str(path), str(attempt)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        ready = child.stdout.readline().split()
        assert ready and ready[0] == b"ready", child.stderr.read().decode()
        assert int(ready[1]) >= reported
        # Let it finish a random number of calls, then kill it at a random moment of the next
        # ones (often in the middle of a write). Nothing below depends on how fast it ran.
        seen = [child.stdout.readline() for _ in range(rng.randrange(0, 4))]
        time.sleep(rng.uniform(0.0, 0.08))
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert child.returncode == -signal.SIGKILL, child.stderr.read().decode()
        lines = complete(seen + read_reports(child.stdout))
        child.stdout.close()
        child.stderr.close()
        done = [int(n) for word, n in lines if word == b"done"]
        if done:
            assert done == sorted(done)
            reported = done[-1]
            killed_mid_run += 1
        with Simulation.open(path) as after:
            assert temporary_files(path) == [], "a temporary file the kill left is removed"
            events = after.events()
            assert len(events) >= reported  # every action reported done is on disk
            assert [e.seq for e in events] == list(range(1, len(events) + 1))
            reported = len(events)
    assert reported > first and killed_mid_run > 0  # the children really acted


def temporary_files(path: Path) -> list[Path]:
    """The temporary files of `path`'s atomic writes (engine/atomic.py: `.<name>.<random>.tmp`)."""
    return sorted(path.parent.glob(f".{path.name}.*.tmp"))


def kill_in_the_middle_of_a_write(path: Path, left_behind=temporary_files) -> tuple[list[Path], int]:
    """SIGKILL a real process acting on `path` while one of its writes is in flight, and return
    what that write left behind (`left_behind(path)`, by default its temporary files) and the
    number of events the process reported as written (tries again until a kill hits a write)."""
    for attempt in range(100):
        child = subprocess.Popen([sys.executable, str(CHILD), str(path), str(attempt)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        ready = child.stdout.readline().split()
        assert ready and ready[0] == b"ready", child.stderr.read().decode()
        give_up = time.monotonic() + 60  # a guard against a hang, not a measure of speed
        while child.poll() is None and not left_behind(path):
            if time.monotonic() > give_up:  # a write leaves this many times a second
                child.kill()
                child.wait()
                child.stdout.close()
                child.stderr.close()
                pytest.fail(f"a minute of writes and never {left_behind.__name__}")
        child.kill()
        child.wait()
        reports = [int(n) for word, n in complete(read_reports(child.stdout)) if word == b"done"]
        child.stdout.close()
        child.stderr.close()
        left = left_behind(path)
        if left:
            return left, (reports[-1] if reports else int(ready[1]))
    pytest.fail("no kill hit a write in 100 tries")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_temporary_files_left_by_a_kill_are_removed_at_the_next_open_and_only_those(tmp_path):
    path = tmp_path / "sim.json"
    with Simulation.create(path, start=START) as sim:
        sim.add_orders([{"id": f"O{i}", "title": "Work", "price": 50, "delivery_days": 3}
                        for i in range(300)])
    left, _ = kill_in_the_middle_of_a_write(path)
    assert left
    # files that are not this simulation's temporary files stay where they are
    decoys = [tmp_path / ".other.json.abcd1234.tmp", tmp_path / ".sim.json.tmp",
              tmp_path / "sim.json.abcd1234.tmp", tmp_path / ".sim.json.abcd1234.tmp.keep"]
    for decoy in decoys:
        decoy.write_text("not rcsim's")
    with Simulation.open(path, read_only=True):  # a look without the lock removes nothing
        assert temporary_files(path) == left
    kept = {leftover: leftover.read_bytes() for leftover in left}
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(CHILD.parents[2])!r})
        from engine import Simulation
        sim = Simulation.open({str(path)!r})
        print("holding", flush=True)
        sys.stdin.read()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == b"holding"
        assert temporary_files(path) == [], "the process that opened the file removed them"
        # While it holds the file, a temporary file there may be its write in flight (here: the
        # kill's leftover put back): an open that is refused touches none of them.
        for leftover, content in kept.items():
            leftover.write_bytes(content)
        with pytest.raises(SimulationFileError):
            Simulation.open(path)
        assert temporary_files(path) == left
    finally:
        holder.stdin.close()
        holder.wait()
        holder.stdout.close()
    with Simulation.open(path) as sim:
        assert temporary_files(path) == []
        assert sim.order_ids()[:2] == ("O0", "O1")
    assert all(decoy.read_text() == "not rcsim's" for decoy in decoys)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL") or not hasattr(os, "link"),
                    reason="needs SIGKILL and hard links")
def test_sigkill_while_writing_a_file_with_two_names_keeps_them_one_intact_file(tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    with Simulation.create(first, start=START) as sim:
        sim.add_orders([{"id": f"O{i}", "title": "Work", "price": 50, "delivery_days": 3,
                         "status": ("incomplete", "in_progress", "delivered")[i % 3]} for i in range(300)])
    os.link(first, second)  # from here on every write is in place, behind an undo copy
    rng = random.Random(20261127)
    reported = 0
    killed_mid_run = 0
    for attempt in range(12):
        name, other = (first, second) if attempt % 2 == 0 else (second, first)
        child = subprocess.Popen([sys.executable, str(CHILD), str(name), str(attempt)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        ready = child.stdout.readline().split()
        assert ready and ready[0] == b"ready", child.stderr.read().decode()
        seen = [child.stdout.readline() for _ in range(rng.randrange(0, 4))]
        time.sleep(rng.uniform(0.0, 0.08))
        child.send_signal(signal.SIGKILL)
        child.wait()
        lines = complete(seen + read_reports(child.stdout))
        child.stdout.close()
        child.stderr.close()
        done = [int(n) for word, n in lines if word == b"done"]
        if done:
            reported = done[-1]
            killed_mid_run += 1
        # the next open, by the other name, finds the file whole: the kill's undo copy is put back
        with Simulation.open(other) as after:
            events = after.events()
            assert len(events) >= reported
            assert [e.seq for e in events] == list(range(1, len(events) + 1))
            reported = len(events)
        assert os.path.samefile(first, second) and os.stat(first).st_nlink == 2
        assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".undo")]
    assert killed_mid_run > 0


def undo_copies(path: Path) -> list[Path]:
    """The undo copy of a write in place of a file with several names (engine/atomic.py)."""
    return sorted(path.parent.glob(f".{path.name}.undo"))


def overwritten_behind_undo_copy(path: Path) -> list[Path]:
    """The undo copy, once the file itself has been written after it: the write in place has
    begun, and the file holds part or all of a state that was never reported as written."""
    try:
        began = os.stat(path).st_mtime_ns > os.stat(path.with_name(f".{path.name}.undo")).st_mtime_ns
    except FileNotFoundError:
        return []
    return undo_copies(path) if began else []


@pytest.mark.skipif(not hasattr(signal, "SIGKILL") or not hasattr(os, "link"),
                    reason="needs SIGKILL and hard links")
def test_a_write_in_place_cut_short_by_a_kill_is_undone_at_the_next_open_by_either_name(tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    with Simulation.create(first, start=START) as sim:
        sim.add_orders([{"id": f"O{i}", "title": "Work", "price": 50, "delivery_days": 3,
                         "status": ("incomplete", "in_progress", "delivered")[i % 3]} for i in range(300)])
    os.link(first, second)
    for name, other in ((first, second), (second, first)):
        left, reported = kill_in_the_middle_of_a_write(name, overwritten_behind_undo_copy)
        assert left == undo_copies(name)  # killed while overwriting, before the copy was removed
        with Simulation.open(other, read_only=True) as look:  # a look reads what was committed
            assert len(look.events()) == reported
        with Simulation.open(other) as after:  # the holder puts the old content back
            assert len(after.events()) == reported  # the unreported write is undone, no more
            assert undo_copies(name) == []
        assert os.path.samefile(first, second) and first.read_bytes() == second.read_bytes()
