"""`rcsim serve [--db FILE] [--host 127.0.0.1] [--port 8000] [--allow-host NAME] [--public-url URL]
[--max-apps N] [--lang de|en] [--new] [--policy P] [--rule NAME=VALUE]`: the app in the browser,
one secret link per seat, all on one simulation file and one port.

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

import argparse
import asyncio
import errno
import hmac
import ipaddress
import os
import secrets
import signal
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence, TextIO
from urllib.parse import urlsplit

from aiohttp import WSMsgType, web

from rcsim.tui.web import textual_serve as client
from rcsim.tui.web.classroom import Classroom
from rcsim.tui.cli.common import Parser, choose_language
from rcsim.tui.words.i18n import LANGUAGES, language, set_language, t
from rcsim.tui.cli.rule_options import add_rule_option
from rcsim.tui.words.safetext import clean

ROLES = ("trainer", "buyer", "freelancer")
PARTY_ROLES = ROLES[1:]
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
POLICIES = ("seed", "current")
# How long a tab's app may take to end after it was told to quit, and the server to close.
QUIT_WAIT = 10.0
# App processes beyond one per party seat, for the trainer (one tab now; a dashboard later).
TRAINER_APPS = 4
SECRET_BYTES = 24  # 192 bits, as URL-safe base64 (32 characters)
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
MAX_LOG_LINES = 20  # refused requests said per minute in the trainer's terminal, then a count


@dataclass(frozen=True)
class Seat:
    """A place at a simulation: a role ("trainer", "buyer", "freelancer") on a pair's file, or
    the class dashboard ("dashboard", on the class folder), reached by its secret link. The
    trainer's secret of a class opens the dashboard at its link and each pair's trainer view at
    `<link>pair/<n>/` (`view`); every other seat is the front of its link (view "")."""

    role: str
    db: Path
    secret: str
    pair: int = 1
    view: str = ""

    @property
    def key(self) -> str:
        return f"{self.pair}/{self.role}"


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def seats_of(db: Path, pair: int = 1) -> list[Seat]:
    """The three seats of one simulation file, each with a new secret of its own."""
    found: list[Seat] = []
    while True:
        found = [Seat(role, db, new_secret(), pair) for role in ROLES]
        if len({seat.secret for seat in found}) == len(found):  # never, but never the same
            return found


def find_seat(seats: Sequence[Seat], given: str, view: str = "") -> Seat | None:
    """The seat whose secret is `given` (compared with every seat's in constant time) at the
    view `view` of its link ("" or "pair/3")."""
    found = None
    given_bytes = given.encode("utf-8", "surrogateescape")
    for seat in seats:
        if hmac.compare_digest(seat.secret.encode("ascii"), given_bytes) and seat.view == view:
            found = seat
    return found


def class_seats(classroom: Classroom) -> list[Seat]:
    """The seats of a class: the dashboard and each pair's trainer view (both behind the
    trainer's secret), and each pair's buyer and freelancer."""
    found = [Seat("dashboard", classroom.folder, classroom.trainer, 0)]
    for pair in classroom.pairs:
        path = classroom.path(pair)
        found.append(Seat("trainer", path, classroom.trainer, pair.number, f"pair/{pair.number}"))
        found += [Seat(role, path, pair.secret(role), pair.number) for role in PARTY_ROLES]
    return found


def child_command(seat: Seat, lang: str) -> list[str]:
    """The app of a seat's tab: this Python's rcsim on the seat's file (or the class dashboard
    on its folder), confined (`--served`), as the seat's party (the trainer's: both)."""
    if seat.role == "dashboard":
        return [sys.executable, "-m", "rcsim", "class", "dashboard", str(seat.db), "--lang", lang,
                "--served", "--link", f"/{seat.secret}/"]
    args = [sys.executable, "-m", "rcsim", "--db", str(seat.db), "--lang", lang, "--served"]
    if seat.role != "trainer":
        args += ["--as", seat.role]
    elif seat.view:  # a pair's trainer view in a class: a key leads back to the dashboard
        args += ["--class-link", f"/{seat.secret}/"]
    return args


def parser() -> argparse.ArgumentParser:
    from rcsim.tui.cli.main import default_path

    p = Parser(prog="rcsim serve", description=t("serve.cli.description"))
    p.add_argument("--db", metavar="FILE", help=t("cli.db", default=default_path()))
    p.add_argument("--pairs", type=int, metavar="N", help=t("serve.cli.pairs"))
    p.add_argument("--dir", metavar="DIR", help=t("serve.cli.dir"))
    p.add_argument("--scenario", metavar="FILE", help=t("serve.cli.scenario"))
    p.add_argument("--host", default=DEFAULT_HOST, help=t("serve.cli.host"))
    p.add_argument("--port", type=int, default=DEFAULT_PORT, metavar="N",
                   help=t("serve.cli.port"))
    p.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                   help=t("serve.cli.allow_host"))
    p.add_argument("--public-url", metavar="URL", help=t("serve.cli.public_url"))
    p.add_argument("--max-apps", type=int, metavar="N", help=t("serve.cli.max_apps"))
    p.add_argument("--lang", choices=LANGUAGES, help=t("cli.lang"))
    p.add_argument("--new", action="store_true", help=t("cli.new"))
    p.add_argument("--policy", choices=POLICIES, help=t("cli.policy"))
    add_rule_option(p)
    return p


class ListenError(Exception):
    """A port that cannot be listened on: in use, or the host or port refused."""

    def __init__(self, host: str, port: int, error: OSError) -> None:
        super().__init__(f"{host}:{port}: {error}")
        self.host, self.port, self.error = host, port, error

    def message(self) -> str:
        if self.error.errno == errno.EADDRINUSE:
            return t("serve.port_in_use", host=self.host, port=self.port)
        reason = self.error.strerror or str(self.error)
        return t("serve.cannot_listen", host=self.host, port=self.port, reason=reason)


def bind(host: str, port: int) -> socket.socket:
    """A TCP socket bound to (host, port), not yet listening; ListenError if it cannot be."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except OSError as error:  # socket.gaierror: a host name that does not resolve
        raise ListenError(host, port, error) from None
    sock = socket.socket(family, kind, proto)
    try:
        if os.name != "nt":  # restart at once after Ctrl+C (on Windows it would share the port)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as error:
        sock.close()
        raise ListenError(host, port, error) from None
    return sock


