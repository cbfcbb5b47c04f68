"""The browser side of `rcsim serve`, and the one module that knows how its parts work inside.

- The browser client is textual-serve's: its JavaScript (xterm.js and the websocket), stylesheet
  and font, read from the installed textual-serve package (pinned in pyproject.toml). Only the
  files named in CLIENT_FILES are served: no folder is listed, no other path is read.
- The pages are rcsim's own (the app's page, and the short pages that say why there is no app),
  with a strict Content-Security-Policy: nothing from another origin, no framing.
- Between the server and an app process runs the protocol of Textual's web driver
  (`textual.drivers.web_driver`): the process, started with TEXTUAL_DRIVER naming that driver,
  prints a prelude line, then writes packets (a type byte, a 4-byte big-endian length, the
  payload: "D" terminal output, "M" a JSON meta message, "P" a packed message); it reads the same
  packets on stdin ("D" keys, "M" resize / focus / blur / quit).
- The client's websocket speaks JSON lists: ["stdin", text], ["resize", {width, height}],
  ["ping", data] (answered ["pong", data]), ["focus"], ["blur"]; the server sends terminal
  output as binary messages and ["open_url", {...}] as text.

tests/test_web.py pins each of these facts against the installed packages.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import os
import secrets
import signal
import sys
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

# The files of textual-serve's client that a page needs: name served -> (path inside
# textual_serve/static, content type).
CLIENT_FILES = {
    "textual.js": ("js/textual.js", "text/javascript; charset=utf-8"),
    "xterm.css": ("css/xterm.css", "text/css; charset=utf-8"),
    "RobotoMono.ttf": ("fonts/RobotoMono-VariableFont_wght.ttf", "font/ttf"),
}

# What makes a Python process run its Textual app for a server rather than a terminal.
DRIVER_ENVIRONMENT = {
    "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver",
    "TEXTUAL_FPS": "60",
    "TEXTUAL_COLOR_SYSTEM": "truecolor",
    "TERM_PROGRAM": "textual",
}
PRELUDE = b"__GANGLION__\n"
DATA, META, PACKED = b"D", b"M", b"P"

# A terminal in a tab: at least this small, at most this large (a browser asks what it likes).
MIN_SIZE = (20, 8)
MAX_SIZE = (400, 150)
DEFAULT_SIZE = (80, 24)


def client_file(name: str) -> tuple[bytes, str] | None:
    """The bytes and content type of one of the client's files, or None for any other name."""
    if name not in CLIENT_FILES:
        return None
    return _client_bytes(name), CLIENT_FILES[name][1]


@cache
def _client_bytes(name: str) -> bytes:
    path = CLIENT_FILES[name][0]
    return files("textual_serve").joinpath("static", *path.split("/")).read_bytes()


def terminal_size(width: Any, height: Any) -> tuple[int, int]:
    """A terminal size a browser asked for, as whole cells within MIN_SIZE and MAX_SIZE (the
    default size where a value is no whole number)."""
    size = []
    for value, default, low, high in zip((width, height), DEFAULT_SIZE, MIN_SIZE, MAX_SIZE, strict=False):
        try:
            number = int(str(value), 10)
        except (TypeError, ValueError):
            number = default
        size.append(min(max(number, low), high))
    return size[0], size[1]


# ---------------------------------------------------------------- pages

def security_headers(nonce: str | None = None) -> dict[str, str]:
    """The headers of every response: nothing from another origin, never in a frame, no
    referrer (a link's secret is in its path), nothing cached."""
    script = f"'self' 'nonce-{nonce}'" if nonce else "'none'"
    return {
        "Content-Security-Policy": (
            f"default-src 'none'; script-src {script}; style-src 'self' 'unsafe-inline'; "
            "font-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"),
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    }


_STYLE = """
@font-face { font-family: "Roboto Mono"; src: url("/static/RobotoMono.ttf"); }
body { margin: 0; background: #0c181f; color: rgba(255, 255, 255, 0.95);
       font-family: "Roboto Mono", menlo, monospace; }
.notice { max-width: 40em; margin: 15vh auto; padding: 2em; background: #12232d;
          line-height: 1.5; }
.notice h1 { font-size: 1.2em; margin-top: 0; }
"""


