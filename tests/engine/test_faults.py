"""Faults are messages, never tracebacks: a folder nobody may write to (not even root), a full
disk, a text no file can hold, a file nested too deeply to parse. Each fault is real: a folder of
sysfs, a file size limit or a tiny file system in a private mount namespace, a real lone
surrogate, a real deep file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rcsim.engine import Simulation, SimulationFileError

from .conftest import START, files, refused
from .layouts import resealed

ROOT = Path(__file__).resolve().parents[2]
SYSFS = Path("/sys")


def busy(path: Path | None) -> Simulation:
    sim = Simulation.create(path, start=START)
    sim.add_orders([{"id": f"O{i}", "title": "Work", "price": 50, "delivery_days": 3}
                    for i in range(40)])
    return sim


def leftovers(folder: Path) -> list[str]:
    return files(folder)


# ---------------------------------------------------------------- a folder nobody may write to


@pytest.mark.skipif(not (SYSFS / "kernel").is_dir(), reason="needs Linux sysfs")
def test_a_new_simulation_in_a_folder_not_even_root_may_write_is_refused_naming_the_file():
    path = SYSFS / f"rcsim-{os.getpid()}.json"  # sysfs refuses every new file, to root too
    with pytest.raises(SimulationFileError) as caught:
        Simulation.create(path, start=START)
    assert caught.value.code == "folder_not_writable"
    assert caught.value.path == str(path) and str(SYSFS) in caught.value.problem
    assert not path.exists()


@pytest.mark.skipif(not (SYSFS / "kernel" / "uevent_seqnum").is_file(), reason="needs Linux sysfs")
def test_a_file_of_sysfs_is_not_a_simulation_and_stays_untouched():
    path = SYSFS / "kernel" / "uevent_seqnum"  # a real file, in a folder closed even to root
    with pytest.raises(SimulationFileError) as caught:
        Simulation.open(path)
    assert caught.value.path == str(path)


def test_a_file_where_a_folder_is_expected_is_refused_naming_it(tmp_path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("not a folder")
    path = blocker / "sim.json"
    with pytest.raises(SimulationFileError) as caught:
        Simulation.create(path, start=START)
    assert caught.value.code == "not_a_folder" and str(blocker) in caught.value.problem
    with pytest.raises(SimulationFileError) as caught:
        Simulation.open(path)
    assert caught.value.path == str(path)
    assert blocker.read_text() == "not a folder"


# ---------------------------------------------------------------- a full disk: a file size limit

FSIZE_CHILD = """
import json, resource, sys
sys.path.insert(0, {root!r})
from rcsim.engine import Refusal, Simulation
sim = Simulation.open({path!r})
before = sim.snapshot()
# From here on, no file of this process may grow past a few bytes: the write of the next
# change fails in the operating system (EFBIG), as on a full disk.
resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))
results = {{}}
for name, change in [("act", lambda: sim.act("buyer", "ask_to_cancel", "O1", comment="Sorry")),
                     ("advance", lambda: sim.advance("1h")),
                     ("add", lambda: sim.add_order("N", "New", 10, 1))]:
    try:
        change()
        results[name] = "written"
    except Refusal as refusal:
        results[name] = [refusal.code, refusal.message, sim.snapshot() == before]
