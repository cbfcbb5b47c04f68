"""Real processes on one simulation file, driven over pipes (_process_child.py), for the tests of
several processes: each answers one JSON line per command."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

CHILD = Path(__file__).with_name("_process_child.py")


class Child:
    """Another process with the simulation file open (by the name given)."""

    def __init__(self, path: Path) -> None:
        self.process = subprocess.Popen([sys.executable, str(CHILD), str(path)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE)
        self.ready = self.read()["ready"]

    def send(self, *command: Any) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command).encode() + b"\n")
        self.process.stdin.flush()

    def line(self) -> bytes:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            assert self.process.stderr is not None
            raise AssertionError("the child ended: " + self.process.stderr.read().decode())
        return line

    def read(self) -> Any:
        return json.loads(self.line())

    def ask(self, *command: Any) -> Any:
        self.send(*command)
        return self.read()

    def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """A Simulation method in the child: {"ok": ...} or {"refused": code, "message": ...}."""
        return self.ask("call", method, list(args), kwargs)

    def hold(self) -> None:
        """Take the write lock in the child, as for the time of a write (`release` lets go)."""
        assert self.ask("hold") == {"holding": True}

    def release(self) -> None:
        self.send("release")
        assert self.read() == {"released": True}

    def close(self) -> None:
        if self.process.poll() is None:
            self.send("exit")
            assert self.process.stdin is not None
            self.process.stdin.close()  # (an end of input ends it too, whatever it waited for)
            assert self.process.wait(timeout=60) == 0, self.stderr()
        self.streams_closed()

    def kill(self) -> list[bytes]:
        """SIGKILL it now; the complete lines it had written."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        assert self.process.stdout is not None
        lines = [line for line in self.process.stdout.read().splitlines(keepends=True)
                 if line.endswith(b"\n")]
        self.streams_closed()
        return lines

    def stderr(self) -> str:
        assert self.process.stderr is not None
        return self.process.stderr.read().decode()

    def streams_closed(self) -> None:
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
