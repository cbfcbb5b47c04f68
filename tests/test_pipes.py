"""Every `rcsim` command ends quietly when the reader of its output goes away (`rcsim log FILE |
head`, `rcsim map | true`): no traceback, exit status 141, as `rcsim run` always did.

Each command runs as its own process with its stdout on a real pipe whose reading end is closed
before the process starts, so every write it makes meets a closed pipe: what `| true` does when
`true` ends first, without the race of a reader that might still be there.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rcsim.engine import Simulation
from rcsim.tui.cli.common import PIPE_CLOSED

ROOT = Path(__file__).resolve().parent.parent
ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}


def closed_pipe(*args: str) -> tuple[int, str]:
    """`python -m rcsim ARGS | true`, with `true` already gone: the status and stderr."""
    read, write = os.pipe()
    os.close(read)  # nobody will ever read: the first write the child makes breaks the pipe
    try:
        child = subprocess.run([sys.executable, "-m", "rcsim", *args], stdout=write,
                               stderr=subprocess.PIPE, cwd=ROOT, env=ENV, timeout=120)
    finally:
        os.close(write)
    return child.returncode, child.stderr.decode("utf-8", "replace")


@pytest.fixture
def two_files(tmp_path: Path) -> tuple[Path, Path]:
    """Two simulation files that differ: one whose buyer asked to cancel, one without."""
    paths = tmp_path / "a.json", tmp_path / "b.json"
    for index, path in enumerate(paths):
        with Simulation.create(path, start="2026-03-02T09:00:00Z") as sim:
            sim.add_order("FO-1", "Logo", 120, 3)
            if index == 0:
                sim.act("buyer", "ask_to_cancel", "FO-1", comment="Dropped.")
            sim.advance("1d")
    return paths


@pytest.mark.parametrize("command", [
    ["log", "{a}"],
    ["log", "{a}", "--json"],
    ["diff", "{a}", "{b}"],
    ["branch", "{a}", "--at", "1", "-o", "{new}"],
    ["map"],
    ["map", "--format", "mermaid"],
    ["experiment", "cancellation_window_72h", "--orders", "20", "--replications", "1"],
    ["experiment", "cancellation_window_72h", "--orders", "20", "--replications", "1", "--json"],
    ["run", "buyer_cancel_timeout_mutual"],
    ["examples"],
    ["--help"],
    ["--version"],
    ["map", "--help"],
], ids=lambda command: " ".join(command))
def test_a_command_whose_reader_went_away_ends_quietly_with_141(
        command: list[str], two_files: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = two_files
    args = [arg.format(a=a, b=b, new=tmp_path / "new.json") for arg in command]
    status, err = closed_pipe(*args)
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert "Exception ignored" not in err, err
    assert status == PIPE_CLOSED == 141, err


def test_a_reader_that_reads_a_little_then_goes_away_ends_the_log_quietly(tmp_path: Path) -> None:
    """`rcsim log FILE | head -1`: the reader takes one line, then closes while rcsim writes."""
    path = tmp_path / "long.json"
    with Simulation.create(path, start="2026-03-02T09:00:00Z") as sim:
        sim.add_orders([{"id": f"FO-{i}", "title": "Logo", "price": 10, "delivery_days": 3}
                        for i in range(300)])
        for i in range(300):  # far more history than a pipe holds (64 KiB)
            sim.act("buyer", "ask_to_cancel", f"FO-{i}", comment="Dropped. " * 20)
        sim.advance("3d")
    child = subprocess.Popen([sys.executable, "-m", "rcsim", "log", str(path)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=ENV)
    assert child.stdout is not None and child.stderr is not None
    first = child.stdout.readline()
    child.stdout.close()  # as `head -1` does
    err = child.stderr.read().decode()
    status = child.wait(timeout=120)
    assert first
    assert err == ""
    assert status == PIPE_CLOSED
