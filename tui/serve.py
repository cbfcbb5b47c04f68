"""`rcsim serve [--db FILE] [--host 127.0.0.1] [--port 8000] [--lang de|en] [--new] [--policy P]
[--rule NAME=VALUE]`: the app in the browser, one address per role, all on one simulation file.

textual-serve runs one app process per browser tab: the trainer's address starts `rcsim --db FILE`
(both panes, the clock), the buyer's and the freelancer's `rcsim --db FILE --as buyer` /
`--as freelancer` (that party's pane alone). Each tab is its own process on the same file, so
role-play in the browser is several processes on one simulation at work.

Each role has a port of its own (trainer on --port, buyer on --port + 1, freelancer on
--port + 2), served by textual-serve's own `Server`, all three in this one process and one event
loop. One server answering on paths would need textual-serve's page and websocket handling
rewritten (its page builds the websocket address from a single route, and a session's command is
one per server); three ports keep each role's address a plain textual-serve server.

Order of work, so that nothing races and nothing is left behind: the ports are bound first (a
port in use is refused before anything is touched, exit 2); then the simulation file is made sure
of (created from the demo exactly as plain `rcsim --db FILE` does, and closed), so the roles'
processes never race to create it; only then are the addresses served and printed. Ctrl+C (or
SIGTERM) stops the servers, ends every tab's app (each is told to quit and is waited for), and
exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import ipaddress
import os
import shlex
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence, TextIO

from aiohttp import web
from textual_serve.server import Server

from .cli import Parser, choose_language
from .i18n import LANGUAGES, language, set_language, t
from .rule_options import add_rule_option

ROLES = ("trainer", "buyer", "freelancer")
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
POLICIES = ("seed", "current")
# How long a tab's app may take to end after it was told to quit, and the servers to close.
QUIT_WAIT = 10.0


def parser() -> argparse.ArgumentParser:
    from .__main__ import default_path

    p = Parser(prog="rcsim serve", description=t("serve.cli.description"))
    p.add_argument("--db", metavar="FILE", help=t("cli.db", default=default_path()))
    p.add_argument("--host", default=DEFAULT_HOST, help=t("serve.cli.host"))
    p.add_argument("--port", type=int, default=DEFAULT_PORT, metavar="N",
                   help=t("serve.cli.port"))
    p.add_argument("--lang", choices=LANGUAGES, help=t("cli.lang"))
    p.add_argument("--new", action="store_true", help=t("cli.new"))
    p.add_argument("--policy", choices=POLICIES, help=t("cli.policy"))
    add_rule_option(p)
    return p


def child_command(role: str, db: Path, lang: str) -> str:
    """The command line textual-serve runs for a tab of `role`: this Python, `-m rcsim` (the same
    rcsim as this one, wherever it was started from), the file, the language."""
    args = [sys.executable, "-m", "rcsim", "--db", str(db), "--lang", lang]
    if role != "trainer":
        args += ["--as", role]
    # textual-serve runs the command through the shell
    return subprocess.list2cmdline(args) if os.name == "nt" else shlex.join(args)


def ports(first: int) -> dict[str, int]:
    """Each role's port: trainer, buyer, freelancer on `first`, +1, +2 (0: each a free port)."""
    return {role: (first + i if first else 0) for i, role in enumerate(ROLES)}


class ListenError(Exception):
    """A port that cannot be listened on: `port` in use, or the host or port refused."""

    def __init__(self, host: str, port: int, error: OSError) -> None:
        super().__init__(f"{host}:{port}: {error}")
        self.host, self.port, self.error = host, port, error

    def message(self, first_port: int) -> str:
        if self.error.errno == errno.EADDRINUSE:
            return t("serve.port_in_use", host=self.host, port=self.port, first=first_port)
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


