"""Kill -9 a process in the middle of acting on a simulation file: the file must stay readable and
hold every step the process reported as done. The process appends steps (a kill can cut the last
line short), compacts the file (a whole rewrite), or carries a version 1 file over."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from rcsim.engine import Simulation, SimulationFileError
from rcsim.engine.journal import replay_all

from ..conftest import THOROUGH
from ._kill_child import fingerprint
from .conftest import START
from .layouts import version_1_document, write_version_1
from .reach import journal_of, state_of

CHILD = Path(__file__).with_name("_kill_child.py")
KILLS = 40 if THOROUGH else 12
needs_sigkill = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
needs_links = pytest.mark.skipif(not hasattr(signal, "SIGKILL") or not hasattr(os, "link"),
                                 reason="needs SIGKILL and hard links")


def complete(lines: list[bytes]) -> list[list[bytes]]:
    """The report lines the child finished writing: a kill can cut the last one short."""
    return [line.split() for line in lines if line.endswith(b"\n") and len(line.split()) == 3]


def read_reports(stream) -> list[bytes]:
    return stream.read().splitlines(keepends=True)


def start(path: Path, seed: int, mode: str = "steps", hold: str | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(CHILD), str(path), str(seed), mode,
                             *([hold] if hold else [])],
                            stdin=subprocess.PIPE if hold else None,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def ready(child: subprocess.Popen) -> tuple[int, int]:
    words = child.stdout.readline().split()
    assert words and words[0] == b"ready", child.stderr.read().decode()
    return int(words[1]), int(words[2])


def finish(child: subprocess.Popen, seen: Sequence[bytes] = ()) -> list[tuple[int, int]]:
    """Kill the child now; the (events, steps) it reported as done: in the lines read from it
    before (`seen`) and those it wrote after them."""
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL, child.stderr.read().decode()
    reports = complete([*seen, *read_reports(child.stdout)])
    done = [(int(e), int(s)) for word, e, s in reports if word == b"done"]
    child.stdout.close()
    child.stderr.close()
    return done


def made(path: Path, orders: int = 300) -> Path:
    with Simulation.create(path, start=START) as sim:
        # a few hundred orders make each compaction take long enough to be hit by a kill
        sim.add_orders([{"id": f"O{i}", "title": "Work", "price": 50, "delivery_days": 3,
                         "status": ("incomplete", "in_progress", "delivered")[i % 3]}
                        for i in range(orders)])
    return path


def holds_every_reported_step(sim: Simulation, events: int, steps: int) -> None:
    """The file holds at least what was reported, numbered without gaps, and its journal replays
    from the start to exactly the state it opened with."""
    assert sim.step_count >= steps and len(sim.events()) >= events
    assert [e.seq for e in sim.events()] == list(range(1, len(sim.events()) + 1))
    assert [entry.number for entry in sim.journal()] == list(range(1, sim.step_count + 1))
    state = journal_of(sim).origin()
    replay_all(state, [entry.record for entry in sim.journal()])
    assert state.counters == state_of(sim).counters and state.now == state_of(sim).now
    assert [o.to_doc() for o in state.orders.values()] == sim.snapshot()["orders"]


@needs_sigkill
@pytest.mark.parametrize("mode", ["steps", "compact"])
def test_sigkill_at_random_moments_never_loses_a_reported_step_or_the_file(tmp_path, mode):
    path = made(tmp_path / "sim.json")
    rng = random.Random(20260302)
    reported = (0, 1)
    killed_mid_run = 0
    for attempt in range(KILLS if mode == "steps" else KILLS // 2):
        child = start(path, attempt, mode)
        events, steps = ready(child)
        assert (events, steps) >= reported
        # Let it finish one call and a random number more (the lines read here are reports
        # too), then kill it at a random moment of the next ones (often in the middle of a
        # write). Nothing below depends on how fast it ran.
        seen = [child.stdout.readline() for _ in range(1 + rng.randrange(0, 4))]
        time.sleep(rng.uniform(0.0, 0.08))
        done = finish(child, seen)
        assert done, "the child reported the call it finished before the kill"
        assert done == sorted(done)
        reported = done[-1]
        killed_mid_run += 1
        with Simulation.open(path) as after:
            assert temporary_files(path) == [], "a temporary file the kill left is removed"
            assert path.read_bytes().endswith(b"\n"), "a torn last line is cut off"
            holds_every_reported_step(after, *reported)
            reported = (len(after.events()), after.step_count)
    assert reported[1] > 1 and killed_mid_run > 0  # the children really acted


def where(sim: Simulation) -> tuple[int, int, str, str]:
    """As the child says it (_kill_child.where): the steps in effect and kept, the fingerprints
    of the records kept and of those in effect."""
    records = journal_of(sim).records
    return (sim.step_count, len(records), fingerprint(records),
            fingerprint(records[:sim.step_count]))


def killed_while_travelling(child: subprocess.Popen, seen: list[bytes]) -> list[list[bytes]]:
    """Kill the child now; every line it finished writing: those read from it before (`seen`:
    a report read is a report all the same) and the rest."""
    child.send_signal(signal.SIGKILL)
    child.wait()
    lines = [line.split() for line in [*seen, *child.stdout.read().splitlines(keepends=True)]
             if line.endswith(b"\n")]
    child.stdout.close()
    child.stderr.close()
    if child.stdin is not None:
        child.stdin.close()
    return lines


def stands_as_reported_or_as_the_call_in_flight_left_it(
        path: Path, last: tuple[int, int, str, str], lines: list[list[bytes]]
) -> tuple[tuple[int, int, str, str], str]:
    """Reopened after a kill, the simulation stands where the child last said it did, or where
    the call in flight (said before it began) took it; its state is what replaying the steps
    in effect gives. Returns where it stands and which of those it was."""
    in_flight = None
    for words in lines:
        if words[0] == b"done" and len(words) == 5:
            last = (int(words[1]), int(words[2]), words[3].decode(), words[4].decode())
            in_flight = None
        elif words[0] == b"will":
            in_flight = [w.decode() for w in words[1:]]
    with Simulation.open(path) as after:
        assert temporary_files(path) == [] and path.read_bytes().endswith(b"\n")
        now = where(after)
        head, kept, every, in_effect = last
        if now == last:
            outcome = "as reported"
        elif in_flight is not None and in_flight[0] in ("undo", "redo", "rewind"):
            target = {"undo": head - 1, "redo": head + 1}.get(in_flight[0])
            if target is None:
                target = int(in_flight[-1])
            assert now[:3] == (target, kept, every), (now, last, in_flight)
            outcome = "travel in flight written"
        else:
            assert in_flight == ["step"], (now, last, in_flight)
            assert now[:2] == (head + 1, head + 1)
            assert fingerprint(journal_of(after).records[:head]) == in_effect
            outcome = "step in flight written"
        state = journal_of(after).origin()
        replay_all(state, journal_of(after).records[:after.step_count])
        assert state.now == state_of(after).now and state.counters == state_of(after).counters
        assert [o.to_doc() for o in state.orders.values()] == after.snapshot()["orders"]
    return now, outcome


def travel_child(path: Path, attempt: int, last: tuple[int, int, str, str],
                 hold: str | None = None) -> subprocess.Popen:
    child = start(path, attempt, "travel", hold)
    words = child.stdout.readline().split()
    assert words[:1] == [b"ready"], child.stderr.read().decode()
    assert (int(words[1]), int(words[2]), words[3].decode(), words[4].decode()) == last
    return child


@needs_sigkill
def test_sigkill_while_undoing_redoing_and_rewinding_never_loses_where_the_simulation_stands(tmp_path):
    """Every call the child finished is on file: reopened, the simulation stands where it said
    (the same steps in effect and the same steps to redo), or where the call in flight when it
    was killed took it, and its state is what replaying the steps in effect gives. The kills
    come at random moments: whichever it hits, that holds (the next test kills at known ones)."""
    path = made(tmp_path / "sim.json")
    rng = random.Random(20261201)
    with Simulation.open(path) as sim:
        last = where(sim)
    for attempt in range(KILLS):
        child = travel_child(path, attempt, last)
        seen = [child.stdout.readline() for _ in range(rng.randrange(0, 6))]
        time.sleep(rng.uniform(0.0, 0.05))
        lines = killed_while_travelling(child, seen)
        last, _ = stands_as_reported_or_as_the_call_in_flight_left_it(path, last, lines)


@needs_sigkill
def test_a_kill_just_before_or_just_after_a_travel_call_is_written_finds_it_undone_or_done(tmp_path):
    """The same, with each kill at a known point: the child stops at its N-th line appended,
    just before it is written (reopened, the simulation stands as last reported) or just after
    (it stands where the call in flight took it, undo, redo, rewind or a step alike)."""
    path = made(tmp_path / "sim.json")
    with Simulation.open(path) as sim:
        last = where(sim)
    outcomes: dict[str, set[str]] = {"before": set(), "after": set()}
    for attempt in range(16):
        when = ("before", "after")[attempt % 2]
        child = travel_child(path, attempt, last, hold=f"{when}:{1 + attempt % 5}")
        seen = []
        while not seen or seen[-1] != b"held\n":
            line = child.stdout.readline()
            assert line, child.stderr.read().decode()
            seen.append(line)
        lines = killed_while_travelling(child, seen)
        last, outcome = stands_as_reported_or_as_the_call_in_flight_left_it(path, last, lines)
        outcomes[when].add(outcome)
    assert outcomes["before"] == {"as reported"}
    assert "travel in flight written" in outcomes["after"]
    assert "step in flight written" in outcomes["after"]


def temporary_files(path: Path) -> list[Path]:
    """The temporary files of `path`'s atomic writes (engine/atomic.py: `.<name>.<random>.tmp`)."""
    return sorted(path.parent.glob(f".{path.name}.*.tmp"))


