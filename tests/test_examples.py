"""The bundled scenarios and experiments reach an installed user: by name, listed, copied."""

from __future__ import annotations

import io
from pathlib import Path

from rcsim.tui.cli import examples
from rcsim.tui.cli import run as runner

ROOT = Path(__file__).resolve().parent.parent


def _examples(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return examples.main(list(args), stdout=out, stderr=err), out.getvalue(), err.getvalue()


def test_a_bundled_name_resolves_with_or_without_its_suffix(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("buyer_cancel_timeout_mutual", "buyer_cancel_timeout_mutual.toml"):
        found = Path(examples.resolve(name, examples.STORIES))
        assert found.read_bytes() == (ROOT / "data/scenarios/buyer_cancel_timeout_mutual.toml").read_bytes()
    assert examples.resolve("no_such_story", examples.STORIES) == "no_such_story"
    assert examples.resolve("cancellation_window_72h", examples.STORIES) == "cancellation_window_72h"
    assert Path(examples.resolve("cancellation_window_72h", examples.EXPERIMENTS)).is_file()
    # a path is a path: a folder in it never means a bundled file
    assert examples.resolve("x/buyer_cancel_timeout_mutual", examples.STORIES) == \
        "x/buyer_cancel_timeout_mutual"


def test_a_file_of_that_name_in_the_current_folder_wins(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "extension_accepted").write_text("mine", encoding="utf-8")
    assert examples.resolve("extension_accepted", examples.STORIES) == "extension_accepted"


def test_the_list_names_every_bundled_file_with_its_title_in_real_plurals() -> None:
    status, out, _ = _examples("--lang", "de")
    stories = sorted(p.stem for p in (ROOT / "data/scenarios").glob("*.toml"))
    assert status == 0 and f"{len(stories)} Szenarien (" in out and "2 Experimente (" in out
    assert all(name in out for name in stories)
    assert "What if the cancellation window were 72 hours?" in _examples("--lang", "en")[1]
    assert "(s)" not in out and "(en)" not in out


def test_copy_writes_every_file_and_keeps_what_is_there(tmp_path) -> None:
    (tmp_path / "scenarios").mkdir()
    mine = tmp_path / "scenarios" / "extension_accepted.toml"
    mine.write_text("# my own version\n", encoding="utf-8")
    status, out, _ = _examples("copy", str(tmp_path), "--lang", "en")
    total = len(list((ROOT / "data/scenarios").glob("*.toml"))) + \
        len(list((ROOT / "data/experiments").glob("*.toml")))
    assert status == 0 and f"Copied {total - 1} files" in out and "1 file was already there" in out
    assert mine.read_text(encoding="utf-8") == "# my own version\n"
    copied = tmp_path / "experiments" / "cancellation_window_72h.toml"
    assert copied.read_bytes() == (ROOT / "data/experiments/cancellation_window_72h.toml").read_bytes()
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]  # atomic: no leftovers


def test_copy_into_a_file_is_refused_in_one_line(tmp_path) -> None:
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    status, _, err = _examples("copy", str(tmp_path / "a-file"), "--lang", "en")
    assert status == 2 and err.count("\n") == 1 and "Cannot write" in err


def test_copy_needs_a_folder_and_a_stray_word_is_refused() -> None:
    assert _examples("copy")[0] == 2
    status, _, err = _examples("list\x1b[2J")
    assert status == 2 and "\x1b" not in err


def test_run_plays_every_bundled_scenario_or_one_by_name() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert runner.main(["--examples", "--json"], stdout=out, stderr=err) == 0, err.getvalue()
    assert out.getvalue().count("\n") == len(list((ROOT / "data/scenarios").glob("*.toml")))
    out = io.StringIO()
    assert runner.main(["extension_accepted"], stdout=out, stderr=err) == 0
    assert "PASS" in out.getvalue()
    assert runner.main([], stdout=out, stderr=(err := io.StringIO())) == 2
    assert "--examples" in err.getvalue()
