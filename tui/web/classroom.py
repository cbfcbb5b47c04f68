"""A class on disk: one folder, one simulation per pair, and the seats' secrets, so that a class
served again from the same folder continues with the same links.

    DIR/class.json        the class: its pairs, each seat's secret, where each pair started
                          (its owner's alone: it holds the secrets)
    DIR/pair-01.json ...  one simulation per pair, made from the demo or a scenario's start
    DIR/links.csv         every seat's link (pair, seat, link), written at every start
    DIR/links.html        the same, printable, a card with a QR code per seat
    DIR/branches/         branches the trainer made of a pair (from the class dashboard)

No Textual here: `rcsim serve --pairs` and `rcsim class report` use it.
"""

from __future__ import annotations

import csv
import html
import io
import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from rcsim.engine import Simulation
from rcsim.engine import write_text_atomically as write_text
from rcsim.tui.words.i18n import language, t

CLASS_FILE = "class.json"
FORMAT = "rcsim-class"
VERSION = 1
MAX_PAIRS = 50
SECRET_BYTES = 24  # 192 bits, as URL-safe base64 (32 characters)


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


@dataclass(frozen=True)
class Pair:
    """One pair of a class: its number, its simulation file (in the class folder), the secrets
    of its buyer's and freelancer's seats, and the step its simulation stood at when the class
    began (the steps before it are the set-up, not the pair's own)."""

    number: int
    file: str
    buyer: str
    freelancer: str
    start: int

    def secret(self, role: str) -> str:
        return self.buyer if role == "buyer" else self.freelancer


@dataclass(frozen=True)
class Classroom:
    """A class: its folder, the trainer's secret and its pairs."""

    folder: Path
    trainer: str
    pairs: tuple[Pair, ...]
    source: str

    def path(self, pair: Pair) -> Path:
        return self.folder / pair.file

    def pair(self, number: int) -> Pair | None:
        return next((p for p in self.pairs if p.number == number), None)


class ClassError(Exception):
    """A class folder that cannot be used as asked: the message says why, in words."""


def pair_file(number: int) -> str:
    return f"pair-{number:02d}.json"


def load(folder: Path) -> Classroom | None:
    """The class in `folder`, or None when there is none; ClassError for one that is damaged."""
    path = folder / CLASS_FILE
    if not path.exists():
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("format") != FORMAT or document.get("version") != VERSION:
            raise ValueError("not a class file of this version")
        pairs = tuple(Pair(int(p["number"]), _file_name(p["file"]), _secret(p["buyer"]),
                           _secret(p["freelancer"]), int(p["start"]))
                      for p in document["pairs"])
        classroom = Classroom(folder, _secret(document["trainer"]), pairs,
                              str(document.get("source", "demo")))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ClassError(t("class.damaged", path=path, reason=str(error)[:200])) from None
    if not pairs or len({p.number for p in pairs}) != len(pairs):
        raise ClassError(t("class.damaged", path=path, reason="pairs"))
    return classroom


def _secret(value: Any) -> str:
    if not isinstance(value, str) or len(value) < 32 or not value.replace("-", "").replace("_", "").isalnum():
        raise ValueError("a secret is not one rcsim made")
    return value


def _file_name(value: Any) -> str:
    if not isinstance(value, str) or not value.startswith("pair-") or "/" in value or "\\" in value:
        raise ValueError("a pair's file is not in the class folder")
    return value


def save(classroom: Classroom) -> None:
    document = {"format": FORMAT, "version": VERSION, "trainer": classroom.trainer,
                "source": classroom.source,
                "pairs": [{"number": p.number, "file": p.file, "buyer": p.buyer,
                           "freelancer": p.freelancer, "start": p.start} for p in classroom.pairs]}
    write_text(classroom.folder / CLASS_FILE, json.dumps(document, indent=2) + "\n", private=True)


def create(folder: Path, pairs: int, make: Callable[[Path], Simulation], source: str) -> Classroom:
    """A new class of `pairs` pairs in `folder` (made if missing; refused where a pair's file
    already exists): each pair's simulation made by `make(path)`."""
    if not 1 <= pairs <= MAX_PAIRS:
        raise ClassError(t("class.pairs_range", count=pairs, most=MAX_PAIRS))
    folder.mkdir(parents=True, exist_ok=True)
    made: list[Pair] = []
    for number in range(1, pairs + 1):
        path = folder / pair_file(number)
        if path.exists():
            raise ClassError(t("class.file_exists", path=path))
        sim = make(path)
        try:
            start = sim.step_count
        finally:
            sim.close()
        made.append(Pair(number, pair_file(number), new_secret(), new_secret(), start))
    classroom = Classroom(folder, new_secret(), tuple(made), source)
    save(classroom)
    return classroom


# ---------------------------------------------------------------- the links

@dataclass(frozen=True)
class Link:
    """A seat's link: the pair (0 for the trainer), the seat's role, the address."""

    pair: int
    role: str
    address: str


def links(classroom: Classroom, base: str) -> list[Link]:
    """Every seat's link on the server at `base` ("http://10.0.0.5:8000"): the trainer's first."""
    found = [Link(0, "trainer", f"{base}/{classroom.trainer}/")]
    for pair in classroom.pairs:
        found += [Link(pair.number, role, f"{base}/{pair.secret(role)}/")
                  for role in ("buyer", "freelancer")]
    return found


def write_links(classroom: Classroom, found: Sequence[Link]) -> tuple[Path, Path]:
    """links.csv and links.html in the class folder (both its owner's alone: they hold every
    seat's secret)."""
    table = io.StringIO()
    writer = csv.writer(table, lineterminator="\n")
    writer.writerow(["pair", "seat", "link"])
    for link in found:
        writer.writerow([link.pair or "", link.role, link.address])
    csv_path = write_text(classroom.folder / "links.csv", table.getvalue(), private=True)
    html_path = write_text(classroom.folder / "links.html", links_page(found), private=True)
    return csv_path, html_path


def _qr_svg(text: str) -> str:
    import segno

    return str(segno.make(text, error="m").svg_inline(scale=3, dark="#000", light="#fff"))


def links_page(found: Sequence[Link]) -> str:
    """A printable page: a card per seat with its QR code, the pair, the seat and the link."""
    cards = []
    for link in found:
        who = t(f"class.links.seat.{link.role}")
        heading = who if not link.pair else t("class.links.card", pair=link.pair, seat=who)
        cards.append(f'<div class="card"><h2>{html.escape(heading)}</h2>{_qr_svg(link.address)}'
                     f'<p class="link">{html.escape(link.address)}</p></div>')
    title = html.escape(t("class.links.title"))
    return f"""<!DOCTYPE html>
<html lang="{html.escape(language())}"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: sans-serif; margin: 1cm; }}
.cards {{ display: flex; flex-wrap: wrap; gap: 0.5cm; }}
.card {{ border: 1px dashed #888; padding: 0.4cm; width: 8cm; break-inside: avoid; }}
.card h2 {{ font-size: 14pt; margin: 0 0 0.2cm; }}
.link {{ font-family: monospace; font-size: 8pt; word-break: break-all; }}
</style></head><body>
<h1>{title}</h1><p>{html.escape(t("class.links.hint"))}</p>
<div class="cards">{"".join(cards)}</div>
</body></html>
"""


def modified(path: Path) -> datetime | None:
    """When a pair's file was last written (the wall clock: when its last step was taken)."""
    try:
        return datetime.fromtimestamp(path.stat().st_mtime).astimezone()
    except OSError:
        return None