def torn_line(path: Path) -> list[Path]:
    """The file, when its last line was cut short: it does not end with a newline."""
    try:
        with open(path, "rb") as handle:
            handle.seek(-1, os.SEEK_END)
            return [] if handle.read(1) == b"\n" else [path]
    except OSError:
        return []


def kill_in_the_middle_of_a_write(path: Path, left_behind=temporary_files,
                                  mode: str = "compact") -> tuple[list[Path], tuple[int, int]]:
    """SIGKILL a real process acting on `path` while one of its writes is in flight, and return
    what that write left behind (`left_behind(path)`, by default its temporary files) and the
    (events, steps) the process reported as written (tries again until a kill hits a write)."""
    for attempt in range(100):
        child = start(path, attempt, mode)
        opened = ready(child)
        give_up = time.monotonic() + 60  # a guard against a hang, not a measure of speed
        while child.poll() is None and not left_behind(path):
            if time.monotonic() > give_up:  # a write leaves this many times a second
                finish(child)
                pytest.fail(f"a minute of writes and never {left_behind.__name__}")
        reports = finish(child)
        left = left_behind(path)
        if left:
            return left, (reports[-1] if reports else opened)
    pytest.fail("no kill hit a write in 100 tries")


@needs_sigkill
def test_a_step_cut_short_by_a_kill_is_ignored_by_a_look_and_cut_off_at_the_next_open(tmp_path):
    path = made(tmp_path / "sim.json")
    left, (events, steps) = kill_in_the_middle_of_a_write(path, torn_line, mode="long")
    torn = path.read_bytes()
    assert left == [path] and not torn.endswith(b"\n")
    complete_size = torn.rindex(b"\n") + 1
    with Simulation.open(path, read_only=True) as look:  # a look reads every complete line
        assert look.step_count == steps and len(look.events()) == events
        assert path.read_bytes() == torn  # and changes nothing
    with Simulation.open(path) as sim:  # the holder cuts the unfinished line off
        assert sim.step_count == steps and len(sim.events()) == events
        assert path.read_bytes() == torn[:complete_size]
        sim.advance("1h")  # and the next step follows the last complete one
    with Simulation.open(path) as again:
        assert again.step_count == steps + 1


