"""A window woken by a change to the files it shows: what another window (a process of its own)
writes is on screen in a few milliseconds, not at the next look.

The operating system says when a file changes (inotify on Linux, FSEvents on macOS, through
`watchfiles`), in a thread of its own that hands each change to the app's own task. Where it
cannot say (no such service, too many watches, a network drive), nothing is lost: the window
still looks at its files on a timer, as it always did; this only makes it sooner.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

# After the first change, how long to wait for more before waking the window (one wake for a
# step's write and its head line), in milliseconds.
GATHER_MS = 5


class FileWatch:
    """Calls `woken` (from its own thread) soon after any of `files` changed on disk."""

    def __init__(self, files: Iterable[Path], woken: Callable[[], None]) -> None:
        # A file is watched through its folder, by its real name: an atomic rewrite replaces
        # the file (a new one renamed over it), which a watch on the old file would not see.
        self.files = frozenset(os.path.realpath(path) for path in files)
        self.woken = woken
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.watching = threading.Event()
        """Set once the operating system watches the folders (a test waits for it)."""

    def start(self) -> None:
        if not self.files or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="rcsim-file-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Ends the watch within about a tenth of a second (never waited for)."""
        self._stop.set()

    def _run(self) -> None:
        try:
            from watchfiles import watch  # loaded here, off the first frame's way
        except ImportError:  # (a trimmed install: the timer alone looks)
            return
        folders = sorted({os.path.dirname(path) for path in self.files})
        files = self.files

        def concerns(_change: object, path: str) -> bool:
            return path in files

        try:
            for _changes in watch(*folders, watch_filter=concerns, step=GATHER_MS,
                                  rust_timeout=100, yield_on_timeout=True, recursive=False,
                                  stop_event=self._stop, raise_interrupt=False):
                self.watching.set()
                if _changes:
                    self.woken()
        except (OSError, RuntimeError):  # no watch to be had here: the timer alone looks
            return


def soon_in(loop: asyncio.AbstractEventLoop, call: Callable[[], None]) -> None:
    """`call` in the app's own task as soon as it is free (from the watch's thread); nothing
    once the app's loop has ended."""
    with contextlib.suppress(RuntimeError):  # the loop is closed: the app has ended
        loop.call_soon_threadsafe(call)
