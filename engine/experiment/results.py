"""From what each replication counted to what an arm does: every metric's mean over the
replications with its 95% confidence interval, and the difference to the baseline with its own.

Pure arithmetic in a fixed order, so that the same tallies give the same numbers, bit for bit,
whatever ran them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .simulate import TALLY


@dataclass(frozen=True)
class Metric:
    """A number per replication: `numerator` / `denominator` (a tally's name, or None for 1),
    times `scale`. `kind` says how to show it: a share (of `of`), hours, US dollars, or a count
    per order."""

    id: str
    kind: str  # "share", "hours", "usd", "per_order"
    numerator: str
    denominator: str | None
    scale: float = 1.0
    of: str = ""  # what a share is a share of: "orders", "extension_requests", "deliveries"


METRICS: tuple[Metric, ...] = (
    Metric("completed", "share", "completed", "orders", of="orders"),
    Metric("mutual_silence", "share", "mutual_silence", "orders", of="orders"),
    Metric("mutual_accepted", "share", "mutual_accepted", "orders", of="orders"),
    Metric("direct", "share", "direct", "orders", of="orders"),
    Metric("unresolved", "share", "unresolved", "orders", of="orders"),
    Metric("ext_requested", "per_order", "ext_requested", "orders"),
    Metric("ext_accepted", "share", "ext_accepted", "ext_requested", of="extension_requests"),
    Metric("ext_declined", "share", "ext_declined", "ext_requested", of="extension_requests"),
    Metric("ext_lapsed", "share", "ext_lapsed", "ext_requested", of="extension_requests"),
    Metric("ext_auto_accepted", "share", "ext_auto_accepted", "ext_requested",
           of="extension_requests"),
    Metric("resolution_hours", "hours", "resolved_seconds", "resolved", scale=1 / 3600),
    Metric("late_deliveries", "share", "late_deliveries", "delivered", of="deliveries"),
    Metric("extras_usd", "usd", "extras_cents", None, scale=0.01),
    Metric("cancelled_value_usd", "usd", "cancelled_value_cents", None, scale=0.01),
    Metric("refused", "per_order", "refused", "orders"),
)
OUTCOMES = ("completed", "mutual_silence", "mutual_accepted", "direct", "unresolved")
"""The ways an order ends (the shares add up to 1)."""

# The 97.5% quantile of Student's t distribution by degrees of freedom; between the rows it is
# interpolated in 1/df, beyond the last it is the normal distribution's 1.959964.
_T975 = {1: 12.706205, 2: 4.302653, 3: 3.182446, 4: 2.776445, 5: 2.570582, 6: 2.446912,
         7: 2.364624, 8: 2.306004, 9: 2.262157, 10: 2.228139, 11: 2.200985, 12: 2.178813,
         13: 2.160369, 14: 2.144787, 15: 2.131450, 16: 2.119905, 17: 2.109816, 18: 2.100922,
         19: 2.093024, 20: 2.085963, 21: 2.079614, 22: 2.073873, 23: 2.068658, 24: 2.063899,
         25: 2.059539, 26: 2.055529, 27: 2.051831, 28: 2.048407, 29: 2.045230, 30: 2.042272,
         40: 2.021075, 60: 2.000298, 120: 1.979930}
_Z975 = 1.959964


def t975(df: float) -> float:
    """The 97.5% quantile of Student's t with `df` degrees of freedom (df >= 1)."""
    if df == int(df) and int(df) in _T975:
        return _T975[int(df)]
    rows = sorted(_T975)
    if df > rows[-1]:
        low, high, t_low, t_high = rows[-1], math.inf, _T975[rows[-1]], _Z975
    else:
        high = next(r for r in rows if r > df)
        low = max(r for r in rows if r < df)
        t_low, t_high = _T975[low], _T975[high]
    x, x_low, x_high = 1 / df, 1 / low, (0.0 if high == math.inf else 1 / high)
    return t_high + (t_low - t_high) * (x - x_high) / (x_low - x_high)


def value(metric: Metric, tally: Mapping[str, int]) -> float | None:
    """The metric in one replication (None where it has nothing to count: no extension
    requests, no order resolved, nothing delivered)."""
    top = tally[metric.numerator]
    if metric.denominator is None:
        return top * metric.scale
    bottom = tally[metric.denominator]
    return None if bottom == 0 else top / bottom * metric.scale


@dataclass(frozen=True)
class Estimate:
    """A mean over replications and its 95% confidence interval (None with one replication,
    or where there was nothing to count)."""

    mean: float | None
    low: float | None
    high: float | None
    n: int


def estimate(values: Sequence[float]) -> Estimate:
    n = len(values)
    if n == 0:
        return Estimate(None, None, None, 0)
    mean = math.fsum(values) / n
    if n < 2:
        return Estimate(mean, None, None, n)
    sd = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))
    half = t975(n - 1) * sd / math.sqrt(n)
    return Estimate(mean, mean - half, mean + half, n)


