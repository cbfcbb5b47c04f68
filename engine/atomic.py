"""Every file rcsim writes is written atomically: a reader (or a crash) sees the old or the new
file, never half of one.

Most files are written to a temporary file `.<name>.<8 random characters>.tmp` beside them,
fsynced and renamed into place. A rename gives the name a new file, so a file with several names
(hard links) would be split in two; such a file is overwritten in place instead, behind an undo
copy `.<name>.undo` that the next open puts back if the write was cut short.

A simulation file also grows by appends (`append_line`): one line, one write, made durable before
the call returns. A kill can only cut the last line short (it then lacks its newline); readers
ignore it, and the holder of the file cuts it off (`cut`).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

UNDO_HEADER = b"rcsim-undo"


def write_text(path: str | os.PathLike[str], text: str, *, overwrite: bool = True,
               private: bool = False) -> Path:
    """Write `text` (UTF-8, LF) to `path` through a temporary file in the same folder, flushed and
    fsynced, then moved into place, and make the move durable.

    With `overwrite=False` an existing file is never replaced (FileExistsError), not even one
    that appeared while writing. With `private=True` the file is its owner's alone (0600) from
    its first byte on: for a file that holds secrets.
    """
    target = Path(path)
    if not overwrite and target.exists():
        raise FileExistsError(f"{target} already exists")
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="\n",  # noqa: SIM115 (closed below, the temporary removed on failure)
                                         dir=target.parent or Path("."),
                                         prefix=f".{target.name}.", suffix=".tmp", delete=False)
    temp = Path(handle.name)
    try:
        with handle:
            # A temporary file is private (0600); the file it becomes keeps the mode it had,
            # or gets the one any new file of this user gets.
            os.chmod(handle.fileno(), 0o600 if private else _mode_of(target))
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(temp, target)
        else:
            try:
                os.link(temp, target)  # fails if the name was taken meanwhile: never clobbers
            except FileExistsError:
                raise
            except OSError:  # a file system without hard links: check, then rename
                if target.exists():
                    raise FileExistsError(f"{target} already exists") from None
                os.replace(temp, target)
    finally:
        if temp.exists():
            temp.unlink()
    sync_folder(target.parent)
    return target


def _mode_of(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable, where the platform allows opening a folder."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---------------------------------------------------------------- simulation files


def _temporary(target: Path) -> tuple[int, Path]:
    """A new private temporary file beside `target`, named as `write_text` names its own."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    return fd, Path(name)


Data = bytes | Iterable[bytes]  # a whole file's content, or its pieces in order


def _write_all(fd: int, data: Data, offset: int | None = None) -> int:
    """Write all of `data` (at `offset`, else at the descriptor's position); returns its size."""
    total = 0
    for piece in (data,) if isinstance(data, bytes) else data:
        view = memoryview(piece)
        while view:
            written = os.write(fd, view) if offset is None else os.pwrite(fd, view, offset)
            view = view[written:]
            total += written
            if offset is not None:
                offset += written
    return total


def replace_locked(target: Path, data: Data, lock: Callable[[int], object] | None = None) -> int:
    """Write `data` as the new `target` (temporary file, fsync, rename) and return an open
    descriptor of the new file, already locked by `lock` (given the descriptor) before the
    rename: whoever held the old file passes its lock on to the new one without a moment in
    which the name is unlocked."""
    fd, temp = _temporary(target)
    try:
        os.chmod(fd, _mode_of(target))
        if lock is not None:
            lock(fd)  # a brand-new file: nobody else has it
        _write_all(fd, data)
        os.fsync(fd)
        os.replace(temp, target)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    sync_folder(target.parent)
    return fd


def keep_new(beside: Path, target: Path, data: bytes) -> bool:
    """Write `data` as the new file `target` (in the folder of `beside`) through a temporary file
    named as `beside`'s own (so the holder of `beside` clears what a kill leaves), fsynced, and
    never over an existing file: False if `target` exists by now."""
    fd, temp = _temporary(beside)
    try:
        _write_all(fd, data)
        os.fsync(fd)
        os.close(fd)
        fd = -1
        try:
            os.link(temp, target)  # fails if the name was taken meanwhile: never clobbers
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links: check, then rename
            if os.path.lexists(target):
                return False
            os.replace(temp, target)
        sync_folder(target.parent)
        return True
    finally:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def undo_path(target: Path) -> Path:
    """Where a write in place keeps the old content of `target` until it is done."""
    return target.with_name(f".{target.name}.undo")


def _overwrite(fd: int, data: Data) -> None:
    size = _write_all(fd, data, 0)
    os.ftruncate(fd, size)
    os.fsync(fd)