@needs_sigkill
def test_temporary_files_left_by_a_kill_are_removed_at_the_next_open_and_only_those(tmp_path):
    path = made(tmp_path / "sim.json")
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
        from rcsim.engine import Simulation
        from tests.engine.reach import write_lock
        sim = Simulation.open({str(path)!r})
        with write_lock(sim):  # as for the time of a write
            print("holding", flush=True)
            sys.stdin.read()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == b"holding"
        assert temporary_files(path) == [], "the process that opened the file removed them"
        # While it holds the write lock, a temporary file there may be its write in flight
        # (here: the kill's leftover put back): an open waits for the lock, and one that is
        # refused when the wait is over touches none of them.
        for leftover, content in kept.items():
            leftover.write_bytes(content)
        with pytest.raises(SimulationFileError) as caught:
            Simulation.open(path, wait=0.2)
        assert caught.value.code == "busy" and "0.2 s" in caught.value.problem
        assert temporary_files(path) == left
    finally:
        holder.stdin.close()
        holder.wait()
        holder.stdout.close()
    with Simulation.open(path) as sim:
        assert temporary_files(path) == []
        assert sim.order_ids()[:2] == ("O0", "O1")
    assert all(decoy.read_text() == "not rcsim's" for decoy in decoys)


@needs_links
@pytest.mark.parametrize("mode", ["steps", "compact"])
def test_sigkill_while_writing_a_file_with_two_names_keeps_them_one_intact_file(tmp_path, mode):
    first, second = made(tmp_path / "a.json"), tmp_path / "b.json"
    os.link(first, second)  # from here on appends and compactions write in place
    rng = random.Random(20261127)
    reported = (0, 1)
    killed_mid_run = 0
    for attempt in range(12):
        name, other = (first, second) if attempt % 2 == 0 else (second, first)
        child = start(name, attempt, mode)
        ready(child)
        for _ in range(rng.randrange(0, 4)):
            child.stdout.readline()
        time.sleep(rng.uniform(0.0, 0.08))
        done = finish(child)
        if done:
            reported = done[-1]
            killed_mid_run += 1
        # the next open, by the other name, finds the file whole: the kill's undo copy is put back
        with Simulation.open(other) as after:
            holds_every_reported_step(after, *reported)
            reported = (len(after.events()), after.step_count)
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


