"""One simulation file on disk: its real path (links followed), its short write lock, and the
checks of its folder. Several processes may have one file open; each holds the lock only around
a write and a look at what the others wrote (engine/storage/ reads and writes the contents)."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, BinaryIO

from filelock import FileLock, Timeout, lock_descriptor

from .atomic import (
    Data,
    append_line,
    cut,
    open_committed,
    read_committed,
    recover_in_place,
    remove_temporary_files,
    replace_locked,
    write_in_place,
)
from .errors import SimulationFileError

# The write lock (SimulationFile.locked): how long a write waits for another process's write
# before it is refused, and how often it looks again meanwhile. A write holds it for about a
# millisecond; opening or compacting a large file, for up to a second or two.
LOCK_WAIT = 20.0
LOCK_POLL = 0.002
# Where a lock on the simulation file itself only keeps other writers out (POSIX: advisory
# locks); on Windows it would keep readers out too.
CONTENT_LOCK = os.name == "posix"


def os_reason(error: BaseException) -> str:
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
    """One simulation file on disk: its real path, its write lock and its writes.

    Several processes may have one simulation file open (role-play: each party in its own
    window). None holds it for long: each takes the write lock for a moment, around each write
    and each look at what the others wrote. It is two locks, each taken with the `filelock`
    package's primitive: at once on a descriptor when it is free (`lock_descriptor`: a few
    microseconds), else waited for, up to a limit, as a `FileLock` waits (`_hold`). The
    operating system lets go of both when the process ends, even when it is killed.

    - A lock on a companion file `.<real name>.lock` beside the real file (a symbolic link
      leads there too). It exists even before the simulation file does, so creating one is
      locked as well. It stays, hidden, when the lock is let go (the next writer locks it
      anew), unless no simulation file could be made beside it (`drop_lock_file`).
    - On POSIX, a lock on the simulation file itself, which every name of it shares: a second
      hard link has its own companion file, but not its own file, so only a process that
      opened the file under another name can hold this one when the companion is free. A write
      that renames a new file into place locks the new file before the rename, so the lock
      passes on without a gap; a process that waited on the old file finds it nameless and
      locks the one the name leads to now. (On Windows a lock on the file would keep others
      from reading it, and hard links are rare: the companion file is the lock there.)

    A file with one name is written by rename (engine/atomic.py); one with several names (hard
    links) is written in place behind an undo copy, so that the names stay one file.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.shown = os.fspath(path)  # messages name the file as it was given
        self.path = real_path(path)
        self.lock_path = self.path.with_name("." + self.path.name + ".lock")
        self._holds: list[_Hold] = []  # the locks held (the companion's, the file's)
        self._file_fd: int | None = None  # a new file renamed into place, locked, while held
        self._depth = 0  # `locked` is re-entrant: a write inside a write takes nothing again

    @property
    def held(self) -> bool:
        """Whether this process holds the write lock now."""
        return self._depth > 0

    @contextmanager
    def locked(self, wait: float = LOCK_WAIT) -> Iterator[None]:
        """Hold the write lock for the time of the block: no other process writes the file
        meanwhile (nor reads it to write after it: every process reads under this lock what it
        means to write after). Waits up to `wait` seconds for another process's write to end
        (0: not at all), then refuses (`busy`); a folder that takes no lock file is refused as
        one that takes no file."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._acquire(wait)
        self._depth = 1
        try:
            yield
        finally:
            self._depth = 0
            self._release()

    def _acquire(self, wait: float) -> None:
        companion = True  # which lock is being taken: the companion's, then the file's
        try:
            held = _hold(self.lock_path, wait, create=True)
            assert held is not None
            self._holds.append(held)
            companion = False
            if CONTENT_LOCK:  # the file itself (none yet: a write that makes it locks it)
                held = _hold(self.path, wait, create=False)
                if held is not None:
                    self._holds.append(held)
        except Timeout:  # (a TimeoutError, which is an OSError: first)
            self._release()
            raise SimulationFileError(self.shown, "busy", seconds=_seconds(wait)) from None
        except OSError as error:
            self._release()
            if companion:  # no lock file beside it: a folder that takes no new file
                raise self.refused_by_system(error) from None
            raise SimulationFileError(self.shown, "write_failed", reason=os_reason(error)) from None
        except BaseException:
            self._release()
            raise

    def _release(self) -> None:
        """Let go of every lock held, the file's first."""
        if self._file_fd is not None:
            os.close(self._file_fd)  # closing lets go of its lock
            self._file_fd = None
        while self._holds:
            self._holds.pop().release()

    def drop_lock_file(self) -> None:
        """Remove the companion lock file, while holding its lock, where no simulation file is
        (a new one that could not be written). Safe even for a process waiting on it: whoever
        gets a lock checks that its file still has the name (`_hold`), else takes it anew."""
        if self.held and CONTENT_LOCK:  # (where the lock file can go while it is open)
            with suppress(OSError):
                os.unlink(self.lock_path)

    def refused_by_system(self, error: OSError) -> SimulationFileError:
        """The system refused a new file beside the simulation file, said as it matters."""
        if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOENT):
            return SimulationFileError(self.shown, "folder_not_writable",
                                       folder=str(self.path.parent), reason=os_reason(error))
        if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            return SimulationFileError(self.shown, "write_failed", reason=os_reason(error))
        return SimulationFileError(self.shown, "cannot_create", reason=os_reason(error))

    def tidy(self) -> None:
        """Clear what writes cut short by a kill left, before reading: put back the old content
        of an unfinished write in place, and remove temporary files. Only under the lock."""
        self.recover()
        remove_temporary_files(self.path)

    def recover(self) -> None:
        """Put back the old content of a write in place that a kill cut short (a file with
        several names). Only under the lock."""
        try:
            recover_in_place(self.path)
        except OSError as error:  # the old content cannot be put back: refuse the file as it is
            raise SimulationFileError(self.shown, "write_failed", reason=os_reason(error)) from None

    def read(self) -> bytes:
        return read_committed(self.path)

    def open_committed(self) -> BinaryIO:
        return open_committed(self.path)

    def append(self, line: bytes) -> None:
        """Add one line at the end of the file, durably (engine/atomic.py)."""
        append_line(self.path, line)

    def cut(self, size: int) -> None:
        """Cut the file back to its first `size` bytes (a torn last line)."""
        cut(self.path, size)

    def write(self, data: Data) -> None:
        """Write the whole file atomically: in place while it has other names, else by rename.
        Under the lock, the new file is locked before it takes the name."""
        try:
            links = os.stat(self.path).st_nlink
        except FileNotFoundError:
            links = 1
        if links > 1:
            write_in_place(self.path, data)
            return
        fd = replace_locked(self.path, data, _lock_new if CONTENT_LOCK and self.held else None)
        if not self.held:  # (written without the lock: TinyDB opened the file itself)
            os.close(fd)
            return
        if self._file_fd is not None:
            os.close(self._file_fd)  # an earlier new file, nameless now: its lock goes with it
        self._file_fd = fd  # (the old file, nameless, stays locked until the lock is let go)


