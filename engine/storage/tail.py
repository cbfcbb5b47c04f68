"""Following the other processes that have the file open: how far this process has read it
(a mark), whether it changed since (one `stat`), and the steps they appended since, or the
journal read whole again when the file was written anew."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..consistency import check_step, shown
from ..errors import SimulationFileError
from ..simfile import os_reason
from .codec import SUM_KEY, body_sum, decode, line_sum
from .layout import HEAD, ORIGIN, RECORDS, VERSION, Steps, check_meta_2, head_doc, meta_of
from .loading import check_sealed

if TYPE_CHECKING:
    from .store import Store

TAIL = 64  # the bytes before the end of what was read, kept to tell a file grown from one rewritten


@dataclass(frozen=True)
class FileMark:
    """How far a process has read (or written) its simulation file: which file (device and
    inode), its complete lines up to `size` (`lines` of them), what `stat` said then (size and
    modification time), and its first line and last bytes: a file that only grew since starts
    and ends the same there; one written anew (a compaction, another simulation) does not."""

    identity: tuple[int, int]
    size: int
    stamp: tuple[int, int]
    first: bytes
    tail: bytes
    lines: int


def remember(store: Store, size: int | None = None, lines: int | None = None) -> None:
    """Note how far this process has read (or written) the file: its complete lines up to
    `size` (default: all of it; `lines` of them, default: as many as the storage last read
    or wrote). Under the lock, after a read or a write."""
    if store.path is None:
        return
    try:
        info = os.stat(store.path)
        with open(store.path, "rb") as handle:
            first = handle.readline()
            size = info.st_size if size is None else size
            handle.seek(max(0, size - TAIL))
            tail = handle.read(min(TAIL, size))
    except OSError:  # gone, or unreadable: the next look reads it whole again
        store.mark = None
        return
    if lines is None:
        lines = store.storage.count
    store.mark = FileMark((info.st_dev, info.st_ino), size, (info.st_size, info.st_mtime_ns),
                          first, tail, lines)


def remember_more(store: Store, data: bytes) -> None:
    """The file grew by `data` (complete lines) since the mark, read or written by us."""
    mark = store.mark
    assert mark is not None and store.path is not None
    try:
        info = os.stat(store.path)
    except OSError:
        store.mark = None
        return
    size = mark.size + len(data)
    store.mark = FileMark((info.st_dev, info.st_ino), size, (info.st_size, info.st_mtime_ns),
                          mark.first, (mark.tail + data)[-TAIL:], mark.lines + data.count(b"\n"))


def changed(store: Store) -> bool:
    """Whether the file may hold what this process has not read yet (another process wrote
    it since, or it is not known how far it was read): one `stat`, no lock. A file gone
    has nothing to read."""
    if store.path is None or store.closed:
        return False
    try:
        info = os.stat(store.path)
    except OSError:
        return False
    mark = store.mark
    return mark is None or (info.st_dev, info.st_ino) != mark.identity or \
        (info.st_size, info.st_mtime_ns) != mark.stamp


def read_since(store: Store, records: list[dict[str, Any]], head: int
               ) -> tuple[list[dict[str, Any]], int, int] | None:
    """Under the lock: the journal as the file holds it now, from the lines appended since
    this process last read it (the journal then was `records`, standing after `head`):
    every step kept, the step the simulation stands after, and how many of the steps
    kept are surely as they were. None when the file was written anew meanwhile (a
    compaction, another simulation): it is read whole again (`read_journal`). A last line
    a kill cut short is cut off."""
    mark, path = store.mark, store.path
    if mark is None or path is None:
        return None
    for look in range(2):
        try:
            info = os.stat(path)
        except FileNotFoundError:  # removed: nothing to read (the next step writes it anew)
            return records, head, len(records)
        except OSError as error:
            raise SimulationFileError(store.shown, "cannot_read", reason=os_reason(error)) from None
        if look or info.st_nlink < 2 or (info.st_size, info.st_mtime_ns) == mark.stamp:
            break
        # A file with several names is written in place: one such write cut short by a
        # kill is put back first (under the lock, no write is under way).
        assert store.file is not None
        store.file.recover()
    if (info.st_dev, info.st_ino) != mark.identity or info.st_size < mark.size:
        return None
    if (info.st_size, info.st_mtime_ns) == mark.stamp:
        return records, head, len(records)
    try:
        with open(path, "rb") as handle:
            if handle.read(len(mark.first)) != mark.first:
                return None
            handle.seek(mark.size - len(mark.tail))
            if handle.read(len(mark.tail)) != mark.tail:
                return None
            data = handle.read()
    except OSError as error:
        raise SimulationFileError(store.shown, "cannot_read", reason=os_reason(error)) from None
    end = data.rfind(b"\n") + 1
    if end < len(data):  # a last line that a kill cut short (under the lock: no write is on)
        store.cut_torn(mark.size + end)
    steps = Steps(store.shown, records, head_doc(head, len(records)) if store.has_head else None)
    number = mark.lines
    for line in data[:end].splitlines(keepends=True):
        number += 1
        found = line_sum(line)  # a line appended carries the checksum of its own bytes
        if found is None:
            if store.sealed:
                raise SimulationFileError(store.shown, "unsealed", line=number)
        elif body_sum(line) != found:
            raise SimulationFileError(store.shown, "checksum", line=number)
        fragment = decode(line, number, store.shown)
        if isinstance(fragment, dict):
            fragment.pop(SUM_KEY, None)
        if not isinstance(fragment, dict) or not set(fragment) <= {"steps", HEAD}:
            return None  # not a step or a head: someone wrote more; read it all again
        steps.take(number, fragment)
    remember_more(store, data[:end])
    if steps.head is not None:
        store.has_head = True
    first = len(records) if steps.rewritten is None else min(len(records), steps.rewritten - 1)
    position = steps.finish()
    for number in range(first + 1, len(steps.records) + 1):
        check_step(store.shown, number, steps.records[number - 1])
    return steps.records, position, min(first, len(steps.records))


def read_journal(store: Store) -> tuple[dict[str, Any], list[dict[str, Any]], int, bool]:
    """Under the lock: the file read whole again, but for its records (what `load` reads
    of a state is not needed to follow another process): the meta, every step kept, the
    step the simulation stands after, and whether the file's checkpoint is one of these
    steps (not of steps dropped since)."""
    where = store.shown
    storage = store.storage
    meta: dict[str, Any] | None = None
    steps = Steps(where, [], None)
    skip = tuple(b'{"' + table.encode() for table in (*RECORDS, ORIGIN))
    for number, fragment in storage.fragments(skip=skip):
        if fragment is None:
            continue
        if not isinstance(fragment, dict):
            raise SimulationFileError(where, "field_type", where=("line", str(number)),
                                      field="line", expected="object", found=shown(fragment))
        if number == 1:
            meta = meta_of(where, fragment)
            if meta.get("version") == 1:  # (another process wrote what only opening reads)
                raise SimulationFileError(where, "wrong_version", found=repr(meta.get("version")),
                                          version=VERSION)
            check_meta_2(where, meta)
        if meta is not None:
            check_sealed(store, meta, number)
        steps.take(number, fragment)
    if meta is None:
        raise SimulationFileError(where, "no_meta")
    check_sealed(store, meta)
    if storage.torn_at is not None:
        store.cut_torn(storage.torn_at)
    store.remember(storage.size)
    store.has_head = steps.head is not None
    position = steps.finish()
    for number, record in enumerate(steps.records, 1):
        check_step(where, number, record)
    checkpoint = meta["checkpoint"]
    current = checkpoint <= len(steps.records) and (
        steps.rewritten is None or checkpoint < steps.rewritten)
    return meta, steps.records, position, current