def message_page(lang: str, title: str, text: str) -> str:
    """A short page that says why there is no app here (plain text, escaped)."""
    return (f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>"
            f'<div class="notice"><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>'
            "</div></body></html>\n")


def app_page(lang: str, title: str, ended: str, nonce: str) -> str:
    """The page of a seat: the terminal, whose websocket is this page's own address + "ws" (set
    from the address bar, so it is the origin the page came from, http or https), and what the
    tab says when its app has ended (`ended`)."""
    return f"""<!DOCTYPE html>
<html lang="{html.escape(lang)}">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<link rel="stylesheet" href="/static/xterm.css">
<style>{_STYLE}
.textual-terminal {{ width: 100vw; height: 100vh; }}
.closed {{ display: none; position: absolute; inset: 0; z-index: 10; }}
body.-closed .closed {{ display: block; }}
#start {{ display: none; }}
</style>
<script src="/static/textual.js"></script>
</head>
<body>
<div class="closed"><div class="notice"><h1>{html.escape(title)}</h1><p>{html.escape(ended)}</p></div></div>
<div id="terminal" class="textual-terminal" data-font-size="16"></div>
<button id="start" type="button" hidden></button>
<script nonce="{nonce}">
(function () {{
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var path = window.location.pathname.replace(/\\/?$/, "/");
  document.getElementById("terminal").dataset.sessionWebsocketUrl =
    scheme + window.location.host + path + "ws";
}})();
</script>
</body>
</html>
"""


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


# ---------------------------------------------------------------- the client's messages

@dataclass(frozen=True)
class ClientMessage:
    """One message of a tab's client: its kind ("stdin", "resize", "ping", "focus", "blur")
    and its payload (text for stdin and ping, a size for resize)."""

    kind: str
    text: str = ""
    size: tuple[int, int] = DEFAULT_SIZE


def client_message(raw: str) -> ClientMessage | None:
    """A client's text message, or None when it is none the client sends (ignored)."""
    try:
        envelope = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
        return None
    kind, payload = envelope[0], (envelope[1] if len(envelope) > 1 else None)
    if kind in ("stdin", "ping") and isinstance(payload, str):
        return ClientMessage(kind, text=payload)
    if kind == "resize" and isinstance(payload, dict):
        return ClientMessage(kind, size=terminal_size(payload.get("width"), payload.get("height")))
    if kind in ("focus", "blur"):
        return ClientMessage(kind)
    return None


def open_url_reply(url: str) -> list[Any]:
    """The client's message that opens `url` in the tab itself (the app asked for it)."""
    return ["open_url", {"url": url, "new_tab": False}]


# ---------------------------------------------------------------- an app process

@dataclass(frozen=True)
class AppRequest:
    """What an app process asked of its tab, from its meta messages: "exit" (it has ended) or
    "open_url" (go to `url`); any other meta message is kind "" (nothing to do)."""

    kind: str
    url: str = ""


def app_request(message: dict[str, Any]) -> AppRequest:
    """An app's meta message as a request of its tab."""
    kind = message.get("type")
    if kind == "exit":
        return AppRequest("exit")
    url = message.get("url")
    if kind == "open_url" and isinstance(url, str):
        return AppRequest("open_url", url)
    return AppRequest("")


def app_environment(environment: Mapping[str, str]) -> dict[str, str]:
    """The environment of an app process: the server's, without its own TEXTUAL_* settings
    (the driver's are set when it starts)."""
    return {k: v for k, v in environment.items() if not k.startswith("TEXTUAL")}


def packet(kind: bytes, payload: bytes) -> bytes:
    """One packet of the web driver's protocol."""
    return kind + len(payload).to_bytes(4, "big") + payload


