"""Every line of a simulation file carries a checksum (format version 3), verified when the file
is opened: a checkpoint changed by hand (a price in a compacted file) is refused like any other
damage, the file left untouched, instead of being trusted and shown. A file of format version 2
(no checksums; tests/engine/data/version-2.json was written by that release's own code) still
opens, and is carried over as version 1 files are: the original kept as `<name>.bak`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rcsim.engine import Simulation, SimulationFileError
from rcsim.engine.storage import VERSION, JournalStorage, encode

from .conftest import START, files
from .layouts import ROOT

VERSION_2_FILE = Path(__file__).with_name("data") / "version-2.json"
SUM = re.compile(rb',"#":"[0-9a-f]{8}"\}\n$')


def compacted_file(path: Path, orders: int = 3) -> Path:
    """A file whose checkpoint holds orders (priced 120 to 122 $), with steps after it."""
    with Simulation.create(path, start=START) as sim:
        sim.add_orders([{"id": f"FO-{i}", "title": "Logo", "price": 120 + i, "delivery_days": 3}
                        for i in range(orders)])
        sim.act("buyer", "ask_to_cancel", "FO-0", comment="Plans changed.")
        sim.compact()
        sim.act("freelancer", "decline", "FO-0")
        sim.advance("1d")
    return path


def refused(path: Path) -> SimulationFileError:
    before = path.read_bytes()
    for read_only in (True, False):
        with pytest.raises(SimulationFileError) as caught:
            Simulation.open(path, read_only=read_only)
        assert path.read_bytes() == before, "a refused file is left untouched"
    return caught.value


def test_every_line_of_a_new_file_carries_a_checksum(tmp_path: Path) -> None:
    path = compacted_file(tmp_path / "sim.json")
    lines = path.read_bytes().splitlines(keepends=True)
    assert VERSION == 3 and json.loads(lines[0])["meta"]["1"]["version"] == 3
    assert all(SUM.search(line) for line in lines), lines
    # the lines of the last rewrite: meta, rules, 4 tables of records, the steps
    assert JournalStorage(path).read()["meta"]["1"]["lines"] == 7
    with Simulation.open(path) as sim:  # and it opens, of course
        assert sim.order_view("FO-1").price == 12100


def test_a_price_changed_inside_the_checkpoint_is_refused_and_never_shown(tmp_path: Path) -> None:
    path = compacted_file(tmp_path / "sim.json")
    original = compacted_file(tmp_path / "original.json")
    content = path.read_bytes()
    lines = content.splitlines(keepends=True)
    assert lines[2].startswith(b'{"orders"') and b'"price":12100' in lines[2]
    lines[2] = lines[2].replace(b'"price":12100', b'"price":99900')  # still valid JSON
    path.write_bytes(b"".join(lines))
    error = refused(path)
    assert error.code == "checksum" and error.params["line"] == 3  # the orders' line
    assert "line 3" in error.problem and "checksum" in error.problem
    diff = subprocess.run([sys.executable, "-m", "rcsim", "diff", str(original), str(path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert diff.returncode == 2 and "999" not in diff.stdout + diff.stderr
    assert "line 3" in diff.stderr


def test_a_step_changed_after_it_was_appended_is_refused(tmp_path: Path) -> None:
    path = compacted_file(tmp_path / "sim.json")
    content = path.read_bytes()
    assert content.count(b'"to":"2026-03-03T09:00:00Z"') == 1  # the last step: a clock move
    path.write_bytes(content.replace(b'"to":"2026-03-03T09:00:00Z"', b'"to":"2026-03-09T09:00:00Z"'))
    error = refused(path)
    assert error.code == "checksum" and error.params["line"] == len(content.splitlines())


def test_a_line_taken_out_of_the_checkpoint_is_refused(tmp_path: Path) -> None:
    path = compacted_file(tmp_path / "sim.json", orders=1500)  # orders over two lines
    lines = path.read_bytes().splitlines(keepends=True)
    assert lines[2].startswith(b'{"orders"') and lines[3].startswith(b'{"orders"')
    path.write_bytes(b"".join(lines[:3] + lines[4:]))  # the orders 1001 to 1500 gone
    assert refused(path).code == "checksum"
    path.write_bytes(b"".join(lines[:1] + lines[2:]))  # the rules line gone
    assert refused(path).code == "checksum"


def test_the_last_lines_of_a_rewrite_taken_away_are_refused(tmp_path: Path) -> None:
    """The meta says how many lines the rewrite wrote: lines cut off its end, even with lines
    appended after it still there, are missed."""
    path = compacted_file(tmp_path / "sim.json")
    lines = path.read_bytes().splitlines(keepends=True)
    sealed = json.loads(lines[0])["meta"]["1"]["lines"]
    path.write_bytes(b"".join(lines[:sealed - 1] + lines[sealed:]))  # its steps line gone
    error = refused(path)
    assert error.code == "sealed_short"
    assert (error.params["lines"], error.params["found"]) == (sealed, sealed - 1)


def test_a_line_without_a_checksum_in_a_version_3_file_is_refused(tmp_path: Path) -> None:
    path = compacted_file(tmp_path / "sim.json")
    with Simulation.open(path) as sim:
        number = sim.step_count + 1
    step = {"kind": "clock", "at": "2026-03-03T09:00:00Z", "to": "2026-03-04T09:00:00Z"}
    with path.open("ab") as handle:
        handle.write(json.dumps({"steps": {str(number): step}}, separators=(",", ":")).encode()
                     + b"\n")
    error = refused(path)
    assert error.code == "unsealed" and error.params["line"] == len(path.read_bytes().splitlines())


def test_a_line_appended_with_its_checksum_opens(tmp_path: Path) -> None:
    """(What a step written by another process looks like: `encode` seals a line on its own.)"""
    path = compacted_file(tmp_path / "sim.json")
    with Simulation.open(path) as sim:
        number, now = sim.step_count + 1, sim.now
    step = {"kind": "clock", "at": "2026-03-03T09:00:00Z", "to": "2026-03-04T09:00:00Z"}
    with path.open("ab") as handle:
        handle.write(encode({"steps": {str(number): step}}))
    with Simulation.open(path) as sim:
        assert sim.step_count == number and sim.now > now


def test_a_step_another_process_changed_after_writing_it_is_refused_when_taken_in(
        tmp_path: Path) -> None:
    path = compacted_file(tmp_path / "sim.json")
    with Simulation.open(path) as sim, Simulation.open(path) as other:
        other.advance("1h")
        content = path.read_bytes()
        path.write_bytes(content[:-40] + content[-40:].replace(b"T10:00", b"T11:00"))
        with pytest.raises(SimulationFileError) as caught:
            sim.take_in()
        assert caught.value.code == "checksum"


# ---------------------------------------------------------------- format version 2: carried over


def version_2(folder: Path) -> tuple[Path, bytes]:
    path = folder / "sim.json"
    shutil.copyfile(VERSION_2_FILE, path)
    return path, path.read_bytes()


def test_the_release_file_is_really_version_2_without_checksums() -> None:
    lines = VERSION_2_FILE.read_bytes().splitlines(keepends=True)
    assert json.loads(lines[0])["meta"]["1"]["version"] == 2
    assert not any(SUM.search(line) for line in lines)
    assert any(line.startswith(b'{"orders"') for line in lines)  # a checkpoint with records
    assert lines[-1].startswith(b'{"head"')  # and a step taken back


def test_a_version_2_file_opens_and_is_carried_over_keeping_the_original_as_bak(
        tmp_path: Path) -> None:
    path, original = version_2(tmp_path)
    with Simulation.open(path, read_only=True) as look:  # a look reads it and writes nothing
        snapshot, history = look.snapshot(), look.history()
        assert (look.step_count, look.redo_count) == (6, 1)
    assert path.read_bytes() == original and files(tmp_path) == ["sim.json"]
    with Simulation.open(path) as sim:
        assert sim.carried_over == tmp_path / "sim.json.bak"
        assert sim.snapshot() == snapshot and sim.history() == history
        sim.redo()  # the step taken back is still there to put back
    assert files(tmp_path) == ["sim.json", "sim.json.bak"]
    assert (tmp_path / "sim.json.bak").read_bytes() == original
    lines = path.read_bytes().splitlines(keepends=True)
    assert json.loads(lines[0])["meta"]["1"]["version"] == 3
    assert all(SUM.search(line) for line in lines)
    with Simulation.open(path) as again:  # carried over once: the next open changes nothing
        assert again.carried_over is None and again.step_count == 7
    assert files(tmp_path) == ["sim.json", "sim.json.bak"]


def test_a_version_2_file_changed_by_hand_is_refused_as_before(tmp_path: Path) -> None:
    path, original = version_2(tmp_path)
    path.write_bytes(original.replace(b'"status":"in_progress"', b'"status":"paused"', 1))
    assert refused(path).code == "unknown_value"
    assert files(tmp_path) == ["sim.json"]
