"""TinyDB over a simulation file: a storage of JSON lines, each a piece of the database, and
a table whose insert appends one line. The only module that imports tinydb."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from ..consistency import check_table, shown
from ..errors import SimulationFileError
from ..simfile import SimulationFile, os_reason
from .codec import SUM_KEY, body_sum, chain, decode, encode, line_sum, table_lines


class JournalStorage(Storage):
    """TinyDB storage over a file of JSON lines, each a piece of the database (see the module).

    `read` merges every complete line; `write` (TinyDB's way to store the whole database)
    appends the documents that are new, one line per table, and rewrites the file atomically when
    a document changed or went away; `append` adds one piece as one line, durably. `fragments`
    reads the lines one at a time, so that a large file is never held whole as Python objects.
    """

    def __init__(self, file: SimulationFile | str | os.PathLike[str]) -> None:
        self.file = file if isinstance(file, SimulationFile) else SimulationFile(file)
        self.path = self.file.path
        self.torn_at: int | None = None  # where the last, unfinished line begins (after a read)
        self.size = 0  # the bytes of the complete lines (after a read or a rewrite)
        self.count = 0  # how many complete lines (after a read or a rewrite)
        self.appended = b""  # the last line appended
        # What the checksums of the lines read said (after a read): how many lines from the
        # first are one chain of checksums (what a rewrite wrote), and the first line that
        # carries none (a file of an older version), if any.
        self.chained = 0
        self.unsealed: int | None = None

    def lines(self) -> Iterator[tuple[int, bytes]]:
        """The complete lines of the file with their numbers from 1, each with its checksum
        verified (a line whose checksum does not match is refused: `checksum`); sets `size`,
        `count`, `torn_at`, `chained` and `unsealed`."""
        self.torn_at, self.size, self.count = None, 0, 0
        self.chained, self.unsealed = 0, None
        total = 0  # the checksum of the last line of the chain from the first
        try:
            handle = self.file.open_committed()
        except OSError as error:
            raise SimulationFileError(self.file.shown, "cannot_read", reason=os_reason(error)) from None
        with handle:
            for number, line in enumerate(handle, 1):
                if not line.endswith(b"\n"):  # a last line a kill cut short
                    self.torn_at = self.size
                    return
                found = line_sum(line)
                if found is None:
                    if self.unsealed is None:
                        self.unsealed = number
                elif self.chained == number - 1 and body_sum(line, total) == found:
                    self.chained, total = number, found
                elif body_sum(line) != found:
                    raise SimulationFileError(self.file.shown, "checksum", line=number)
                self.size += len(line)
                self.count = number
                yield number, line

    def fragments(self, skip: tuple[bytes, ...] = ()) -> Iterator[tuple[int, Any]]:
        """Each complete line parsed, with its number; a line starting with one of `skip` is not
        parsed (None)."""
        for number, line in self.lines():
            if skip and line.startswith(skip):
                yield number, None
                continue
            fragment = decode(line, number, self.file.shown)
            if isinstance(fragment, dict):
                fragment.pop(SUM_KEY, None)  # (verified by `lines`)
            yield number, fragment

    def read(self) -> dict[str, Any] | None:
        if not os.path.exists(self.path):
            return None
        data: dict[str, dict[str, Any]] = {}
        for number, fragment in self.fragments():
            if not isinstance(fragment, dict):
                raise SimulationFileError(self.file.shown, "field_type", where=("line", str(number)),
                                          field="line", expected="object", found=shown(fragment))
            for table, docs in fragment.items():
                check_table(self.file.shown, table, docs)
                data.setdefault(table, {}).update(docs)
        return data or None

    def write(self, data: dict[str, Any]) -> None:
        whole = (piece for t, d in data.items() for piece in table_lines(t, d.items()))
        if not os.path.exists(self.path):
            self.rewrite(chain(whole))
            return
        current = self.read() or {}
        added: dict[str, dict[str, Any]] = {}
        gone = object()
        for table, docs in current.items():
            new = data.get(table)
            if new is None or any(new.get(k, gone) != doc for k, doc in docs.items()):
                self.rewrite(chain(whole))
                return
        for table, docs in data.items():
            old = current.get(table, {})
            fresh = {k: doc for k, doc in docs.items() if k not in old}
            if fresh or table not in current:
                added[table] = fresh
        for table, docs in added.items():
            self.append({table: docs})

    def append(self, fragment: Mapping[str, Any]) -> None:
        """Add a piece of the database as one line at the end of the file, durably."""
        line = encode(fragment)
        try:
            self.file.append(line)
        except (OSError, UnicodeError) as error:
            raise SimulationFileError(self.file.shown, "write_failed", reason=os_reason(error)) from None
        self.appended = line

    def rewrite(self, lines: Iterable[Iterable[bytes]] | Iterable[bytes]) -> None:
        """Write the file anew, atomically, from its lines (or groups of lines), sealed."""
        size = count = 0

        def flat() -> Iterator[bytes]:
            nonlocal size, count
            for item in lines:
                for line in (item,) if isinstance(item, bytes) else item:
                    size += len(line)
                    count += 1
                    yield line
        try:
            self.file.write(flat())
            self.size, self.count, self.torn_at = size, count, None
        except (OSError, UnicodeError) as error:
            raise SimulationFileError(self.file.shown, "write_failed", reason=os_reason(error)) from None

    def close(self) -> None:
        pass  # the file is locked only for the time of each write (SimulationFile.locked)


class JournalTable(Table):
    """A TinyDB table whose `insert` of a document with its id (a `Document`) appends one line
    to a JournalStorage, instead of TinyDB's read of the whole table and write of the whole
    database: a step costs what it writes, however long the journal."""

    def insert(self, document: Any) -> int:
        storage = self.storage
        if not isinstance(storage, JournalStorage) or not isinstance(document, Document):
            return super().insert(document)
        storage.append({self.name: {str(document.doc_id): dict(document)}})
        self.clear_cache()
        return document.doc_id


class JournalDB(TinyDB):
    """TinyDB over a JournalStorage, with JournalTable tables."""

    table_class = JournalTable