def packets(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """The packets in `data` (whole ones only: for tests and tools)."""
    at = 0
    while at + 5 <= len(data):
        size = int.from_bytes(data[at + 1:at + 5], "big")
        yield data[at:at + 1], data[at + 5:at + 5 + size]
        at += 5 + size


def _die_with_parent() -> None:  # pragma: no cover - runs in the child, before exec
    """In the child before it runs: on Linux, have the kernel send it SIGTERM when the server
    that started it dies (even by SIGKILL), so no app outlives `rcsim serve`."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class AppProcess:
    """One app process for one tab: started from `command` with the web driver, its output
    handed to `output` (bytes of the terminal) and `meta` (what it asks of its tab, an
    AppRequest); keys, sizes, focus and quit sent to it (`relay`). Its own process group, ended
    with the server."""

    def __init__(self, command: Sequence[str], environment: dict[str, str],
                 output: Callable[[bytes], Awaitable[None]],
                 meta: Callable[[AppRequest], Awaitable[None]]) -> None:
        self.command = list(command)
        self.environment = environment
        self._output = output
        self._meta = meta
        self.process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()
        self.errors = bytearray()

    async def start(self, size: tuple[int, int]) -> None:
        environment = {**self.environment, **DRIVER_ENVIRONMENT,
                       "COLUMNS": str(size[0]), "ROWS": str(size[1])}
        linux = sys.platform.startswith("linux")
        self.process = await asyncio.create_subprocess_exec(
            *self.command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=environment, start_new_session=True,
            preexec_fn=_die_with_parent if linux else None)
        self._reader = asyncio.create_task(self._read())

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    async def _read(self) -> None:
        process = self.process
        assert process is not None and process.stdout is not None and process.stderr is not None
        stdout, stderr = process.stdout, process.stderr

        async def errors() -> None:
            while chunk := await stderr.read(4096):
                if len(self.errors) < 65536:
                    self.errors += chunk

        errors_task = asyncio.create_task(errors())
        try:
            for _ in range(10):  # the prelude: anything printed before it is not ours
                line = await stdout.readline()
                if not line or line == PRELUDE:
                    break
            self.ready.set()
            while True:
                kind = await stdout.readexactly(1)
                size = int.from_bytes(await stdout.readexactly(4), "big")
                payload = await stdout.readexactly(size)
                if kind == DATA:
                    await self._output(payload)
                elif kind == META:
                    try:
                        message = json.loads(payload)
                    except ValueError:
                        continue
                    if isinstance(message, dict):
                        await self._meta(app_request(message))
                # PACKED carries file deliveries: a seat downloads no file.
        except (asyncio.IncompleteReadError, ConnectionResetError):
            pass
        finally:
            self.ready.set()
            await errors_task

    async def relay(self, message: ClientMessage) -> list[Any] | None:
        """Hand a client's message to the app (keys, a size, focus, blur); the reply the client
        gets, if any (a ping's pong)."""
        if message.kind == "stdin":
            await self.send_keys(message.text)
        elif message.kind == "resize":
            await self.send_meta({"type": "resize", "width": message.size[0],
                                  "height": message.size[1]})
        elif message.kind == "ping":
            return ["pong", message.text[:64]]
        else:
            await self.send_meta({"type": message.kind})
        return None

    async def send_keys(self, text: str) -> None:
        await self._write(packet(DATA, text.encode("utf-8")))

    async def send_meta(self, message: dict[str, Any]) -> None:
        await self._write(packet(META, json.dumps(message).encode("utf-8")))

    async def _write(self, data: bytes) -> None:
        process = self.process
        if process is None or process.stdin is None or process.returncode is not None:
            return
        try:
            process.stdin.write(data)
            await process.stdin.drain()
        except (ConnectionResetError, BrokenPipeError, RuntimeError):
            pass

    async def stop(self, wait: float) -> None:
        """Ask the app to quit, wait up to `wait` seconds, then end its process group."""
        process = self.process
        if process is None:
            return
        if process.returncode is None:
            await self.send_meta({"type": "quit"})
            try:
                await asyncio.wait_for(process.wait(), wait)
            except TimeoutError:
                self._signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(process.wait(), 2.0)
                except TimeoutError:
                    self._signal(signal.SIGKILL)
                    await process.wait()
        if self._reader is not None:
            await self._reader
        self._signal(signal.SIGKILL)  # anything the app itself started

    def _signal(self, signum: int) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
            os.killpg(self.process.pid, signum)