@needs_links
def test_a_compaction_in_place_cut_short_by_a_kill_is_undone_at_the_next_open_by_either_name(tmp_path):
    first, second = made(tmp_path / "a.json"), tmp_path / "b.json"
    os.link(first, second)
    for name, other in ((first, second), (second, first)):
        left, (events, steps) = kill_in_the_middle_of_a_write(name, overwritten_behind_undo_copy)
        assert left == undo_copies(name)  # killed while overwriting, before the copy was removed
        with Simulation.open(other, read_only=True) as look:  # a look reads what was committed
            assert (len(look.events()), look.step_count) == (events, steps)
        with Simulation.open(other) as after:  # the holder puts the old content back
            # a compaction adds no step: the file holds exactly the steps reported
            assert (len(after.events()), after.step_count) == (events, steps)
            assert undo_copies(name) == []
        assert os.path.samefile(first, second) and first.read_bytes() == second.read_bytes()


@needs_links
def test_a_compaction_in_place_cut_short_by_a_kill_is_undone_by_a_process_that_has_it_open(tmp_path):
    first, second = made(tmp_path / "a.json"), tmp_path / "b.json"
    os.link(first, second)
    with Simulation.open(second) as sim:  # open all along, under the other name
        left, (events, steps) = kill_in_the_middle_of_a_write(first, overwritten_behind_undo_copy)
        assert left == undo_copies(first)
        sim.take_in()  # its next look puts the old content back, under the lock, and reads it
        assert (len(sim.events()), sim.step_count) == (events, steps)
        assert undo_copies(first) == [] and os.path.samefile(first, second)
        sim.advance("1h")
    with Simulation.open(first) as again:
        assert again.step_count == steps + 1
        holds_every_reported_step(again, events, steps + 1)


# ---------------------------------------------------------------- carrying a version 1 file over


def version_1_file(path: Path, orders: int = 3000) -> tuple[bytes, dict]:
    """A version 1 file (the layout of the release before the journal) of a busy simulation."""
    sim = Simulation.create(None, start=START)
    sim.add_orders([{"id": f"O{i}", "title": "Work", "price": 50, "delivery_days": 3,
                     "status": ("incomplete", "in_progress", "delivered")[i % 3]}
                    for i in range(orders)])
    for i in range(1, orders, 7):
        sim.act("buyer", "ask_to_cancel", f"O{i}", comment="Carried over")
    sim.advance("20h")
    write_version_1(path, version_1_document(sim))
    return path.read_bytes(), sim.snapshot()


def backups(path: Path) -> list[Path]:
    return sorted(path.parent.glob(path.name + "*.bak"))


@needs_sigkill
def test_a_kill_while_a_version_1_file_is_carried_over_loses_nothing(tmp_path):
    path = tmp_path / "sim.json"
    rng = random.Random(1)
    seen = set()
    for attempt in range(16 if THOROUGH else 8):
        for leftover in tmp_path.iterdir():
            leftover.unlink()
        original, snapshot = version_1_file(path, orders=1500)
        child = start(path, attempt)
        if attempt < 12:  # at a random moment of the opening (python starts in ~0.1 s)
            time.sleep(rng.uniform(0.05, 0.6))
        else:  # in the middle of a write of the carry-over: its backup, or its new file
            new_file = attempt % 2 == 1
            give_up = time.monotonic() + 60
            while child.poll() is None and not (temporary_files(path) and (
                    not new_file or backups(path))):
                assert time.monotonic() < give_up, "the carry-over never wrote"
        finish(child)
        carried = not path.read_bytes().startswith(b'{"meta":{"1":{"format":"rcsim-simulation","version":1')
        seen.add((carried, bool(backups(path)), bool(temporary_files(path))))
        if carried:  # the new file is only written once the original is kept
            assert [b.read_bytes() for b in backups(path)] == [original]
        else:
            assert path.read_bytes() == original
            assert all(b.read_bytes() == original for b in backups(path))  # a whole copy or none
        with Simulation.open(path) as sim:  # the next open carries it over, or goes on from there
            assert sim.snapshot() == snapshot or sim.step_count > 0
            if sim.step_count == 0:
                assert sim.snapshot() == snapshot
        assert [b.read_bytes() for b in backups(path)] == [original]  # one backup, never two
        assert temporary_files(path) == []
    # (Which moments the kills hit depends on how busy the machine is: every attempt above
    # checks that nothing was lost whatever the moment; the last four aim at the writes.)
    assert seen
