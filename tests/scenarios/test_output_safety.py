"""`rcsim run` prints user text inert, as the app shows it, and ends quietly on a closed pipe."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rcsim.tui.cli.common import PIPE_CLOSED
from rcsim.tui.cli.run import main

ROOT = Path(__file__).resolve().parents[2]
RCSIM = Path(sys.executable).with_name("rcsim")

# Each user text carries something a terminal would act on: CSI (clear the screen), OSC (set the
# window title), BEL, a C1 CSI, a bidi override, DEL.
HOSTILE = '''
title = "Evil \\u001b[2J title"
description = "Rings \\u0007 and \\u009b31m and \\u202eright-to-left"
start = "2026-03-02T09:00:00Z"

[[orders]]
id = "FO-\\u001b[1m1"
title = "Logo \\u001b]0;pwned\\u0007 design\\u007f"
price = 120
delivery_days = 3

[[steps]]
actor = "buyer"
action = "ask_to_cancel"
order = "FO-\\u001b[1m1"
comment = "Sorry \\u001b[31mred\\u001b[0m"
note = "A note \\u001b[5mblinking"

[[steps]]
actor = "freelancer"
action = "withdraw"
order = "FO-\\u001b[1m1"
fails = true
error = "\\u001b[7mnot the requester"

[[steps]]
expect = { order = "FO-\\u001b[1m1", inbox = { freelancer = "\\u001b[31mred" } }
'''

RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\x7f")


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(args), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def assert_inert(text: str) -> None:
    for char in RAW:
        assert char not in text, f"{char!r} reached the terminal raw"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "story\x1b[31m.toml"  # the file name too
    path.write_text(HOSTILE, encoding="utf-8")
    return path


def test_the_transcript_shows_every_user_text_inert(hostile: Path) -> None:
    status, out, err = run(str(hostile))
    assert status == 1  # the withdraw's refusal does not contain the `error` text
    assert_inert(out + err)
    assert "Evil \u241b[2J title" in out                      # the title
    assert "story\u241b[31m.toml" in out                      # the file name
    assert "Rings \u2407 and" in out and "right-to-left" in out  # the description
    assert "Logo \u241b]0;pwned\u2407 design\u2421" in out      # the order's title
    assert "FO-\u241b[1m1" in out                             # the order id
    assert "A note \u241b[5mblinking" in out                   # the note


def test_an_invalid_file_is_named_inert(tmp_path: Path) -> None:
    path = tmp_path / "bad\x1b]0;x\x07.toml"
    path.write_text('title = "x"\nstart = "soon\\u001b[2J"\norders = []\nsteps = []\n',
                    encoding="utf-8")
    status, out, err = run(str(path))
    assert status == 2 and out == ""
    assert_inert(err)
    assert "bad\u241b]0;x\u2407.toml" in err


def test_json_output_keeps_the_text_and_escapes_what_json_leaves_raw(hostile: Path) -> None:
    status, out, err = run(str(hostile), "--json")
    assert status == 1
    assert_inert(out + err)
    document = json.loads(out)
    assert document["title"] == "Evil \x1b[2J title"  # the data is exact, only its spelling safe
    assert document["description"] == "Rings \x07 and \x9b31m and \u202eright-to-left"
    assert document["file"].endswith("story\x1b[31m.toml")
    assert "\\u009b" in out and "\\u202e" in out


def rcsim() -> str:
    if RCSIM.exists():
        return str(RCSIM)
    found = shutil.which("rcsim")
    if found is None:
        pytest.skip("the rcsim console script is not installed in this environment")
    return found


def test_a_pipe_closed_early_ends_the_run_quietly() -> None:
    # The library played 40 times prints far more than a pipe holds (64 KiB), so the reader
    # closing after one line is sure to break the pipe while rcsim is still writing.
    library = str(ROOT / "data" / "scenarios")
    child = subprocess.Popen([rcsim(), "run", *[library] * 40], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    assert child.stdout is not None and child.stderr is not None
    first = child.stdout.readline()
    child.stdout.close()  # as `head -1` does
    err = child.stderr.read().decode()
    status = child.wait(timeout=120)
    assert first.startswith(b"Scenario ")
    assert "Traceback" not in err and "BrokenPipeError" not in err and "Exception" not in err
    assert err == ""
    assert status == PIPE_CLOSED == 141


def test_a_pipe_closed_early_on_json_output_ends_quietly_too() -> None:
    library = str(ROOT / "data" / "scenarios")
    child = subprocess.Popen([sys.executable, "-m", "rcsim.tui.cli.run", "--json",
                              *[library] * 10], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    assert child.stdout is not None and child.stderr is not None
    json.loads(child.stdout.readline())
    child.stdout.close()
    err = child.stderr.read().decode()
    assert child.wait(timeout=120) == PIPE_CLOSED
    assert err == ""


def test_the_app_and_the_command_line_escape_with_the_same_function() -> None:
    from rcsim.tui.words.safetext import clean
    from rcsim.tui.words.text import clean as app_clean

    assert app_clean is clean  # tui/words/text.py delegates: the two can never drift apart
