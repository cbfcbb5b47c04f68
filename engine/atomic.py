"""Every file rcsim writes is written atomically: a reader (or a crash) sees the old or the new
file, never half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_text(path: str | os.PathLike[str], text: str, *, overwrite: bool = True) -> Path:
    """Write `text` (UTF-8, LF) to `path` through a temporary file in the same folder, flushed and
    fsynced, then moved into place, and make the move durable.

    With `overwrite=False` an existing file is never replaced (FileExistsError), not even one
    that appeared while writing.
    """
    target = Path(path)
    if not overwrite and target.exists():
        raise FileExistsError(f"{target} already exists")
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="\n",
                                         dir=target.parent or Path("."),
                                         prefix=f".{target.name}.", suffix=".tmp", delete=False)
    temp = Path(handle.name)
    try:
        with handle:
            # A temporary file is private (0600); the file it becomes keeps the mode it had,
            # or gets the one any new file of this user gets.
            os.chmod(handle.fileno(), _mode_of(target))
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
