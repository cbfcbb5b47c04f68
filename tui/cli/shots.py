"""`rcsim shots STORY.toml -o DIR [--lang de]`: picture handouts of a scenario.

It presents the scenario in the real app, headless, at a fixed terminal size, plays its steps
one by one as the presenter's `s` key does, and saves the screen after every step as an SVG
(both panes, the clock, the notices, the presenter bar), plus an `index.html` that pages
through them with each step's note as its caption. The page links the pictures by their
relative names and loads nothing from the network, so the folder works opened from disk.

The same story gives byte-identical files: a fixed size, no cursor blink, no animation, and
nothing of the wall clock on screen (the app shows simulated time only). Every file is
written atomically (engine/atomic.py). The presenter's "save this moment" key writes one
picture the same way (`save_moment`).
"""

from __future__ import annotations

import html
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from rcsim.engine import write_text_atomically as write_text
from rcsim.tui.app.pictures import picture  # the app's pictures
from rcsim.tui.cli import examples
from rcsim.tui.cli.common import Parser, own_arguments, parse, shared_options, speaking
from rcsim.tui.words.i18n import localized, t
from rcsim.tui.words.safetext import clean

if TYPE_CHECKING:
    from rcsim.engine import Scenario

SIZE = (160, 48)
"""The terminal size of every picture: both panes side by side, the presenter bar and the
order page (the size of the app's own snapshot tests)."""


@dataclass(frozen=True)
class Shot:
    """One picture: its file name, the step it shows, and what to say under it."""

    file: str
    number: int
    what: str
    note: str | None


def shoot(scenario: Scenario, folder: Path, lang: str) -> list[Shot]:
    """Present `scenario` headless and save the screen after every step into `folder`."""
    from rcsim.engine import Player
    from rcsim.tui.app.app import make_app
    from rcsim.tui.app.widgets.presenter import describe_step

    player = Player(scenario)
    app = make_app(player.simulation, player=player, cursor_blink=False, animation_level="none",
                   language=lang)
    shots: list[Shot] = []
    failures: list[BaseException] = []

    async def play(pilot) -> None:  # type: ignore[no-untyped-def]
        try:
            await pilot.pause()
            total = len(scenario.steps)
            for number in range(1, total + 1):
                step = scenario.steps[number - 1]
                app.action_present_step()
                await pilot.pause()
                name = f"step-{number:02d}.svg"
                write_text(folder / name, picture(app))
                shots.append(Shot(name, number, describe_step(step), localized(step.note)))
        except BaseException as error:  # said after the app has closed
            failures.append(error)
        finally:
            app.exit()

    app.run(headless=True, size=SIZE, auto_pilot=play)
    if failures:
        raise failures[0]
    return shots


PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ margin: 0; font-family: system-ui, sans-serif; background: #1e1e1e; color: #eee; }}
header {{ padding: 1em 2em 0; }}
h1 {{ font-size: 1.4em; margin: 0 0 .3em; }}
header p {{ margin: 0 0 .5em; color: #bbb; }}
nav {{ display: flex; gap: 1em; align-items: center; padding: .5em 2em; position: sticky;
       top: 0; background: #1e1e1e; }}
nav button {{ font-size: 1em; padding: .3em 1em; }}
figure {{ margin: 1em 2em 2em; }}
figure img {{ width: 100%; height: auto; display: block; border: 1px solid #444; }}
figcaption {{ margin-top: .6em; font-size: 1.1em; line-height: 1.4; }}
figcaption .note {{ display: block; font-style: italic; color: #f0c674; }}
figcaption a {{ color: #8ab4f8; font-size: .85em; }}
.paged figure {{ display: none; }}
.paged figure.shown {{ display: block; }}
nav {{ visibility: hidden; }}
.paged nav {{ visibility: visible; }}
</style>
</head>
<body>
<header>
<h1>{title}</h1>
{description}</header>
<nav><button id="previous" type="button">{previous}</button>
<span id="counter"></span>
<button id="next" type="button">{next}</button>
<span>{keys}</span></nav>
<main>
{figures}
</main>
<script>
(function () {{
  var figures = document.querySelectorAll("figure");
  var counter = document.getElementById("counter");
  var current = 0;
  function show(index) {{
    current = Math.max(0, Math.min(figures.length - 1, index));
    figures.forEach(function (figure, i) {{ figure.classList.toggle("shown", i === current); }});
    counter.textContent = figures[current].dataset.counter;
    if (figures[current].id) {{ history.replaceState(null, "", "#" + figures[current].id); }}
  }}
  document.body.classList.add("paged");
  document.getElementById("previous").onclick = function () {{ show(current - 1); }};
  document.getElementById("next").onclick = function () {{ show(current + 1); }};
  document.addEventListener("keydown", function (event) {{
    if (event.key === "ArrowRight" || event.key === "PageDown" || event.key === " ") {{
      show(current + 1); event.preventDefault();
    }} else if (event.key === "ArrowLeft" || event.key === "PageUp") {{
      show(current - 1); event.preventDefault();
    }} else if (event.key === "Home") {{ show(0); }}
    else if (event.key === "End") {{ show(figures.length - 1); }}
  }});
  var start = 0;
  figures.forEach(function (figure, i) {{ if ("#" + figure.id === location.hash) start = i; }});
  show(start);
}})();
</script>
</body>
</html>
"""

FIGURE = """<figure id="{id}" data-counter="{counter}">
<img src="{file}" alt="{alt}">
<figcaption><strong>{counter}:</strong> {what}{note}
<a href="{file}">{open}</a></figcaption>
</figure>"""


def _inert(text: str | None) -> str:
    """User text for the page: inert for a terminal and escaped for HTML."""
    return html.escape(" ".join(clean(text or "").split()))


def index_page(scenario: Scenario, shots: Sequence[Shot], lang: str) -> str:
    """The page that pages through the pictures (every text escaped; no network)."""
    total = len(shots)
    figures = []
    for shot in shots:
        counter = html.escape(t("shots.counter", number=shot.number, total=total))
        note = f'\n<span class="note">{_inert(t("present.note", note=shot.note))}</span>' \
            if shot.note else ""
        figures.append(FIGURE.format(
            id=html.escape(Path(shot.file).stem), counter=counter, file=html.escape(shot.file),
            alt=html.escape(t("shots.alt", number=shot.number, total=total)),
            what=_inert(shot.what), note=note, open=html.escape(t("shots.open"))))
    description = f"<p>{_inert(localized(scenario.description))}</p>\n" \
        if scenario.description else ""
    return PAGE.format(
        lang=lang, title=_inert(localized(scenario.title)), description=description,
        previous=html.escape(t("shots.previous")), next=html.escape(t("shots.next")),
        keys=html.escape(t("shots.keys")), figures="\n".join(figures))


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    """`rcsim shots STORY.toml -o DIR [--lang de]`: 0 when written, 2 when the story is not a
    valid scenario or the folder takes no file (the message says why)."""
    from rcsim.engine import ScenarioError
    from rcsim.engine import load_scenario as load
    from rcsim.tui.words.report import error_text

    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = own_arguments(argv, "shots")
    with speaking(args) as lang:
        parser = Parser(prog="rcsim shots", description=t("shots.cli.description"),
                        parents=[shared_options("lang")])
        parser.add_argument("story", metavar="STORY.toml", help=t("shots.cli.story"))
        parser.add_argument("-o", "--output", required=True, metavar="DIR",
                            help=t("shots.cli.output"))
        options = parse(parser, args)
        if isinstance(options, int):
            return options
        try:
            scenario = load(examples.resolve(options.story, examples.STORIES)).in_language(lang)
        except ScenarioError as error:
            print(clean(t("present.cli.invalid", message=error_text(error))), file=err)
            return 2
        folder = Path(options.output)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            shots = shoot(scenario, folder, lang)
            with_index = write_text(folder / "index.html", index_page(scenario, shots, lang))
        except OSError as error:
            print(clean(t("shots.cli.cannot_write", path=error.filename or folder,
                          reason=error.strerror or str(error))), file=err)
            return 2
        print(clean(t("shots.cli.written", count=len(shots), path=with_index)), file=out)
        return 0
