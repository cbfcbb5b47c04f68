"""Kill -9 a process in the middle of acting on a simulation file: the file must stay readable
and hold every action the process reported as done."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine import Simulation

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
            events = after.events()
            assert len(events) >= reported  # every action reported done is on disk
            assert [e.seq for e in events] == list(range(1, len(events) + 1))
            reported = len(events)
    assert reported > first and killed_mid_run > 0  # the children really acted
