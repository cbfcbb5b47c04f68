"""A file written by the release before the journal (format version 1: the whole TinyDB database
as one JSON document) opens, and is carried over to the current format, the original kept
beside it as `<name>.bak`, never rewritten in place unnoticed. tests/engine/data/version-1.json
was written by that release's own code."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rcsim.engine import Simulation
from rcsim.engine.storage import VERSION, JournalStorage
from rcsim.engine.viewing import snapshot_of

from .conftest import files
from .layouts import ROOT, VERSION_1_FILE


def version_1(folder: Path, name: str = "sim.json") -> tuple[Path, bytes]:
    path = folder / name
    shutil.copyfile(VERSION_1_FILE, path)
    return path, path.read_bytes()


def version_of(path: Path) -> int:
    data = JournalStorage(path).read() if path.read_bytes().endswith(b"\n") else None
    return data["meta"]["1"]["version"] if data is not None else 1


def test_the_release_file_is_really_version_1():
    raw = VERSION_1_FILE.read_bytes()
    assert raw.startswith(b'{"meta":{"1":{"format":"rcsim-simulation","version":1,')
    assert b"\n" not in raw  # one JSON document on one line


def test_a_version_1_file_opens_and_is_carried_over_keeping_the_original_as_bak(tmp_path):
    path, original = version_1(tmp_path)
    with Simulation.open(path, read_only=True) as look:  # a look reads it and writes nothing
        snapshot = look.snapshot()
        assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sim.json"]
    view = {o: look.order_view(o) for o in look.order_ids()}
    assert view["A"].cancellation["kind"] == "mutual" and view["D"].open_request.type == "extension"
    assert view["E"].auto_complete_paused and view["E"].title == "Flyer ✓ «Grüße»"
    assert len(snapshot["events"]) == 11 and len(snapshot["messages"]) == 5

    with Simulation.open(path) as sim:
        assert sim.carried_over == tmp_path / "sim.json.bak"  # (the app can say so)
        assert sim.snapshot() == snapshot  # the same simulation ...
        assert sim.step_count == 0 and snapshot_of(sim._state_at(0)) == snapshot  # ... its history starts here
    assert files(tmp_path) == ["sim.json", "sim.json.bak"]
    assert (tmp_path / "sim.json.bak").read_bytes() == original  # the original, byte for byte
    assert version_of(path) == VERSION

    with Simulation.open(path) as sim:  # opened again: no second carry-over, no second backup
        assert sim.snapshot() == snapshot and sim.carried_over is None
        events = sim.advance("5d")  # D's and E's requests run out, C completes
        assert {e.order for e in events} == {"C", "D", "E"}
        after = sim.snapshot()
        sim.compact()  # the origin survives a compaction: step 0 is still the carried state
        assert snapshot_of(sim._state_at(0)) == snapshot
    assert files(tmp_path) == ["sim.json", "sim.json.bak"]
    with Simulation.open(path) as sim:
        assert sim.snapshot() == after and sim.step_count == 1
        assert snapshot_of(sim._state_at(0)) == snapshot
        saved = sim.save_as(tmp_path / "copy.json")  # and goes along to a copy
    with saved:
        assert saved.snapshot() == after and snapshot_of(saved._state_at(0)) == snapshot
    with Simulation.open(tmp_path / "copy.json") as copy:
        assert snapshot_of(copy._state_at(0)) == snapshot and copy.step_count == 1


def test_a_backup_name_taken_by_another_file_is_left_alone(tmp_path):
    path, original = version_1(tmp_path)
    (tmp_path / "sim.json.bak").write_text("someone else's notes")
    with Simulation.open(path) as sim:
        assert len(sim.order_ids()) == 5 and sim.carried_over == tmp_path / "sim.json.2.bak"
    assert (tmp_path / "sim.json.bak").read_text() == "someone else's notes"
    assert (tmp_path / "sim.json.2.bak").read_bytes() == original


@pytest.mark.skipif(not hasattr(os, "link"), reason="needs hard links")
def test_a_version_1_file_with_two_names_is_carried_over_as_one_file(tmp_path):
    path, original = version_1(tmp_path)
    other = tmp_path / "other.json"
    os.link(path, other)
    with Simulation.open(other) as sim:
        sim.advance("1h")
    assert os.path.samefile(path, other) and version_of(path) == VERSION  # both names: the new file
    assert (tmp_path / "other.json.bak").read_bytes() == original
    with Simulation.open(path) as sim:
        assert sim.step_count == 1
    assert files(tmp_path) == ["other.json", "other.json.bak", "sim.json"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_version_1_file_opened_through_a_link_keeps_its_backup_beside_the_real_file(tmp_path):
    (tmp_path / "real").mkdir()
    path, original = version_1(tmp_path / "real")
    link = tmp_path / "link.json"
    link.symlink_to(path)
    Simulation.open(link).close()
    assert link.is_symlink() and version_of(path) == VERSION
    assert (tmp_path / "real" / "sim.json.bak").read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real"]


LIMITED = """
import json, resource, sys
sys.path.insert(0, {root!r})
from rcsim.engine import Simulation, SimulationFileError
resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))  # no file may grow past this
try:
    Simulation.open({path!r}).close()
    print(json.dumps("opened"))
except SimulationFileError as error:
    print(json.dumps([error.code, error.problem]))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="needs resource limits")
@pytest.mark.parametrize("limit", ["backup", "new_file"])
def test_a_carry_over_the_system_refuses_leaves_the_file_as_it_was(tmp_path, limit):
    path, original = version_1(tmp_path)
    # room for nothing, or for the backup (a copy) but not for the new file (which is longer)
    size = 100 if limit == "backup" else len(original) + 10
    result = subprocess.run([sys.executable, "-c", LIMITED.format(root=str(ROOT), path=str(path),
                                                                  limit=size)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    code, problem = json.loads(result.stdout)
    assert code == "write_failed" and "File too large" in problem
    assert path.read_bytes() == original
    kept = files(tmp_path)
    assert kept == (["sim.json"] if limit == "backup" else ["sim.json", "sim.json.bak"])
    with Simulation.open(path) as sim:  # without the limit it goes through, with that backup
        assert len(sim.order_ids()) == 5
    assert files(tmp_path) == ["sim.json", "sim.json.bak"]
    assert (tmp_path / "sim.json.bak").read_bytes() == original