class _Hold:
    """One lock held: on a descriptor, locked at once, or through a `FileLock` that waited for
    it. Both take the lock with the same primitive (filelock's), so they exclude each other."""

    def __init__(self, fd: int | None = None, lock: FileLock | None = None) -> None:
        self.fd = fd
        self.lock = lock

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing lets go of its lock
        elif self.lock is not None:
            self.lock.release()


def _hold(path: Path, wait: float, *, create: bool) -> _Hold | None:
    """Lock the file `path` (made if `create`; None when there is none). At once when it is
    free (one `open` and one `lock_descriptor`, a few microseconds); else wait up to `wait`
    seconds (then `Timeout`) as a filelock `FileLock` waits, which also passes over a file
    left nameless meanwhile (a new one renamed into place, a lock file removed) and takes the
    one the name leads to: a lock is only held on the file that has the name."""
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) if create else os.O_RDONLY
    try:
        fd = os.open(path, flags, 0o666)
    except FileNotFoundError:
        if not create:
            return None
        raise
    try:
        if lock_descriptor(fd, blocking=False) and _same_file(fd, path):
            fd, held = -1, fd
            return _Hold(fd=held)
    except OSError:  # no such lock on this file system: filelock knows what to do instead
        pass
    finally:
        if fd >= 0:
            os.close(fd)
    options: dict[str, Any] = {"poll_interval": LOCK_POLL}
    if not create:  # the simulation file itself: kept, and locked as it is or not at all
        options.update(preserve_lock_file=True, fallback_to_soft=False)
    elif os.name == "nt":  # (filelock removes its lock file there by default)
        options.update(preserve_lock_file=True)
    lock = FileLock(path, **options)
    lock.acquire(timeout=wait)
    return _Hold(lock=lock)


def _same_file(fd: int, path: Path) -> bool:
    """Whether the descriptor is of the file `path` names now."""
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False


def _lock_new(fd: int) -> None:
    """Lock a brand-new file (nobody else has it yet) before it takes the simulation's name."""
    lock_descriptor(fd, blocking=False)


def _seconds(wait: float) -> int | float:
    return int(wait) if float(wait).is_integer() else wait


def check_folder(file: SimulationFile) -> None:
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


def not_writable(folder: Path) -> int:
    """Why a folder takes no new file: a read-only file system, or no permission."""
    try:
        return errno.EROFS if os.statvfs(folder).f_flag & os.ST_RDONLY else errno.EACCES
    except (OSError, AttributeError):
        return errno.EACCES


# ---------------------------------------------------------------- lines of JSON
