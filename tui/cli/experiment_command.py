"""`rcsim experiment FILE.toml [--workers N | --dask ADDRESS] [--json | --csv] [--svg CHART.svg]
[--orders N] [--replications N] [--seed N] [--lang de]`: run an experiment over many orders and
say, per arm, how orders end, with 95% confidence intervals and the difference to the baseline.

The experiment (engine/experiment) is cut into tasks (an arm, a replication, a chunk of orders),
each seeded from the experiment's seed, never from a worker: run here one after the other, on N
worker processes (`concurrent.futures.ProcessPoolExecutor`), or on an existing Dask cluster
(`distributed`, the optional extra `rcsim[dask]`), the results are the same, byte for byte. The
output (in words in tui/words/experiment_report.py): a table and a text bar chart (default),
`--json` or `--csv` for spreadsheets, and `--svg` writes a chart a document can take. While it runs, a
progress bar with the time left goes to stderr, when stderr is a terminal. A file that is not a
valid experiment is refused naming the file and the key, with exit status 2, before anything
runs. No Textual here.
"""

from __future__ import annotations

import argparse
import socket
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, TextIO

from rcsim.engine import (
    EXPERIMENT_MAX_ORDERS as MAX_ORDERS,
)
from rcsim.engine import (
    EXPERIMENT_MAX_REPLICATIONS as MAX_REPLICATIONS,
)
from rcsim.engine import (
    Experiment,
    ExperimentError,
)
from rcsim.engine import (
    ExperimentTask as Task,
)
from rcsim.engine import (
    collect_experiment as collect,
)
from rcsim.engine import (
    experiment_tasks as tasks,
)
from rcsim.engine import (
    load_experiment as load,
)
from rcsim.engine import (
    run_experiment_task as run_task,
)
from rcsim.engine import write_text_atomically as write_text
from rcsim.tui.cli import examples
from rcsim.tui.cli.common import Parser, own_arguments, parse, shared_options, speaking
from rcsim.tui.words.experiment_report import (
    BAR,
    csv_text,
    error_text,
    json_text,
    seconds_words,
    svg_chart,
    table,
    text_chart,
)
from rcsim.tui.words.i18n import t
from rcsim.tui.words.safetext import clean


