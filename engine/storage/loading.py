"""Opening a simulation file of version 2 or 3: its lines read and checked, the checkpoint
built, the steps after it replayed; and the checkpoint or the origin read again when time travel
needs them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..consistency import check_step, check_table, shown
from ..core import State
from ..errors import Refusal, SimulationFileError
from ..journal import STEP_COST, Journal, replay_all
from .carry_over import load_version_1
from .image import Image, bare_state, no_collection
from .layout import (
    HEAD,
    ORIGIN,
    RECORDS,
    TABLES,
    VERSION,
    Loaded,
    Steps,
    check_meta_2,
    check_rules,
    meta_of,
)

if TYPE_CHECKING:
    from .store import Store


def load(store: Store) -> Loaded:
    """The state and journal the file holds. A file that is not a consistent simulation of a
    version this rcsim reads is refused (engine/consistency.py), before anything is written."""
    where = store.shown
    storage = store.storage
    with no_collection():
        first = next(storage.lines(), None)
        if first is None:  # no complete line: the whole file is one JSON document, or none
            return load_version_1(store, store.file.read())  # type: ignore[union-attr]
        try:
            head = json.loads(first[1].decode("utf-8"))
        except (ValueError, RecursionError):  # (a document over several lines, or none)
            return load_version_1(store, store.file.read())  # type: ignore[union-attr]
        meta = meta_of(where, head)
        if meta.get("version") == 1:
            return load_version_1(store, store.file.read())  # type: ignore[union-attr]
        return load_lines(store)  # (or 3: the same, with checksums)


def load_lines(store: Store) -> Loaded:
    """A file of format version 2 or 3 (version 2 with a checksum on every line, verified
    as the lines are read): the meta, the checkpoint's tables, and the journal.

    Its lines merge as TinyDB's do: a later document of a table replaces the one with its
    id. A step rewritten (a new step after some were taken back) comes with a `head` in
    the same line; the head says how many steps are kept (the ones after it, left from an
    abandoned line of steps, are not) and after which the simulation stands."""
    where = store.shown
    storage = store.storage
    meta: dict[str, Any] | None = None
    rules_doc: Any = None
    image = Image(where)
    steps = Steps(where, [], None)
    tables: set[str] = set()
    for number, fragment in storage.fragments(skip=(b'{"' + ORIGIN.encode(),)):
        if fragment is None:
            tables.add("origin")
            continue
        if not isinstance(fragment, dict):
            raise SimulationFileError(where, "field_type", where=("line", str(number)),
                                      field="line", expected="object", found=shown(fragment))
        for table, docs in fragment.items():
            if table == "meta":
                check_table(where, table, docs)
                if meta is not None or number != 1:
                    raise SimulationFileError(where, "duplicate", where=("table", "meta"), id="'1'")
                meta = meta_of(where, fragment)
                check_meta_2(where, meta)
            elif table == "rules":
                check_table(where, table, docs)
                if rules_doc is not None or "1" not in docs:
                    raise SimulationFileError(where, "field_missing", where=("table", "rules"),
                                              field="1")
                rules_doc = docs["1"]
            elif table in RECORDS:
                image.rows(table, docs)  # (check_rows checks the table, in the same pass)
            elif table not in ("steps", HEAD):
                check_table(where, table, docs)
                raise SimulationFileError(where, "unknown_value", where=("file", ""), field="table",
                                          found=shown(table), choices=", ".join((*TABLES, HEAD)))
            tables.add(table)
        if meta is not None:
            check_sealed(store, meta, number)
        steps.take(number, fragment)
    records, head, rewritten = steps.records, steps.head, steps.rewritten
    assert meta is not None  # the first line was read as the meta before
    check_sealed(store, meta)
    for table in TABLES:
        if table not in tables:
            raise SimulationFileError(where, "field_missing", where=("file", ""), field=table)
    if meta["origin"]["rows"] and "origin" not in tables:
        raise SimulationFileError(where, "field_missing", where=("file", ""), field="origin.orders")
    check_rules(where, rules_doc)
    position = steps.finish()
    checkpoint = meta["checkpoint"]
    if checkpoint > len(records) and rewritten is None:
        raise SimulationFileError(where, "checkpoint_ahead", checkpoint=checkpoint,
                                  count=len(records))
    state = image.state(rules_doc, meta)
    store.origin = meta["origin"]
    store.branch = meta.get("branch")
    store.baseline = meta.get("baseline", 0)
    store.checkpoint_size = image.size
    store.has_head = head is not None
    current = checkpoint <= len(records) and (rewritten is None or checkpoint < rewritten)
    journal = Journal(store.origin_state, records,
                      (checkpoint, store.checkpoint_loader(checkpoint)) if current else None,
                      position)
    if not current or checkpoint > position:
        # The checkpoint is of steps abandoned since, or after the step the simulation
        # was taken back to: the steps are replayed from the start.
        state, checkpoint = store.origin_state(), 0
    journal.ends[checkpoint] = len(state.events)
    journal.cost = replay(store, state, journal, checkpoint)
    return Loaded(state, journal, meta["version"])


def check_sealed(store: Store, meta: Mapping[str, Any], number: int | None = None) -> None:
    """A file of the current version has a checksum on every line (each one found is
    verified as the lines are read), and the lines its last rewrite wrote, as many as its
    meta says, are all there, one chain from the first: checked up to line `number` while
    the lines are read (so that this damage is named before what it leads to), and for
    the whole file after (`number` None). A file of an older version has none to check."""
    store.sealed = meta.get("version") == VERSION
    if not store.sealed:
        return
    storage = store.storage
    if storage.unsealed is not None:
        raise SimulationFileError(store.shown, "unsealed", line=storage.unsealed)
    lines = meta["lines"]
    if storage.chained < (lines if number is None else min(number, lines)):
        raise SimulationFileError(store.shown, "sealed_short", lines=lines,
                                  found=storage.chained)


def replay(store: Store, state: State, journal: Journal, start: int) -> int:
    """Replay the steps after step `start` up to the journal's head on `state` (the state
    after `start`), noting where each step's events end; the cost. Every step kept is
    checked for its fields; the ones after the head are replayed when they are put back."""
    where = store.shown
    records = journal.records
    for number in range(start + 1, len(records) + 1):
        check_step(where, number, records[number - 1])
    try:
        events = replay_all(state, records[start:journal.head], journal.ends, start)
    except Refusal as refusal:  # (replay_all says which record: `index`)
        raise SimulationFileError(where, "step_refused",
                                  step=start + getattr(refusal, "index", 0) + 1,
                                  detail=refusal.message) from None
    except (ValueError, KeyError, TypeError) as error:
        raise SimulationFileError(where, "step_refused",
                                  step=start + getattr(error, "index", 0) + 1,
                                  detail=str(error)) from None
    return STEP_COST * (journal.head - start) + events


def load_checkpoint(store: Store, step: int) -> State | None:
    """The state after the file's checkpoint, read from the file again, if it is still the
    one after step `step` of this simulation."""
    where = store.shown
    image = Image(where)
    rules_doc = meta = None
    with no_collection():
        for _, fragment in store.storage.fragments(skip=(b'{"steps"', b'{"' + ORIGIN.encode())):
            for table, docs in (fragment or {}).items():
                if table == "meta":
                    meta = docs["1"]
                elif table == "rules":
                    rules_doc = docs["1"]
                elif table in RECORDS:
                    image.rows(table, docs)
        if meta is None or rules_doc is None:
            raise SimulationFileError(where, "no_meta")
        check_sealed(store, meta)
        if meta.get("checkpoint") != step or meta.get("origin") != store.origin:
            return None
        return image.state(rules_doc, meta)


def origin_state(store: Store) -> State:
    """The state the simulation was created with (step 0): its origin's rules, clock and
    counters, and for a file carried over from version 1, that file's records (read from
    the file again)."""
    origin = store.origin
    assert origin is not None
    where = store.shown
    if not origin["rows"]:
        return bare_state(where, origin["rules"], origin)
    image = Image(where, ORIGIN)
    with no_collection():
        for _, fragment in store.storage.fragments(skip=(b'{"steps"',)):
            for table, docs in (fragment or {}).items():
                if table.startswith(ORIGIN) and table[len(ORIGIN):] in RECORDS:
                    image.rows(table[len(ORIGIN):], docs)
        return image.state(origin["rules"], origin)
