"""TinyDB storage of one simulation: one file, one atomic write per action or clock move.

The only module that imports tinydb. The file is an ordinary TinyDB JSON database with the
tables meta, rules, orders, requests, messages and events. TinyDB's table API rewrites the
whole file on every insert or update, so a fast-forward that fires thousands of deadlines would
write thousands of times; instead the engine keeps the state in memory and hands TinyDB's
storage the complete new database once per action, through a storage that writes a temporary
file, flushes, fsyncs and renames it into place (see SimulationFile for locks, links and the
file with several names).

Opening a file locks it, clears what a write cut short by a kill left, and checks the whole
content before anything is written (engine/consistency.py).
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows has no flock
    fcntl = None  # type: ignore[assignment]

from tinydb import TinyDB
from tinydb.storages import MemoryStorage, Storage

from .atomic import (
    read_committed, recover_in_place, remove_temporary_files, replace_locked, write_in_place,
)
from .consistency import check_documents, check_state
from .core import State
from .errors import Refusal, SimulationFileError
from .model import Event, Message, Order, Request
from .rules import Rules, validate
from .timeutil import iso, parse_iso

FORMAT = "rcsim-simulation"
VERSION = 1
TABLES = ("meta", "rules", "orders", "requests", "messages", "events")


def _reason(error: BaseException) -> str:
    """What the operating system said, without the path (the message names the file itself)."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


def real_path(path: str | os.PathLike[str]) -> Path:
    """The file a simulation path names, with every symbolic link followed: the lock and every
    write go to the real file, so a link stays a link, and two ways to one file share one lock.
    A link that leads in a circle is refused."""
    real = Path(os.path.realpath(os.fspath(path)))
    if os.path.islink(real):  # realpath stops where links go round in a circle
        raise SimulationFileError(path, "link_loop")
    return real


class SimulationFile:
    """One simulation file on disk, held by one process: its real path, its lock and its writes.

    TinyDB's JSON storage is not safe across processes: two apps on one file would each write
    their own state over the other's. So a holder takes two `flock`s:

    - on a companion file `<real name>.lock` beside the real file (a symbolic link leads there
      too), which exists even before the simulation file does, so creating one is locked as well;
      it is removed again on close (a stale one left by a kill is simply locked anew);
    - on the simulation file itself, which every name of it shares: a second hard link has its
      own companion file, but not its own file. A write that renames a new file into place
      locks the new file before the rename, so the lock passes on without a gap.

    The operating system releases both when the process ends, even when it is killed. A file
    with one name is written by rename (engine/atomic.py); one with several names (hard links)
    is written in place behind an undo copy, so that the names stay one file.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.shown = os.fspath(path)  # messages name the file as it was given
        self.path = real_path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self._lock_fd: int | None = None
        self._file_fd: int | None = None

    def lock(self) -> None:
        """Take the companion lock, or refuse: the file is in use, or its folder takes no file."""
        if fcntl is None:  # no flock on this platform: one process per file is up to the user
            return
        for _ in range(5):
            try:
                fd = os.open(self.lock_path, os.O_RDONLY | os.O_CREAT, 0o644)
            except OSError as error:
                raise self.refused_by_system(error) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise SimulationFileError(self.shown, "in_use") from None
            try:  # the holder may have removed the lock file between our open and our flock
                same = os.fstat(fd).st_ino == os.stat(self.lock_path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                self._lock_fd = fd
                return
            os.close(fd)
        raise SimulationFileError(self.shown, "lock_unstable")

    def refused_by_system(self, error: OSError) -> SimulationFileError:
        """The system refused a new file beside the simulation file, said as it matters."""
        if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOENT):
            return SimulationFileError(self.shown, "folder_not_writable",
                                       folder=str(self.path.parent), reason=_reason(error))
        if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            return SimulationFileError(self.shown, "write_failed", reason=_reason(error))
        return SimulationFileError(self.shown, "cannot_create", reason=_reason(error))

    def lock_contents(self) -> None:
        """Lock the simulation file itself (held under every name it has), or refuse: another
        process holds it under another name. The companion lock is already held."""
        if fcntl is None:
            return
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError as error:
            raise SimulationFileError(self.shown, "cannot_read", reason=_reason(error)) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise SimulationFileError(self.shown, "in_use") from None
        self._file_fd = fd

    def tidy(self) -> None:
        """Clear what writes cut short by a kill left, before reading: put back the old content
        of an unfinished write in place, and remove temporary files. Only under the lock."""
        try:
            recover_in_place(self.path)
        except OSError as error:  # the old content cannot be put back: refuse the file as it is
            raise SimulationFileError(self.shown, "write_failed", reason=_reason(error)) from None
        remove_temporary_files(self.path)

    def read(self) -> bytes:
        return read_committed(self.path)

    def write(self, data: bytes) -> None:
        """Write the whole file atomically: in place while it has other names, else by rename."""
        if self._file_fd is not None and os.fstat(self._file_fd).st_nlink > 1:
            write_in_place(self.path, data)
            return
        fd = replace_locked(self.path, data)
        if self._file_fd is not None:
            os.close(self._file_fd)  # the old file, now nameless: its lock goes with it
        self._file_fd = fd

    def release_contents(self) -> None:
        """Let go of the file's own lock (after moving it away under another name)."""
        if self._file_fd is not None:
            os.close(self._file_fd)
            self._file_fd = None

    def release(self) -> None:
        """Let go of both locks; the companion file is removed while still locked."""
        self.release_contents()
        if self._lock_fd is not None:
            try:
                os.unlink(self.lock_path)
            except OSError:  # gone already, or a folder turned read-only: a stale one is harmless
                pass
            os.close(self._lock_fd)
            self._lock_fd = None