def write_in_place(target: Path, data: Data) -> None:
    """Overwrite the content of `target` in its own file, so that every hard link to it sees the
    new content, and keep that atomic with an undo copy: the old content is first written to
    `.<name>.undo` (temporary file, fsync, rename), then the file is overwritten and fsynced,
    then the copy is removed. A write that fails puts the old content back; one cut short by a
    kill is put back by `recover_in_place` at the next open. The caller holds the file's lock."""
    out = os.open(target, os.O_WRONLY)  # first: a file that may not be written is refused as is
    try:
        old = target.read_bytes()
        info = os.fstat(out)
        undo = undo_path(target)
        fd, temp = _temporary(target)
        try:
            _write_all(fd, b"%s %d %d\n" % (UNDO_HEADER, info.st_dev, info.st_ino) + old)
            os.fsync(fd)
            os.close(fd)
            fd = -1
            os.replace(temp, undo)
        except BaseException:
            if fd >= 0:
                os.close(fd)
            if temp.exists():
                temp.unlink()
            raise
        sync_folder(target.parent)
        try:
            _overwrite(out, data)
        except BaseException as error:
            try:
                _overwrite(out, old)
            except OSError:
                raise error from None  # the undo copy stays: the next open puts it back
            _drop(undo)
            raise
    finally:
        os.close(out)
    _drop(undo)


def _drop(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    sync_folder(path.parent)


def _undo_of(target: Path) -> tuple[Path, bytes] | None:
    """The undo copy an unfinished write in place of `target` left, and the old content it
    keeps: the copy must name the file `target` is now (device and inode), so a stale copy of an
    earlier file under that name is not one. A file with several names may have been written
    under another name in the same folder: then that name's copy counts too."""
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return None
    header = b"%s %d %d" % (UNDO_HEADER, info.st_dev, info.st_ino)
    candidates = [undo_path(target)]
    if info.st_nlink > 1:
        with contextlib.suppress(OSError):
            candidates += sorted(Path(e.path) for e in os.scandir(target.parent)
                                 if e.name.startswith(".") and e.name.endswith(".undo"))
    for candidate in candidates:
        try:
            raw = candidate.read_bytes()
        except OSError:
            continue
        first, _, old = raw.partition(b"\n")
        if first == header:
            return candidate, old
    return None


def append_line(target: Path, line: bytes) -> None:
    """Add `line` (ending with a newline) at the end of `target` in one write, and make it durable
    (fdatasync) before returning. The file is written in place, so every name of it sees the line.
    A write that fails is cut off again, so the file is as it was; one cut short by a kill leaves a
    last line without its newline, which readers ignore (and the next holder cuts off). The caller
    holds the file's lock."""
    fd = os.open(target, os.O_WRONLY | os.O_APPEND)
    try:
        size = os.fstat(fd).st_size
        try:
            _write_all(fd, line)
            (getattr(os, "fdatasync", None) or os.fsync)(fd)
        except BaseException:
            try:
                os.ftruncate(fd, size)
                os.fsync(fd)
            except OSError:  # the line stays unfinished or unsynced: it is cut off at next open
                pass
            raise
    finally:
        os.close(fd)


def cut(target: Path, size: int) -> None:
    """Cut `target` back to its first `size` bytes, durably (a torn last line). The caller holds
    the file's lock."""
    fd = os.open(target, os.O_WRONLY)
    try:
        os.ftruncate(fd, size)
        os.fsync(fd)
    finally:
        os.close(fd)


def open_committed(target: Path) -> BinaryIO:
    """The content of `target` as its last finished write left it, to read as a stream: while a
    write in place is under way or was cut short, that is its undo copy."""
    found = _undo_of(target)
    if found is None:
        return open(target, "rb")
    return io.BytesIO(found[1])


def read_committed(target: Path) -> bytes:
    """The content of `target` as its last finished write left it: while a write in place is
    under way or was cut short, that is its undo copy."""
    found = _undo_of(target)
    return target.read_bytes() if found is None else found[1]


def recover_in_place(target: Path) -> bool:
    """Finish what a write in place of `target` cut short by a kill left: put the old content
    back from the undo copy and remove the copy (a stale copy under this name is only removed).
    The caller holds the file's lock. True if there was a copy."""
    found = _undo_of(target)
    if found is not None:
        undo, old = found
        if target.read_bytes() != old:  # cut short after the overwrite began
            out = os.open(target, os.O_WRONLY)
            try:
                _overwrite(out, old)
            finally:
                os.close(out)
        _drop(undo)
        return True
    if os.path.lexists(undo_path(target)):
        _drop(undo_path(target))
        return True
    return False


def temporary_files(target: Path) -> list[Path]:
    """The temporary files of writes of `target` that are still there (`.<name>.<8>.tmp`)."""
    pattern = re.compile(r"\." + re.escape(target.name) + r"\.[a-z0-9_]{8}\.tmp")
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return []
    return sorted(Path(e.path) for e in entries
                  if pattern.fullmatch(e.name) and e.is_file(follow_symlinks=False))


def remove_temporary_files(target: Path) -> list[Path]:
    """Remove the temporary files that writes of `target` cut short by a kill left beside it.
    Only while holding the file's lock: then no write of it is under way. Returns them."""
    removed = []
    for temp in temporary_files(target):
        try:
            temp.unlink()
        except OSError:  # gone meanwhile, or a folder that keeps it: nothing to clean then
            continue
        removed.append(temp)
    return removed
