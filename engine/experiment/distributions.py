"""Named distributions with parameters, as an experiment file writes them, drawn from a seeded
`random.Random` (never from the OS, never from global state).

A value is a plain number (always that value) or an inline table naming a distribution:

    { dist = "fixed", value = 12 }                       always 12
    { dist = "uniform", low = 0, high = 48 }             any value between low and high
    { dist = "uniform_int", low = 1, high = 14 }         a whole number from low to high
    { dist = "exponential", mean = 24 }                  waiting times: mostly short, a few long
    { dist = "normal", mean = -6, sd = 12 }              around the mean; may be negative
    { dist = "lognormal", median = 60, sigma = 0.8 }     positive and skewed (prices, delays)
    { dist = "triangular", low = 0, mode = 6, high = 48 }
    { dist = "choice", values = [3, 7, 14], weights = [1, 2, 1] }   one of the values

Any of them may add `min` and `max`: a drawn value below `min` is `min`, above `max` is `max`.
Each use says its unit (hours, days, US dollars) and what is done to a value out of its domain
(a time before the order's start is its start; days are whole and at least 1).
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

# The parameters of each distribution: required first, then optional (with `min`, `max` for all).
PARAMETERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "fixed": (("value",), ()),
    "uniform": (("low", "high"), ()),
    "uniform_int": (("low", "high"), ()),
    "exponential": (("mean",), ()),
    "normal": (("mean", "sd"), ()),
    "lognormal": (("median", "sigma"), ()),
    "triangular": (("low", "mode", "high"), ()),
    "choice": (("values",), ("weights",)),
}
BOUNDS = ("min", "max")


class DistributionError(ValueError):
    """A distribution table that cannot be drawn from: `code`, the `key` inside the table (or
    None for the table itself) and plain `params`; the experiment loader names the file and the
    key in front of it."""

    def __init__(self, code: str, key: str | None = None, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Distribution:
    """A distribution to draw numbers from; `draw(rng)` uses only `rng`."""

    name: str
    params: Mapping[str, Any]
    low: float | None = None   # `min`
    high: float | None = None  # `max`

    def draw(self, rng: random.Random) -> float:
        return self.sampler(rng)()

    def sampler(self, rng: random.Random) -> Callable[[], float]:
        """A function drawing from this distribution with `rng`, each call the next value (the
        same values as `draw`, made once per chunk: an order draws a dozen numbers)."""
        draw = _SAMPLERS[self.name](rng, self.params)
        low, high = self.low, self.high
        if low is None and high is None:
            return draw
        low = -math.inf if low is None else low
        high = math.inf if high is None else high
        return lambda: min(high, max(low, draw()))

    @property
    def always(self) -> float | None:
        """The value it always gives (a fixed one), or None."""
        return self.params["value"] if self.name == "fixed" else None


def fixed(value: float) -> Distribution:
    return Distribution("fixed", {"value": value})


def _fixed(rng: random.Random, p: Mapping[str, Any]) -> Callable[[], float]:
    value = p["value"]
    return lambda: value


def _uniform(rng: random.Random, p: Mapping[str, Any]) -> Callable[[], float]:
    uniform, low, high = rng.uniform, p["low"], p["high"]
    return lambda: uniform(low, high)


def _uniform_int(rng: random.Random, p: Mapping[str, Any]) -> Callable[[], float]:
    randint, low, high = rng.randint, p["low"], p["high"]
    return lambda: randint(low, high)


def _exponential(rng: random.Random, p: Mapping[str, Any]) -> Callable[[], float]:
    if p["mean"] == 0:
        return lambda: 0.0
    expovariate, rate = rng.expovariate, 1.0 / p["mean"]
    return lambda: expovariate(rate)


def _normal(rng: random.Random, p: Mapping[str, Any]) -> Callable[[], float]:
    normalvariate, mean, sd = rng.normalvariate, p["mean"], p["sd"]
    return lambda: normalvariate(mean, sd)


def _lognormal(rng: random.Random, p: Mapping[str, Any]) -> Callable[[], float]:
    lognormvariate, mu, sigma = rng.lognormvariate, math.log(p["median"]), p["sigma"]
    return lambda: lognormvariate(mu, sigma)


def _triangular(rng: random.Random, p: Mapping[str, Any]) -> Callable[[], float]:
    triangular, low, high, mode = rng.triangular, p["low"], p["high"], p["mode"]
    return lambda: triangular(low, high, mode)


def _choice(rng: random.Random, p: Mapping[str, Any]) -> Callable[[], float]:
    values, weights = p["values"], p.get("weights")
    if weights is None:
        choice = rng.choice
        return lambda: choice(values)
    choices, cumulative = rng.choices, list(itertools.accumulate(weights))
    return lambda: choices(values, cum_weights=cumulative)[0]


_SAMPLERS: dict[str, Callable[[random.Random, Mapping[str, Any]], Callable[[], float]]] = {
    "fixed": _fixed, "uniform": _uniform, "uniform_int": _uniform_int,
    "exponential": _exponential, "normal": _normal, "lognormal": _lognormal,
    "triangular": _triangular, "choice": _choice,
}


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def parse(value: Any) -> Distribution:
    """A number or a distribution table, checked: DistributionError names what is wrong."""
    if _number(value):
        return fixed(value)
    if not isinstance(value, Mapping):
        raise DistributionError("dist_type", found=value)
    name = value.get("dist")
    if name not in PARAMETERS:
        raise DistributionError("dist_unknown", key="dist", found=name, known=tuple(PARAMETERS))
    required, optional = PARAMETERS[name]
    for key in value:
        if key != "dist" and key not in (*required, *optional, *BOUNDS):
            raise DistributionError("dist_parameter", key=str(key), dist=name,
                                    known=(*required, *optional, *BOUNDS))
    for key in required:
        if key not in value:
            raise DistributionError("dist_missing", key=key, dist=name)
    params = {k: value[k] for k in (*required, *optional) if k in value}
    for key in BOUNDS:
        if key in value and not _number(value[key]):
            raise DistributionError("dist_number", key=key, found=value[key])
    if name == "choice":
        _check_choice(params)
    else:
        for key, number in params.items():
            if not _number(number):
                raise DistributionError("dist_number", key=key, found=number)
        _check_shape(name, params)
    low, high = value.get("min"), value.get("max")
    if low is not None and high is not None and low > high:
        raise DistributionError("dist_order", key="max", low="min", high="max")
    return Distribution(name, params, low, high)


def _check_shape(name: str, p: Mapping[str, Any]) -> None:
    if name in ("uniform", "uniform_int", "triangular") and p["low"] > p["high"]:
        raise DistributionError("dist_order", key="high", low="low", high="high")
    if name == "uniform_int" and not all(isinstance(p[k], int) for k in ("low", "high")):
        raise DistributionError("dist_whole", key="low" if not isinstance(p["low"], int) else "high")
    if name == "triangular" and not p["low"] <= p["mode"] <= p["high"]:
        raise DistributionError("dist_mode", key="mode")
    for key in ("mean",) if name == "exponential" else ("sd",) if name == "normal" else \
            ("median", "sigma") if name == "lognormal" else ():
        if key == "median" and p[key] <= 0:
            raise DistributionError("dist_positive", key=key, found=p[key])
        if p[key] < 0:
            raise DistributionError("dist_negative", key=key, found=p[key])


def _check_choice(p: Mapping[str, Any]) -> None:
    values = p["values"]
    if not isinstance(values, list) or not values or not all(_number(v) for v in values):
        raise DistributionError("dist_values", key="values", found=values)
    weights = p.get("weights")
    if weights is not None and (
            not isinstance(weights, list) or len(weights) != len(values)
            or not all(_number(w) and w >= 0 for w in weights) or not sum(weights) > 0):
        raise DistributionError("dist_weights", key="weights", count=len(values))
