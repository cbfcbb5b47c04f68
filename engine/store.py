"""TinyDB storage of one simulation: one file, a journal of steps with a checkpoint, one small
durable write per step.

The only module that imports tinydb. A simulation file (format version 3) is a TinyDB database
kept as JSON Lines: each line is a piece of the database, `{"table": {"doc id": document, ...}}`,
ending with its checksum (`"#"`, see `seal`), and the database is all the lines merged in order.
The tables:

- `meta` (one document): the format and version, the origin (the clock, counters and rules the
  simulation was created with: step 0 of the journal) and the checkpoint: the step after which
  the tables below were written, with the clock and the counters then;
- `rules`, `orders`, `requests`, `messages`, `events`: the state after that step (the tables of
  format version 1, unchanged), a large table split over lines of at most LINE_DOCS documents;
- `steps`: the journal, one document per step, numbered from 1 (engine/journal.py);
- `origin.orders`, `origin.requests`, `origin.messages`, `origin.events`: only in a file carried
  over from version 1, whose origin is the state that file held.

A step is appended as one line (`JournalTable.insert`, a single write, fdatasync) in place, so its
size is the step's, not the simulation's, and every name of a file with several names sees it. A
kill cuts at most that last line short; it has no newline, readers ignore it and the next writer
cuts it off. When replaying the steps after the checkpoint would cost too much at the next open
(`Store.should_compact`), the file is compacted: rewritten whole with a fresh checkpoint and every
step, through the atomic writes of engine/atomic.py (temporary file and rename, or in place behind
an undo copy while the file has several names).

Several processes may have one file open: each takes its write lock (engine/simfile.py)
only for a moment, to read what the others appended since it last looked (`Store.read_since`;
the file read anew when it was rewritten) and to write after it. Opening a file, under that lock,
clears what a write cut short by a kill left, and checks the whole checkpoint and every step
after it before anything is written (engine/consistency.py), then replays those steps. A version
1 file (the whole database as one JSON document) is checked the same way and carried over: the
original is kept beside it as `<name>.bak` and the file is written anew in version 3; so is a
version 2 file (the lines of version 3 without their checksums).
"""

from __future__ import annotations

import errno
import gc
import json
import os
import secrets
import stat
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from .atomic import (
    keep_new,
)
from .consistency import (
    check_branch, check_documents, check_head, check_meta, check_rows, check_state, check_step,
    check_table, shown,
)
from .core import State
from .errors import Refusal, SimulationFileError
from .journal import STEP_COST, Journal, replay_all
from .model import Event, Message, Order, Request
from .rules import Rules, validate
from .simfile import (
    LOCK_WAIT, SimulationFile, check_folder, not_writable, os_reason,
)
from .timeutil import iso, parse_iso

FORMAT = "rcsim-simulation"
VERSION = 3
VERSIONS = (1, 2, 3)  # the versions this rcsim reads (an older file is carried over to 3)
RECORDS = ("orders", "requests", "messages", "events")
TABLES = ("meta", "rules", *RECORDS, "steps")
HEAD = "head"  # where the simulation stands among its steps, once it was taken back (optional)
ORIGIN = "origin."  # the prefix of the origin's record tables (a file carried over from version 1)
LINE_DOCS = 1000  # the most documents one line holds when a table is written whole
# Compaction: when replaying the steps since the checkpoint would cost more than COMPACT_MIN
# units plus a quarter of what reading the file costs anyway, a fresh checkpoint is written. A unit
# is roughly what reading one record costs; replaying a step costs STEP_COST units and one per
# event it causes (journal.py), reading a step line 2. So opening never replays more than a
# quarter again what reading takes, and a rewrite now and then costs a fixed share of the steps
# taken meanwhile (linear in the end, however long the journal grows).
COMPACT_MIN = 4000
# msgspec reads and writes JSON three to ten times faster than the json module, with the same
# bytes out and the same integers in (orjson reads an integer beyond 64 bits as a float). It is a
# fast path only: whatever it refuses goes through the json module, which gives the messages.
try:
    import msgspec
except ImportError:  # pragma: no cover - the engine still works with the standard library
    msgspec = None  # type: ignore[assignment]


