"""The seats of `rcsim serve`: who sits at which simulation file behind which secret link, and
the app process a seat's tab runs. No aiohttp, no Textual here."""

from __future__ import annotations

import hmac
import secrets
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rcsim.tui.web.classroom import Classroom

ROLES = ("trainer", "buyer", "freelancer")
PARTY_ROLES = ROLES[1:]
SECRET_BYTES = 24  # 192 bits, as URL-safe base64 (32 characters)


@dataclass(frozen=True)
class Seat:
    """A place at a simulation: a role ("trainer", "buyer", "freelancer") on a pair's file, or
    the class dashboard ("dashboard", on the class folder), reached by its secret link. The
    trainer's secret of a class opens the dashboard at its link and each pair's trainer view at
    `<link>pair/<n>/` (`view`); every other seat is the front of its link (view "")."""

    role: str
    db: Path
    secret: str
    pair: int = 1
    view: str = ""

    @property
    def key(self) -> str:
        return f"{self.pair}/{self.role}"


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def seats_of(db: Path, pair: int = 1) -> list[Seat]:
    """The three seats of one simulation file, each with a new secret of its own."""
    found: list[Seat] = []
    while True:
        found = [Seat(role, db, new_secret(), pair) for role in ROLES]
        if len({seat.secret for seat in found}) == len(found):  # never, but never the same
            return found


def find_seat(seats: Sequence[Seat], given: str, view: str = "") -> Seat | None:
    """The seat whose secret is `given` (compared with every seat's in constant time) at the
    view `view` of its link ("" or "pair/3")."""
    found = None
    given_bytes = given.encode("utf-8", "surrogateescape")
    for seat in seats:
        if hmac.compare_digest(seat.secret.encode("ascii"), given_bytes) and seat.view == view:
            found = seat
    return found


def class_seats(classroom: Classroom) -> list[Seat]:
    """The seats of a class: the dashboard and each pair's trainer view (both behind the
    trainer's secret), and each pair's buyer and freelancer."""
    found = [Seat("dashboard", classroom.folder, classroom.trainer, 0)]
    for pair in classroom.pairs:
        path = classroom.path(pair)
        found.append(Seat("trainer", path, classroom.trainer, pair.number, f"pair/{pair.number}"))
        found += [Seat(role, path, pair.secret(role), pair.number) for role in PARTY_ROLES]
    return found


def child_command(seat: Seat, lang: str) -> list[str]:
    """The app of a seat's tab: this Python's rcsim on the seat's file (or the class dashboard
    on its folder), confined (`--served`), as the seat's party (the trainer's: both)."""
    if seat.role == "dashboard":
        return [sys.executable, "-m", "rcsim", "class", "dashboard", str(seat.db), "--lang", lang,
                "--served", "--link", f"/{seat.secret}/"]
    args = [sys.executable, "-m", "rcsim", "--db", str(seat.db), "--lang", lang, "--served"]
    if seat.role != "trainer":
        args += ["--as", seat.role]
    elif seat.view:  # a pair's trainer view in a class: a key leads back to the dashboard
        args += ["--class-link", f"/{seat.secret}/"]
    return args