def _address(sock: socket.socket) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    address = ipaddress.ip_address(sock.getsockname()[0].split("%")[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_loopback(sock: socket.socket) -> bool:
    """True when the socket listens only on this computer's loopback address."""
    return _address(sock).is_loopback


def machine_addresses() -> list[str]:
    """This computer's IP addresses on its networks (not loopback, not link-local), IPv4 first:
    what trainees' computers can reach it by, where its name may not resolve."""
    import psutil

    found: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = []
    for entries in psutil.net_if_addrs().values():
        for entry in entries:
            if entry.family not in (socket.AF_INET, socket.AF_INET6):
                continue
            try:
                address = ipaddress.ip_address(entry.address.split("%")[0])
            except ValueError:
                continue
            if not (address.is_loopback or address.is_link_local or address in found):
                found.append(address)
    found.sort(key=lambda a: (a.version, a.packed))
    return [str(a) for a in found]


def _url_host(address: str) -> str:
    return f"[{address}]" if ":" in address else address


def split_host(header: str) -> tuple[str, int | None] | None:
    """A Host header as (name, port): the name lowercased, an IPv6 address without brackets,
    the port None where it is not given; None for a header that is no host."""
    try:
        parts = urlsplit(f"//{header}")
        name, port = parts.hostname, parts.port
    except ValueError:
        return None
    if not name or any(c.isspace() for c in header) or "@" in header or "/" in header:
        return None
    return name.lower(), port


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
                try:
                    await websocket.send_bytes(data)
                except ConnectionError:
                    pass

        async def meta(message: dict[str, Any]) -> None:
            if message.get("type") == "exit":
                await websocket.close()
            elif message.get("type") == "open_url":
                url = message.get("url")
                # only this seat's own pages (the dashboard and its pairs' views): a tab is never
                # sent elsewhere by its app
                if isinstance(url, str) and url.startswith(f"/{tab.seat.secret}/"):
                    await websocket.send_json(["open_url", {"url": url, "new_tab": False}])

        size = client.terminal_size(request.query.get("width"), request.query.get("height"))
        environment = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
        tab.app = client.AppProcess(child_command(tab.seat, self.lang), environment, output, meta)
        await tab.app.start(size)
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            found = client.client_message(message.data)
            if found is None:
                continue
            if found.kind == "stdin":
                await tab.app.send_keys(found.text)
            elif found.kind == "resize":
                await tab.app.send_meta({"type": "resize", "width": found.size[0],
                                         "height": found.size[1]})
            elif found.kind == "ping":
                await websocket.send_json(["pong", found.text[:64]])
            else:
                await tab.app.send_meta({"type": found.kind})

    async def end_tabs(self) -> None:
        """End every tab's app and wait for it (at most QUIT_WAIT)."""
        tabs = list(self.tabs.values())
        for tab in tabs:
            await tab.websocket.close(code=1001, message=b"server stopped")
        apps = [tab.app.stop(QUIT_WAIT) for tab in tabs if tab.app is not None]
        if apps:
            await asyncio.gather(*apps, return_exceptions=True)


# ---------------------------------------------------------------- the command

def prepare_file(options: argparse.Namespace, lang: str, err: TextIO) -> Path | None:
    """Make sure the simulation file exists: opened, or created from the demo, exactly as plain
    `rcsim --db FILE` does, then closed. Its absolute path, or None after saying on `err` why
    not."""
    from rcsim.tui.cli.main import default_path, open_or_say

    argv = ["--lang", lang]
    if options.db is not None:
        argv += ["--db", options.db]
    if options.new:
        argv.append("--new")
    if options.policy:
        argv += ["--policy", options.policy]
    for pair in options.rule:
        argv += ["--rule", pair]
    sim = open_or_say(argv, err)
    if sim is None:
        return None
    sim.close()
    path = Path(options.db).expanduser() if options.db is not None else default_path()
    return Path(os.path.abspath(path))


def prepare_class(options: argparse.Namespace, lang: str, err: TextIO) -> Classroom | None:
    """The class in --dir: continued as it is (same links), or made with --pairs pairs from the
    demo (as `rcsim --db` makes one) or from --scenario's start. None after saying why not."""
    from rcsim.engine import RcsimError, Refusal, SimulationFileError

    from rcsim.tui.web import classroom as classes
    from rcsim.tui.cli.main import wall_clock_hour
    from rcsim.tui.words.i18n import refusal_text, render_file_problem
    from rcsim.tui.cli.rule_options import RuleOptionError, parse_rules

    folder = Path(os.path.abspath(Path(options.dir).expanduser()))
    try:
        existing = classes.load(folder)
    except classes.ClassError as error:
        print(error, file=err)
        return None
    if existing is not None:
        if options.pairs is not None and options.pairs != len(existing.pairs):
            print(t("class.pairs_differ", path=folder, count=len(existing.pairs),
                    given=options.pairs), file=err)
            return None
        if options.scenario or options.rule or options.policy or options.new:
            print(t("class.is_set", path=folder), file=err)
            return None
        missing = [str(existing.path(p)) for p in existing.pairs if not existing.path(p).exists()]
        if missing:
            print(t("class.missing", path=missing[0]), file=err)
            return None
        return existing
    if options.pairs is None:
        print(t("class.needs_pairs", path=folder), file=err)
        return None
    try:
        if options.scenario is not None:
            from rcsim.engine import ScenarioError, load_scenario as load

            from rcsim.tui.cli import examples
            from rcsim.tui.cli.run import with_rules

            try:
                scenario = with_rules(load(examples.resolve(options.scenario, examples.STORIES)),
                                      options.rule)
            except ScenarioError as error:
                from rcsim.tui.words.report import error_text

                print(t("present.cli.invalid", message=error_text(error)), file=err)
                return None
            return classes.create(folder, options.pairs, scenario.simulation,
                                  f"scenario:{Path(options.scenario).name}")
        from rcsim.engine import create_demo

        rules = parse_rules(options.rule, options.policy or "seed")
        start = wall_clock_hour()
        return classes.create(folder, options.pairs, lambda path: create_demo(
            path, start=start, policy=options.policy or "seed", rules=rules), "demo")
    except classes.ClassError as error:
        print(error, file=err)
    except RuleOptionError as error:
        print(t("cli.rule_refused", message=str(error)), file=err)
    except Refusal as refusal:
        print(t("cli.rule_demo", message=refusal_text(refusal)), file=err)
    except SimulationFileError as error:
        print(t("cli.refused", path=error.path, problem=render_file_problem(error.code, error.params),
                advice=""), file=err)
    except RcsimError as error:
        print(t("cli.error", error=error), file=err)
    except OSError as error:
        print(t("cli.cannot_use", path=error.filename or folder, reason=error.strerror or error,
                advice=t("cli.advice.folder")), file=err)
    return None


def base_urls(options: argparse.Namespace, sock: socket.socket) -> list[str]:
    """The addresses the links are printed with, the first one first: --public-url; else the
    host listened on (for every address of this computer: each of its network addresses)."""
    if options.public_url:
        return [options.public_url.rstrip("/")]
    port = sock.getsockname()[1]
    address = _address(sock)
    if address.is_unspecified:
        hosts = machine_addresses() or ["127.0.0.1"]
    else:
        hosts = [options.host if not _is_ip(options.host) else str(address)]
    return [f"http://{_url_host(host)}:{port}" for host in hosts]


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def allowed_names(options: argparse.Namespace) -> set[str]:
    """The host names the trainer allowed beyond the addresses themselves (--allow-host, the
    --public-url's, and the --host name when it is a name)."""
    names = {name.strip().lower().strip("[]") for name in options.allow_host if name.strip()}
    if options.public_url:
        found = urlsplit(options.public_url).hostname
        if found:
            names.add(found.lower())
    if not _is_ip(options.host) and options.host.lower() not in LOOPBACK_NAMES:
        names.add(options.host.lower())
    return names


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    """Serve until Ctrl+C (0); 2 when the port, the host or the file is refused (nothing runs)."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["serve"]:
        args = args[1:]
    previous = language()
    lang = choose_language(args)
    set_language(lang)
    try:
        try:
            options = parser().parse_args(args)
        except SystemExit as exit_:
            return int(exit_.code or 0)
        problem = _option_problem(options)
        if problem is not None:
            print(problem, file=err)
            return 2
        try:
            sock = bind(options.host, options.port)
        except ListenError as error:
            print(error.message(), file=err)
            return 2
        try:
            classroom: Classroom | None = None
            if options.dir is not None:
                classroom = prepare_class(options, lang, err)
                if classroom is None:
                    return 2
                seats = class_seats(classroom)
                where = classroom.folder
            else:
                db = prepare_file(options, lang, err)
                if db is None:
                    return 2
                seats = seats_of(db)
                where = db
            parties = sum(1 for seat in seats if seat.role in PARTY_ROLES)
            server = Server(seats, lang, sock.getsockname()[1], is_loopback(sock),
                            allowed_names(options), options.max_apps or parties + TRAINER_APPS,
                            err)
            bases = base_urls(options, sock)
            return asyncio.run(_serve(server, sock, bases, where, classroom, out, err))
        except KeyboardInterrupt:  # Ctrl+C before serving, or where the loop cannot catch it
            return 130
        finally:
            sock.close()
    finally:
        set_language(previous)


def _option_problem(options: argparse.Namespace) -> str | None:
    if options.dir is not None and options.db is not None:
        return t("serve.dir_or_db")
    if options.dir is None and (options.pairs is not None or options.scenario is not None):
        return t("serve.class_needs_dir")
    if not 0 <= options.port <= 65535:
        return t("serve.bad_port", port=options.port)
    if options.max_apps is not None and options.max_apps < 1:
        return t("serve.bad_max_apps", count=options.max_apps)
    if options.public_url:
        parts = urlsplit(options.public_url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
            return t("serve.bad_public_url", url=options.public_url)
    return None


async def _serve(server: Server, sock: socket.socket, bases: list[str], where: Path,
                 classroom: Classroom | None, out: TextIO, err: TextIO) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, stop.set)
        except (NotImplementedError, RuntimeError):  # Windows: Ctrl+C cancels this task
            pass
    # aiohttp says a malformed request with a traceback: rcsim serve says it in one line
    import logging

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
        if classroom is None:
            announce(server, bases, where, out, err)
        else:
            announce_class(server, classroom, bases, out, err)
        await stop.wait()
        return 0
    finally:
        await server.end_tabs()
        await runner.cleanup()
        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.remove_signal_handler(signum)
            except (NotImplementedError, RuntimeError):
                pass


def announce_class(server: Server, classroom: Classroom, bases: list[str], out: TextIO,
                   err: TextIO) -> None:
    """The trainer's link, every pair's two, where they are written, and what holds."""
    from rcsim.tui.web.classroom import links, write_links

    found = links(classroom, bases[0])
    csv_path, html_path = write_links(classroom, found)
    lines = [t("serve.class", path=classroom.folder, count=len(classroom.pairs))]
    labels = [t("serve.class.pair", pair=link.pair, seat=t(f"serve.seat.{link.role}"))
              if link.pair else t("class.links.seat.trainer") + ":" for link in found]
    width = max(len(label) for label in labels)
    for label, link in zip(labels, found):
        lines.append(f"  {label:<{width}}  {link.address}")
    if len(bases) > 1:
        lines.append(t("serve.also", addresses=", ".join(b.split("//", 1)[1] for b in bases[1:])))
    lines.append(t("serve.class.written", csv=csv_path, html=html_path))
    lines.append(t("serve.stop", count=server.max_apps))
    print("\n".join(lines), file=out, flush=True)
    if not server.loopback:
        print(t("serve.open_warning"), file=err, flush=True)


def announce(server: Server, bases: list[str], db: Path, out: TextIO, err: TextIO) -> None:
    """The links, one per seat, and what holds."""
    lines = [t("serve.serving", path=db)]
    width = max(len(t(f"serve.seat.{role}")) for role in ROLES)
    for seat in server.seats:
        label = t(f"serve.seat.{seat.role}")
        lines.append(f"  {label:<{width}}  {bases[0]}/{seat.secret}/")
    if len(bases) > 1:
        lines.append(t("serve.also", addresses=", ".join(b.split("//", 1)[1] for b in bases[1:])))
    lines.append(t("serve.stop", count=server.max_apps))
    print("\n".join(lines), file=out, flush=True)
    if not server.loopback:
        print(t("serve.open_warning"), file=err, flush=True)
