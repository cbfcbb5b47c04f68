"""The store of one simulation: its file (or none, in memory), what a process may ask of it
(open, load, append a step or a head, follow other processes, compact, close), each done by the
module of that job."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tinydb.table import Document

from ..core import State
from ..errors import SimulationFileError
from ..journal import Journal
from ..simfile import LOCK_WAIT, SimulationFile, check_folder, not_writable, os_reason
from . import carry_over, compaction, loading, tail
from .layout import HEAD, Loaded, head_doc
from .tail import FileMark
from .tinydb_shell import JournalDB, JournalStorage


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

    # ---------------------------------------------------------------- what others wrote (tail.py)

    def remember(self, size: int | None = None, lines: int | None = None) -> None:
        """Note how far this process has read (or written) the file (`tail.remember`)."""
        tail.remember(self, size, lines)

    def changed(self) -> bool:
        """Whether the file may hold what this process has not read yet (`tail.changed`)."""
        return tail.changed(self)

    def read_since(self, records: list[dict[str, Any]], head: int
                   ) -> tuple[list[dict[str, Any]], int, int] | None:
        """Under the lock: the journal with what others appended since (`tail.read_since`)."""
        return tail.read_since(self, records, head)

    def read_journal(self) -> tuple[dict[str, Any], list[dict[str, Any]], int, bool]:
        """Under the lock: the journal read whole again (`tail.read_journal`)."""
        return tail.read_journal(self)

    def cut_torn(self, size: int) -> None:
        """Cut off a last line a kill left unfinished (at `size`), when this process holds the
        lock."""
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

    # ---------------------------------------------------------------- reading (loading.py)

    def load(self) -> Loaded:
        """The state and journal the file holds, checked (`loading.load`)."""
        return loading.load(self)

    def checkpoint_loader(self, step: int) -> Callable[[], State | None]:
        """What reads the state after step `step` from the file's checkpoint when time travel
        needs it (None when the file's checkpoint is another step by then: another process
        compacted the file, and the state is replayed from another start)."""
        return lambda: loading.load_checkpoint(self, step)

    def origin_state(self) -> State:
        """The state the simulation was created with (step 0; `loading.origin_state`)."""
        return loading.origin_state(self)

    def settle(self, loaded: Loaded) -> Path | None:
        """After a file was opened under the write lock and found good: tidy it, and carry an
        older version over (`carry_over.settle`); the name the original was kept under."""
        return carry_over.settle(self, loaded)

    # ---------------------------------------------------------------- writing

    def write_new(self, state: State, journal: Journal, origin: dict[str, Any],
                  base: State | None = None) -> None:
        """Write the whole simulation in one atomic write: its origin (`base`, the origin's
        records if it has any), every step, and `state` (after the last) as the checkpoint."""
        if self.file is None:
            return
        with self.file.locked():
            self.origin = origin
            compaction.write_image(self, state, journal, base=base)

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
            tail.remember_more(self, self.storage.appended)

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
        """Whether the file is due a fresh checkpoint (`compaction.should_compact`)."""
        return compaction.should_compact(self, journal)

    def compact(self, state: State, journal: Journal) -> bool:
        """Rewrite the file with a fresh checkpoint; whether it was written
        (`compaction.compact`)."""
        return compaction.compact(self, state, journal)

    def close(self) -> None:
        """Let the file go; a closed store is never written (it holds no lock between writes)."""
        self.closed = True
        if self.db is not None:
            self.db.close()