def difference(arm: Sequence[float | None], base: Sequence[float | None],
               paired: bool) -> Estimate:
    """The arm's mean minus the baseline's, with its 95% interval: paired by replication when
    both played the same orders (common random numbers), else Welch's for two samples."""
    if paired:
        return estimate([a - b for a, b in zip(arm, base, strict=False) if a is not None and b is not None])
    xs = [a for a in arm if a is not None]
    ys = [b for b in base if b is not None]
    if not xs or not ys:
        return Estimate(None, None, None, 0)
    mean = math.fsum(xs) / len(xs) - math.fsum(ys) / len(ys)
    if len(xs) < 2 or len(ys) < 2:
        return Estimate(mean, None, None, min(len(xs), len(ys)))
    vx, vy = (estimate_var(xs) / len(xs), estimate_var(ys) / len(ys))
    se = math.sqrt(vx + vy)
    if se == 0:
        return Estimate(mean, mean, mean, min(len(xs), len(ys)))
    df = (vx + vy) ** 2 / (vx ** 2 / (len(xs) - 1) + vy ** 2 / (len(ys) - 1))
    half = t975(max(1.0, df)) * se
    return Estimate(mean, mean - half, mean + half, min(len(xs), len(ys)))


def estimate_var(values: Sequence[float]) -> float:
    mean = math.fsum(values) / len(values)
    return math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1)


def add(tallies: Sequence[Mapping[str, int]]) -> dict[str, int]:
    """Tallies of chunks added up (whole numbers: the same in any order)."""
    total = dict.fromkeys(TALLY, 0)
    for tally in tallies:
        for name in TALLY:
            total[name] += tally[name]
    return total


@dataclass(frozen=True)
class ArmResult:
    """One arm: its tally per replication, and each metric's estimate and difference to the
    baseline (None for the baseline itself)."""

    index: int
    replications: tuple[dict[str, int], ...]
    estimates: dict[str, Estimate]
    differences: dict[str, Estimate] | None


def summarize(arms: Sequence[Sequence[Mapping[str, int]]], baseline: int,
              paired: bool) -> tuple[ArmResult, ...]:
    """Each arm's estimates from its replications' tallies (`arms[a][r]`), and differences to
    the baseline arm."""
    values = [{m.id: [value(m, t) for t in tallies] for m in METRICS} for tallies in arms]
    results = []
    for index, tallies in enumerate(arms):
        estimates = {m.id: estimate([v for v in values[index][m.id] if v is not None])
                     for m in METRICS}
        differences = None if index == baseline else {
            m.id: difference(values[index][m.id], values[baseline][m.id], paired)
            for m in METRICS}
        results.append(ArmResult(index, tuple(dict(t) for t in tallies), estimates,
                                 differences))
    return tuple(results)


def as_data(estimate: Estimate | None) -> dict[str, Any] | None:
    if estimate is None:
        return None
    return {"mean": _num(estimate.mean), "ci95": None if estimate.low is None else
            [_num(estimate.low), _num(estimate.high)], "n": estimate.n}


def _num(x: float | None) -> float | None:
    """A number as the JSON shows it: 12 significant digits (the noise of the last bits of a
    float sum is no result)."""
    return None if x is None else float(f"{x:.12g}")