def body(fragment: Mapping[str, Any]) -> bytes:
    """A piece of the database, `{"table": {"doc id": document}}`, as JSON: a line of the file
    before its checksum is added (`seal`)."""
    if msgspec is not None:
        try:
            return msgspec.json.encode(fragment)
        except (TypeError, ValueError, OverflowError, UnicodeError):
            pass  # the json module says what is wrong
    return json.dumps(fragment, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# Checksums (format version 3). Every line ends with its checksum as the last member of its JSON
# object, `,"#":"89abcdef"}`: the CRC-32 of the line as it was before (`body`), in hexadecimal.
# The lines a rewrite writes (the meta, the checkpoint, the origin's records, the steps) are one
# chain, each line's CRC continued from the line before's, and the meta says how many there are
# (`lines`): a line changed, taken out or moved is found, and so are lines cut off the end of
# them. A line appended later (a step, a head) carries the CRC of its own bytes (from 0), so
# that it is written without reading the line before. A mismatch is damage like any other: the
# file is refused, untouched. zlib's CRC-32 runs at over 1 GB/s: reading a file costs about
# what it did.
SUM_KEY = "#"
_SUM = b',"#":"'
_SUMMED = len(_SUM) + 8 + len(b'"}\n')  # the bytes a checksum adds at the end of a line


def seal(body: bytes, start: int = 0) -> tuple[bytes, int]:
    """A line of the file: `body` (a JSON object) with its checksum, the CRC-32 of `body`
    continued from `start` (0: the line's own); and that checksum."""
    total = zlib.crc32(body, start)
    return b"%s%s%08x\"}\n" % (body[:-1], _SUM, total), total


def encode(fragment: Mapping[str, Any]) -> bytes:
    """One line of the file, a piece of the database, `{"table": {"doc id": document}}`, with
    the checksum of its own bytes (a line appended)."""
    return seal(body(fragment))[0]


def chain(bodies: Iterable[bytes], count: int | None = None) -> Iterator[bytes]:
    """The lines of a rewrite: each body sealed with its checksum continued from the one
    before. `count`: how many the meta said there would be (a mismatch is a bug: the write
    fails before the file is replaced)."""
    total = written = 0
    for piece in bodies:
        line, total = seal(piece, total)
        written += 1
        yield line
    if count is not None and written != count:
        raise AssertionError(f"a rewrite wrote {written} lines, its meta says {count}")


def line_sum(line: bytes) -> int | None:
    """The checksum a line of the file carries, or None (a line of an older version)."""
    if len(line) > _SUMMED and line.endswith(b'"}\n') and line[-_SUMMED:-11] == _SUM:
        digits = line[-11:-3]
        if digits.isalnum():
            try:
                return int(digits, 16)
            except ValueError:
                return None
    return None


def body_sum(line: bytes, start: int = 0) -> int:
    """The CRC-32, from `start`, of a sealed line as it was before its checksum was added."""
    return zlib.crc32(b"}", zlib.crc32(memoryview(line)[:-_SUMMED], start))


def body_of(line: bytes) -> bytes:
    """A line of the file as a body again: without its checksum (if any) and newline."""
    if line_sum(line) is not None:
        return line[:-_SUMMED] + b"}"
    return line[:-1] if line.endswith(b"\n") else line


def decode(line: bytes, number: int, where: object) -> Any:
    """The JSON of one line (its number from 1), or the refusal of a file that is no simulation."""
    if msgspec is not None:
        try:
            return msgspec.json.decode(line)
        except Exception:  # (msgspec.DecodeError, ValidationError, RecursionError, ...)
            pass  # the json module reads what it can, and names what it cannot
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SimulationFileError(where, "cannot_read", reason=str(error)) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise SimulationFileError(where, "not_json", line=number + error.lineno - 1,
                                  column=error.colno, reason=error.msg) from None
    except RecursionError:
        raise SimulationFileError(where, "too_deep") from None
    except ValueError:  # an integer of more digits than Python converts
        raise SimulationFileError(where, "number_too_long") from None


def table_lines(table: str, docs: Iterable[tuple[Any, Mapping[str, Any]]]) -> Iterator[bytes]:
    """A whole table as the bodies of lines of at most LINE_DOCS documents (one line when it is
    empty; `table_line_count` of them), to be sealed (`chain`)."""
    chunk: dict[str, Any] = {}
    written = False
    for doc_id, doc in docs:
        chunk[str(doc_id)] = doc
        if len(chunk) == LINE_DOCS:
            yield body({table: chunk})
            chunk, written = {}, True
    if chunk or not written:
        yield body({table: chunk})


def table_line_count(documents: int) -> int:
    """How many lines `table_lines` writes for a table of this many documents."""
    return max(1, -(-documents // LINE_DOCS))


FREEZE_AFTER = 100_000  # objects made by one piece of work


@contextmanager
def no_collection() -> Iterator[None]:
    """Building or reading many records at once: the garbage collector would walk all of them
    again and again (a simulation's records hold no cycles), so it waits until the work is done.
    When the work made many objects (a large simulation read or built), they are moved out of
    the collector's way for good (`gc.freeze`): they live as long as the simulation, and the
    collector would otherwise walk all of them again every so often."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_count()[0] > FREEZE_AFTER:
            gc.freeze()
        if was:
            gc.enable()


# ---------------------------------------------------------------- TinyDB: storage and table


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


# ---------------------------------------------------------------- reading a state


class _Image:
    """A state being read from its documents, checked and turned into records as they come, so
    that a large table is never held whole as documents."""

    def __init__(self, where: object, prefix: str = "") -> None:
        self.where = where
        self.prefix = prefix
        self.orders: dict[str, Order] = {}
        self.requests: dict[str, Request] = {}
        self.messages: list[Message] = []
        self.events: list[Event] = []
        self.seen: dict[str, set[Any]] = {table: set() for table in RECORDS}
        self.tables: set[str] = set()

    @property
    def size(self) -> int:
        return len(self.orders) + len(self.requests) + len(self.messages) + len(self.events)

    def rows(self, table: str, docs: Mapping[str, Any]) -> None:
        check_rows(self.where, table, docs, self.seen[table], self.prefix + table)
        self.tables.add(table)
        try:
            if table == "orders":
                for doc in docs.values():
                    order = Order.from_doc(doc)
                    self.orders[order.id] = order
            elif table == "requests":
                for doc in docs.values():
                    request = Request.from_doc(doc)
                    self.requests[request.id] = request
            elif table == "messages":
                self.messages += [Message.from_doc(doc) for doc in docs.values()]
            else:
                self.events += [Event.from_doc(doc) for doc in docs.values()]
        except Exception as error:  # damage the checks did not foresee: name it, touch nothing
            raise SimulationFileError(self.where, "damaged",
                                      detail=f"{type(error).__name__}: {error}") from None

    def state(self, rules_doc: Mapping[str, Any], meta: Mapping[str, Any]) -> State:
        """The state these records make with these rules and this clock and counters, checked."""
        state = _bare_state(self.where, rules_doc, meta)
        state.orders, state.requests = self.orders, self.requests
        state.messages, state.events = self.messages, self.events
        state.rebuild_indexes()
        check_state(state, self.where)
        return state


def _check_rules(where: object, rules_doc: Any) -> None:
    try:
        validate(rules_doc)
    except Refusal as refusal:
        raise SimulationFileError(where, "bad_rules", detail=refusal.message) from None
    if not isinstance(rules_doc.get("policy"), str):  # Rules.policy and every save need it
        raise SimulationFileError(where, "no_policy")


def _bare_state(where: object, rules_doc: Mapping[str, Any], meta: Mapping[str, Any]) -> State:
    """A state with these rules, clock and counters and no records yet."""
    try:
        state = State(Rules(dict(rules_doc)), parse_iso(meta["now"]))
        state.counters = {k: int(v) for k, v in meta["counters"].items()}
    except Exception as error:
        raise SimulationFileError(where, "damaged", detail=f"{type(error).__name__}: {error}") from None
    return state


def _meta_of(where: object, raw: Any) -> dict[str, Any]:
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


def image_lines(state: State, meta: Mapping[str, Any], prefix: str = "") -> Iterator[bytes]:
    """A state as the bodies of lines: its meta document and rules (unless `prefix`: an
    origin), then its records, each table whole (`image_line_count` of them)."""
    if not prefix:
        yield body({"meta": {"1": dict(meta)}})
        yield body({"rules": {"1": dict(state.rules.data)}})
    yield from table_lines(prefix + "orders", ((i, o.to_doc()) for i, o in enumerate(state.orders.values(), 1)))
    yield from table_lines(prefix + "requests", ((i, r.to_doc()) for i, r in enumerate(state.requests.values(), 1)))
    yield from table_lines(prefix + "messages", ((m.id, m.to_doc()) for m in state.messages))
    yield from table_lines(prefix + "events", ((e.seq, e.to_doc()) for e in state.events))


def image_line_count(state: State, prefix: str = "") -> int:
    """How many lines `image_lines` writes for `state`."""
    return (0 if prefix else 2) + sum(table_line_count(n) for n in (
        len(state.orders), len(state.requests), len(state.messages), len(state.events)))


def _counts(state: State) -> int:
    return len(state.orders) + len(state.requests) + len(state.messages) + len(state.events)


@dataclass
class Loaded:
    """What opening a file gave: the state after the last step, the journal, and what opening
    must still do once the file is known good (cut a torn last line, carry a version 1 over)."""

    state: State
    journal: Journal
    version: int
    raw: bytes | None = None  # a version 1 file's bytes, to keep as its backup


class _Steps:
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
                    step = _step_number(doc_id)
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


# ---------------------------------------------------------------- the store


class Store:
    """Where one simulation is kept: a file (`path`), or nowhere (in memory: `path` is None, and
    nothing is written or serialised, ever)."""

    def __init__(self, file: SimulationFile | None = None) -> None:
        self.file = file
        self.db = JournalDB(file, storage=JournalStorage) if file is not None else None
        self.path = file.path if file is not None else None  # the real file, links followed
        self.shown = file.shown if file is not None else None  # the name messages give
        self.closed = False
        self.origin: dict[str, Any] | None = None  # the file's meta.origin
        self.checkpoint_size = 0  # records in the file's checkpoint (for compaction)
        self.compact_after = 0  # a failed compaction waits this many more units before trying again
        self.last_error = ""
        # The file holds a `head` document (a step was taken back since it was last written
        # whole): every step appended says where the simulation stands too.
        self.has_head = False
        self.branch: dict[str, Any] | None = None  # the meta's "branch": the file and step it came from
        # The file is of the current version, whose every line carries a checksum: a line
        # appended by another process without one is refused (`read_since`).
        self.sealed = True
        # The meta's "baseline": how many first steps are the simulation's starting point (the
        # demo's or a scenario's set-up), which undo and rewind never take back. 0 in a file
        # written before there was one: every step can be taken back, as then.
        self.baseline = 0
        # How far this process has read (or written) the file: other processes' steps are
        # read from there (`read_since`).
        self.mark: FileMark | None = None

    @classmethod
    def memory(cls) -> Store:
        return cls()

    @classmethod
    @contextmanager
    def creating(cls, path: str | os.PathLike[str],
                 keep_old_as: str | os.PathLike[str] | None = None) -> Iterator[Store]:
        """A store for a new simulation file, under the write lock for the whole block (in
        which `write_new` writes it): no other process writes that name meanwhile. An existing
        file is never overwritten: it is refused, or with `keep_old_as` renamed to that (free)
        name first, and put back if the block fails with the name still free. Other processes
        that have the old file open find the new simulation at their next look (`restarted`)."""
        file = SimulationFile(path)
        check_folder(file)
        with file.locked():
            real = file.path
            moved: str | os.PathLike[str] | None = None  # where the old file was kept
            if os.path.lexists(real):
                if keep_old_as is None:
                    raise SimulationFileError(file.shown, "exists")
                if not real.is_file():  # a folder is never moved aside for a simulation
                    raise SimulationFileError(file.shown, "not_a_file")
                if os.path.lexists(keep_old_as):
                    raise SimulationFileError(keep_old_as, "backup_exists")
                try:
                    os.rename(real, keep_old_as)
                except OSError as error:
                    raise file.refused_by_system(error) from None
                moved = keep_old_as
            file.tidy()
            store = cls(file)
            try:
                yield store
            except BaseException:
                store.close()
                if moved is not None and not os.path.lexists(real):
                    os.rename(moved, real)  # the old simulation back, still under the lock
                elif moved is None and not os.path.lexists(real):
                    file.drop_lock_file()  # nothing was made: nothing is left
                raise

    @classmethod
    def open_file(cls, path: str | os.PathLike[str], *, lock: bool = True) -> Store:
        """A store over an existing simulation file (checked when loaded, under the write
        lock); `lock=False` is a read-only look: never locked, never written."""
        file = SimulationFile(path)
        try:
            info = os.stat(file.path)
        except OSError as error:
            if error.errno in (errno.ENOENT, errno.ENOTDIR):
                raise SimulationFileError(file.shown, "missing") from None
            raise SimulationFileError(file.shown, "cannot_read", reason=os_reason(error)) from None
        if not stat.S_ISREG(info.st_mode):
            raise SimulationFileError(file.shown, "not_a_file")
        if lock and not os.access(file.path.parent, os.W_OK):
            raise SimulationFileError(file.shown, "folder_not_writable", folder=str(file.path.parent),
                                      reason=os.strerror(not_writable(file.path.parent)))
        return cls(file)

    @contextmanager
    def locked(self, wait: float = LOCK_WAIT) -> Iterator[None]:
        """Hold the file's write lock for the block (in memory: nothing to hold)."""
        if self.file is None:
            yield
            return
        with self.file.locked(wait):
            yield

    # ---------------------------------------------------------------- what others wrote

    def remember(self, size: int | None = None, lines: int | None = None) -> None:
        """Note how far this process has read (or written) the file: its complete lines up to
        `size` (default: all of it; `lines` of them, default: as many as the storage last read
        or wrote). Under the lock, after a read or a write."""
        if self.path is None:
            return
        try:
            info = os.stat(self.path)
            with open(self.path, "rb") as handle:
                first = handle.readline()
                size = info.st_size if size is None else size
                handle.seek(max(0, size - TAIL))
                tail = handle.read(min(TAIL, size))
        except OSError:  # gone, or unreadable: the next look reads it whole again
            self.mark = None
            return
        if lines is None:
            lines = self.storage.count
        self.mark = FileMark((info.st_dev, info.st_ino), size, (info.st_size, info.st_mtime_ns),
                             first, tail, lines)

    def _remember_more(self, data: bytes) -> None:
        """The file grew by `data` (complete lines) since the mark, read or written by us."""
        mark = self.mark
        assert mark is not None and self.path is not None
        try:
            info = os.stat(self.path)
        except OSError:
            self.mark = None
            return
        size = mark.size + len(data)
        self.mark = FileMark((info.st_dev, info.st_ino), size, (info.st_size, info.st_mtime_ns),
                             mark.first, (mark.tail + data)[-TAIL:], mark.lines + data.count(b"\n"))

    def changed(self) -> bool:
        """Whether the file may hold what this process has not read yet (another process wrote
        it since, or it is not known how far it was read): one `stat`, no lock. A file gone
        has nothing to read."""
        if self.path is None or self.closed:
            return False
        try:
            info = os.stat(self.path)
        except OSError:
            return False
        mark = self.mark
        return mark is None or (info.st_dev, info.st_ino) != mark.identity or \
            (info.st_size, info.st_mtime_ns) != mark.stamp

    def read_since(self, records: list[dict[str, Any]], head: int
                   ) -> tuple[list[dict[str, Any]], int, int] | None:
        """Under the lock: the journal as the file holds it now, from the lines appended since
        this process last read it (the journal then was `records`, standing after `head`):
        every step kept, the step the simulation stands after, and how many of the steps
        kept are surely as they were. None when the file was written anew meanwhile (a
        compaction, another simulation): it is read whole again (`read_journal`). A last line
        a kill cut short is cut off."""
        mark, path = self.mark, self.path
        if mark is None or path is None:
            return None
        for look in range(2):
            try:
                info = os.stat(path)
            except FileNotFoundError:  # removed: nothing to read (the next step writes it anew)
                return records, head, len(records)
            except OSError as error:
                raise SimulationFileError(self.shown, "cannot_read", reason=os_reason(error)) from None
            if look or info.st_nlink < 2 or (info.st_size, info.st_mtime_ns) == mark.stamp:
                break
            # A file with several names is written in place: one such write cut short by a
            # kill is put back first (under the lock, no write is under way).
            assert self.file is not None
            self.file.recover()
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
            raise SimulationFileError(self.shown, "cannot_read", reason=os_reason(error)) from None
        end = data.rfind(b"\n") + 1
        if end < len(data):  # a last line that a kill cut short (under the lock: no write is on)
            self._cut_torn(mark.size + end)
        steps = _Steps(self.shown, records, head_doc(head, len(records)) if self.has_head else None)
        number = mark.lines
        for line in data[:end].splitlines(keepends=True):
            number += 1
            found = line_sum(line)  # a line appended carries the checksum of its own bytes
            if found is None:
                if self.sealed:
                    raise SimulationFileError(self.shown, "unsealed", line=number)
            elif body_sum(line) != found:
                raise SimulationFileError(self.shown, "checksum", line=number)
            fragment = decode(line, number, self.shown)
            if isinstance(fragment, dict):
                fragment.pop(SUM_KEY, None)
            if not isinstance(fragment, dict) or not set(fragment) <= {"steps", HEAD}:
                return None  # not a step or a head: someone wrote more; read it all again
            steps.take(number, fragment)
        self._remember_more(data[:end])
        if steps.head is not None:
            self.has_head = True
        first = len(records) if steps.rewritten is None else min(len(records), steps.rewritten - 1)
        position = steps.finish()
        for number in range(first + 1, len(steps.records) + 1):
            check_step(self.shown, number, steps.records[number - 1])
        return steps.records, position, min(first, len(steps.records))

    def read_journal(self) -> tuple[dict[str, Any], list[dict[str, Any]], int, bool]:
        """Under the lock: the file read whole again, but for its records (what `load` reads
        of a state is not needed to follow another process): the meta, every step kept, the
        step the simulation stands after, and whether the file's checkpoint is one of these
        steps (not of steps dropped since)."""
        where = self.shown
        storage = self.storage
        meta: dict[str, Any] | None = None
        steps = _Steps(where, [], None)
        skip = tuple(b'{"' + table.encode() for table in (*RECORDS, ORIGIN))
        for number, fragment in storage.fragments(skip=skip):
            if fragment is None:
                continue
            if not isinstance(fragment, dict):
                raise SimulationFileError(where, "field_type", where=("line", str(number)),
                                          field="line", expected="object", found=shown(fragment))
            if number == 1:
                meta = _meta_of(where, fragment)
                if meta.get("version") == 1:  # (another process wrote what only opening reads)
                    raise SimulationFileError(where, "wrong_version", found=repr(meta.get("version")),
                                              version=VERSION)
                _check_meta_2(where, meta)
            if meta is not None:
                self._check_sealed(meta, number)
            steps.take(number, fragment)
        if meta is None:
            raise SimulationFileError(where, "no_meta")
        self._check_sealed(meta)
        if storage.torn_at is not None:
            self._cut_torn(storage.torn_at)
        self.remember(storage.size)
        self.has_head = steps.head is not None
        position = steps.finish()
        for number, record in enumerate(steps.records, 1):
            check_step(where, number, record)
        checkpoint = meta["checkpoint"]
        current = checkpoint <= len(steps.records) and (
            steps.rewritten is None or checkpoint < steps.rewritten)
        return meta, steps.records, position, current

    def _cut_torn(self, size: int) -> None:
        if self.file is None or not self.file.held:
            return  # only the holder of the lock cuts (no write can be under way then)
        try:
            self.file.cut(size)
        except OSError as error:
            raise SimulationFileError(self.shown, "write_failed", reason=os_reason(error)) from None

    @property
    def storage(self) -> JournalStorage:
        assert self.db is not None
        return self.db.storage  # type: ignore[return-value]

    # ---------------------------------------------------------------- reading

    def load(self) -> Loaded:
        """The state and journal the file holds. A file that is not a consistent simulation of a
        version this rcsim reads is refused (engine/consistency.py), before anything is written."""
        where = self.shown
        storage = self.storage
        with no_collection():
            first = next(storage.lines(), None)
            if first is None:  # no complete line: the whole file is one JSON document, or none
                return self._load_version_1(self.file.read())  # type: ignore[union-attr]
            try:
                head = json.loads(first[1].decode("utf-8"))
            except (ValueError, RecursionError):  # (a document over several lines, or none)
                return self._load_version_1(self.file.read())  # type: ignore[union-attr]
            meta = _meta_of(where, head)
            if meta.get("version") == 1:
                return self._load_version_1(self.file.read())  # type: ignore[union-attr]
            return self._load_version_2()  # (or 3: the same, with checksums)

    def _load_version_1(self, raw: bytes) -> Loaded:
        """A file of format version 1: the whole database as one JSON document."""
        where = self.shown
        if not raw.strip():
            raise SimulationFileError(where, "empty")
        data = decode(raw, 1, where)
        meta = _meta_of(where, data)
        if meta.get("version") != 1:  # a later version's first line, alone and cut short
            raise SimulationFileError(where, "damaged", detail="its first line is not complete")
        check_documents(data, where)
        rules_doc = data["rules"]["1"]
        _check_rules(where, rules_doc)
        image = _Image(where)
        for table in RECORDS:
            image.rows(table, dict(sorted(data[table].items(), key=lambda item: _doc_id(item[0]))))
        del data
        state = image.state(rules_doc, meta)
        self.checkpoint_size = image.size
        if self.origin is None:  # (read again for the origin's records: the same origin)
            self.origin = base_origin(state)
        # Its history starts from the state it holds: read again from the file (still version
        # 1 if only looked at; carried over, `settle` points the journal to the new file).
        journal = Journal(lambda: self.load().state)
        return Loaded(state, journal, 1, raw)

    def _load_version_2(self) -> Loaded:
        """A file of format version 2 or 3 (version 2 with a checksum on every line, verified
        as the lines are read): the meta, the checkpoint's tables, and the journal.

        Its lines merge as TinyDB's do: a later document of a table replaces the one with its
        id. A step rewritten (a new step after some were taken back) comes with a `head` in
        the same line; the head says how many steps are kept (the ones after it, left from an
        abandoned line of steps, are not) and after which the simulation stands."""
        where = self.shown
        storage = self.storage
        meta: dict[str, Any] | None = None
        rules_doc: Any = None
        image = _Image(where)
        steps = _Steps(where, [], None)
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
                    meta = _meta_of(where, fragment)
                    _check_meta_2(where, meta)
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
                self._check_sealed(meta, number)
            steps.take(number, fragment)
        records, head, rewritten = steps.records, steps.head, steps.rewritten
        assert meta is not None  # the first line was read as the meta before
        self._check_sealed(meta)
        for table in TABLES:
            if table not in tables:
                raise SimulationFileError(where, "field_missing", where=("file", ""), field=table)
        if meta["origin"]["rows"] and "origin" not in tables:
            raise SimulationFileError(where, "field_missing", where=("file", ""), field="origin.orders")
        _check_rules(where, rules_doc)
        position = steps.finish()
        checkpoint = meta["checkpoint"]
        if checkpoint > len(records) and rewritten is None:
            raise SimulationFileError(where, "checkpoint_ahead", checkpoint=checkpoint,
                                      count=len(records))
        state = image.state(rules_doc, meta)
        self.origin = meta["origin"]
        self.branch = meta.get("branch")
        self.baseline = meta.get("baseline", 0)
        self.checkpoint_size = image.size
        self.has_head = head is not None
        current = checkpoint <= len(records) and (rewritten is None or checkpoint < rewritten)
        journal = Journal(self.origin_state, records,
                          (checkpoint, self.checkpoint_loader(checkpoint)) if current else None,
                          position)
        if not current or checkpoint > position:
            # The checkpoint is of steps abandoned since, or after the step the simulation
            # was taken back to: the steps are replayed from the start.
            state, checkpoint = self.origin_state(), 0
        journal.ends[checkpoint] = len(state.events)
        journal.cost = self._replay(state, journal, checkpoint)
        return Loaded(state, journal, meta["version"])

    def _check_sealed(self, meta: Mapping[str, Any], number: int | None = None) -> None:
        """A file of the current version has a checksum on every line (each one found is
        verified as the lines are read), and the lines its last rewrite wrote, as many as its
        meta says, are all there, one chain from the first: checked up to line `number` while
        the lines are read (so that this damage is named before what it leads to), and for
        the whole file after (`number` None). A file of an older version has none to check."""
        self.sealed = meta.get("version") == VERSION
        if not self.sealed:
            return
        storage = self.storage
        if storage.unsealed is not None:
            raise SimulationFileError(self.shown, "unsealed", line=storage.unsealed)
        lines = meta["lines"]
        if storage.chained < (lines if number is None else min(number, lines)):
            raise SimulationFileError(self.shown, "sealed_short", lines=lines,
                                      found=storage.chained)

    def _replay(self, state: State, journal: Journal, start: int) -> int:
        """Replay the steps after step `start` up to the journal's head on `state` (the state
        after `start`), noting where each step's events end; the cost. Every step kept is
        checked for its fields; the ones after the head are replayed when they are put back."""
        where = self.shown
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

    def checkpoint_loader(self, step: int) -> Callable[[], State | None]:
        """What reads the state after step `step` from the file's checkpoint when time travel
        needs it (None when the file's checkpoint is another step by then: another process
        compacted the file, and the state is replayed from another start)."""
        return lambda: self._load_checkpoint(step)

    def _load_checkpoint(self, step: int) -> State | None:
        """The state after the file's checkpoint, read from the file again, if it is still the
        one after step `step` of this simulation."""
        where = self.shown
        image = _Image(where)
        rules_doc = meta = None
        with no_collection():
            for _, fragment in self.storage.fragments(skip=(b'{"steps"', b'{"' + ORIGIN.encode())):
                for table, docs in (fragment or {}).items():
                    if table == "meta":
                        meta = docs["1"]
                    elif table == "rules":
                        rules_doc = docs["1"]
                    elif table in RECORDS:
                        image.rows(table, docs)
            if meta is None or rules_doc is None:
                raise SimulationFileError(where, "no_meta")
            self._check_sealed(meta)
            if meta.get("checkpoint") != step or meta.get("origin") != self.origin:
                return None
            return image.state(rules_doc, meta)

    def origin_state(self) -> State:
        """The state the simulation was created with (step 0): its origin's rules, clock and
        counters, and for a file carried over from version 1, that file's records (read from
        the file again)."""
        origin = self.origin
        assert origin is not None
        where = self.shown
        if not origin["rows"]:
            return _bare_state(where, origin["rules"], origin)
        image = _Image(where, ORIGIN)
        with no_collection():
            for _, fragment in self.storage.fragments(skip=(b'{"steps"',)):
                for table, docs in (fragment or {}).items():
                    if table.startswith(ORIGIN) and table[len(ORIGIN):] in RECORDS:
                        image.rows(table[len(ORIGIN):], docs)
            return image.state(origin["rules"], origin)

    # ---------------------------------------------------------------- settling after opening

    def settle(self, loaded: Loaded) -> Path | None:
        """After a file was opened under the write lock and found good: cut off a last line a
        kill left unfinished, and carry a file of an older version (1, or 2 without checksums)
        over, keeping the original as `<name>.bak` (the name it was kept under is returned)."""
        storage = self.storage
        if loaded.version == 1:
            assert loaded.raw is not None
            backup = self._keep_backup(loaded.raw)
            self._write_image(loaded.state, loaded.journal, base=loaded.state)
            return backup
        if loaded.version != VERSION:  # version 2: the same tables, without checksums
            assert self.file is not None
            if storage.torn_at is not None:
                self._cut_torn(storage.torn_at)
            backup = self._keep_backup(self.file.read())
            self._write_whole(loaded.state, loaded.journal)
            return backup
        if storage.torn_at is not None:
            self._cut_torn(storage.torn_at)
        self.remember(storage.size)
        return None

    def _keep_backup(self, raw: bytes) -> Path:
        """Keep an older version's file's bytes as `<name>.bak` (or the first free `<name>.N.bak`); one
        that already holds exactly these bytes (a carry-over cut short) is kept as it is. Written
        through a temporary file named as the simulation file's own, so that a kill leaves
        nothing that the next open does not clear."""
        assert self.path is not None
        for n in range(1, 1000):
            backup = self.path.with_name(self.path.name + (".bak" if n == 1 else f".{n}.bak"))
            try:
                if backup.is_file() and backup.read_bytes() == raw:
                    return backup
            except OSError:
                pass
            if os.path.lexists(backup):
                continue
            try:
                if keep_new(self.path, backup, raw):
                    return backup
            except OSError as error:
                raise SimulationFileError(self.shown, "write_failed", reason=os_reason(error)) from None
        raise SimulationFileError(self.shown, "backup_exists")

    # ---------------------------------------------------------------- writing

    def write_new(self, state: State, journal: Journal, origin: dict[str, Any],
                  base: State | None = None) -> None:
        """Write the whole simulation in one atomic write: its origin (`base`, the origin's
        records if it has any), every step, and `state` (after the last) as the checkpoint."""
        if self.file is None:
            return
        with self.file.locked():
            self.origin = origin
            self._write_image(state, journal, base=base)

    def _write_image(self, state: State, journal: Journal,
                     origin_lines: Callable[[], Iterable[bytes]] | None = None,
                     base: State | None = None) -> None:
        """Rewrite the file: meta, the checkpoint (`state`, after the journal's head), the
        origin's records (from `base`, or as the lines `origin_lines` gives), every step kept,
        and where the simulation stands among them when that is not after the last."""
        if self.closed:
            raise SimulationFileError(self.shown, "closed")
        assert self.origin is not None
        count = journal.count
        head = count < journal.kept
        origin = list(origin_lines()) if origin_lines is not None else []
        lines_written = (image_line_count(state) + len(origin) + table_line_count(len(journal.records))
                         + head + (image_line_count(base, ORIGIN) if base is not None else 0))
        meta = {"format": FORMAT, "version": VERSION, "now": iso(state.now),
                "policy": state.rules.policy, "counters": dict(state.counters),
                "checkpoint": count, "origin": self.origin, "lines": lines_written}
        if self.branch is not None:
            meta["branch"] = self.branch
        if self.baseline:
            meta["baseline"] = self.baseline

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

        self.storage.rewrite(chain(bodies(), lines_written))
        self.sealed = True
        self.has_head = head
        self.checkpoint_size = _counts(state)
        journal.set_checkpoint(count, self.checkpoint_loader(count))
        self.remember(self.storage.size)
        journal.origin = self.origin_state

    def append_step(self, number: int, record: dict[str, Any]) -> None:
        """Write step `number` to the journal: one line, durably. Nothing in memory. Once the
        file has a head (a step was taken back), the line says where the simulation stands
        too: after this step, the last one kept (so the steps taken back are dropped)."""
        if self.db is None:
            return
        if self.closed:  # a closed store no longer holds the file: it must never write to it
            raise SimulationFileError(self.shown, "closed")
        if self.has_head:
            self.storage.append({"steps": {str(number): record},
                                 HEAD: {"1": head_doc(number, number)}})
        else:
            self.db.table("steps").insert(Document(record, doc_id=number))
        self._appended()

    def _appended(self) -> None:
        """Note the line just appended as read: it is this process's own."""
        if self.mark is None:
            self.remember()
        else:
            self._remember_more(self.storage.appended)

    def write_head(self, step: int, kept: int) -> None:
        """Write where the simulation stands: after step `step` of the `kept` steps (undo,
        redo, rewind); one line, durably. Nothing in memory."""
        if self.db is None:
            return
        if self.closed:
            raise SimulationFileError(self.shown, "closed")
        self.storage.append({HEAD: {"1": head_doc(step, kept)}})
        self.has_head = True
        self._appended()

    def unappend(self, size: int) -> None:
        """Take the last step back off the file (cut it back to `size` bytes, when known)."""
        if self.file is not None and size >= 0:
            lines = self.mark.lines - 1 if self.mark is not None else None
            self.file.cut(size)
            self.remember(size, lines)

    def file_size(self) -> int:
        """The file's size now (-1: unknown, or in memory)."""
        if self.path is None:
            return -1
        try:
            return os.path.getsize(self.path)
        except OSError:  # gone, or unreadable: the append will say so
            return -1

    def should_compact(self, journal: Journal) -> bool:
        """Whether replaying the steps since the checkpoint would now cost too much at the next
        open (see COMPACT_MIN)."""
        if self.file is None:
            return False
        limit = COMPACT_MIN + self.compact_after + (self.checkpoint_size + 2 * journal.kept) // 4
        return journal.cost > limit

    def compact(self, state: State, journal: Journal) -> bool:
        """Rewrite the file with `state` (after the journal's last step) as its checkpoint, every
        step kept. A compaction the system refuses changes nothing (the steps are all written
        already) and is tried again later; returns whether it was written (else the reason is
        `last_error`)."""
        try:
            self._write_whole(state, journal)
        except SimulationFileError as error:
            self.compact_after = journal.cost
            self.last_error = error.params.get("reason", error.problem)
            return False
        self.compact_after = 0
        return True

    def _write_whole(self, state: State, journal: Journal) -> None:
        """Rewrite the file with `state` (after the journal's head) as its checkpoint, every
        step kept, and the origin's records as they are."""
        if self.origin is not None and self.origin["rows"]:
            saved = list(self._origin_lines())  # read before the file is replaced
            self._write_image(state, journal, lambda: saved)
        else:
            self._write_image(state, journal)

    def _origin_lines(self) -> Iterator[bytes]:
        """The origin's records as the file holds them, as bodies (sealed anew when written)."""
        prefix = b'{"' + ORIGIN.encode()
        for _, line in self.storage.lines():
            if line.startswith(prefix):
                yield body_of(line)

    def close(self) -> None:
        """Let the file go; a closed store is never written (it holds no lock between writes)."""
        self.closed = True
        if self.db is not None:
            self.db.close()


def head_doc(step: int, kept: int) -> dict[str, int]:
    """The head document: the simulation stands after step `step`; `kept` steps are kept."""
    return {"step": step, "steps": kept}


def base_origin(state: State) -> dict[str, Any]:
    """The origin of a journal that starts from `state` (a file carried over from version 1)."""
    return {"now": iso(state.now), "counters": dict(state.counters), "rules": dict(state.rules.data),
            "rows": _counts(state), "id": new_id()}


def origin_of(start: int, rules: Mapping[str, Any]) -> dict[str, Any]:
    """The origin of a new simulation: its start, its rules, no records."""
    return {"now": iso(start), "counters": {"request": 0, "message": 0, "event": 0, "deadline": 0},
            "rules": dict(rules), "rows": 0, "id": new_id()}


def new_id() -> str:
    """A random id for a simulation made anew (the origin's `id`), kept by every rewrite of its
    file: a process that has a file open tells a simulation started afresh under the same name,
    even from the same demo at the same hour, from its own written anew (a compaction)."""
    return secrets.token_hex(8)


def _check_meta_2(where: object, meta: Mapping[str, Any]) -> None:
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
    _check_rules(where, origin["rules"])
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


def _step_number(doc_id: str) -> int | None:
    """A step's document id as its number (None: not a plain decimal number)."""
    if not (doc_id.isascii() and doc_id.isdigit() and len(doc_id) < 16):
        return None
    return int(doc_id) if str(int(doc_id)) == doc_id else None


def _doc_id(key: str) -> Any:
    try:
        return (0, int(key))
    except ValueError:
        return (1, key)
