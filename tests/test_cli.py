"""The `rcsim` command itself: `rcsim run` over the scenario library, and files and faults that
end in a message naming the file and exit status 2, never in a traceback."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .engine.conftest import files

ROOT = Path(__file__).resolve().parent.parent
RCSIM = Path(sys.executable).with_name("rcsim")


@pytest.mark.skipif(not RCSIM.exists() and shutil.which("rcsim") is None,
                    reason="the rcsim console script is not installed in this environment")
def test_rcsim_run_plays_the_scenario_library_and_exits_0() -> None:
    command = str(RCSIM) if RCSIM.exists() else "rcsim"
    files = sorted(str(p) for p in (ROOT / "data" / "scenarios").glob("*.toml"))
    result = subprocess.run([command, "run", *files], capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin", "LANG": "de_DE.UTF-8"})
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    # German, as LANG says (as every command does unless --lang says otherwise), in real plurals
    assert f"{len(files)} Szenarien: {len(files)} bestanden, 0 nicht bestanden" in result.stdout


# ---------------------------------------------------------------- files and faults: exit 2, the file named


def rcsim(*args: str, limit_file_size: int | None = None) -> subprocess.CompletedProcess:
    """`rcsim ARGS` as its own process `python -m rcsim`, in English unless --lang says otherwise."""
    def limit() -> None:  # a write past this size fails in the operating system, as on a full disk
        import resource
        assert limit_file_size is not None
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_size, limit_file_size))

    return subprocess.run([sys.executable, "-m", "rcsim", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=60, env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
                          preexec_fn=limit if limit_file_size is not None else None)


def refused_with(result: subprocess.CompletedProcess, path: object) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert str(path) in result.stderr
    return result.stderr


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_file_another_rcsim_has_open_is_opened_too(tmp_path, lang) -> None:
    """Role-play: a second rcsim on a file another has open joins it (no longer refused)."""
    from rcsim.engine import Simulation
    from rcsim.tui.cli.main import load_simulation

    path = tmp_path / "sim.json"
    Simulation.create(path, start="2026-03-02T09:00:00Z").close()
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from rcsim.engine import Simulation
        sim = Simulation.open({str(path)!r})
        sim.add_order("A", "Logo", 120, 3)
        print("holding", flush=True)
        sys.stdin.read()
        sim.close()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        sim = load_simulation(["--db", str(path), "--lang", lang])
        try:
            assert sim.order_ids() == ("A",)  # the other process's step is there
        finally:
            sim.close()
    finally:
        holder.communicate("")
    assert holder.returncode == 0


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_file_being_written_too_long_gets_advice_that_works(tmp_path, lang) -> None:
    from rcsim.engine import SimulationFileError
    from rcsim.tui.cli.main import advice
    from rcsim.tui.words import i18n

    with i18n.using(lang):
        text = advice(SimulationFileError(tmp_path / "sim.json", "busy", seconds=20))
    assert "--new" not in text
    assert ("try again" in text) if lang == "en" else ("noch einmal" in text)


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs Linux sysfs")
def test_a_folder_nobody_may_write_to_is_a_message_naming_the_file() -> None:
    path = Path("/sys") / "rcsim-cli-test.json"  # sysfs refuses every new file, to root too
    err = refused_with(rcsim("--db", str(path)), path)
    assert "/sys" in err and "--new" not in err


def test_a_file_where_a_folder_is_expected_is_a_message_naming_it(tmp_path) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("mine")
    err = refused_with(rcsim("--db", str(blocker / "sim.json")), blocker / "sim.json")
    assert "not a folder" in err and blocker.read_text() == "mine"


def test_a_name_too_long_for_the_system_is_a_message(tmp_path) -> None:
    path = tmp_path / ("a" * 300 + ".json")
    refused_with(rcsim("--db", str(path)), path)


@pytest.mark.parametrize(("name", "content", "words"), [
    ("deep.json", "[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ("status.json", None, "'paused'"),
    ("changed.json", None, "line 3 was changed after rcsim wrote it (the checksum does not match)"),
    ("words.txt", "just some notes\n", "not valid JSON"),
], ids=["deep", "unknown_status", "changed_by_hand", "not_json"])
def test_a_file_that_is_no_simulation_is_a_message_and_left_untouched(tmp_path, name, content,
                                                                       words) -> None:
    from rcsim.engine import Simulation

    from .engine.layouts import resealed

    path = tmp_path / name
    if content is None:  # a real simulation with one order's status changed by hand
        with Simulation.create(path, start="2026-03-02T09:00:00Z") as sim:
            sim.add_order("A", "Logo", 120, 3)
            sim.compact()  # the order in the file's own table (not only in its journal)
        content = path.read_text(encoding="utf-8")  # the orders table comes before the events
        content = content.replace('"status":"in_progress"', '"status":"paused"', 1)
        if name == "status.json":  # sealed again: past the checksums, to what is in it
            content = resealed(content.encode()).decode()
    path.write_text(content, encoding="utf-8")
    err = refused_with(rcsim("--db", str(path)), path)
    assert words in err and path.read_text(encoding="utf-8") == content
    if name == "words.txt":  # not a simulation at all: never advise moving it aside for a demo
        assert "--new" not in err


def test_a_full_disk_when_starting_is_a_message_and_leaves_no_file(tmp_path) -> None:
    path = tmp_path / "sim.json"
    err = refused_with(rcsim("--db", str(path), limit_file_size=512), path)
    assert "File too large" in err
    assert files(tmp_path) == []


def test_a_full_disk_when_starting_afresh_puts_the_old_file_back(tmp_path) -> None:
    from rcsim.engine import Simulation

    path = tmp_path / "sim.json"
    with Simulation.create(path, start="2026-03-02T09:00:00Z") as sim:
        sim.add_order("A", "Logo", 120, 3)
    before = path.read_bytes()
    refused_with(rcsim("--db", str(path), "--new", limit_file_size=len(before) - 1), path)
    assert path.read_bytes() == before
    assert files(tmp_path) == ["sim.json"]  # no backup, no temp


def test_starting_afresh_through_a_link_keeps_the_link_and_the_old_file_beside_the_real_one(
        tmp_path, capsys) -> None:
    from rcsim.engine import Simulation
    from rcsim.tui.cli.main import load_simulation

    (tmp_path / "real").mkdir()
    real, link = tmp_path / "real" / "sim.json", tmp_path / "link.json"
    with Simulation.create(real, start="2026-03-02T09:00:00Z") as sim:
        sim.add_order("A", "Logo", 120, 3)
    old = real.read_bytes()
    link.symlink_to(real)
    sim = load_simulation(["--db", str(link), "--new", "--lang", "en"])
    try:
        assert sim.path == real and "A" not in sim.order_ids()
    finally:
        sim.close()
    assert link.is_symlink() and link.resolve() == real
    backups = list((tmp_path / "real").glob("sim.json.*.bak"))
    assert len(backups) == 1 and backups[0].read_bytes() == old
    assert str(backups[0]) in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real"]


# ---------------------------------------------------------------- one language rule for every command


def _said(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    from rcsim.tui.cli.main import main

    with contextlib.suppress(SystemExit):  # --help ends with it
        main(args)
    captured = capsys.readouterr()
    return captured.out + captured.err


@pytest.mark.parametrize("command", [
    ["run", "buyer_cancel_timeout_mutual"],
    ["run", "--help"],
    ["experiment", "cancellation_window_72h", "--orders", "20", "--replications", "1"],
    ["experiment", "--help"],
    ["map"],
    ["examples"],
    ["log", "{a}"],
    ["diff", "{a}", "{b}"],
    ["--help"],
], ids=lambda command: " ".join(command))
def test_every_command_speaks_the_locale_unless_lang_says_otherwise(
        command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from rcsim.engine import Simulation

    for name in ("a", "b"):
        with Simulation.create(tmp_path / f"{name}.json", start="2026-03-02T09:00:00Z") as sim:
            sim.add_order("FO-1", "Logo", 120, 3)
            if name == "a":
                sim.act("buyer", "ask_to_cancel", "FO-1", comment="Dropped.")
    args = [arg.format(a=tmp_path / "a.json", b=tmp_path / "b.json") for arg in command]
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    said = {}
    for lang, locale in (("de", "de_DE.UTF-8"), ("en", "C.UTF-8")):
        monkeypatch.setenv("LANG", locale)
        said[lang] = _said(args, capsys)
        assert said[lang] == _said([*args, "--lang", lang], capsys), f"LANG={locale}"
    assert said["de"] != said["en"]
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert _said([*args, "--lang", "en"], capsys) == said["en"], "--lang wins over the locale"


# ---------------------------------------------------------------- one registry, one parent parser


@pytest.mark.parametrize("lang", ["en", "de"])
def test_rcsim_help_lists_every_command_of_the_registry_in_a_line_each(
        lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    from rcsim.tui.cli.commands import COMMANDS
    from rcsim.tui.words.i18n import language, set_language, t

    said = _said(["--help", "--lang", lang], capsys)
    previous = language()
    set_language(lang)
    try:
        lines = [f"  {command.name:<10}  {t(command.help)}" for command in COMMANDS]
        heading = t("cli.commands")
    finally:
        set_language(previous)
    assert said.rstrip().endswith("\n".join([heading, *lines]))
    assert {c.name for c in COMMANDS} == {"run", "map", "shots", "experiment", "log", "branch",
                                           "diff", "serve", "class", "examples"}


def test_every_command_of_the_registry_runs_from_rcsim(capsys: pytest.CaptureFixture[str]) -> None:
    from rcsim.tui.cli.commands import COMMANDS, entry

    for command in COMMANDS:
        assert callable(entry(command)), command.name
        said = _said([command.name, "--help", "--lang", "en"], capsys)
        assert said.startswith(f"usage: rcsim {command.name}"), command.name


@pytest.mark.parametrize("args, options", [
    ([], ("--db", "--lang", "--rule", "--policy")),
    (["run"], ("--lang", "--rule")),
    (["map"], ("--db", "--lang", "--rule", "--policy")),
    (["serve"], ("--db", "--lang", "--rule", "--policy")),
    (["experiment"], ("--lang",)),
    (["shots"], ("--lang",)),
    (["examples"], ("--lang",)),
    (["log"], ("--lang",)),
    (["branch"], ("--lang",)),
    (["diff"], ("--lang",)),
    (["class", "report"], ("--lang",)),
    (["class", "dashboard"], ("--lang",)),
], ids=["rcsim", "run", "map", "serve", "experiment", "shots", "examples", "log", "branch", "diff",
        "class report", "class dashboard"])
def test_the_shared_options_are_the_parent_parsers(
        args: list[str], options: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    """Each shared option a command takes reads the same in its help (the parent's words; the
    map's --db and --policy say what they mean there), and no command gains one it lacked."""
    from rcsim.tui.cli.common import SHARED

    said = " ".join(_said([*args, "--help", "--lang", "en"], capsys).split())
    for name in SHARED:
        assert (f"--{name} " in said) == (f"--{name}" in options), name
    from rcsim.tui.words.i18n import language, set_language, t

    previous = language()
    set_language("en")
    try:
        assert " ".join(t("cli.lang").split()) in said
    finally:
        set_language(previous)
    if "--rule" in options:
        assert "NAME=VALUE" in said


LAZY_PROBE = """
import sys
from rcsim.tui.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print("\\n" + " ".join(sorted(name for name in sys.modules if name.startswith(("textual", "rcsim.tui")))))
"""


@pytest.mark.parametrize("command", ["run", "map", "experiment", "examples", "log", "branch",
                                     "diff"])
def test_the_commands_without_a_screen_import_no_textual(command: str) -> None:
    result = subprocess.run([sys.executable, "-c", LAZY_PROBE, command, "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    modules = result.stdout.rstrip().rsplit("\n", 1)[-1].split()
    assert "rcsim.tui.cli.commands" in modules
    assert not [m for m in modules if m.split(".")[0] == "textual"], command


def test_the_bare_rcsim_imports_no_command_before_the_app() -> None:
    result = subprocess.run([sys.executable, "-c", LAZY_PROBE, "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    modules = result.stdout.rstrip().rsplit("\n", 1)[-1].split()
    assert modules and "rcsim.tui.cli.main" in modules
    from rcsim.tui.cli.commands import COMMANDS

    assert not {c.module for c in COMMANDS} & set(modules)
    assert not [m for m in modules if m.split(".")[0] == "textual"]
