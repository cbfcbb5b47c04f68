"""Which windows are open on a simulation file: a party's seat, and the clock. Each is held by one
process at a time through a lock on a hidden companion file beside the real simulation file
(`.<name>.seat-buyer.lock`, `.<name>.clock.lock`), taken without waiting. The operating system
lets go of it when the process ends, even when it is killed, so a seat is never left taken.

Role-play uses it: one window per party seat (a second is refused, or in the browser takes over
after the first has ended), a party window moves the clock only when no other window holds it,
and a trainer does not branch away while a party's window is still on the file."""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock, Timeout

from .simfile import real_path

CLOCK = "clock"


def lock_file(path: str | Path, name: str) -> Path:
    """The companion file of the presence `name` ("seat-buyer", "clock") of a simulation."""
    real = real_path(path)
    return real.with_name(f".{real.name}.{name}.lock")


class Presence:
    """A presence held by this process until `release` (or the process's end)."""

    def __init__(self, lock: FileLock | None) -> None:
        self._lock = lock

    def release(self) -> None:
        if self._lock is not None and self._lock.is_locked:
            self._lock.release(force=True)


def _lock(path: str | Path, name: str) -> FileLock:
    # An operating system lock only (no lock file standing for a lock: it would outlive a
    # killed process), kept on the companion file, whichever thread lets go of it.
    return FileLock(lock_file(path, name), timeout=0, thread_local=False, is_singleton=False,
                    fallback_to_soft=False, preserve_lock_file=True)


def hold(path: str | Path, name: str) -> Presence | None:
    """Hold the presence `name` on the simulation at `path`, or None when another holder (in
    another process or in this one) has it. Where the folder takes no lock file, nobody can
    hold a presence there: it is granted, held by nobody."""
    lock = _lock(path, name)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return None
    except OSError:
        return Presence(None)
    return Presence(lock)


def held(path: str | Path, name: str) -> bool:
    """True when some holder has the presence `name` on the simulation at `path` now."""
    found = hold(path, name)
    if found is None:
        return True
    found.release()
    return False
