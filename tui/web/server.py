"""The web server of `rcsim serve` (the command: tui/cli/serve_command.py): the app in the
browser, one secret link per seat (tui/web/seats.py), all on one simulation file and one port.

Each seat (the trainer: both parties and the clock; the buyer; the freelancer) has a link of its
own, `http://HOST:PORT/<secret>/`, where the secret is 192 random bits (`secrets`), compared in
constant time, and different for every seat. A tab opens the app of its seat: its own rcsim
process on the file (`rcsim --db FILE --served [--as ROLE]`), speaking Textual's web driver
protocol through tui/web/textual_serve.py. What a tab can do is what its seat's window can do, and nothing more:
`--served` confines it (it never reads or writes a path its user types).

What is refused, each with a 4xx and one line in the trainer's terminal (never a traceback):
- no app without a valid secret (a short page says the link is incomplete);
- a Host header that names none of the addresses served (DNS rebinding): with the default
  127.0.0.1, the loopback names; with --host, the address a browser reached the server by, plus
  the names given with --allow-host and --public-url;
- a websocket whose Origin is not the page's own (another web page the trainer visits);
- any path but a seat's page, its websocket and the client's three files (no folder listing);
- a tab when --max-apps app processes are running (a page says so; no process is started).

One seat, one actor: a second tab on a seat takes it over (the first tab's app ends, and its page
says why). A tab whose browser went away ends its app (websocket heartbeat). Every app process
runs in its own process group and, on Linux, is sent SIGTERM by the kernel when `rcsim serve`
dies, even by SIGKILL; Ctrl+C or SIGTERM ends every app and waits for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
import signal
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO
from urllib.parse import urlsplit

from aiohttp import WSMsgType, web

from rcsim.tui.web import textual_serve as client
from rcsim.tui.web.network import LOOPBACK_NAMES, ListenError, split_host
from rcsim.tui.web.seats import Seat, child_command, find_seat
from rcsim.tui.words.i18n import t
from rcsim.tui.words.safetext import clean

QUIT_WAIT = 10.0
MAX_LOG_LINES = 20  # refused requests said per minute in the trainer's terminal, then a count


@dataclass
class Tab:
    """A browser tab on a seat: its websocket and its app process."""

    seat: Seat
    websocket: web.WebSocketResponse
    app: client.AppProcess | None = None
    taken_over: bool = False


@dataclass
class Server:
    """The seats served on one port, the checks every request passes, and the tabs' apps."""

    seats: list[Seat]
    lang: str
    port: int
    loopback: bool
    allowed_names: set[str]
    max_apps: int
    err: TextIO
    tabs: dict[str, Tab] = field(default_factory=dict)
    _said: list[float] = field(default_factory=list)
    _unsaid: int = 0

    # ---------------------------------------------------------------- the checks

    def host_allowed(self, request: web.BaseRequest) -> bool:
        """The Host header names this server: a loopback name (when the connection came over
        loopback), the very address the connection came to, or a name allowed by the trainer;
        with this server's port (any port for an allowed name: a reverse proxy's)."""
        found = split_host(request.headers.get("Host", ""))
        if found is None:
            return False
        name, port = found
        if name in self.allowed_names:
            return True
        if (port or 80) != self.port:
            return False
        local = request.transport.get_extra_info("sockname") if request.transport else None
        if not local:
            return False
        try:
            here = ipaddress.ip_address(str(local[0]).split("%")[0])
        except ValueError:
            return False
        if isinstance(here, ipaddress.IPv6Address) and here.ipv4_mapped is not None:
            here = here.ipv4_mapped
        if here.is_loopback and name in LOOPBACK_NAMES:
            return True
        try:
            return ipaddress.ip_address(name) == here
        except ValueError:
            return False

    def origin_allowed(self, request: web.BaseRequest) -> bool:
        """A websocket's Origin is the page's own: the scheme and exactly the Host it came to."""
        origin = request.headers.get("Origin")
        if origin is None:
            return False
        parts = urlsplit(origin)
        return (parts.scheme in ("http", "https") and not parts.path and not parts.query
                and parts.netloc.lower() == request.headers.get("Host", "").lower())

    def say(self, reason: str, request: web.BaseRequest | None = None) -> None:
        """One line in the trainer's terminal for a refused request (never the path: it may hold
        a secret), at most MAX_LOG_LINES a minute."""
        now = time.monotonic()
        self._said = [moment for moment in self._said if now - moment < 60]
        if len(self._said) >= MAX_LOG_LINES:
            self._unsaid += 1
            return
        self._said.append(now)
        peer = request.remote if request is not None else None
        line = t("serve.log.refused", reason=reason, peer=peer or "?")
        if self._unsaid:
            line += " " + t("serve.log.unsaid", count=self._unsaid)
            self._unsaid = 0
        print(clean(line), file=self.err, flush=True)

    # ---------------------------------------------------------------- responses

    def page(self, status: int, title_key: str, text_key: str, **params: Any) -> web.Response:
        body = client.message_page(self.lang, t(title_key), t(text_key, **params))
        return web.Response(status=status, text=body, content_type="text/html",
                            headers=client.security_headers())

    @web.middleware
    async def guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """Every request: the Host check first; then the handler, whose failures are a 4xx or
        a 500 and one line, never a traceback."""
        if not self.host_allowed(request):
            self.say(t("serve.log.host", host=request.headers.get("Host", "")[:80]), request)
            return self.page(421, "serve.page.host.title", "serve.page.host.text")
        try:
            response: web.StreamResponse = await handler(request)
            return response
        except web.HTTPException as error:
            self.say(t("serve.log.http", status=error.status), request)
            return self.page(error.status if 400 <= error.status < 500 else 400,
                             "serve.page.bad.title", "serve.page.bad.text")
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - one line, never a traceback
            self.say(t("serve.log.error", error=type(error).__name__), request)
            return self.page(500, "serve.page.bad.title", "serve.page.bad.text")

    def application(self) -> web.Application:
        app = web.Application(middlewares=[self.guard], client_max_size=64 * 1024)
        app.router.add_route("GET", "/static/{name}", self.static)
        for view in ("", "/pair/{pair:[0-9]{1,3}}"):
            app.router.add_route("GET", "/{secret}" + view, self.to_seat)
            app.router.add_route("GET", "/{secret}" + view + "/", self.seat_page)
            app.router.add_route("GET", "/{secret}" + view + "/ws", self.websocket)
        app.router.add_route("*", "/{tail:.*}", self.unknown)
        return app

    async def static(self, request: web.Request) -> web.StreamResponse:
        found = client.client_file(request.match_info["name"])
        if found is None:
            return await self.unknown(request)
        body, content_type = found
        headers = client.security_headers()
        headers["Cache-Control"] = "public, max-age=3600"
        return web.Response(body=body, headers={**headers, "Content-Type": content_type})

    async def unknown(self, request: web.Request) -> web.StreamResponse:
        if request.path != "/favicon.ico":
            self.say(t("serve.log.unknown"), request)
        return self.page(404, "serve.page.link.title", "serve.page.link.text")

    def _seat(self, request: web.Request) -> Seat | None:
        pair = request.match_info.get("pair")
        view = f"pair/{int(pair)}" if pair is not None else ""
        return find_seat(self.seats, request.match_info["secret"], view)

    async def to_seat(self, request: web.Request) -> web.StreamResponse:
        if self._seat(request) is None:
            return await self.unknown(request)
        raise web.HTTPMovedPermanently(request.path + "/")

    async def seat_page(self, request: web.Request) -> web.StreamResponse:
        seat = self._seat(request)
        if seat is None:
            return await self.unknown(request)
        if self.full(seat):
            self.say(t("serve.log.full", count=self.max_apps), request)
            return self.page(503, "serve.page.full.title", "serve.page.full.text",
                             count=self.max_apps)
        nonce = client.new_nonce()
        title = t(f"serve.title.{seat.role}") if not seat.view else t(
            "serve.title.pair", pair=seat.pair)
        body = client.app_page(self.lang, title, t("serve.page.ended"), nonce)
        return web.Response(text=body, content_type="text/html",
                            headers=client.security_headers(nonce))

    def full(self, seat: Seat) -> bool:
        """No app process may start for a tab of `seat` (its own tab, taken over, excepted)."""
        running = sum(1 for tab in self.tabs.values() if tab.seat.key != seat.key)
        return running >= self.max_apps

    # ---------------------------------------------------------------- a tab

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        seat = self._seat(request)
        if seat is None:
            return await self.unknown(request)
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=64 * 1024)
        if not websocket.can_prepare(request).ok:
            self.say(t("serve.log.not_websocket"), request)
            return self.page(400, "serve.page.bad.title", "serve.page.bad.text")
        if not self.origin_allowed(request):
            self.say(t("serve.log.origin", origin=request.headers.get("Origin", "-")[:80]),
                     request)
            return self.page(403, "serve.page.origin.title", "serve.page.origin.text")
        old = self.tabs.get(seat.key)
        if old is not None:  # one seat, one actor: the new tab takes the seat over
            old.taken_over = True
            await old.websocket.close(code=4000, message=b"taken over")
            if old.app is not None:
                await old.app.stop(QUIT_WAIT)
        if self.full(seat):
            self.say(t("serve.log.full", count=self.max_apps), request)
            return self.page(503, "serve.page.full.title", "serve.page.full.text",
                             count=self.max_apps)
        await websocket.prepare(request)
        tab = Tab(seat, websocket)
        self.tabs[seat.key] = tab
        try:
            await self._run_tab(tab, request)
        finally:
            if self.tabs.get(seat.key) is tab:
                del self.tabs[seat.key]
            if tab.app is not None:
                await tab.app.stop(QUIT_WAIT)
            await websocket.close()
        return websocket

    async def _run_tab(self, tab: Tab, request: web.Request) -> None:
        websocket = tab.websocket

        async def output(data: bytes) -> None:
            if not websocket.closed:
                with contextlib.suppress(ConnectionError):
                    await websocket.send_bytes(data)

        async def asked(request: client.AppRequest) -> None:
            if request.kind == "exit":
                await websocket.close()
            # only this seat's own pages (the dashboard and its pairs' views): a tab is never
            # sent elsewhere by its app
            elif request.kind == "open_url" and request.url.startswith(f"/{tab.seat.secret}/"):
                await websocket.send_json(client.open_url_reply(request.url))

        size = client.terminal_size(request.query.get("width"), request.query.get("height"))
        tab.app = client.AppProcess(child_command(tab.seat, self.lang),
                                    client.app_environment(os.environ), output, asked)
        await tab.app.start(size)
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            found = client.client_message(message.data)
            if found is None:
                continue
            reply = await tab.app.relay(found)
            if reply is not None:
                await websocket.send_json(reply)

    async def end_tabs(self) -> None:
        """End every tab's app and wait for it (at most QUIT_WAIT)."""
        tabs = list(self.tabs.values())
        for tab in tabs:
            await tab.websocket.close(code=1001, message=b"server stopped")
        apps = [tab.app.stop(QUIT_WAIT) for tab in tabs if tab.app is not None]
        if apps:
            await asyncio.gather(*apps, return_exceptions=True)


async def serve(server: Server, sock: socket.socket, listening: Callable[[], None],
                err: TextIO) -> int:
    """Serve on the bound socket until SIGINT or SIGTERM (0), `listening()` once it listens;
    2 when the socket cannot listen (said on `err`). Every tab's app ends with it."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        # (Windows has no signal handlers in the loop: there Ctrl+C cancels this task)
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    # aiohttp says a malformed request with a traceback: rcsim serve says it in one line
    for name in ("aiohttp.server", "aiohttp.web", "aiohttp.access", "aiohttp.websocket"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    runner = web.AppRunner(server.application(), access_log=None, shutdown_timeout=QUIT_WAIT,
                           handle_signals=False)
    await runner.setup()
    try:
        try:
            await web.SockSite(runner, sock).start()
        except OSError as error:  # listen() refused (the port was taken since it was bound)
            print(ListenError(sock.getsockname()[0], sock.getsockname()[1], error).message(),
                  file=err)
            return 2
        listening()
        await stop.wait()
        return 0
    finally:
        await server.end_tabs()
        await runner.cleanup()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(signum)
