"""One simulation, however it is named: through a symbolic link or by a second hard link, it is
the same file, with the same lock, and a write reaches the file every name shows."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from engine import Simulation, SimulationFileError

from .conftest import START

ROOT = Path(__file__).resolve().parents[2]


def made(path: Path) -> Path:
    with Simulation.create(path, start=START) as sim:
        sim.add_order("A", "Logo", 120, 3)
    return path


class Holder:
    """Another real process that opens a simulation file by one of its names and keeps it open."""

    def __init__(self, path: Path, *, act: bool = False) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
            import sys
            sys.path.insert(0, {str(ROOT)!r})
            from engine import Simulation
            sim = Simulation.open({str(path)!r})
            if {act!r}:
                sim.act("buyer", "request_update", "A")
            print("holding", flush=True)
            sys.stdin.read()
            sim.close()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.process.stdout.readline().strip()
        assert line == b"holding", self.process.stderr.read().decode()

    def release(self) -> None:
        self.process.stdin.close()
        assert self.process.wait() == 0, self.process.stderr.read().decode()
        self.process.stdout.close()
        self.process.stderr.close()


def in_use(path: Path) -> SimulationFileError:
    with pytest.raises(SimulationFileError) as caught:
        Simulation.open(path)
    assert caught.value.code == "in_use" and caught.value.path == str(path)
    return caught.value


# ---------------------------------------------------------------- symbolic links


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_symbolic_link_opens_the_same_simulation_and_a_write_keeps_the_link(tmp_path):
    (tmp_path / "real").mkdir()
    real = made(tmp_path / "real" / "sim.json")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    with Simulation.open(link) as sim:
        assert sim.path == real  # the file it writes is the real one
        in_use(real)  # the same lock, whichever name comes second
        in_use(link)
        sim.act("buyer", "request_update", "A")
    assert link.is_symlink() and os.readlink(link) == str(real)  # still a link ...
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real"]  # no lock beside it
    with Simulation.open(real) as again:  # ... and the real file has the change
        assert [e.type for e in again.events()][-1] == "request_update"
        in_use(link)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_link_to_a_link_and_a_relative_link_are_followed_to_the_file(tmp_path, monkeypatch):
    real = made(tmp_path / "sim.json")
    (tmp_path / "one.json").symlink_to("sim.json")  # relative
    (tmp_path / "two.json").symlink_to(tmp_path / "one.json")
    monkeypatch.chdir(tmp_path)
    with Simulation.open("two.json") as sim:
        in_use(real)
        sim.advance("1h")
    assert (tmp_path / "one.json").is_symlink() and (tmp_path / "two.json").is_symlink()
    with Simulation.open(real) as again:
        assert again.now.isoformat() == "2026-03-02T10:00:00+00:00"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_process_holding_the_link_locks_out_the_real_name_and_back(tmp_path):
    real = made(tmp_path / "sim.json")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    holder = Holder(link, act=True)
    try:
        before = real.read_bytes()
        in_use(real)
        in_use(link)
        assert real.read_bytes() == before
    finally:
        holder.release()
    holder = Holder(real)
    try:
        in_use(link)
    finally:
        holder.release()
    assert link.is_symlink()
    with Simulation.open(link) as sim:
        assert [e.type for e in sim.events()][-1] == "request_update"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_new_simulation_through_a_dangling_link_is_written_to_its_target(tmp_path):
    target = tmp_path / "target.json"
    link = tmp_path / "link.json"
    link.symlink_to(target)
    with Simulation.create(link, start=START) as sim:
        sim.add_order("A", "Logo", 120, 3)
        in_use(target)
    assert link.is_symlink() and target.is_file()
    with Simulation.open(target) as again:
        assert again.order_ids() == ("A",)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_symbolic_link_loop_is_refused_and_left_alone(tmp_path):
    loop = tmp_path / "loop.json"
    loop.symlink_to(loop)
    with pytest.raises(SimulationFileError) as caught:
        Simulation.open(loop)
    assert caught.value.path == str(loop)
    with pytest.raises(SimulationFileError):
        Simulation.create(loop, start=START)
    assert loop.is_symlink() and os.readlink(loop) == str(loop)


# ---------------------------------------------------------------- hard links


@pytest.mark.skipif(not hasattr(os, "link"), reason="needs hard links")
def test_a_second_hard_link_is_the_same_simulation_with_the_same_lock(tmp_path):
    first = made(tmp_path / "a.json")
    (tmp_path / "other").mkdir()
    second = tmp_path / "other" / "b.json"
    os.link(first, second)
    with Simulation.open(first) as sim:
        in_use(second)
        sim.act("buyer", "request_update", "A")
        sim.advance("1d")
        assert os.path.samefile(first, second)  # a write keeps the two names one file
        in_use(second)
    with Simulation.open(second) as again:
        in_use(first)
        assert again.snapshot() == sim.snapshot()
        again.act("freelancer", "respond_update", "A", comment="On it")
    assert os.path.samefile(first, second) and os.stat(first).st_nlink == 2
    assert first.read_bytes() == second.read_bytes()
    leftovers = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert leftovers == ["a.json", "b.json"]


@pytest.mark.skipif(not hasattr(os, "link"), reason="needs hard links")
def test_a_process_holding_one_hard_link_locks_out_the_other_name(tmp_path):
    first = made(tmp_path / "a.json")
    second = tmp_path / "b.json"
    os.link(first, second)
    holder = Holder(first, act=True)  # it writes once: the names must stay one file
    try:
        assert os.path.samefile(first, second)
        before = second.read_bytes()
        in_use(second)
        assert second.read_bytes() == before
    finally:
        holder.release()
    holder = Holder(second)
    try:
        in_use(first)
    finally:
        holder.release()
    with Simulation.open(second) as sim:
        assert [e.type for e in sim.events()][-1] == "request_update"


@pytest.mark.skipif(not hasattr(os, "link"), reason="needs hard links")
def test_a_hard_link_made_while_the_file_is_open_joins_the_same_simulation(tmp_path):
    first = made(tmp_path / "a.json")
    with Simulation.open(first) as sim:
        sim.advance("1h")  # a write before the second name exists
        second = tmp_path / "b.json"
        os.link(first, second)
        in_use(second)
        sim.advance("1h")
        assert os.path.samefile(first, second)
    with Simulation.open(second) as again:
        assert again.now.isoformat() == "2026-03-02T11:00:00+00:00"


@pytest.mark.skipif(not hasattr(os, "link"), reason="needs hard links")
def test_steps_and_a_compaction_keep_two_hard_links_one_simulation(tmp_path):
    first = made(tmp_path / "a.json")
    second = tmp_path / "b.json"
    os.link(first, second)
    with Simulation.open(second) as sim:
        sim.act("buyer", "request_update", "A")  # an append, in place
        assert os.path.samefile(first, second)
        sim.compact()  # a whole rewrite: in place too, behind the undo copy
        assert os.path.samefile(first, second) and os.stat(first).st_nlink == 2
        sim.advance("1d")
        snap = sim.snapshot()
    with Simulation.open(first) as again:
        assert again.snapshot() == snap and again.step_count == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"]
