"""TinyDB storage of one simulation: one file, one atomic write per action or clock move.

The only module that imports tinydb. The file is an ordinary TinyDB JSON database with the
tables meta, rules, orders, requests, messages and events. TinyDB's table API rewrites the
whole file on every insert or update, so a fast-forward that fires thousands of deadlines would
write thousands of times; instead the engine keeps the state in memory and hands TinyDB's
storage the complete new database once per action, through a storage that writes a temporary
file, flushes, fsyncs and renames it into place.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows has no flock
    fcntl = None  # type: ignore[assignment]

from tinydb import TinyDB
from tinydb.storages import MemoryStorage, Storage

from .atomic import write_text
from .core import State
from .errors import SimulationFileError
from .model import Event, Message, Order, Request
from .rules import Rules, validate
from .timeutil import iso, parse_iso

FORMAT = "rcsim-simulation"
VERSION = 1
TABLES = ("meta", "rules", "orders", "requests", "messages", "events")


class AtomicJSONStorage(Storage):
    """TinyDB JSON storage whose writes are all-or-nothing (temp file, fsync, rename).

    The file is parsed once; after that the last data read or written is served from memory,
    which is sound because one simulation file belongs to one process at a time.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._data: dict[str, Any] | None = None

    def read(self) -> dict[str, Any] | None:
        if self._data is None:
            try:
                text = self.path.read_text(encoding="utf-8")
            except FileNotFoundError:
                return None
            except (OSError, UnicodeDecodeError) as error:
                raise SimulationFileError(self.path, f"cannot be read ({error})") from None
            if not text.strip():
                raise SimulationFileError(self.path, "is empty: it is not a simulation file")
            try:
                self._data = json.loads(text)
            except json.JSONDecodeError as error:
                raise SimulationFileError(
                    self.path, f"is not valid JSON (line {error.lineno}, column {error.colno}: "
                    f"{error.msg}): it is not a simulation file") from None
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        write_text(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        self._data = data


class FileLock:
    """An exclusive lock on a simulation file, held while one process has it open.

    TinyDB's JSON storage is not safe across processes: two apps on one file would each write
    their own state over the other's. The lock is a `flock` on a companion file `<name>.lock`
    (the simulation file itself is replaced by every atomic write, so it cannot carry the lock),
    removed again on close; the operating system releases the lock when the process ends, even
    when it is killed (a stale companion file left by a kill is simply locked anew).
    """

    def __init__(self, path: Path) -> None:
        self.path = path.with_name(path.name + ".lock")
        self._fd: int | None = None

    def acquire(self, simulation: Path) -> None:
        if fcntl is None:  # no flock on this platform: one process per file is up to the user
            return
        for _ in range(5):
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise SimulationFileError(simulation, "is open in another rcsim process: close "
                                          "that one first (or use --db to pick another file)") from None
            try:  # the holder may have removed the lock file between our open and our flock
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                self._fd = fd
                return
            os.close(fd)
        raise SimulationFileError(simulation, "cannot be locked: its lock file keeps changing")

    def release(self) -> None:
        if self._fd is not None:
            try:  # remove the companion file while still holding the lock, then let go
                os.unlink(self.path)
            except FileNotFoundError:
                pass
            os.close(self._fd)
            self._fd = None


class Store:
    """One simulation's TinyDB database, on disk (`path`) or in memory (`path` is None)."""

    def __init__(self, db: TinyDB, path: Path | None, lock: FileLock | None = None) -> None:
        self.db = db
        self.path = path
        self.lock = lock

    @classmethod
    def memory(cls) -> Store:
        return cls(TinyDB(storage=MemoryStorage), None)

    @classmethod
    def create_file(cls, path: str | os.PathLike[str],
                    keep_old_as: str | os.PathLike[str] | None = None) -> Store:
        """A store for a new simulation file. An existing file is never overwritten: it is
        refused, or with `keep_old_as` renamed to that (free) name first. The name is locked
        before anything moves, so a file another process holds is refused, untouched."""
        path = Path(path)
        if not path.parent.is_dir():
            raise SimulationFileError(path, f"cannot be created: the folder {path.parent} does not exist")
        lock = FileLock(path)
        lock.acquire(path)
        try:
            if path.exists():
                if keep_old_as is None:
                    raise SimulationFileError(path, "already exists: a new simulation is never "
                                              "written over a file")
                if Path(keep_old_as).exists():
                    raise SimulationFileError(keep_old_as, "already exists: the old simulation "
                                              "is never kept over another file")
                os.rename(path, keep_old_as)
        except BaseException:
            lock.release()
            raise
        return cls(TinyDB(path, storage=AtomicJSONStorage), path, lock)

    @classmethod
    def open_file(cls, path: str | os.PathLike[str], *, lock: bool = True) -> Store:
        """A store over an existing simulation file (checked when loaded); `lock=False` reads a
        file another process may hold, for a read-only look."""
        path = Path(path)
        if not path.is_file():
            raise SimulationFileError(path, "does not exist" if not path.exists() else "is not a file")
        if not lock:
            return cls(TinyDB(path, storage=AtomicJSONStorage), path)
        held = FileLock(path)
        held.acquire(path)
        return cls(TinyDB(path, storage=AtomicJSONStorage), path, held)

    # ---------------------------------------------------------------- reading

    def load(self) -> State:
        """The state held in the database; a file that is not a simulation is refused."""
        where = self.path if self.path is not None else "<memory>"
        raw = self.db.storage.read()
        if not isinstance(raw, dict) or not isinstance(raw.get("meta"), dict):
            raise SimulationFileError(where, "has no rcsim meta table: it is not a simulation file")
        meta = raw["meta"].get("1")  # read directly: TinyDB chokes on a damaged document
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise SimulationFileError(where, "is not an rcsim simulation (its meta table names no "
                                      f"format {FORMAT!r})")
        if meta.get("version") != VERSION:
            raise SimulationFileError(where, f"is a simulation of format version {meta.get('version')!r}; "
                                      f"this rcsim reads version {VERSION}")
        try:
            rules_doc = self.db.table("rules").get(doc_id=1)
            validate(rules_doc)
            if not isinstance(rules_doc.get("policy"), str):  # Rules.policy and every save need it
                raise ValueError("the rules name no policy")
            state = State(Rules(dict(rules_doc)), parse_iso(meta["now"]))
            state.counters = {k: int(v) for k, v in meta["counters"].items()}
            for doc in self._rows("orders"):
                order = Order.from_doc(doc)
                state.orders[order.id] = order
            for doc in self._rows("requests"):
                request = Request.from_doc(doc)
                state.requests[request.id] = request
            state.messages = [Message.from_doc(doc) for doc in self._rows("messages")]
            state.events = [Event.from_doc(doc) for doc in self._rows("events")]
            state.rebuild_indexes()
        except SimulationFileError:
            raise
        except Exception as error:  # any damage inside: name it, touch nothing
            raise SimulationFileError(where, f"is damaged ({type(error).__name__}: {error})") from None
        return state

    def _rows(self, table: str) -> list[dict[str, Any]]:
        return sorted(self.db.table(table).all(), key=lambda doc: doc.doc_id)

    # ---------------------------------------------------------------- writing

    def save(self, state: State) -> None:
        """Write the whole simulation in one storage write."""
        meta = {"format": FORMAT, "version": VERSION, "now": iso(state.now),
                "policy": state.rules.policy, "counters": dict(state.counters)}
        data = {
            "meta": {"1": meta},
            "rules": {"1": dict(state.rules.data)},
            "orders": {str(i): o.to_doc() for i, o in enumerate(state.orders.values(), 1)},
            "requests": {str(i): r.to_doc() for i, r in enumerate(state.requests.values(), 1)},
            "messages": {str(m.id): m.to_doc() for m in state.messages},
            "events": {str(e.seq): e.to_doc() for e in state.events},
        }
        self.db.storage.write(data)
        self.db.clear_cache()

    def close(self) -> None:
        self.db.close()
        if self.lock is not None:
            self.lock.release()