sim.close()
print(json.dumps(results))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="needs resource limits")
def test_a_write_that_the_system_refuses_is_a_refusal_that_changes_nothing(tmp_path):
    path = tmp_path / "sim.json"
    busy(path).close()
    before = path.read_bytes()
    result = subprocess.run([sys.executable, "-c", FSIZE_CHILD.format(root=str(ROOT), path=str(path))],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    outcome = json.loads(result.stdout)
    for name, (code, message, unchanged) in outcome.items():
        assert code == "write_failed", name
        assert str(path) in message and "nothing changed" in message.lower()
        assert unchanged, f"{name} left a change in memory"
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == ["sim.json"]  # no temporary file, no lock left behind


IN_PLACE_CHILD = """
import json, os, resource, sys
sys.path.insert(0, {root!r})
from rcsim.engine import Refusal, Simulation
sim = Simulation.open({path!r})
before = sim.snapshot()
# Room for the undo copy of the file (its size and a header line), not for a longer file: the
# step's append and the compaction's write in place fail half-way, in the operating system.
size = os.path.getsize({path!r})
resource.setrlimit(resource.RLIMIT_FSIZE, (size + 200, size + 200))
out = []
for change in (lambda: sim.act("buyer", "ask_to_cancel", "O1", comment="Sorry, " * 200),  # a step
               sim.compact):  # a compaction, in place (the file has two names)
    try:
        change()
        out.append("written")
    except Refusal as refusal:
        out.append([refusal.code, sim.snapshot() == before])
print(json.dumps(out))
sim.close()
"""


@pytest.mark.skipif(sys.platform == "win32" or not hasattr(os, "link"),
                    reason="needs resource limits and hard links")
def test_a_write_in_place_that_fails_half_way_puts_the_old_content_back(tmp_path):
    path, other = tmp_path / "a.json", tmp_path / "b.json"
    busy(path).close()
    os.link(path, other)  # two names: the write goes in place, behind an undo copy
    before = path.read_bytes()
    result = subprocess.run([sys.executable, "-c", IN_PLACE_CHILD.format(root=str(ROOT), path=str(path))],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert json.loads(result.stdout) == [["write_failed", True], ["write_failed", True]]
    assert path.read_bytes() == before and os.path.samefile(path, other)
    assert leftovers(tmp_path) == ["a.json", "b.json"]  # no undo copy, no temporary file


# ---------------------------------------------------------------- a real full disk, read-only folder

NAMESPACE_CHILD = """
import json, subprocess, sys
sys.path.insert(0, {root!r})
from pathlib import Path
from rcsim.engine import Refusal, Simulation, SimulationFileError
disk = Path({disk!r})
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "rcsim-test", str(disk)], check=True)
out = {{}}
path = disk / "sim.json"
sim = Simulation.create(path, start="2026-03-02T09:00:00Z")
sim.add_orders([{{"id": f"O{{i}}", "title": "Work", "price": 50, "delivery_days": 3}} for i in range(40)])
with open(disk / "filler", "wb", buffering=0) as filler:  # fill the disk to its last byte
    try:
        while True:
            filler.write(b"x" * 4096)
    except OSError as error:
        out["filled"] = error.errno
before, raw = sim.snapshot(), path.read_bytes()
try:  # a step longer than a page: it cannot fit in what is left of the file's last page
    sim.act("buyer", "ask_to_cancel", "O1", comment="ä" * 2500)  # 5,000 bytes
    out["full"] = "written"
except Refusal as refusal:
    out["full"] = [refusal.code, refusal.message, sim.snapshot() == before, path.read_bytes() == raw]
sim.close()
out["names_full"] = sorted(p.name for p in disk.iterdir())
try:  # a new simulation on the full disk
    Simulation.create(disk / "new.json", start="2026-03-02T09:00:00Z")
    out["create_full"] = "written"
except SimulationFileError as error:
    out["create_full"] = [error.code, error.path, error.problem]
(disk / "filler").unlink()
sim = Simulation.open(path)
subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
try:  # the folder turned read-only under an open simulation
    sim.advance("1h")
    out["ro_write"] = "written"
except Refusal as refusal:
    out["ro_write"] = [refusal.code, refusal.message, path.read_bytes() == raw]
sim.close()
try:
    Simulation.open(path)
    out["ro_open"] = "opened"
except SimulationFileError as error:
    out["ro_open"] = [error.code, error.path, error.problem]
cli = subprocess.run([sys.executable, "-m", "rcsim", "--db", str(path), "--lang", "en"],
                     capture_output=True, text=True, cwd={root!r})
out["ro_cli"] = [cli.returncode, cli.stderr]
out["names_ro"] = sorted(p.name for p in disk.iterdir())
print(json.dumps(out))
"""


def in_private_mounts(script: str, tmp_path: Path) -> dict:
    """Run `script` in a private mount namespace (so it may mount a tiny file system of its own),
    or skip where this system does not allow one."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("needs unshare(1)")
    user = [] if os.geteuid() == 0 else ["--map-root-user"]
    probe = subprocess.run([unshare, *user, "--mount", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"no private mount namespace here: {probe.stderr.decode().strip()}")
    disk = tmp_path / "disk"
    disk.mkdir()
    result = subprocess.run([unshare, *user, "--mount", "--propagation", "private", sys.executable,
                             "-c", script.format(root=str(ROOT), disk=str(disk))],
                            capture_output=True, text=True, timeout=120)
    if result.returncode != 0 and "CalledProcessError: Command '['mount'," in result.stderr:
        pytest.skip(f"cannot mount or remount a tmpfs here: {result.stderr.strip()[-300:]}")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout)


@pytest.mark.skipif(sys.platform != "linux", reason="needs Linux mount namespaces")
def test_a_full_disk_and_a_read_only_folder_are_messages_that_change_nothing(tmp_path):
    out = in_private_mounts(NAMESPACE_CHILD, tmp_path)
    assert out["filled"] == 28  # ENOSPC: the disk really was full
    code, message, memory_kept, file_kept = out["full"]
    assert code == "write_failed" and "No space left on device" in message
    assert memory_kept and file_kept
    assert out["names_full"] == [".sim.json.lock", "filler", "sim.json"]  # no temporary file left
    code, where, problem = out["create_full"]
    assert code == "write_failed" and where.endswith("new.json") and "No space" in problem
    code, message, file_kept = out["ro_write"]
    assert code == "write_failed" and "Read-only file system" in message and file_kept
    code, where, problem = out["ro_open"]
    assert code == "folder_not_writable" and where.endswith("sim.json")
    status, stderr = out["ro_cli"]
    assert status == 2 and "sim.json" in stderr and "Traceback" not in stderr
    assert not [name for name in out["names_ro"] if name.endswith(".tmp")]


# ---------------------------------------------------------------- a text no file can hold

LONE = "Fine until here \ud800 and on"


@pytest.mark.parametrize("where", ["memory", "file"])
@pytest.mark.parametrize("field", ["comment", "extra_description"])
def test_a_lone_surrogate_is_refused_the_same_in_memory_and_on_file(tmp_path, where, field):
    sim = Simulation.create(None if where == "memory" else tmp_path / "sim.json", start=START)
    sim.add_order("A", "Logo", 120, 3)
    fields = {"days": 2, "extra_price": 5, "extra_description": "Extra", "comment": "More time"}
    fields[field] = LONE
    refusal = refused(sim, "field_text", sim.act, "freelancer", "request_extension", "A", **fields)
    assert "U+D800" in refusal.message
    sim.close()
    if where == "file":
        assert leftovers(tmp_path) == ["sim.json"]


@pytest.mark.parametrize("where", ["memory", "file"])
def test_an_order_title_with_a_lone_surrogate_is_refused_the_same_way(tmp_path, where):
    sim = Simulation.create(None if where == "memory" else tmp_path / "sim.json", start=START)
    refused(sim, "field_text", sim.add_order, "A", "Logo \udfff", 120, 3)
    refused(sim, "field_text", sim.add_order, "\ud83d", "Logo", 120, 3)
    sim.close()


def test_a_comment_with_real_emoji_and_every_plane_is_still_accepted(make_sim):
    sim = make_sim(A="in_progress")
    sim.act("buyer", "request_update", "A", comment="Bitte 🙂 \U0010fffd \u00e4\u00f6\u00fc")
    assert sim.order_view("A").open_request.comment.startswith("Bitte 🙂")


# ---------------------------------------------------------------- files too deep or too big to parse


DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(("name", "content", "words"), [
    ("deep_list", "[" * 200_000 + "]" * 200_000, "nested too deeply"),
    ("deep_in_events", ('"data":{', '"data":{"deep":' + DEEP + ","), "nested too deeply"),
    ("deep_in_a_step", ('"kind":"orders"', '"deep":' + DEEP + ',"kind":"orders"'), "nested too deeply"),
    ("huge_number", '{"meta": {"1": {"format": "rcsim-simulation", "version": ' + "9" * 5000 + "}}}",
     "number"),
], ids=["deep_list", "deep_in_events", "deep_in_a_step", "huge_number"])
def test_a_file_too_deep_or_too_big_to_parse_is_refused_untouched(tmp_path, name, content, words):
    if isinstance(content, tuple):  # a real simulation with one value nested deep inside
        good = tmp_path / "good.json"
        sim = busy(good)
        sim.compact()  # its event log in the file (and its steps)
        sim.close()
        text = good.read_text(encoding="utf-8")
        assert content[0] in text
        content = resealed(text.replace(*content, 1).encode()).decode()  # past its checksums
        good.unlink()
    path = tmp_path / f"{name}.json"
    path.write_text(content, encoding="utf-8")
    raw = path.read_bytes()
    with pytest.raises(SimulationFileError) as caught:
        Simulation.open(path)
    assert caught.value.path == str(path) and words in caught.value.problem
    assert path.read_bytes() == raw and leftovers(tmp_path) == [path.name]


def test_starting_afresh_never_moves_a_folder_aside(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(SimulationFileError) as caught:
        Simulation.create(folder, start=START, keep_old_as=tmp_path / "work.bak")
    assert caught.value.code == "not_a_file"
    assert leftovers(tmp_path) == ["work"] and (folder / "notes.txt").read_text() == "mine"


# ---------------------------------------------------------------- every problem has its words


def test_every_file_problem_the_engine_names_has_a_text_in_both_languages():
    import re

    from rcsim.engine.english import FILE_PROBLEMS
    from rcsim.tui.words import i18n

    codes: set[str] = set()
    for source in (ROOT / "engine").glob("*.py"):
        text = source.read_text(encoding="utf-8")
        codes |= set(re.findall(r'SimulationFileError\(\s*[\w.]+,\s*"(\w+)"', text))
        codes |= set(re.findall(r'_fail\(\s*path,\s*"(\w+)"', text))
    assert {"busy", "write_failed", "deadline_past", "field_type"} <= codes
    for lang in i18n.LANGUAGES:
        table = i18n.table(lang)
        assert not {c for c in codes if f"file.{c}" not in table}, lang
    assert codes <= set(FILE_PROBLEMS), "the engine's plain English names every problem too"
    error = SimulationFileError("x.json", "field_type", where=("order", "A"), field="price",
                                expected="positive", found="'1'")
    assert error.problem == "is damaged: order A: price must be positive, not '1'"
    assert i18n.render_file_problem(error.code, error.params, "en") == (
        "is damaged: order A: price must be a whole number above 0, not '1'")
    assert i18n.render_file_problem(error.code, error.params, "de") == (
        "ist beschädigt: Auftrag A: price muss eine ganze Zahl über 0 sein, nicht '1'")
