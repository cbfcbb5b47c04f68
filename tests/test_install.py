"""The real install: an sdist and a wheel built from the repository, the wheel installed into a fresh
virtual environment with its dependencies, and rcsim used from another folder, as a trainer who
ran `pipx install` would. Also a zipped install (the wheel itself on sys.path) and a damaged one.

Slow (a minute: building, and installing the dependencies from the package index or pip's
cache), and part of what CI proves: it runs in the suite like every other test.
"""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
import zipfile
from pathlib import Path

import pytest

# Its module-scoped fixtures (a server, a wheel, a site) are built once: its tests share a worker.
pytestmark = pytest.mark.xdist_group("test_install")

ROOT = Path(__file__).resolve().parent.parent
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
SOURCES = ("pyproject.toml", "README.md", "rcsim", "engine", "tui", "data")


def _copy_of_the_repository(target: Path) -> Path:
    """The files a build reads, copied: the build writes its own files (egg-info) beside them."""
    target.mkdir(parents=True)
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist, and the wheel built from that sdist (as `python -m build` does)."""
    work = tmp_path_factory.mktemp("install")
    source = _copy_of_the_repository(work / "source")
    dist = work / "dist"
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist),
                    str(source)], check=True, capture_output=True, text=True, timeout=300)
    (wheel,) = dist.glob("rcsim-*.whl")
    (sdist,) = dist.glob("rcsim-*.tar.gz")
    return {"work": work, "wheel": wheel, "sdist": sdist}


@pytest.fixture(scope="module")
def venv(built: dict[str, Path]) -> Path:
    """A fresh virtual environment with the wheel and its dependencies installed."""
    env = built["work"] / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True,
                   timeout=120)
    # This environment's pip installs into the fresh one (pip's --python): no pip inside it.
    result = subprocess.run([sys.executable, "-m", "pip", "--python", str(env / "bin" / "python"),
                             "install", "--quiet", str(built["wheel"])],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return env


def _site_packages(env: Path) -> Path:
    (found,) = env.glob("lib/python3*/site-packages")
    return found


def _rcsim(env: Path, *args: str, cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "LANG", "LC_ALL")}
    environ.update(extra)
    return subprocess.run([str(env / "bin" / "rcsim"), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env=environ)


def test_the_wheel_and_the_sdist_carry_the_package_and_its_data(built: dict[str, Path]) -> None:
    names = zipfile.ZipFile(built["wheel"]).namelist()
    assert {name.split("/", 1)[0] for name in names} == {"rcsim", f"rcsim-{VERSION}.dist-info"}
    for data in ("rcsim/data/rules.json", "rcsim/data/demo.json", "rcsim/data/i18n/de.json",
                 "rcsim/data/i18n/en.json", "rcsim/data/scenarios/buyer_cancel_timeout_mutual.toml",
                 "rcsim/data/experiments/cancellation_window_72h.toml", "rcsim/tui/app/app.tcss",
                 "rcsim/engine/__init__.py", "rcsim/__main__.py", "rcsim/py.typed"):
        assert data in names, data
    shipped = {p.relative_to(ROOT / "data").as_posix() for p in (ROOT / "data").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
    assert {n.removeprefix("rcsim/data/") for n in names if n.startswith("rcsim/data/")} == shipped
    with tarfile.open(built["sdist"]) as sdist:
        members = {m.name.split("/", 1)[1] for m in sdist.getmembers() if "/" in m.name}
    assert {f"data/{name}" for name in shipped} <= members


def test_only_rcsim_lands_at_the_top_of_site_packages(venv: Path) -> None:
    (dist_info,) = _site_packages(venv).glob("rcsim-*.dist-info")
    record = (dist_info / "RECORD").read_text(encoding="utf-8").splitlines()
    tops = {line.split(",", 1)[0].split("/", 1)[0] for line in record if line}
    assert tops - {"..", "rcsim", dist_info.name} == set()  # ".." is bin/rcsim
    assert not (_site_packages(venv) / "engine").exists()
    assert not (_site_packages(venv) / "tui").exists()
    assert not (_site_packages(venv) / "data").exists()


def test_every_command_works_from_another_folder(venv: Path, tmp_path: Path) -> None:
    version = _rcsim(venv, "--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.strip() == f"rcsim {VERSION}", version
    module = subprocess.run([str(venv / "bin" / "python"), "-m", "rcsim", "--version"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert module.stdout == version.stdout
    assert "run" in _rcsim(venv, "--help", cwd=tmp_path).stdout
    story = _rcsim(venv, "run", "buyer_cancel_timeout_mutual", cwd=tmp_path)
    assert story.returncode == 0 and "PASS" in story.stdout, story.stderr
    every = _rcsim(venv, "run", "--examples", "--json", cwd=tmp_path)
    assert every.returncode == 0 and every.stdout.count("\n") == 30, every.stderr
    flow = _rcsim(venv, "map", "--width", "100", cwd=tmp_path)
    assert flow.returncode == 0 and "Resolution Center" in flow.stdout, flow.stderr
    assert "Lösungscenter" in _rcsim(venv, "map", "--lang", "de", cwd=tmp_path).stdout
    listing = _rcsim(venv, "examples", cwd=tmp_path)
    assert "buyer_cancel_timeout_mutual" in listing.stdout and listing.returncode == 0
    copied = _rcsim(venv, "examples", "copy", "mine", cwd=tmp_path)
    assert copied.returncode == 0, copied.stderr
    assert (tmp_path / "mine" / "scenarios" / "buyer_cancel_timeout_mutual.toml").is_file()
    experiment = _rcsim(venv, "experiment", "cancellation_window_72h", "--orders", "50",
                        "--replications", "2", "--json", cwd=tmp_path)
    assert experiment.returncode == 0, experiment.stderr
    log = _rcsim(venv, "--db", "x.json", "--version", cwd=tmp_path)
    assert log.returncode == 0 and not (tmp_path / "x.json").exists()


def test_the_app_starts_on_its_demo_in_a_terminal(venv: Path, tmp_path: Path) -> None:
    """The installed app, in a pseudo-terminal of 120x40, until its first frame shows the demo."""
    leader, follower = pty.openpty()
    os.set_blocking(leader, False)
    import fcntl
    import struct
    import termios

    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "LANG", "LC_ALL")}
    environ.update(TERM="xterm-256color", XDG_DATA_HOME=str(tmp_path / "data"), COLUMNS="120",
                   LINES="40")
    child = subprocess.Popen([str(venv / "bin" / "rcsim")], cwd=tmp_path, stdin=follower,
                             stdout=follower, stderr=follower, env=environ, start_new_session=True)
    os.close(follower)
    shown = b""
    try:
        deadline = time.monotonic() + 60
        while b"FO-1001" not in shown and time.monotonic() < deadline and child.poll() is None:
            if select.select([leader], [], [], 0.5)[0]:
                try:
                    shown += os.read(leader, 65536)
                except OSError:
                    break
        assert b"FO-1001" in shown, shown[-2000:]
        os.write(leader, b"q")
        deadline = time.monotonic() + 30
        while child.poll() is None and time.monotonic() < deadline:  # read on: a full terminal
            if select.select([leader], [], [], 0.2)[0]:                 # would block the app
                try:
                    os.read(leader, 65536)
                except OSError:
                    break
        assert child.wait(timeout=5) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        os.close(leader)
    assert (tmp_path / "data" / "rcsim" / "simulation.json").is_file()


def test_a_zipped_install_runs(built: dict[str, Path], venv: Path, tmp_path: Path) -> None:
    """The wheel itself on the path (a zip file: no folder to read data from) runs every command
    that reads bundled files: the data comes through importlib.resources."""
    environ = dict(os.environ, PYTHONPATH=str(built["wheel"]))
    python = str(venv / "bin" / "python")
    where = subprocess.run([python, "-c", "import rcsim.engine; print(rcsim.engine.__file__)"],
                           cwd=tmp_path, capture_output=True, text=True, env=environ, timeout=60)
    assert where.stdout.strip().startswith(str(built["wheel"])), where
    for args, expected in ((["run", "extension_accepted"], "PASS"),
                           (["map", "--lang", "de", "--width", "90"], "Lösungscenter"),
                           (["examples"], "cancellation_window_72h")):
        result = subprocess.run([python, "-m", "rcsim", *args], cwd=tmp_path, capture_output=True,
                                text=True, env=environ, timeout=120)
        assert result.returncode == 0 and expected in result.stdout, (args, result.stderr)


@pytest.mark.parametrize("damage", ["missing", "damaged"])
@pytest.mark.parametrize("name", ["i18n/en.json", "rules.json", "demo.json"])
def test_a_broken_bundled_file_is_one_line_naming_it_and_the_fix(
        built: dict[str, Path], venv: Path, tmp_path: Path, name: str, damage: str) -> None:
    """A translation, the rules or the demo removed from (or garbled in) an installed copy: the
    wheel unpacked into a folder of its own, first on the path, then damaged."""
    installed = tmp_path / "installed"
    zipfile.ZipFile(built["wheel"]).extractall(installed)
    target = installed / "rcsim" / "data" / name
    if damage == "missing":
        target.unlink()
    else:
        target.write_text('{"policies": [1, 2', encoding="utf-8")
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "LANG", "LC_ALL")}
    environ.update(PYTHONPATH=str(installed), XDG_DATA_HOME=str(tmp_path / "data"))
    for args in (["map"], ["run", "extension_accepted"], ["--new", "--db", "x.json"]):
        result = subprocess.run([str(venv / "bin" / "python"), "-m", "rcsim", *args],
                                cwd=tmp_path, capture_output=True, text=True, env=environ,
                                timeout=120, stdin=subprocess.DEVNULL)
        if name == "demo.json" and args[0] != "--new":
            continue  # only a new simulation reads the demo
        assert result.returncode == 2, (args, result)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
        assert str(target) in lines[0] and "Reinstall rcsim" in lines[0]
        assert ("missing" if damage == "missing" else "not valid JSON") in lines[0]