def parser() -> argparse.ArgumentParser:
    p = Parser(prog="rcsim experiment", description=t("experiment.cli.description"),
               parents=[shared_options("lang")])
    p.add_argument("file", metavar="FILE.toml", help=t("experiment.cli.file"))
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=1, metavar="N",
                       help=t("experiment.cli.workers"))
    where.add_argument("--dask", metavar="ADDRESS", help=t("experiment.cli.dask"))
    form = p.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help=t("experiment.cli.json"))
    form.add_argument("--csv", action="store_true", help=t("experiment.cli.csv"))
    p.add_argument("--svg", metavar="CHART.svg", help=t("experiment.cli.svg"))
    p.add_argument("--orders", type=int, metavar="N", help=t("experiment.cli.orders"))
    p.add_argument("--replications", type=int, metavar="N",
                   help=t("experiment.cli.replications"))
    p.add_argument("--seed", type=int, metavar="N", help=t("experiment.cli.seed"))
    return p


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    """Run the experiment and print its results; exit status 0, or 2 when the file, an option
    or the cluster is refused (the message says why; nothing ran)."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = own_arguments(argv, "experiment")
    with speaking(args):
        options = parse(parser(), args)
        if isinstance(options, int):
            return options
        return _main(options, out, err)


def _say(stream: TextIO, text: str) -> None:
    print(clean(text), file=stream)


def _main(options: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        experiment = load(examples.resolve(options.file, examples.EXPERIMENTS))
    except ExperimentError as error:
        _say(err, t("experiment.invalid", message=error_text(error)))
        return 2
    try:
        experiment = with_options(experiment, options)
    except ValueError as error:
        _say(err, str(error))
        return 2
    progress = Progress(err, len(tasks(experiment)))
    try:
        done = execute(experiment, options.workers, options.dask, progress.update)
    except ClusterError as error:
        progress.clear()
        _say(err, str(error))
        return 2
    progress.clear()
    results = collect(experiment, done)
    if options.svg:
        try:
            write_text(options.svg, svg_chart(experiment, results))
        except OSError as error:
            _say(err, t("experiment.svg_failed", path=options.svg,
                        reason=error.strerror or str(error)))
            return 2
    if options.json:
        out.write(json_text(experiment, results))
    elif options.csv:
        out.write(csv_text(experiment, results))
    else:
        _say(out, table(experiment, results))
        _say(out, "")
        _say(out, text_chart(experiment, results))
        if options.svg:
            _say(out, "")
            _say(out, t("experiment.svg_written", path=options.svg))
    return 0


def with_options(experiment: Experiment, options: argparse.Namespace) -> Experiment:
    """The experiment with `--orders`, `--replications`, `--seed` in place of the file's;
    ValueError (a message) for a number out of range or a worker count below 1."""
    changes: dict[str, Any] = {}
    for name, high in (("orders", MAX_ORDERS), ("replications", MAX_REPLICATIONS)):
        value = getattr(options, name)
        if value is not None:
            if not 1 <= value <= high:
                raise ValueError(t("experiment.option_range", option=f"--{name}", low=1,
                                   high=high, found=value))
            changes[name] = value
    if options.seed is not None:
        changes["seed"] = options.seed
    if options.workers < 1:
        raise ValueError(t("experiment.option_range", option="--workers", low=1, high="…",
                           found=options.workers))
    return replace(experiment, **changes) if changes else experiment


# ---------------------------------------------------------------------------- running


class ClusterError(Exception):
    """The Dask cluster cannot be used (not installed, not reachable); the message says so."""


def execute(experiment: Experiment, workers: int = 1, dask: str | None = None,
            progress: Callable[[int], Any] | None = None) -> dict[Task, dict[str, int]]:
    """Every task's tally: here, on `workers` processes, or on the Dask cluster at `dask`;
    `progress(done)` after each task. The same for a seed, whatever ran it."""
    todo = tasks(experiment)
    done: dict[Task, dict[str, int]] = {}

    def finished(task: Task, tally: dict[str, int]) -> None:
        done[task] = tally
        if progress is not None:
            progress(len(done))

    if dask is not None:
        _on_dask(experiment, todo, dask, finished)
    elif workers <= 1 or len(todo) == 1:
        for task in todo:
            finished(*run_task(experiment, task))
    else:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(max_workers=min(workers, len(todo))) as pool:
            futures = [pool.submit(run_task, experiment, task) for task in todo]
            for future in as_completed(futures):
                finished(*future.result())
    return done


def _on_dask(experiment: Experiment, todo: list[Task], address: str,
             finished: Callable[[Task, dict[str, int]], None]) -> None:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise ClusterError(t("experiment.dask_missing")) from None
    try:
        _reachable(address)
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as error:
        raise ClusterError(t("experiment.dask_unreachable", address=address,
                             reason=str(error) or type(error).__name__)) from None
    try:
        shared = client.scatter(experiment, broadcast=True)
        futures = client.map(run_task, [shared] * len(todo), todo, pure=False)
        for future in as_completed(futures):
            finished(*future.result())
    finally:
        client.close()


def _reachable(address: str) -> None:
    """A scheduler at a tcp:// address that refuses connections is said so at once (the client
    would retry until its timeout); OSError if so. Other addresses are the client's to try."""
    if not address.startswith("tcp://"):
        return
    host, _, port = address[len("tcp://"):].rpartition(":")
    if not host or not port.isdigit():
        return
    with socket.create_connection((host.strip("[]"), int(port)), timeout=5):
        pass


class Progress:
    """A progress bar with the time left, on `stream` when it is a terminal (else nothing)."""

    WIDTH = 30

    def __init__(self, stream: TextIO, total: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.total = total
        self.clock = clock
        self.start = clock()
        try:
            self.shown = stream.isatty()
        except (AttributeError, ValueError):
            self.shown = False
        self.width = 0

    def update(self, done: int) -> None:
        if not self.shown:
            return
        elapsed = self.clock() - self.start
        left = elapsed / done * (self.total - done) if done else 0.0
        filled = round(self.WIDTH * done / self.total)
        line = t("experiment.progress", bar=BAR * filled + "░" * (self.WIDTH - filled),
                 done=done, total=self.total, left=seconds_words(left))
        self.width = max(self.width, len(line))
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()

    def clear(self) -> None:
        if self.shown and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
