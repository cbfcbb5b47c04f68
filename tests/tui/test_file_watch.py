"""The file watch that wakes a window when another process writes its simulation file: it sees
an append and an atomic replace by another process, only the files it was given, and ends."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from rcsim.tui.app.file_watch import FileWatch

WAIT = 20.0  # seconds: long enough on a loaded machine; no test waits for it when all is well


def other_process(code: str) -> None:
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def started(files: list[Path]) -> tuple[FileWatch, threading.Event, list[int]]:
    woken = threading.Event()
    count = [0]

    def wake() -> None:
        count[0] += 1
        woken.set()

    watch = FileWatch(files, wake)
    watch.start()
    assert watch.watching.wait(WAIT), "the watch never began"
    return watch, woken, count


def test_an_append_by_another_process_wakes_it(tmp_path: Path) -> None:
    target = tmp_path / "sim.json"
    target.write_text("{}\n", encoding="utf-8")
    watch, woken, _ = started([target])
    try:
        other_process(f"open({str(target)!r}, 'a').write('more\\n')")
        assert woken.wait(WAIT)
    finally:
        watch.stop()


def test_a_file_replaced_whole_wakes_it(tmp_path: Path) -> None:
    """A compaction writes a new file and renames it over the old one."""
    target = tmp_path / "sim.json"
    target.write_text("{}\n", encoding="utf-8")
    watch, woken, _ = started([target])
    try:
        other_process(f"import os; open({str(tmp_path / 'new.tmp')!r}, 'w').write('x'); "
                      f"os.replace({str(tmp_path / 'new.tmp')!r}, {str(target)!r})")
        assert woken.wait(WAIT)
    finally:
        watch.stop()


def test_another_file_in_the_folder_does_not_wake_it(tmp_path: Path) -> None:
    target, other = tmp_path / "sim.json", tmp_path / "other.json"
    target.write_text("{}\n", encoding="utf-8")
    watch, woken, count = started([target])
    try:
        other_process(f"open({str(other)!r}, 'w').write('x'); "
                      f"open({str(target)!r}, 'a').write('y')")
        assert woken.wait(WAIT)  # the target's change came (after the other's, which did not)
        assert count[0] == 1
    finally:
        watch.stop()


def test_a_link_is_watched_by_the_file_it_leads_to(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "sim.json"
    target.write_text("{}\n", encoding="utf-8")
    link = tmp_path / "link.json"
    os.symlink(target, link)
    watch, woken, _ = started([link])
    try:
        other_process(f"open({str(target)!r}, 'a').write('more\\n')")
        assert woken.wait(WAIT)
    finally:
        watch.stop()


def test_stop_ends_its_thread(tmp_path: Path) -> None:
    target = tmp_path / "sim.json"
    target.write_text("{}\n", encoding="utf-8")
    watch, _, _ = started([target])
    thread = watch._thread
    assert thread is not None and thread.is_alive()
    watch.stop()
    thread.join(WAIT)
    assert not thread.is_alive()
