"""Picture handouts: `rcsim shots STORY.toml -o DIR` (one SVG per step, an index.html that pages
through them offline, the same bytes every time) and the presenter's "save this moment" key."""

from __future__ import annotations

import io
import re
from pathlib import Path

from rcsim.engine.scenario import load
from rcsim.tui.cli.shots import main

from .reach import notifications
from .test_present import LIBRARY, TIMEOUT_STORY, present_app

HOSTILE = '''title = "Notes <b>with</b> & \\"quotes\\" [bold]markup[/bold]"
start = "2026-03-02T09:00:00Z"

[[orders]]
id = "FO-1001"
title = "Logo design"
price = 120
delivery_days = 3

[[steps]]
advance = "1h"
note = "<script>alert(1)</script> & \\u001b[2J"
'''


def shots(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(args), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_one_svg_per_step_and_an_index_that_links_them_all_the_same_every_time(tmp_path) -> None:
    story = load(TIMEOUT_STORY)
    first, second = tmp_path / "one", tmp_path / "two"
    status, out, err = shots(str(TIMEOUT_STORY), "-o", str(first), "--lang", "en")
    assert status == 0, err
    assert f"{len(story.steps)} pictures" in out
    names = [f"step-{n:02d}.svg" for n in range(1, len(story.steps) + 1)]
    assert sorted(_files(first)) == sorted([*names, "index.html"])
    index = (first / "index.html").read_text(encoding="utf-8")
    for name in names:
        assert f'<img src="{name}"' in index and f'<a href="{name}">' in index
    for step in story.steps:
        if step.note:
            assert " ".join(step.note.split()) in index
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", index), "the page loads nothing online"
    assert "<script src" not in index and "<link" not in index
    svg = (first / "step-03.svg").read_text(encoding="utf-8").replace("&#160;", " ")
    for seen in ("Simulated time", "Buyer: my orders", "Freelancer: my orders",  # the clock, both
                 "Step 3: Move the clock", "One minute before the 48-hour deadline",  # the bar
                 "rcsim · step 3 of 7"):
        assert seen in svg, seen
    # the same story again, into another folder: byte for byte the same files
    assert shots(str(TIMEOUT_STORY), "-o", str(second), "--lang", "en")[0] == 0
    assert _files(first) == _files(second)


def test_in_german(tmp_path) -> None:
    status, _, err = shots(str(LIBRARY / "extension_accepted.toml"), "-o", str(tmp_path),
                           "--lang", "de")
    assert status == 0, err
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<html lang="de">' in index and "Schritt 1 von" in index and "Weiter →" in index
    assert "Simulierte&#160;Zeit" in (tmp_path / "step-01.svg").read_text(encoding="utf-8")


def test_what_a_story_says_is_escaped_on_the_page(tmp_path) -> None:
    story = tmp_path / "hostile.toml"
    story.write_text(HOSTILE, encoding="utf-8")
    status, _, err = shots(str(story), "-o", str(tmp_path / "out"), "--lang", "en")
    assert status == 0, err
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in index and "&lt;script&gt;alert(1)&lt;/script&gt;" in index
    assert "\x1b" not in index and "␛[2J" in index
    assert "Notes &lt;b&gt;with&lt;/b&gt; &amp; &quot;quotes&quot; [bold]markup[/bold]" in index


def test_a_story_that_is_no_scenario_writes_nothing(tmp_path) -> None:
    story = tmp_path / "bad.toml"
    story.write_text('title = "no start"\n', encoding="utf-8")
    status, out, err = shots(str(story), "-o", str(tmp_path / "out"))
    assert status == 2 and "invalid scenario" in err and out == ""
    assert not (tmp_path / "out").exists()


async def test_save_this_moment_writes_the_screen_named_after_the_step(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = present_app(TIMEOUT_STORY)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("s", "c")
        await pilot.pause()
        saved = tmp_path / "buyer_cancel_timeout_mutual-step-01.svg"
        assert saved.exists()
        svg = saved.read_text(encoding="utf-8")
        assert svg.startswith("<svg")
        assert "rcsim · step 1 of 7" in svg.replace("&#160;", " ")
        assert "Step 1: Buyer:" in svg.replace("&#160;", " ")
        notices = [n.message for n in notifications(app)]
        assert f"Saved this moment as {saved}" in notices
        await pilot.press("c")  # the same step again: a new file, never over the first
        await pilot.pause()
        assert (tmp_path / "buyer_cancel_timeout_mutual-step-01-2.svg").read_text(
            encoding="utf-8") == svg
        assert not list(tmp_path.glob(".*.tmp")), "written through a temporary file, renamed"


async def test_save_this_moment_exists_only_while_presenting(tmp_path, monkeypatch) -> None:
    from .conftest import build_app

    monkeypatch.chdir(tmp_path)
    app = build_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert list(tmp_path.iterdir()) == []


async def test_a_folder_that_takes_no_file_is_a_notice_not_a_crash(tmp_path, monkeypatch):
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()  # the current folder is removed under the app: no file can go there
    app = present_app(TIMEOUT_STORY)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        notices = [n.message for n in notifications(app)]
        assert any(m.startswith("Could not save the picture in") for m in notices), notices
    assert list(tmp_path.iterdir()) == []