def _check_folder(file: SimulationFile) -> None:
    """The folder of a new simulation file exists and is a folder."""
    folder = file.path.parent
    if folder.is_dir():
        return
    existing = folder
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise SimulationFileError(file.shown, "not_a_folder", folder=str(existing))
    raise SimulationFileError(file.shown, "folder_missing", folder=str(folder))


def _not_writable(folder: Path) -> int:
    """Why a folder takes no new file: a read-only file system, or no permission."""
    try:
        return errno.EROFS if os.statvfs(folder).f_flag & os.ST_RDONLY else errno.EACCES
    except (OSError, AttributeError):
        return errno.EACCES


class AtomicJSONStorage(Storage):
    """TinyDB JSON storage whose writes are all-or-nothing (see SimulationFile.write).

    The file is parsed once; after that the last data read or written is served from memory,
    which is sound because one simulation file belongs to one process at a time.
    """

    def __init__(self, file: SimulationFile) -> None:
        self.file = file
        self.path = file.path
        self._data: dict[str, Any] | None = None

    def read(self) -> dict[str, Any] | None:
        if self._data is None:
            shown = self.file.shown
            try:
                raw = self.file.read()
            except FileNotFoundError:
                return None
            except OSError as error:
                raise SimulationFileError(shown, "cannot_read", reason=_reason(error)) from None
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                raise SimulationFileError(shown, "cannot_read", reason=str(error)) from None
            if not text.strip():
                raise SimulationFileError(shown, "empty")
            try:
                self._data = json.loads(text)
            except json.JSONDecodeError as error:
                raise SimulationFileError(shown, "not_json", line=error.lineno, column=error.colno,
                                          reason=error.msg) from None
            except RecursionError:
                raise SimulationFileError(shown, "too_deep") from None
            except ValueError:  # an integer of more digits than Python converts
                raise SimulationFileError(shown, "number_too_long") from None
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self.file.write(payload)
        self._data = data

    def close(self) -> None:
        pass