def is_loopback(sock: socket.socket) -> bool:
    """True when the socket listens only on this computer's loopback address."""
    address = ipaddress.ip_address(sock.getsockname()[0].split("%")[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def address_of(host: str, sock: socket.socket) -> str:
    """The address to open in a browser for this socket: the host as given (this computer's
    name where the host is every address of it), with the port it got."""
    port = sock.getsockname()[1]
    name = host
    try:
        if ipaddress.ip_address(host).is_unspecified:
            name = socket.gethostname()
    except ValueError:  # a host name, not an address
        pass
    if ":" in name:  # an IPv6 address goes in brackets
        name = f"[{name}]"
    return f"http://{name}:{port}/"


def prepare_file(options: argparse.Namespace, lang: str, err: TextIO) -> Path | None:
    """Make sure the simulation file exists: opened, or created from the demo, exactly as plain
    `rcsim --db FILE` does (tui/__main__.py's load_simulation), then closed. Its absolute path,
    or None after saying on `err` why not."""
    from .__main__ import default_path, open_or_say

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


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    """Serve until Ctrl+C (0); 2 when a port, the host or the file is refused (nothing runs)."""
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
        if not 0 <= options.port <= 65535 - (len(ROLES) - 1):
            print(t("serve.bad_port", port=options.port, last=65535 - (len(ROLES) - 1)), file=err)
            return 2
        sockets: dict[str, socket.socket] = {}
        try:
            for role, port in ports(options.port).items():
                sockets[role] = bind(options.host, port)
        except ListenError as error:
            for sock in sockets.values():
                sock.close()
            print(error.message(options.port), file=err)
            return 2
        try:
            db = prepare_file(options, lang, err)
            if db is None:
                return 2
            commands = {role: child_command(role, db, lang) for role in ROLES}
            session = Session(options.host, sockets, commands)
            return session.run(db, out, err)
        except KeyboardInterrupt:  # Ctrl+C before serving (the file's writes are atomic)
            return 130
        finally:
            for sock in sockets.values():
                sock.close()
    finally:
        set_language(previous)


@dataclass
class Session:
    """The three servers of one `rcsim serve`, and the tabs they run."""

    host: str
    sockets: dict[str, socket.socket]
    commands: dict[str, str]
    tabs: set[asyncio.Task[object]] = field(default_factory=set)

    def run(self, db: Path, out: TextIO, err: TextIO) -> int:
        try:
            return asyncio.run(self._serve(db, out, err))
        except KeyboardInterrupt:  # where signals cannot be handled by the loop (Windows)
            return 0

    async def _serve(self, db: Path, out: TextIO, err: TextIO) -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(signum, stop.set)
            except (NotImplementedError, RuntimeError):  # Windows: Ctrl+C cancels this task
                pass
        runners: list[web.AppRunner] = []
        try:
            for role, sock in self.sockets.items():
                server = RoleServer(self.commands[role], self, host=self.host,
                                    port=sock.getsockname()[1], title=t(f"serve.title.{role}"))
                runner = web.AppRunner(await server._make_app(), access_log=None,
                                       shutdown_timeout=QUIT_WAIT)
                await runner.setup()
                runners.append(runner)
                try:
                    await web.SockSite(runner, sock).start()
                except OSError as error:  # listen() refused (a port taken since it was bound)
                    print(ListenError(self.host, sock.getsockname()[1], error).message(
                        next(iter(self.sockets.values())).getsockname()[1]), file=err)
                    return 2
            self._announce(db, out, err)
            await stop.wait()
            return 0
        finally:
            await self._end_tabs()
            for runner in runners:
                await runner.cleanup()
            for signum in (signal.SIGINT, signal.SIGTERM):
                try:
                    loop.remove_signal_handler(signum)
                except (NotImplementedError, RuntimeError):
                    pass

    def _announce(self, db: Path, out: TextIO, err: TextIO) -> None:
        addresses = {role: address_of(self.host, sock) for role, sock in self.sockets.items()}
        lines = [t("serve.serving", path=db)]
        lines += [t(f"serve.address.{role}", address=addresses[role]) for role in ROLES]
        lines.append(t("serve.stop"))
        print("\n".join(lines), file=out, flush=True)
        if not all(is_loopback(sock) for sock in self.sockets.values()):
            print(t("serve.open_warning", host=self.host), file=err, flush=True)

    async def _end_tabs(self) -> None:
        """End every tab's app: its websocket handler, cancelled, tells the app to quit and waits
        for the process to end (textual-serve's own clean-up); at most QUIT_WAIT."""
        tabs = set(self.tabs)
        for task in tabs:
            task.cancel()
        if tabs:
            await asyncio.wait(tabs, timeout=QUIT_WAIT)


class RoleServer(Server):
    """textual-serve's Server for one role: quiet, answering at the address the browser used,
    and keeping its tabs where the session can end them."""

    def __init__(self, command: str, session: Session, *, host: str, port: int,
                 title: str) -> None:
        super().__init__(command, host=host, port=port, title=title)
        self.session = session

    async def on_startup(self, app: web.Application) -> None:
        """Quiet: rcsim serve prints the three addresses itself, in the user's language."""

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        # The page tells the browser where its websocket and files are: at the address the
        # browser came by (with --host 0.0.0.0, the machine's name or address the trainee
        # typed), not at the address listened on.
        self.public_url = f"{request.scheme}://{request.host}"
        response: web.StreamResponse = await super().handle_index(request)
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One tab: its app process lives as long as this handler runs; kept, to be ended."""
        task = asyncio.current_task()
        assert task is not None
        self.session.tabs.add(task)
        try:
            return await super().handle_websocket(request)
        finally:
            self.session.tabs.discard(task)


if __name__ == "__main__":
    sys.exit(main())
