"""What `rcsim experiment` says of an experiment and its results (tui/cli/experiment_command.py
runs it): an ExperimentError in words, the numbers in the language's format, the table and the
text bar chart, the JSON document, the CSV rows, and the SVG chart a document can take (drawn
here, no plotting library). Everything said comes from data/i18n ("experiment.*"); a file's own
texts (titles, names) are inert. No Textual here.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from rcsim.engine import (
    EXPERIMENT_CHUNK_ORDERS as CHUNK_ORDERS,
)
from rcsim.engine import (
    EXPERIMENT_METRICS as METRICS,
)
from rcsim.engine import (
    EXPERIMENT_OUTCOMES as OUTCOMES,
)
from rcsim.engine import (
    ArmResult,
    Experiment,
    ExperimentError,
    iso,
)
from rcsim.engine import (
    ExperimentEstimate as Estimate,
)
from rcsim.engine import (
    ExperimentMetric as Metric,
)
from rcsim.engine import experiment_as_data as as_data
from rcsim.tui.words.i18n import localized, render_refusal, t
from rcsim.tui.words.safetext import clean, json_inert

SECTIONS = (
    ("outcomes", OUTCOMES),
    ("extensions", ("ext_requested", "ext_accepted", "ext_declined", "ext_lapsed",
                    "ext_auto_accepted")),
    ("time_money", ("resolution_hours", "late_deliveries", "extras_usd", "cancelled_value_usd")),
    ("refused", ("refused",)),
)
METRIC = {m.id: m for m in METRICS}
# The colours of the arms in a chart: Okabe and Ito's, told apart with every colour vision.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")
BAR = "█"
EIGHTHS = " ▏▎▍▌▋▊▉"


def seconds_words(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return t("experiment.seconds", n=seconds)
    return t("experiment.minutes", m=seconds // 60, s=seconds % 60)


# ---------------------------------------------------------------------------- errors


def error_text(error: ExperimentError) -> str:
    """An ExperimentError in words of the current language: the file and the key, then what is
    wrong (inert: a file name or a value may hold escape sequences)."""
    params = dict(error.params)
    for name in ("known", "choices"):
        if name in params:
            params[name] = ", ".join(str(v) for v in params[name])
    if "hint" in params:
        params["hint"] = t("experiment.error.did_you_mean", match=params["hint"]) \
            if params["hint"] else ""
    if "expected" in params:
        params["expected"] = t(f"experiment.expected.{params['expected']}")
    if error.code in ("refused_by_engine", "rule_refused"):
        params["detail"] = render_refusal(params.pop("refusal"), params.pop("refusal_params"))
    problem = t(f"experiment.error.{error.code}", **params)
    where = error.path if error.key is None else t("experiment.at_key", path=error.path,
                                                    name=error.key)
    return clean(f"{where}: {problem}")


# ---------------------------------------------------------------------------- numbers in words


def _number(x: float, decimals: int) -> str:
    text = f"{abs(x):,.{decimals}f}"
    text = text.replace(",", "\0").replace(".", t("format.decimal_point")).replace(
        "\0", t("format.thousands_sep"))
    return ("−" if x < 0 and round(abs(x), decimals) != 0 else "") + text


def _decimals(metric: Metric, difference: bool = False) -> int:
    """Decimals shown: a difference gets one more (a small one that is no noise shows as one)."""
    return {"share": 1, "hours": 1, "usd": 0, "per_order": 3}[metric.kind] + \
        (1 if difference and metric.kind != "usd" else 0)


def value_text(metric: Metric, x: float | None, signed: bool = False) -> str:
    """A metric's value as the table shows it: 86.8%, 198.2 h, $87,626, 0.084 (a difference:
    +0.6 pp, −$5,378, 0.0 pp)."""
    if x is None:
        return "–"
    decimals = _decimals(metric, signed)
    if metric.kind == "share":
        x *= 100
    unit = "share_diff" if signed and metric.kind == "share" else metric.kind
    sign = "−" if round(x, decimals) < 0 else "+" if signed and round(x, decimals) > 0 else ""
    return sign + t(f"experiment.unit.{unit}", n=_number(abs(x), decimals))


def half_text(metric: Metric, estimate: Estimate, difference: bool = False) -> str:
    """Half the 95% interval ("±0.3"), or "" with one replication."""
    if estimate.low is None or estimate.high is None:
        return ""
    half = (estimate.high - estimate.low) / 2 * (100 if metric.kind == "share" else 1)
    return " ±" + _number(half, _decimals(metric, difference))


def excludes_zero(estimate: Estimate | None) -> bool:
    return estimate is not None and estimate.low is not None and estimate.high is not None \
        and (estimate.low > 0 or estimate.high < 0)


def metric_name(metric_id: str) -> str:
    return t(f"experiment.metric.{metric_id}")


def arm_words(experiment: Experiment, index: int) -> str:
    arm = experiment.arms[index]
    parts = [t("experiment.arm.policy", policy=arm.policy)]
    parts += [f"{name} = {value}" for name, value in arm.rules.items()]
    return ", ".join(parts)


def headline(experiment: Experiment) -> list[str]:
    lines = [localized(experiment.title)]
    lines.append(t("experiment.about", path=experiment.path,
                   orders=_number(experiment.orders, 0),
                   replications=experiment.replications, seed=experiment.seed,
                   days=experiment.horizon // 86400,
                   same=t("experiment.same_orders" if experiment.common_random_numbers
                          else "experiment.own_orders")))
    return lines


# ---------------------------------------------------------------------------- the table


def table(experiment: Experiment, results: Sequence[ArmResult]) -> str:
    """Every metric per arm, with its interval, and below each the difference to the baseline."""
    names = [localized(arm.name) for arm in experiment.arms]
    label_width = max(len(metric_name(m.id)) + 2 for m in METRICS)
    label_width = max(label_width, *(len(t(f"experiment.section.{s}")) for s, _ in SECTIONS))
    cells: dict[tuple[str, int], tuple[str, str]] = {}
    for result in results:
        for metric in METRICS:
            estimate = result.estimates[metric.id]
            main = value_text(metric, estimate.mean) + (half_text(metric, estimate)
                                                        if estimate.mean is not None else "")
            below = ""
            if result.differences is not None:
                diff = result.differences[metric.id]
                if diff.mean is not None:
                    below = value_text(metric, diff.mean, signed=True) + \
                        half_text(metric, diff, difference=True) \
                        + (" *" if excludes_zero(diff) else "")
            cells[(metric.id, result.index)] = (main, below)
    details = [t("experiment.baseline") if arm.baseline else arm_words(experiment, i)
               for i, arm in enumerate(experiment.arms)]
    baseline_words = arm_words(experiment, experiment.baseline)
    widths = [max(len(names[i]), len(details[i]),
                  *(max(len(a), len(b)) for (m, j), (a, b) in cells.items() if j == i))
              for i in range(len(names))]
    gap = "   "

    def row(label: str, values: Sequence[str]) -> str:
        return (label.ljust(label_width) + gap + gap.join(
            v.ljust(w) for v, w in zip(values, widths, strict=False))).rstrip()

    lines = headline(experiment)
    lines.append(t("experiment.cells"))
    lines.append(t("experiment.baseline_is", name=names[experiment.baseline],
                   words=baseline_words))
    lines.append("")
    lines.append(row("", names))
    lines.append(row("", details))
    for section, ids in SECTIONS:
        lines.append(t(f"experiment.section.{section}"))
        for metric_id in ids:
            lines.append(row("  " + metric_name(metric_id),
                             [cells[(metric_id, i)][0] for i in range(len(names))]))
            differences = [cells[(metric_id, i)][1] for i in range(len(names))]
            if any(differences):
                lines.append(row("", differences))
    return "\n".join(lines)


def text_chart(experiment: Experiment, results: Sequence[ArmResult], width: int = 40) -> str:
    """How orders end, as bars in the terminal: one bar per arm for each way an order ends."""
    names = [localized(arm.name) for arm in experiment.arms]
    name_width = max(len(n) for n in names)
    lines = [t("experiment.chart.title")]
    for metric_id in OUTCOMES:
        metric = METRIC[metric_id]
        lines.append(metric_name(metric_id))
        for result in results:
            estimate = result.estimates[metric_id]
            share = estimate.mean or 0.0
            cells = share * width
            whole = int(cells)
            part = EIGHTHS[int((cells - whole) * 8)] if whole < width else ""
            bar = (BAR * whole + part.strip()).ljust(width)
            lines.append(f"  {names[result.index].ljust(name_width)}  {bar}  "
                         f"{value_text(metric, estimate.mean)}{half_text(metric, estimate)}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------- JSON and CSV


def document(experiment: Experiment, results: Sequence[ArmResult]) -> dict[str, Any]:
    """The results as plain data: what was run, and per arm every metric and its tallies."""
    arms = []
    for result in results:
        arm = experiment.arms[result.index]
        metrics = {}
        for metric in METRICS:
            entry = as_data(result.estimates[metric.id]) or {}
            entry["difference"] = None if result.differences is None else \
                as_data(result.differences[metric.id])
            metrics[metric.id] = entry
        arms.append({"name": arm.name, "baseline": arm.baseline, "policy": arm.policy,
                     "rules": dict(arm.rules), "metrics": metrics,
                     "replications": [dict(t) for t in result.replications]})
    return {
        "experiment": {
            "title": experiment.title, "file": experiment.path, "seed": experiment.seed,
            "replications": experiment.replications, "orders": experiment.orders,
            "start": iso(experiment.start), "horizon_days": experiment.horizon // 86400,
            "step_minutes": experiment.step // 60,
            "common_random_numbers": experiment.common_random_numbers,
            "chunk_orders": CHUNK_ORDERS,
        },
        "metrics": [{"id": m.id, "kind": m.kind, "of": m.of or None} for m in METRICS],
        "arms": arms,
    }


def json_text(experiment: Experiment, results: Sequence[ArmResult]) -> str:
    """The document as JSON; what a terminal would act on is escaped as \\uXXXX."""
    return json_inert(json.dumps(document(experiment, results), ensure_ascii=False,
                                 indent=2)) + "\n"


CSV_COLUMNS = ("arm", "baseline", "policy", "rules", "metric", "kind", "of", "mean",
               "ci95_low", "ci95_high", "replications", "difference", "difference_ci95_low",
               "difference_ci95_high")


def csv_text(experiment: Experiment, results: Sequence[ArmResult]) -> str:
    """One row per arm and metric, for a spreadsheet (numbers as numbers: shares 0 to 1)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    data = document(experiment, results)
    for arm in data["arms"]:
        rules = "; ".join(f"{k}={v}" for k, v in arm["rules"].items())
        for metric in data["metrics"]:
            entry = arm["metrics"][metric["id"]]
            ci = entry.get("ci95") or [None, None]
            diff = entry.get("difference") or {}
            diff_ci = diff.get("ci95") or [None, None]
            writer.writerow([clean(arm["name"]), arm["baseline"], arm["policy"], clean(rules),
                             metric["id"],
                             metric["kind"], metric["of"] or "", _csv(entry.get("mean")),
                             _csv(ci[0]), _csv(ci[1]), entry.get("n", 0),
                             _csv(diff.get("mean")), _csv(diff_ci[0]), _csv(diff_ci[1])])
    return buffer.getvalue()


