"""Experiments over many orders: a population, how its parties behave, and arms of rules to
compare, each order played through the real rule engine (in memory), replicated, with 95%
confidence intervals. Pure: seeded `random.Random` only, no OS clock; `rcsim experiment`
(tui/cli/experiment_command.py) runs it, serially, on worker processes or on a Dask cluster.

An experiment file (TOML)::

    title = "What if the cancellation window were 72 hours?"   # required
    description = "Shown above the results."                   # optional
    seed = 2026              # required: the same seed gives the same results, byte for byte
    replications = 10        # optional (1 to 10,000; default 10): independent runs per arm
    start = "2026-03-02T09:00:00Z"   # optional: when every order starts (UTC)
    horizon_days = 60        # optional (1 to 3,650; default 60): how long orders are followed
    policy = "seed"          # optional: the policy of every arm that names none (seed | current)
    common_random_numbers = true   # optional (default true): every arm plays the same orders
                                   # with the same intents, so differences are the rules' doing

    [population]
    orders = 10000                                        # required (1 to 10,000,000)
    delivery_days = { dist = "uniform_int", low = 1, high = 14 }   # days (default 7)
    price = { dist = "lognormal", median = 60, sigma = 0.8 }       # US dollars (default 50)
    start_status = { in_progress = 85, incomplete = 10, delivered = 5 }  # weights (default:
                                                          # every order in progress)

    [buyer]                  # what the buyer does; a behaviour not given never happens
    submit_requirements = { probability = 0.95, after_hours = 6 }   # incomplete orders
    accept_delivery = { probability = 0.6, after_hours = { dist = "exponential", mean = 24 } }
    request_revision = { probability = 0.1, after_hours = 12 }  # per delivery (up to 3); else
                                                                # the order completes by itself
    cancel_order = { probability = 0.5, after_hours = 12 }  # once the rules let the buyer:
                             # requirements never sent (from the start), or the order very late
    ask_to_cancel = { probability = 0.05, at_hours = { dist = "uniform", low = 0, high = 96 } }
    request_update = { probability = 0.1, at_hours = 48 }

    [buyer.answers]          # how the buyer answers the freelancer's requests
    cancellation = { probability = 0.7, after_hours = 20, accept = 0.5 }
    extension = { probability = 0.8, after_hours = 30, accept = 0.7 }

    [freelancer]
    deliver = { probability = 0.97, late_hours = { dist = "normal", mean = -12, sd = 24 } }
                             # relative to the delivery date (negative: early); an accepted
                             # extension moves it, and the delivery with it
    redeliver = { probability = 1, after_hours = 24 }     # after a revision request
    ask_to_cancel = { probability = 0.02, at_hours = 24 } # with the first reason of the rules'
    request_extension = { probability = 0.1, at_hours = 48, days = 3, extra_price = 0 }

    [freelancer.answers]     # how the freelancer answers the buyer's requests
    cancellation = { probability = 0.6, after_hours = 30, accept = 0.4 }
    order_update = { probability = 0.9, after_hours = 10 }

    [[arms]]                 # the first arm is the baseline, unless one says `baseline = true`
    name = "48 hours (today)"

    [[arms]]
    name = "72 hours"
    rules = { cancellation_response_hours = 72 }   # rules changed by name, as --rule takes them
    # policy = "current"                           # and/or another policy

    [[arms]]
    name = "window"          # a sweep: one arm per value ("window: 24", "window: 96")
    sweep = { rule = "cancellation_response_hours", values = [24, 96] }

A behaviour's `probability` (0 to 1) defaults to 1; its time (`after_hours`, `at_hours`,
`late_hours`: hours, counted from the order's start, a delivery, or what its name says) is a
number or a distribution (engine/experiment/distributions.py: fixed, uniform, uniform_int,
exponential, normal, lognormal, triangular, choice; each with optional min and max), drawn once
per order and rounded to whole minutes; a time before its starting point is that point. An
answer's `accept` is the chance of accepting rather than declining (an order update is
answered). Days are rounded to whole days (at least 1); prices to cents.

Each replication draws its own orders (`seed`, the replication and the chunk make its random
stream: engine/experiment/simulate.py). An intent the rules refuse when its time comes (the order
has an open request already, an extension too long for the rules) is counted and dropped.
Results per arm: the share of orders ending each way (completed, mutual cancellation on silence,
on acceptance, direct cancellation, still open at the horizon), extension requests per order and
the share accepted, declined, lapsed, auto-accepted, the mean time from an order's start to its
end, the share of first deliveries that came late, extras earned on completed orders and the
value of cancelled orders (US dollars, totals), and refused intents per order; each with its 95%
confidence interval over the replications and the difference to the baseline
(engine/experiment/results.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .distributions import PARAMETERS as DISTRIBUTIONS
from .results import METRICS, OUTCOMES, ArmResult, Estimate, Metric, add, summarize
from .simulate import CHUNK_ORDERS, TALLY, chunks, run_chunk
from .spec import Arm, Experiment, ExperimentError, load, loads, parse

Task = tuple[int, int, int]
"""A unit of work: (arm, replication, chunk)."""


def tasks(experiment: Experiment) -> list[Task]:
    """Every unit of work of an experiment, in a fixed order: replication by replication, each
    chunk under every arm in turn (so that a partial run has covered the arms alike)."""
    return [(arm, replication, chunk)
            for replication in range(experiment.replications)
            for chunk in range(chunks(experiment))
            for arm in range(len(experiment.arms))]


def run_task(experiment: Experiment, task: Task) -> tuple[Task, dict[str, int]]:
    """Do one unit of work (in any process: it depends on its arguments only)."""
    arm, replication, chunk = task
    return task, run_chunk(experiment, arm, replication, chunk)


def collect(experiment: Experiment, done: Mapping[Task, Mapping[str, int]]) -> tuple[ArmResult, ...]:
    """The results from every task's tally, however and in whatever order they were run."""
    per_arm = []
    for arm in range(len(experiment.arms)):
        per_arm.append([add([done[(arm, replication, chunk)] for chunk in range(chunks(experiment))])
                        for replication in range(experiment.replications)])
    return summarize(per_arm, experiment.baseline, experiment.common_random_numbers)


def run(experiment: Experiment,
        progress: Callable[[int, int], Any] | None = None) -> tuple[ArmResult, ...]:
    """Run every task here, one after the other (`progress(done, total)` after each)."""
    todo = tasks(experiment)
    done: dict[Task, dict[str, int]] = {}
    for task in todo:
        key, tally = run_task(experiment, task)
        done[key] = tally
        if progress is not None:
            progress(len(done), len(todo))
    return collect(experiment, done)


__all__ = [
    "CHUNK_ORDERS", "DISTRIBUTIONS", "METRICS", "OUTCOMES", "TALLY", "Arm", "ArmResult",
    "Estimate", "Experiment", "ExperimentError", "Metric", "Task", "chunks", "collect", "load",
    "loads", "parse", "run", "run_task", "tasks",
]
