"""The app's screen as a picture: an SVG of what is on screen now, named after the step of the
scenario presented. The presenter's "save this moment" key (screens/main.py) writes one, and
`rcsim shots` (tui/cli/shots.py) one per step of a scenario.

The same moment gives the same bytes: nothing of the wall clock is in the picture (its window
title says the step), and every file is written atomically (engine/atomic.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rcsim.engine import free_file_name as free_name
from rcsim.engine import write_text_atomically as write_text
from rcsim.tui.words.i18n import t

if TYPE_CHECKING:
    from rcsim.tui.app.app import RcsimApp


def picture(app: RcsimApp) -> str:
    """The app's screen now, as an SVG; its window title says the step, not a wall-clock time."""
    player = app.player
    position = player.position if player is not None else 0
    total = len(player.scenario.steps) if player is not None else 0
    return app.export_screenshot(title=t("shots.svg_title", number=position, total=total))


def step_name(app: RcsimApp) -> str:
    """The name a picture of the current step goes by: "STORY-step-03"."""
    player = app.player
    stem = Path(player.scenario.path).stem if player is not None else "rcsim"
    position = player.position if player is not None else 0
    return f"{_safe_stem(stem)}-step-{position:02d}"


def _safe_stem(stem: str) -> str:
    """A file name part from a story's name: letters, digits, - and _ only."""
    kept = "".join(c if c.isalnum() or c in "-_" else "_" for c in stem)
    return kept or "story"


def save_moment(app: RcsimApp, folder: Path | None = None) -> Path:
    """Write the screen now as an SVG named after the step, in `folder` (default: the current
    folder), never over an existing file (a second one gets "-2"); returns where it went."""
    folder = Path.cwd() if folder is None else folder
    path = free_name(folder, step_name(app), ".svg")
    return write_text(path, picture(app), overwrite=False)
