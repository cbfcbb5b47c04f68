"""`rcsim serve` as a real process, for the tests: started on a free port, its links read from
what it prints, stopped as a terminal's Ctrl+C stops it (SIGINT to its whole process group)."""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
ROLES = ("trainer", "buyer", "freelancer")
ADDRESS = re.compile(r"https?://\S+/")
WAIT = 60.0  # generous: the machine is shared; nothing here asserts on speed


@dataclass
class Served:
    process: subprocess.Popen[str]
    db: Path | None = None
    lines: list[str] = field(default_factory=list)
    _out: queue.Queue[str | None] = field(default_factory=queue.Queue)

    @property
    def addresses(self) -> dict[str, str]:
        found = [ADDRESS.search(line) for line in self.lines]
        return dict(zip(ROLES, (m.group(0) for m in found if m), strict=False))

    def read_announcement(self) -> None:
        """Wait for the five lines rcsim serve prints once it serves (or for its end)."""
        threading.Thread(target=self._pump, daemon=True).start()
        while len(self.lines) < 5:
            try:
                line = self._out.get(timeout=WAIT)
            except queue.Empty:
                raise AssertionError(f"rcsim serve printed only {self.lines}") from None
            if line is None:
                return
            self.lines.append(line.rstrip("\n"))

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._out.put(line)
        self._out.put(None)

    def app_processes(self) -> list[psutil.Process]:
        """The rcsim apps serve started for the tabs (its descendants running `-m rcsim`)."""
        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        found = []
        for child in children:
            try:
                if "rcsim" in child.cmdline() and child.name() != "sh":
                    found.append(child)
            except psutil.Error:
                pass
        return found

    def interrupt(self, whole_group: bool = True) -> int:
        """Ctrl+C: SIGINT to the process group (as a terminal sends it) or to serve alone; its
        exit status (at once, for a serve that has already ended)."""
        if self.process.poll() is not None:
            return self.process.returncode
        if whole_group:
            os.killpg(self.process.pid, signal.SIGINT)
        else:
            self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=WAIT)

    def stderr(self) -> str:
        assert self.process.stderr is not None
        return self.process.stderr.read()

    def kill(self) -> None:
        """The last resort of a failed test: nothing of it is left running."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=WAIT)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


def start_serve(db: Path, *args: str, lang: str = "en", port: int = 0) -> Served:
    """`python -m rcsim serve --db DB --port PORT --lang LANG ARGS`, in its own process group."""
    process = subprocess.Popen(
        [sys.executable, "-m", "rcsim", "serve", "--db", str(db), "--port", str(port),
         "--lang", lang, *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        start_new_session=True)
    served = Served(process, db)
    try:
        served.read_announcement()
    except BaseException:
        served.kill()
        raise
    return served
