"""One simulation, however it is named: through a symbolic link or by a second hard link, it is
the same file, with the same write lock, and a write reaches the file every name shows."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import pytest

from rcsim.engine import Refusal, Simulation, SimulationFileError, changing, sync

from .conftest import START, files
from .processes import Child
from .reach import state_of, write_lock

needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
needs_hard_links = pytest.mark.skipif(not hasattr(os, "link"), reason="needs hard links")


def made(path: Path) -> Path:
    with Simulation.create(path, start=START) as sim:
        sim.add_order("A", "Logo", 120, 3)
    return path


def locked_out(path: Path, holder: Child, sim: Simulation | None = None) -> None:
    """While `holder` holds the write lock (under whatever name it opened the file), opening
    `path` and, with `sim`, a change through it wait for it and are refused (`busy`), untouched."""
    raw = path.read_bytes()
    with pytest.raises(SimulationFileError) as caught:
        Simulation.open(path, wait=0.2)
    assert caught.value.code == "busy" and caught.value.path == str(path)
    if sim is not None:
        sim.lock_wait = 0.2
        with pytest.raises(Refusal) as refused:
            sim.advance("1h")
        assert refused.value.code == "busy"
    assert path.read_bytes() == raw


# ---------------------------------------------------------------- symbolic links


@needs_symlinks
def test_a_symbolic_link_opens_the_same_simulation_and_a_write_keeps_the_link(tmp_path):
    (tmp_path / "real").mkdir()
    real = made(tmp_path / "real" / "sim.json")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    with Simulation.open(link) as sim, Simulation.open(real) as by_name:
        assert sim.path == by_name.path == real  # the file it writes is the real one
        sim.act("buyer", "request_update", "A")
        assert [e.type for e in by_name.sync()] == ["request_update"]  # the same file
    assert link.is_symlink() and os.readlink(link) == str(real)  # still a link ...
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real"]  # no lock here:
    assert files(tmp_path / "real") == ["sim.json"]  # it is beside the real file
    assert (tmp_path / "real" / ".sim.json.lock").exists()
    with Simulation.open(real) as again:  # ... and the real file has the change
        assert [e.type for e in again.events()][-1] == "request_update"


@needs_symlinks
def test_a_link_to_a_link_and_a_relative_link_are_followed_to_the_file(tmp_path, monkeypatch):
    real = made(tmp_path / "sim.json")
    (tmp_path / "one.json").symlink_to("sim.json")  # relative
    (tmp_path / "two.json").symlink_to(tmp_path / "one.json")
    monkeypatch.chdir(tmp_path)
    with Simulation.open("two.json") as sim:
        assert sim.path == real
        sim.advance("1h")
    assert (tmp_path / "one.json").is_symlink() and (tmp_path / "two.json").is_symlink()
    with Simulation.open(real) as again:
        assert again.now.isoformat() == "2026-03-02T10:00:00+00:00"
    assert files(tmp_path) == ["one.json", "sim.json", "two.json"]


@needs_symlinks
def test_a_process_writing_through_the_link_locks_out_the_real_name_and_back(tmp_path):
    real = made(tmp_path / "sim.json")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    with Simulation.open(real) as sim:
        holder = Child(link)
        try:
            assert holder.call("act", "buyer", "request_update", "A")["ok"] == ["request_update"]
            holder.hold()
            locked_out(real, holder, sim)
            locked_out(link, holder)
            holder.release()
        finally:
            holder.close()
        sim.lock_wait = 20
        assert [e.type for e in sim.sync()] == ["request_update"]
        sim.act("freelancer", "respond_update", "A", comment="On it")
    holder = Child(real)
    try:
        holder.hold()
        locked_out(link, holder)
        holder.release()
    finally:
        holder.close()
    assert link.is_symlink()
    with Simulation.open(link) as sim:
        assert [e.type for e in sim.events()][-2:] == ["request_update", "respond_update"]


@needs_symlinks
def test_a_new_simulation_through_a_dangling_link_is_written_to_its_target(tmp_path):
    target = tmp_path / "target.json"
    link = tmp_path / "link.json"
    link.symlink_to(target)
    with Simulation.create(link, start=START) as sim:
        sim.add_order("A", "Logo", 120, 3)
        assert sim.path == target
    assert link.is_symlink() and target.is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".target.json.lock", "link.json",
                                                          "target.json"]
    with Simulation.open(target) as again:
        assert again.order_ids() == ("A",)


@needs_symlinks
def test_a_symbolic_link_loop_is_refused_and_left_alone(tmp_path):
    loop = tmp_path / "loop.json"
    loop.symlink_to(loop)
    with pytest.raises(SimulationFileError) as caught:
        Simulation.open(loop)
    assert caught.value.path == str(loop)
    with pytest.raises(SimulationFileError):
        Simulation.create(loop, start=START)
    assert loop.is_symlink() and os.readlink(loop) == str(loop)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loop.json"]


# ---------------------------------------------------------------- hard links


@needs_hard_links
def test_a_second_hard_link_is_the_same_simulation_and_its_writes_keep_one_file(tmp_path):
    first = made(tmp_path / "a.json")
    (tmp_path / "other").mkdir()
    second = tmp_path / "other" / "b.json"
    os.link(first, second)
    with Simulation.open(first) as sim, Simulation.open(second) as again:
        sim.act("buyer", "request_update", "A")
        sim.advance("2d")  # the update request runs out
        assert os.path.samefile(first, second)  # a write keeps the two names one file
        assert [e.type for e in again.sync()] == ["request_update", "timeout"]
        assert again.snapshot() == sim.snapshot()
        again.act("buyer", "ask_to_cancel", "A", comment="Too late", reason=reason(again))
        again.compact()  # a whole rewrite: in place, behind the undo copy
        with pytest.raises(Refusal) as caught:  # decided before it saw the request: refused
            sim.act("freelancer", "accept", "A")
        assert caught.value.code == "changed_meanwhile"
        assert [e.type for e in sim.sync()] == ["ask_to_cancel"]  # (taken in then, said now)
        sim.act("freelancer", "accept", "A")
        assert [e.type for e in again.sync()] == ["accept"]
        assert again.order_view("A").status == "cancelled"
    assert os.path.samefile(first, second) and os.stat(first).st_nlink == 2
    assert first.read_bytes() == second.read_bytes()
    leftovers = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert leftovers == [".a.json.lock", ".b.json.lock", "a.json", "b.json"]  # each name's lock


def reason(sim: Simulation) -> str:
    option = next(o for o in sim.options("buyer", "A") if o.action == "ask_to_cancel")
    return next(f for f in option.fields if f.name == "reason").choices[0]


@needs_hard_links
def test_a_process_writing_one_hard_link_locks_out_the_other_name(tmp_path):
    # The two names have a lock file each: what they share is the lock on the file itself.
    first = made(tmp_path / "a.json")
    second = tmp_path / "b.json"
    os.link(first, second)
    with Simulation.open(second) as sim:
        holder = Child(first)
        try:
            assert holder.call("act", "buyer", "request_update", "A")["ok"] == ["request_update"]
            assert os.path.samefile(first, second)
            holder.hold()
            locked_out(second, holder, sim)
            holder.release()
            sim.lock_wait = 20
            assert [e.type for e in sim.sync()] == ["request_update"]
            sim.advance("1h")  # through the other name, while the holder has it open
            assert holder.call("sync") == {"ok": []}  # (a clock move that fired nothing)
            assert holder.ask("fingerprint")["ok"][0] == sim.step_count == 3
        finally:
            holder.close()
    holder = Child(second)
    try:
        holder.hold()
        locked_out(first, holder)
        holder.release()
    finally:
        holder.close()
    with Simulation.open(second) as sim:
        assert [e.type for e in sim.events()][-1] == "request_update" and sim.step_count == 3


@needs_hard_links
def test_a_process_waiting_on_the_other_name_goes_on_after_a_compaction(tmp_path):
    first = made(tmp_path / "a.json")
    second = tmp_path / "b.json"
    with Simulation.open(first) as sim:
        sim.advance("1h")  # a write before the second name exists
        os.link(first, second)
        other = Child(second)
        try:
            sim.compact()  # in place now: the names stay one file
            assert os.path.samefile(first, second)
            assert other.call("advance", "1h") == {"ok": []}
            assert other.call("compact") == {"ok": None}
            with pytest.raises(Refusal) as caught:  # decided before it saw the other's move
                sim.advance("1h")
            assert caught.value.code == "changed_meanwhile"
            assert "clock moved to 2026-03-02T11:00:00Z" in caught.value.message
            sim.sync()
            sim.advance("1h")
            assert os.path.samefile(first, second)
            assert other.ask("fingerprint")["ok"][0] == sim.step_count == 4
        finally:
            other.close()
    with Simulation.open(second) as again:
        assert again.now.isoformat() == "2026-03-02T12:00:00+00:00"
    assert files(tmp_path) == ["a.json", "b.json"]


class Waiting(logging.Handler):
    """Notes when filelock says it waits for a lock on `path` (it logs each look at debug level)."""

    def __init__(self, path: Path) -> None:
        super().__init__(logging.DEBUG)
        self.path = str(path)
        self.seen = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if "not acquired" in record.getMessage() and self.path in record.getMessage():
            self.seen.set()


@needs_hard_links
def test_a_write_under_one_name_waits_for_a_write_under_the_other_and_then_goes_on(tmp_path):
    first = made(tmp_path / "a.json")
    second = tmp_path / "b.json"
    os.link(first, second)
    writer, waiter = Simulation.open(first), Simulation.open(second)
    logger = logging.getLogger("filelock")
    waiting, level = Waiting(second), logger.level
    logger.addHandler(waiting)
    logger.setLevel(logging.DEBUG)
    outcome: list[object] = []
    try:
        with write_lock(writer):  # a write under way through the first name
            sync.catch_up(writer)
            thread = threading.Thread(target=lambda: outcome.append(waiter.advance("1h")))
            thread.start()
            assert waiting.seen.wait(60), "the other name's write never waited"
            changing.take(writer, *writer_step(writer))  # the write goes on meanwhile
        thread.join(60)
        # The waiting change went through after it, on the latest state (it did not bear on it).
        assert outcome == [()] and waiter.step_count == writer.step_count + 1 == 3
        assert [e.type for e in waiter.events()][-1] == "request_update"
    finally:
        logger.removeHandler(waiting)
        logger.setLevel(level)
        writer.close()
        waiter.close()
    with Simulation.open(first) as again:
        assert again.step_count == 3 and os.path.samefile(first, second)


def writer_step(sim: Simulation) -> tuple[dict, object]:
    """The record of the buyer's update request on A and what applies it (as `act` takes it)."""
    from rcsim.engine.journal import act_record

    state = state_of(sim)
    prepared = state.prepare_act("buyer", "request_update", "A", {})
    return act_record(state.now, prepared), lambda: state.perform(prepared)
