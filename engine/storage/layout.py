"""What a simulation file holds and how its documents are checked: the tables and versions,
the meta, the origin, the head, and the journal's steps as the lines give them."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..consistency import check_branch, check_head, check_meta, check_table, shown
from ..core import State
from ..errors import Refusal, SimulationFileError
from ..journal import Journal
from ..rules import validate
from ..timeutil import iso

FORMAT = "rcsim-simulation"
VERSION = 3
VERSIONS = (1, 2, 3)  # the versions this rcsim reads (an older file is carried over to 3)
RECORDS = ("orders", "requests", "messages", "events")
TABLES = ("meta", "rules", *RECORDS, "steps")
HEAD = "head"  # where the simulation stands among its steps, once it was taken back (optional)
ORIGIN = "origin."  # the prefix of the origin's record tables (a file carried over from version 1)


def check_rules(where: object, rules_doc: Any) -> None:
    """A file's rules document: rules this rcsim can run, naming their policy."""
    try:
        validate(rules_doc)
    except Refusal as refusal:
        raise SimulationFileError(where, "bad_rules", detail=refusal.message) from None
    if not isinstance(rules_doc.get("policy"), str):  # Rules.policy and every save need it
        raise SimulationFileError(where, "no_policy")


def meta_of(where: object, raw: Any) -> dict[str, Any]:
    """The meta document of a file's first piece, if it names this format; else the refusal."""
    if not isinstance(raw, dict) or not isinstance(raw.get("meta"), dict):
        raise SimulationFileError(where, "no_meta")
    meta = raw["meta"].get("1")  # read directly: TinyDB chokes on a damaged document
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise SimulationFileError(where, "wrong_format", format=FORMAT)
    if meta.get("version") not in VERSIONS:
        raise SimulationFileError(where, "wrong_version", found=repr(meta.get("version")),
                                  version=VERSION)
    return meta


def head_doc(step: int, kept: int) -> dict[str, int]:
    """The head document: the simulation stands after step `step`; `kept` steps are kept."""
    return {"step": step, "steps": kept}


def base_origin(state: State) -> dict[str, Any]:
    """The origin of a journal that starts from `state` (a file carried over from version 1)."""
    return {"now": iso(state.now), "counters": dict(state.counters), "rules": dict(state.rules.data),
            "rows": record_count(state), "id": new_id()}


def origin_of(start: int, rules: Mapping[str, Any]) -> dict[str, Any]:
    """The origin of a new simulation: its start, its rules, no records."""
    return {"now": iso(start), "counters": {"request": 0, "message": 0, "event": 0, "deadline": 0},
            "rules": dict(rules), "rows": 0, "id": new_id()}


def new_id() -> str:
    """A random id for a simulation made anew (the origin's `id`), kept by every rewrite of its
    file: a process that has a file open tells a simulation started afresh under the same name,
    even from the same demo at the same hour, from its own written anew (a compaction)."""
    return secrets.token_hex(8)


def check_meta_2(where: object, meta: Mapping[str, Any]) -> None:
    """The meta document of a version 2 file: its checkpoint's clock and counters, the step it
    was written after, and the origin."""
    check_meta(where, meta)
    checkpoint = meta.get("checkpoint")
    if isinstance(checkpoint, bool) or not isinstance(checkpoint, int) or checkpoint < 0:
        raise SimulationFileError(where, "field_type", where=("meta", ""), field="checkpoint",
                                  expected="whole", found=shown(checkpoint))
    origin = meta.get("origin")
    if not isinstance(origin, dict):
        raise SimulationFileError(where, "field_type", where=("meta", ""), field="origin",
                                  expected="object", found=shown(origin))
    check_meta(where, origin)
    rows = origin.get("rows")
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 0:
        raise SimulationFileError(where, "field_type", where=("meta", ""), field="origin.rows",
                                  expected="whole", found=shown(rows))
    if not isinstance(origin.get("rules"), dict):
        raise SimulationFileError(where, "field_type", where=("meta", ""), field="origin.rules",
                                  expected="object", found=shown(origin.get("rules")))
    check_rules(where, origin["rules"])
    if "branch" in meta:
        check_branch(where, meta["branch"])
    if meta.get("version") == VERSION:  # the lines its last rewrite wrote, one chain
        lines = meta.get("lines")
        if isinstance(lines, bool) or not isinstance(lines, int) or lines < 1:
            raise SimulationFileError(where, "field_type", where=("meta", ""), field="lines",
                                      expected="positive", found=shown(lines))
    baseline = meta.get("baseline", 0)
    if isinstance(baseline, bool) or not isinstance(baseline, int) or baseline < 0:
        raise SimulationFileError(where, "field_type", where=("meta", ""), field="baseline",
                                  expected="whole", found=shown(baseline))


def step_number(doc_id: str) -> int | None:
    """A step's document id as its number (None: not a plain decimal number)."""
    if not (doc_id.isascii() and doc_id.isdigit() and len(doc_id) < 16):
        return None
    return int(doc_id) if str(int(doc_id)) == doc_id else None


def record_count(state: State) -> int:
    """How many records a state holds (orders, requests, messages and events)."""
    return len(state.orders) + len(state.requests) + len(state.messages) + len(state.events)


class Steps:
    """The journal's steps and where the simulation stands, as a file's lines give them, in
    order (starting from `records` and `head`, what lines read before gave).

    The lines merge as TinyDB's do: a later document of a table replaces the one with its id.
    A step rewritten (a new step after some were taken back) comes with a `head` in the same
    line; the head says how many steps are kept (the ones after it, left from an abandoned line
    of steps, are not) and after which the simulation stands."""

    def __init__(self, where: object, records: list[dict[str, Any]],
                 head: dict[str, Any] | None) -> None:
        self.where = where
        self.records = list(records)
        self.head = head
        self.rewritten: int | None = None  # the lowest step number written again

    def take(self, number: int, fragment: Mapping[str, Any]) -> None:
        """The `steps` and `head` of one line (number `number`), checked."""
        where, records = self.where, self.records
        again: int | None = None
        for table, docs in fragment.items():
            if table == "steps":
                check_table(where, table, docs)
                for doc_id, record in docs.items():
                    step = step_number(doc_id)
                    if step is None or not 1 <= step <= len(records) + 1:
                        raise SimulationFileError(where, "step_sequence", position=len(records) + 1,
                                                  number=doc_id)
                    if step <= len(records):
                        records[step - 1] = record
                        again = step if again is None else min(again, step)
                    else:
                        records.append(record)
            elif table == HEAD:
                check_table(where, table, docs)
                if set(docs) != {"1"}:
                    raise SimulationFileError(where, "field_missing", where=("table", HEAD),
                                              field="1")
                self.head = docs["1"]
                check_head(where, self.head, len(records))
        if again is not None:
            if HEAD not in fragment:  # a step written again says where the simulation stands
                raise SimulationFileError(where, "step_sequence", position=len(records) + 1,
                                          number=str(again))
            self.rewritten = again if self.rewritten is None else min(self.rewritten, again)

    def finish(self) -> int:
        """The steps kept (those left from an abandoned line of steps dropped); returns the
        step the simulation stands after."""
        head = self.head
        if head is None:
            return len(self.records)
        check_head(self.where, head, len(self.records))
        del self.records[head["steps"]:]
        return int(head["step"])


@dataclass
class Loaded:
    """What opening a file gave: the state after the last step, the journal, and what opening
    must still do once the file is known good (cut a torn last line, carry a version 1 over)."""

    state: State
    journal: Journal
    version: int
    raw: bytes | None = None  # a version 1 file's bytes, to keep as its backup
