"""Start-up: the default file, --db, --new, --policy, refused files and `rcsim run`."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
from freezegun import freeze_time

from rcsim.engine import Simulation
from rcsim.tui.cli import main as cli


@pytest.fixture
def data_home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


def test_first_start_creates_the_demo_at_the_current_wall_clock_hour(data_home):
    with freeze_time("2026-05-06 14:37:12"):
        sim = cli.load_simulation([])
    try:
        assert sim.now.isoformat() == "2026-05-06T14:00:00+00:00"
        assert sim.path == data_home / "rcsim" / "simulation.json"
        assert len(sim.order_ids()) == 12 and sim.policy == "seed"
    finally:
        sim.close()


def test_a_second_start_continues_where_it_was_left(data_home):
    with freeze_time("2026-05-06 14:37:12"):
        sim = cli.load_simulation([])
    sim.advance("5h")
    sim.close()
    with freeze_time("2027-01-01 00:00:00"):
        again = cli.load_simulation([])
    try:
        assert again.now.isoformat() == "2026-05-06T19:00:00+00:00"
    finally:
        again.close()


def test_new_keeps_the_old_file_as_a_backup_and_policy_applies(tmp_path, capsys):
    path = tmp_path / "sim.json"
    with freeze_time("2026-05-06 14:37:12"):
        cli.load_simulation(["--db", str(path)]).close()
        old = path.read_bytes()
        sim = cli.load_simulation(["--db", str(path), "--new", "--policy", "current"])
    try:
        assert sim.policy == "current"
        backups = list(tmp_path.glob("sim.json.*.bak"))
        assert len(backups) == 1 and backups[0].read_bytes() == old
        assert "kept the old simulation" in capsys.readouterr().err
    finally:
        sim.close()


def test_policy_does_not_change_an_existing_simulation(tmp_path, capsys):
    path = tmp_path / "sim.json"
    Simulation.create(path, start="2026-03-02T09:00:00Z").close()
    sim = cli.load_simulation(["--db", str(path), "--policy", "current"])
    try:
        assert sim.policy == "seed"
        assert "new simulation only" in capsys.readouterr().err
    finally:
        sim.close()


@pytest.mark.parametrize("content", [b"", b"not json", b'{"_default": {}}', b"\xff\xfe"])
def test_a_refused_file_exits_2_and_stays_untouched(tmp_path, capsys, content):
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    assert cli.main(["--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert "cannot open" in err and str(path) in err
    assert path.read_bytes() == content
    # nothing beside it but the hidden lock file the short write lock leaves (it may be waited on)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".broken.json.lock", "broken.json"]


def test_run_dispatches_to_the_scenario_runner(monkeypatch):
    calls = []
    fake = types.ModuleType("rcsim.tui.cli.run")
    fake.main = lambda argv: calls.append(argv) or 3
    monkeypatch.setitem(sys.modules, "rcsim.tui.cli.run", fake)
    from rcsim import tui

    monkeypatch.setattr(tui, "run", fake, raising=False)
    assert cli.main(["run", "a.toml", "--verbose"]) == 3
    assert calls == [["a.toml", "--verbose"]]


def test_a_crash_never_exits_0():
    """Textual shows the traceback of a crash and ends the app; the process must not exit 0."""
    from rcsim.engine.demo import create_demo
    from rcsim.tui.app.app import RcsimApp

    class Crashing(RcsimApp):
        def on_ready(self) -> None:
            raise RuntimeError("boom")

    app = Crashing(create_demo(None, start="2026-03-02T09:00:00Z"))
    app.run(headless=True, size=(160, 48))
    assert cli.exit_status(app) == 1
