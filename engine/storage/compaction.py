"""Rewriting a simulation file whole: a fresh checkpoint with every step kept, when a file is
made, carried over, or compacted because replaying the steps since its checkpoint would cost
too much at the next open."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from ..core import State
from ..errors import SimulationFileError
from ..journal import Journal
from ..timeutil import iso
from .codec import body, body_of, chain, table_line_count, table_lines
from .image import image_line_count, image_lines, no_collection
from .layout import FORMAT, HEAD, ORIGIN, VERSION, head_doc, record_count

if TYPE_CHECKING:
    from .store import Store

# Compaction: when replaying the steps since the checkpoint would cost more than COMPACT_MIN
# units plus a quarter of what reading the file costs anyway, a fresh checkpoint is written. A unit
# is roughly what reading one record costs; replaying a step costs STEP_COST units and one per
# event it causes (journal.py), reading a step line 2. So opening never replays more than a
# quarter again what reading takes, and a rewrite now and then costs a fixed share of the steps
# taken meanwhile (linear in the end, however long the journal grows).
COMPACT_MIN = 4000


def write_image(store: Store, state: State, journal: Journal,
                origin_lines: Callable[[], Iterable[bytes]] | None = None,
                base: State | None = None) -> None:
    """Rewrite the file: meta, the checkpoint (`state`, after the journal's head), the
    origin's records (from `base`, or as the lines `origin_lines` gives), every step kept,
    and where the simulation stands among them when that is not after the last."""
    if store.closed:
        raise SimulationFileError(store.shown, "closed")
    assert store.origin is not None
    count = journal.count
    head = count < journal.kept
    origin = list(origin_lines()) if origin_lines is not None else []
    lines_written = (image_line_count(state) + len(origin) + table_line_count(len(journal.records))
                     + head + (image_line_count(base, ORIGIN) if base is not None else 0))
    meta = {"format": FORMAT, "version": VERSION, "now": iso(state.now),
            "policy": state.rules.policy, "counters": dict(state.counters),
            "checkpoint": count, "origin": store.origin, "lines": lines_written}
    if store.branch is not None:
        meta["branch"] = store.branch
    if store.baseline:
        meta["baseline"] = store.baseline

    def bodies() -> Iterator[bytes]:
        with no_collection():
            yield from image_lines(state, meta)
            if base is not None:
                yield from image_lines(base, meta, ORIGIN)
            else:
                yield from origin
            yield from table_lines("steps", enumerate(journal.records, 1))
            if head:
                yield body({HEAD: {"1": head_doc(count, journal.kept)}})

    store.storage.rewrite(chain(bodies(), lines_written))
    store.sealed = True
    store.has_head = head
    store.checkpoint_size = record_count(state)
    journal.set_checkpoint(count, store.checkpoint_loader(count))
    store.remember(store.storage.size)
    journal.origin = store.origin_state


def should_compact(store: Store, journal: Journal) -> bool:
    """Whether replaying the steps since the checkpoint would now cost too much at the next
    open (see COMPACT_MIN)."""
    if store.file is None:
        return False
    limit = COMPACT_MIN + store.compact_after + (store.checkpoint_size + 2 * journal.kept) // 4
    return journal.cost > limit


def compact(store: Store, state: State, journal: Journal) -> bool:
    """Rewrite the file with `state` (after the journal's last step) as its checkpoint, every
    step kept. A compaction the system refuses changes nothing (the steps are all written
    already) and is tried again later; returns whether it was written (else the reason is
    `last_error`)."""
    try:
        write_whole(store, state, journal)
    except SimulationFileError as error:
        store.compact_after = journal.cost
        store.last_error = error.params.get("reason", error.problem)
        return False
    store.compact_after = 0
    return True


def write_whole(store: Store, state: State, journal: Journal) -> None:
    """Rewrite the file with `state` (after the journal's head) as its checkpoint, every
    step kept, and the origin's records as they are."""
    if store.origin is not None and store.origin["rows"]:
        saved = list(origin_lines(store))  # read before the file is replaced
        write_image(store, state, journal, lambda: saved)
    else:
        write_image(store, state, journal)


def origin_lines(store: Store) -> Iterator[bytes]:
    """The origin's records as the file holds them, as bodies (sealed anew when written)."""
    prefix = b'{"' + ORIGIN.encode()
    for _, line in store.storage.lines():
        if line.startswith(prefix):
            yield body_of(line)
