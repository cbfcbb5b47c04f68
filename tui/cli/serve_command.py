"""`rcsim serve [--db FILE] [--host 127.0.0.1] [--port 8000] [--allow-host NAME] [--public-url URL]
[--max-apps N] [--lang de|en] [--new] [--policy P] [--rule NAME=VALUE]` and
`rcsim serve --pairs N --dir DIR [--scenario FILE]`: the command that serves the app in the
browser: its options and their checks, the simulation file (or the class) made ready as plain
`rcsim` makes one, the socket bound, the links announced. The web server itself, its seats and
its checks of every request are in tui/web/ (server.py, seats.py, network.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from rcsim.tui.cli.common import (
    Parser,
    default_path,
    own_arguments,
    parse,
    shared_options,
    speaking,
)
from rcsim.tui.web.classroom import Classroom
from rcsim.tui.web.network import (
    LOOPBACK_NAMES,
    ListenError,
    address_of,
    bind,
    is_ip,
    is_loopback,
    machine_addresses,
    url_host,
)
from rcsim.tui.web.seats import PARTY_ROLES, ROLES, class_seats, seats_of
from rcsim.tui.web.server import Server, serve
from rcsim.tui.words.i18n import t

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# App processes beyond one per party seat, for the trainer (one tab now; a dashboard later).
TRAINER_APPS = 4


def parser() -> argparse.ArgumentParser:
    """`rcsim serve`'s options (--db, --lang, --policy, --rule from the shared parent parser)."""
    p = Parser(prog="rcsim serve", description=t("serve.cli.description"),
               parents=[shared_options("db", "lang", "policy", "rule")])
    p.add_argument("--pairs", type=int, metavar="N", help=t("serve.cli.pairs"))
    p.add_argument("--dir", metavar="DIR", help=t("serve.cli.dir"))
    p.add_argument("--scenario", metavar="FILE", help=t("serve.cli.scenario"))
    p.add_argument("--host", default=DEFAULT_HOST, help=t("serve.cli.host"))
    p.add_argument("--port", type=int, default=DEFAULT_PORT, metavar="N",
                   help=t("serve.cli.port"))
    p.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                   help=t("serve.cli.allow_host"))
    p.add_argument("--public-url", dest="proxy_url", metavar="URL", help=t("serve.cli.proxy_url"))
    p.add_argument("--max-apps", type=int, metavar="N", help=t("serve.cli.max_apps"))
    p.add_argument("--new", action="store_true", help=t("cli.new"))
    return p


def prepare_file(options: argparse.Namespace, lang: str, err: TextIO) -> Path | None:
    """Make sure the simulation file exists: opened, or created from the demo, exactly as plain
    `rcsim --db FILE` does, then closed. Its absolute path, or None after saying on `err` why
    not."""
    from rcsim.tui.cli.main import open_or_say

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
    from rcsim.tui.cli.main import wall_clock_hour
    from rcsim.tui.cli.rule_options import RuleOptionError, parse_rules
    from rcsim.tui.web import classroom as classes
    from rcsim.tui.words.i18n import refusal_text, render_file_problem

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
            from rcsim.engine import ScenarioError
            from rcsim.engine import load_scenario as load
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
    if options.proxy_url:
        return [options.proxy_url.rstrip("/")]
    port = sock.getsockname()[1]
    address = address_of(sock)
    if address.is_unspecified:
        hosts = machine_addresses() or ["127.0.0.1"]
    else:
        hosts = [options.host if not is_ip(options.host) else str(address)]
    return [f"http://{url_host(host)}:{port}" for host in hosts]


def allowed_names(options: argparse.Namespace) -> set[str]:
    """The host names the trainer allowed beyond the addresses themselves (--allow-host, the
    --public-url's, and the --host name when it is a name)."""
    names = {name.strip().lower().strip("[]") for name in options.allow_host if name.strip()}
    if options.proxy_url:
        found = urlsplit(options.proxy_url).hostname
        if found:
            names.add(found.lower())
    if not is_ip(options.host) and options.host.lower() not in LOOPBACK_NAMES:
        names.add(options.host.lower())
    return names


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    """Serve until Ctrl+C (0); 2 when the port, the host or the file is refused (nothing runs)."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = own_arguments(argv, "serve")
    with speaking(args) as lang:
        options = parse(parser(), args)
        if isinstance(options, int):
            return options
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

            def listening() -> None:
                if classroom is None:
                    announce(server, bases, where, out, err)
                else:
                    announce_class(server, classroom, bases, out, err)

            return asyncio.run(serve(server, sock, listening, err))
        except KeyboardInterrupt:  # Ctrl+C before serving, or where the loop cannot catch it
            return 130
        finally:
            sock.close()


def _option_problem(options: argparse.Namespace) -> str | None:
    if options.dir is not None and options.db is not None:
        return t("serve.dir_or_db")
    if options.dir is None and (options.pairs is not None or options.scenario is not None):
        return t("serve.class_needs_dir")
    if not 0 <= options.port <= 65535:
        return t("serve.bad_port", port=options.port)
    if options.max_apps is not None and options.max_apps < 1:
        return t("serve.bad_max_apps", count=options.max_apps)
    if options.proxy_url:
        parts = urlsplit(options.proxy_url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
            return t("serve.bad_proxy_url", url=options.proxy_url)
    return None


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
    for label, link in zip(labels, found, strict=False):
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