class Store:
    """One simulation's TinyDB database, on disk (`path`) or in memory (`path` is None)."""

    def __init__(self, db: TinyDB, file: SimulationFile | None = None) -> None:
        self.db = db
        self.file = file
        self.path = file.path if file is not None else None  # the real file, links followed
        self.shown = file.shown if file is not None else None  # the name messages give
        self.closed = False

    @classmethod
    def memory(cls) -> Store:
        return cls(TinyDB(storage=MemoryStorage))

    @classmethod
    def create_file(cls, path: str | os.PathLike[str],
                    keep_old_as: str | os.PathLike[str] | None = None) -> Store:
        """A store for a new simulation file. An existing file is never overwritten: it is
        refused, or with `keep_old_as` renamed to that (free) name first. The name is locked
        before anything moves, so a file another process holds is refused, untouched."""
        file = SimulationFile(path)
        _check_folder(file)
        file.lock()
        try:
            real = file.path
            if os.path.lexists(real):
                if keep_old_as is None:
                    raise SimulationFileError(file.shown, "exists")
                if not real.is_file():  # a folder is never moved aside for a simulation
                    raise SimulationFileError(file.shown, "not_a_file")
                if os.path.lexists(keep_old_as):
                    raise SimulationFileError(keep_old_as, "backup_exists")
                file.lock_contents()  # not while another process holds it by another name
                try:
                    os.rename(real, keep_old_as)
                except OSError as error:
                    raise file.refused_by_system(error) from None
                file.release_contents()
            file.tidy()
        except BaseException:
            file.release()
            raise
        return cls(TinyDB(file, storage=AtomicJSONStorage), file)

    @classmethod
    def open_file(cls, path: str | os.PathLike[str], *, lock: bool = True) -> Store:
        """A store over an existing simulation file (checked when loaded); `lock=False` reads a
        file another process may hold, for a read-only look."""
        file = SimulationFile(path)
        try:
            info = os.stat(file.path)
        except OSError as error:
            if error.errno in (errno.ENOENT, errno.ENOTDIR):
                raise SimulationFileError(file.shown, "missing") from None
            raise SimulationFileError(file.shown, "cannot_read", reason=_reason(error)) from None
        if not stat.S_ISREG(info.st_mode):
            raise SimulationFileError(file.shown, "not_a_file")
        if lock:
            file.lock()
            try:
                file.lock_contents()
                if not os.access(file.path.parent, os.W_OK):
                    raise SimulationFileError(file.shown, "folder_not_writable",
                                              folder=str(file.path.parent),
                                              reason=os.strerror(_not_writable(file.path.parent)))
                file.tidy()
            except BaseException:
                file.release()
                raise
        return cls(TinyDB(file, storage=AtomicJSONStorage), file)

    # ---------------------------------------------------------------- reading

    def load(self) -> State:
        """The state held in the database. A file that is not a consistent simulation of this
        format and version is refused (engine/consistency.py), before anything is written."""
        where = self.shown if self.shown is not None else "<memory>"
        raw = self.db.storage.read()
        if not isinstance(raw, dict) or not isinstance(raw.get("meta"), dict):
            raise SimulationFileError(where, "no_meta")
        meta = raw["meta"].get("1")  # read directly: TinyDB chokes on a damaged document
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise SimulationFileError(where, "wrong_format", format=FORMAT)
        if meta.get("version") != VERSION:
            raise SimulationFileError(where, "wrong_version", found=repr(meta.get("version")),
                                      version=VERSION)
        check_documents(raw, where)
        rules_doc = raw["rules"]["1"]
        try:
            validate(rules_doc)
        except Refusal as refusal:
            raise SimulationFileError(where, "bad_rules", detail=refusal.message) from None
        if not isinstance(rules_doc.get("policy"), str):  # Rules.policy and every save need it
            raise SimulationFileError(where, "no_policy")
        try:
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
        except Exception as error:  # damage the checks above did not foresee: name it, touch nothing
            raise SimulationFileError(where, "damaged", detail=f"{type(error).__name__}: {error}") from None
        check_state(state, where)
        return state

    def reload_last_written(self) -> State:
        """The state as last written (or as opened): what the file still holds after a write
        the system refused. Read from memory, not from a disk that may be failing."""
        return self.load()

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
        if self.closed:  # a closed store no longer holds the file: it must never write to it
            raise SimulationFileError(self.shown, "closed")
        try:
            self.db.storage.write(data)
        except (OSError, UnicodeError) as error:
            raise SimulationFileError(self.shown, "write_failed", reason=_reason(error)) from None
        self.db.clear_cache()

    def close(self) -> None:
        """Let the file go (its locks, its companion file); a closed store is never written."""
        self.closed = True
        self.db.close()
        if self.file is not None:
            self.file.release()

