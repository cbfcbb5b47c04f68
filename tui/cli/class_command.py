"""`rcsim class report DIR [--json | --html FILE]` and `rcsim class dashboard DIR`: the debrief of a
class that `rcsim serve --pairs N --dir DIR` ran, and the trainer's dashboard of it. The report
only reads the pairs' files (a class under way goes on undisturbed); exit status 0, or 2 when the
folder holds no class or one that is damaged."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from rcsim.engine import RcsimError
from rcsim.engine import write_text_atomically as write_text
from rcsim.tui.cli.common import Parser, own_arguments, parse, shared_options, speaking
from rcsim.tui.web import classroom as classes
from rcsim.tui.words.i18n import language, t
from rcsim.tui.words.safetext import clean, json_inert


def parser() -> argparse.ArgumentParser:
    p = Parser(prog="rcsim class", description=t("class.cli.description"))
    commands = p.add_subparsers(dest="command", required=True, metavar="report|dashboard")
    lang = shared_options("lang")
    report = commands.add_parser("report", help=t("class.cli.report"), parents=[lang])
    report.add_argument("dir", metavar="DIR", help=t("class.cli.dir"))
    form = report.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help=t("class.cli.json"))
    form.add_argument("--html", metavar="FILE.html", help=t("class.cli.html"))
    dashboard = commands.add_parser("dashboard", help=t("class.cli.dashboard"), parents=[lang])
    dashboard.add_argument("dir", metavar="DIR", help=t("class.cli.dir"))
    dashboard.add_argument("--stuck-after", type=float, default=3.0, metavar="MINUTES",
                           help=t("class.cli.stuck"))
    # rcsim serve's dashboard tab: confined, and the trainer's link its pair views are under
    dashboard.add_argument("--served", action="store_true", help=argparse.SUPPRESS)
    dashboard.add_argument("--link", help=argparse.SUPPRESS)
    return p


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = own_arguments(argv, "class")
    with speaking(args):
        options = parse(parser(), args)
        if isinstance(options, int):
            return options
        folder = Path(options.dir).expanduser()
        try:
            classroom = classes.load(folder)
        except classes.ClassError as error:
            print(clean(str(error)), file=err)
            return 2
        if classroom is None:
            print(clean(t("class.none", path=folder)), file=err)
            return 2
        if options.command == "dashboard":
            return dashboard(classroom, options)
        return report(classroom, options, out, err)


def report(classroom: classes.Classroom, options: argparse.Namespace, out: TextIO,
           err: TextIO) -> int:
    import json

    from rcsim.tui.words import class_report

    try:
        debrief = class_report.gather(classroom)
    except RcsimError as error:  # a pair's file refused (damaged): said, nothing written
        print(clean(t("class.pair_refused", error=str(error))), file=err)
        return 2
    if options.json:
        print(json_inert(json.dumps(class_report.as_json(debrief), ensure_ascii=False)), file=out)
    elif options.html:
        try:
            path = write_text(options.html, class_report.render_html(debrief))
        except OSError as error:
            print(clean(t("class.cannot_write", path=options.html,
                          reason=error.strerror or str(error))), file=err)
            return 2
        print(clean(t("class.html_written", path=path)), file=out)
    else:
        out.write(class_report.render_text(debrief))
    return 0


def dashboard(classroom: classes.Classroom, options: argparse.Namespace) -> int:
    from rcsim.tui.app.dashboard import Dashboard

    app = Dashboard(classroom, link=options.link if options.served else None,
                    language=language(), stuck_minutes=options.stuck_after,
                    ends_with_parent=options.served)
    app.run()
    code = app.return_code
    return 0 if code is None else int(code)