def _csv(x: float | None) -> str:
    return "" if x is None else repr(x)


# ---------------------------------------------------------------------------- the SVG chart


def svg_chart(experiment: Experiment, results: Sequence[ArmResult]) -> str:
    """A chart for a document: per section, one group of bars per metric, one bar per arm, each
    with its 95% interval as a whisker and its value; drawn as SVG text, no library."""
    names = [clean(localized(arm.name)) for arm in experiment.arms]  # a file's texts, inert
    title = clean(localized(experiment.title))
    arms = len(names)
    panels: list[tuple[str, tuple[str, ...]]] = [("outcomes", OUTCOMES)]
    if any(r.estimates["ext_accepted"].mean is not None for r in results):
        panels.append(("extensions", ("ext_accepted", "ext_declined", "ext_lapsed",
                                      "ext_auto_accepted")))
    panels.append(("resolution", ("resolution_hours",)))
    width, label_w, bar_w, bar_h, gap = 940, 270, 360, 14, 4
    x0 = 20 + label_w
    font = 'font-family="Helvetica, Arial, sans-serif"'
    parts: list[str] = []
    y = 36
    parts.append(f'<text x="20" y="{y}" {font} font-size="18" font-weight="bold">'
                 f'{escape(title)}</text>')
    for line in headline(experiment)[1:]:
        for piece in textwrap.wrap(clean(line), 130):
            y += 18
            parts.append(f'<text x="20" y="{y}" {font} font-size="12" fill="#444">'
                         f'{escape(piece)}</text>')
    y += 20
    parts.append(f'<text x="20" y="{y}" {font} font-size="12" fill="#444">'
                 f'{escape(t("experiment.svg.whiskers"))}</text>')
    y += 16
    x = 20
    for index, name in enumerate(names):  # the legend
        colour = COLOURS[index % len(COLOURS)]
        label = name + (" " + t("experiment.svg.baseline") if experiment.arms[index].baseline
                        else "")
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="{y + 10}" {font} font-size="12">'
                     f'{escape(label)}</text>')
        x += 16 + 7 * len(label) + 24
        if x > width - 200:
            x, y = 20, y + 18
    y += 20
    for panel, ids in panels:
        y += 24
        parts.append(f'<text x="20" y="{y}" {font} font-size="14" font-weight="bold">'
                     f'{escape(t(f"experiment.svg.panel.{panel}"))}</text>')
        y += 10
        scale = _scale(panel, ids, results)
        for metric_id in ids:
            metric = METRIC[metric_id]
            group_h = arms * (bar_h + gap)
            parts.append(f'<text x="20" y="{y + group_h / 2 + 4:.0f}" {font} font-size="12">'
                         f'{escape(metric_name(metric_id))}</text>')
            for result in results:
                estimate = result.estimates[metric_id]
                colour = COLOURS[result.index % len(COLOURS)]
                value = estimate.mean or 0.0
                length = max(0.0, value / scale * bar_w) if scale else 0.0
                parts.append(f'<rect x="{x0}" y="{y}" width="{length:.1f}" height="{bar_h}" '
                             f'fill="{colour}"/>')
                end = x0 + length
                if estimate.low is not None and estimate.high is not None and scale:
                    low = x0 + max(0.0, estimate.low) / scale * bar_w
                    high = x0 + min(scale, estimate.high) / scale * bar_w
                    mid = y + bar_h / 2
                    parts.append(f'<path d="M{low:.1f} {mid - 4:.1f}v8M{low:.1f} {mid:.1f}'
                                 f'H{high:.1f}M{high:.1f} {mid - 4:.1f}v8" stroke="#222" '
                                 f'stroke-width="1.2" fill="none"/>')
                    end = max(end, high)
                text = escape(value_text(metric, estimate.mean) + half_text(metric, estimate))
                diff = None if result.differences is None else result.differences[metric_id]
                if diff is not None and diff.mean is not None:
                    said = t("experiment.svg.diff", diff=value_text(
                        metric, diff.mean, signed=True) + half_text(metric, diff, True)) + \
                        (" *" if excludes_zero(diff) else "")
                    text += f' <tspan fill="#555">({escape(said)})</tspan>'
                parts.append(f'<text x="{end + 6:.1f}" y="{y + bar_h - 3}" {font} '
                             f'font-size="11">{text}</text>')
                y += bar_h + gap
            y += 8
    height = y + 20
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label={quoteattr(title)}>')
    background = f'<rect width="{width}" height="{height}" fill="#ffffff"/>'
    return "\n".join([head, f"<title>{escape(title)}</title>", background, *parts,
                      "</svg>"]) + "\n"


def _scale(panel: str, ids: Iterable[str], results: Sequence[ArmResult]) -> float:
    """What a full bar stands for: 100% for shares, else the largest value (or interval end)."""
    if panel != "resolution":
        return 1.0
    top = 0.0
    for result in results:
        for metric_id in ids:
            estimate = result.estimates[metric_id]
            top = max(top, estimate.high or 0.0, estimate.mean or 0.0)
    return top
