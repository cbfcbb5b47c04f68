"""What a scenario run says: the transcript of `rcsim run`, its JSON, and the words for steps, checks and errors."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from rcsim.engine import (
    ActionStep,
    AdvanceStep,
    CheckResult,
    EventView,
    ExpectStep,
    ScenarioError,
    StepResult,
    UndoStep,
    UntilStep,
    excerpt,
    iso,
    to_ts,
)
from rcsim.engine import (
    ScenarioReport as Report,
)
from rcsim.engine import (
    ScenarioStep as Step,
)
from rcsim.engine import other_party as other
from rcsim.tui.words.describe import day_count, describe_event, duration_words
from rcsim.tui.words.i18n import (
    LANGUAGES,
    fmt_money,
    has,
    language,
    localized,
    refusal_text,
    render_refusal,
)
from rcsim.tui.words.i18n import table as translations
from rcsim.tui.words.i18n import text as translate
from rcsim.tui.words.safetext import clean
from rcsim.tui.words.travel import step_text


def text(code: str, **params: Any) -> str:
    """The runner's text of a code, in the current language (data/i18n, "run.*")."""
    return translate(language(), "run." + code, params)


# ------------------------------------------------------------------------------------ errors

# A ScenarioError's parameters are identifiers and plain values; these become words here.


def _listed(values: Any) -> str:
    return ", ".join(str(v) for v in values)


def _reason_label_of(found: Any, actor: str, codes: Any) -> str | None:
    """The code whose label (in either language) `found` is, as in `reason = "Other"`."""
    if not isinstance(found, str):
        return None
    for lang in LANGUAGES:
        for code in codes:
            label = translations(lang).get(f"reason.{actor}.{code}")
            if label is not None and label.casefold() == found.strip().casefold():
                return code
    return None


def _error_params(error: ScenarioError) -> dict[str, Any]:
    params = dict(error.params)
    for name in ("known", "choices"):
        if name in params:
            params[name] = _listed(params[name])
    if "kinds" in params:
        params["kinds"] = translate(language(), "word.and").join(params["kinds"])
    if "kind" in params:
        params["kind"] = text(f"kind.{params['kind']}")
    if "expected" in params:
        params["expected"] = text(f"expected.{params['expected']}")
    if "what" in params:
        params["what"] = text(f"expected.{params['what']}")
    if "hint" in params:
        hint = params["hint"]
        params["hint"] = text("did_you_mean", match=hint) if hint else ""
    if error.code == "unknown_reason":
        code = _reason_label_of(error.params.get("found"), str(error.params.get("actor")),
                                error.params.get("known", ()))
        if code is not None:
            params["hint"] = text("reason_label", reason=code)
    if error.code == "missing":
        name = params.pop("name")
        kind = params.pop("kind", None)
        params["what"] = text("missing_key", name=name) if kind is None else \
            text("missing_key_of", name=name, kind=kind)  # `kind` is in words already
    if error.code == "refused_by_engine":
        params["detail"] = render_refusal(params.pop("refusal"), params.pop("refusal_params"))
    return params


def error_problem(error: ScenarioError) -> str:
    """What is wrong with a scenario file, in words of the current language (inert)."""
    return clean(text(error.code, **_error_params(error)))


def error_text(error: ScenarioError) -> str:
    """A ScenarioError in words of the current language: the file, the step or order (or
    [rules]) and the key, then what is wrong. Inert: a file name or a value may hold escape
    sequences."""
    where = [text("at_file", path=error.path)]
    if error.step is not None:
        where.append(text("at_step", step=error.step))
    if error.order is not None:
        where.append(text("at_order", index=error.order,
                          order_id=f" ({excerpt(error.order_id)})" if error.order_id else ""))
    if error.rules:
        where.append(text("at_rules"))
    if error.key is not None:
        where.append(text("at_key", key=error.key))
    return clean(": ".join(where)) + ": " + error_problem(error)


def problem_text(result: StepResult) -> str:
    """Why a step did not go as the file says (its `problem` code), in words."""
    if result.problem is None:
        return ""
    message = refusal_text(result.refusal) if result.refusal is not None else ""
    error = result.step.error if isinstance(result.step, ActionStep) else None
    return text(f"problem_{result.problem}", message=message, error=error or "")


# ------------------------------------------------------------------------------------ the run


# The transcript says everything in words of its language: parties, actions, statuses, request
# types and states, reasons, durations. What a user typed (a comment, an error to look for, an
# inbox text) is quoted as the language quotes, with control characters escaped.

EXPECT_WORDS = {"status": "status_word", "request": "request_state",
                "request_type": "request_word"}
_INBOX_REASON = re.compile(r"(?s)(.*) \[reason: (\w+)\]")

# The describers below are the one way to put a step, a field or an expected value into words:
# the transcript and the app's presenter bar (tui/app/widgets/presenter.py) both use them. `width`
# shortens what a user typed to that many characters (the bar has one line for each).


def quoted(value: Any, width: int | None = None) -> str:
    """A text of the file or of a user, quoted as the language quotes, its control characters
    escaped (never raw), shortened to `width` characters with an ellipsis if given."""
    inner = repr(str(value))[1:-1]
    if width is not None and len(inner) > width:
        inner = inner[: max(0, width - 1)] + "\u2026"
    return text("quoted", text=inner)


def _list_sep() -> str:
    return translate(language(), "word.list_sep")


def _word(kind: str, value: Any) -> str:
    """The label of an identifier in this language (the identifier itself if it has none)."""
    key = f"{kind}.{value}"
    return translate(language(), key) if has(key) else str(value)


def _inbox_item(item: str, party: str, width: int | None) -> str:
    """A message a party received, as `Player` reports it ("text [reason: code]"), in words."""
    match = _INBOX_REASON.fullmatch(item)
    if match is None:
        return quoted(item, width)
    said, reason = match.groups()
    reason_text = text("inbox_reason", reason=_word(f"reason.{other(party)}", reason))
    return f"{quoted(said, width)} {reason_text}" if said else reason_text


def check_name(key: str) -> str:
    """The name of an `expect` key in words ("status" / "Status")."""
    return _word("run.check", key)


def value_words(key: str, value: Any, width: int | None = None) -> str:
    """An expected or found value of an `expect` key in words: a status, request state or type
    as its label ("'in progress'"), a yes or no, a count, an inbox's messages quoted."""
    if isinstance(value, bool):
        return text("yes" if value else "no")
    if key.startswith("inbox."):
        if isinstance(value, (list, tuple)):
            party = key.split(".", 1)[1]
            items = [_inbox_item(str(v), party, width) for v in value]
            return _list_sep().join(items) if items else text("nothing")
        return quoted(value, width)
    if value == "none" and key != "status":
        return quoted(text("none"))
    if key in EXPECT_WORDS:
        return quoted(_word(EXPECT_WORDS[key], value))
    if key == "cancellation":
        return quoted(_word("run.cancellation", value))
    if isinstance(value, int):
        return str(value)
    return quoted(value, width)


def _field_value(party: str, name: str, value: Any, width: int | None) -> str:
    if name == "reason" and has(f"reason.{party}.{value}"):
        return _word(f"reason.{party}", value)  # a choice from the party's list: its label
    if name == "extra_price" and isinstance(value, (int, float)) and not isinstance(value, bool):
        cents = Decimal(str(value)) * 100  # a TOML number: an int or a finite float
        if cents == cents.to_integral_value() and abs(cents) < 10 ** 15:
            return fmt_money(int(cents))
        return str(value)
    if name in ("days", "request"):
        return str(value)
    return quoted(value, width)


def fields_words(party: str, fields: Mapping[str, Any], width: int | None = None) -> str:
    """An action's fields in words (" (reason: No longer needed, comment: 'Sorry.')"), or ""."""
    if not fields:
        return ""
    return text("fields", items=_list_sep().join(
        text("field", field=_word("field_word", k), value=_field_value(party, k, v, width))
        for k, v in fields.items()))


def step_parts(step: Step, width: int | None = None) -> tuple[str, dict[str, Any]]:
    """What a step does: the kind of sentence ("action", "action_fails", "advance", "next",
    "until", "expect", "expect_now") and its parts in words: `actor`, `action` (the verb),
    `order`, `fields`, `error` (quoted, or ""), `by` (a duration in words) and `instant` (a
    datetime: the transcript writes it as ISO, the presenter in the language's format)."""
    if isinstance(step, ActionStep):
        parts = {"actor": _word("party", step.actor), "action": _word("verb", step.action),
                 "order": step.order, "fields": fields_words(step.actor, step.fields, width),
                 "error": quoted(step.error, width) if step.error else ""}
        return ("action_fails" if step.fails else "action"), parts
    if isinstance(step, AdvanceStep):
        if step.seconds is None:
            return "next", {}
        return "advance", {"by": duration_words(step.seconds)}
    if isinstance(step, UntilStep):
        return "until", {"instant": step.instant}
    if isinstance(step, UndoStep):
        return ("undo.one" if step.count == 1 else "undo.other"), {"count": step.count}
    assert isinstance(step, ExpectStep)
    if step.order is None:
        return "expect_now", {}
    return "expect", {"order": step.order}


def describe_step(step: Step, now: datetime | None = None) -> str:
    """The transcript's line for a step (`now`: the clock after a clock move)."""
    at = iso(to_ts(now)) if now is not None else "?"
    kind, parts = step_parts(step)
    number = step.number
    if kind in ("action", "action_fails"):
        fails = ""
        if kind == "action_fails":
            err = text("step_fails_error", error=parts["error"]) if parts["error"] else ""
            fails = text("step_fails", error=err)
        return text("step_action", number=number, actor=parts["actor"], action=parts["action"],
                    order=parts["order"], fields=parts["fields"], fails=fails)
    if kind == "until":
        return text("step_until", number=number, instant=iso(to_ts(parts["instant"])), now=at)
    if kind in ("advance", "next", "undo.one", "undo.other"):
        return text(f"step_{kind}", number=number, now=at, **parts)
    return text(f"step_{kind}", number=number, **parts)


def event_line(event: EventView) -> str:
    """One line for an event: its simulated time and what happened, in words."""
    return text("event", at=iso(to_ts(event.at)), what=describe_event(event))


def _check_line(code: str, check: CheckResult, **params: Any) -> str:
    return text(code, key=check_name(check.key), expected=value_words(check.key, check.expected),
                found=value_words(check.key, check.found), **params)


def describe_result(result: StepResult) -> list[str]:
    """The transcript lines of one step: what it did, its note, what happened, its checks."""
    step = result.step
    lines = [describe_step(step, result.now)]
    if step.note:
        lines.append(text("note", note=localized(step.note)))
    if result.refusal is not None and isinstance(step, ActionStep):
        code = "refused_ok" if step.fails else "refused"
        lines.append(text(code, message=refusal_text(result.refusal)))
    for check in result.checks:
        lines.append(_check_line("check_ok" if check.passed else "check_fail", check))
    if isinstance(step, UndoStep):
        lines.extend(text("taken_back", what=step_text(entry), at=iso(to_ts(entry.at)))
                     for entry in result.taken_back)
    elif not isinstance(step, ExpectStep) and result.refusal is None:
        lines.extend(event_line(e) for e in result.events)
        if not result.events:
            lines.append(text("no_events"))
    # A refused action has already said so on its "REFUSED" line.
    refused_line = isinstance(step, ActionStep) and not step.fails and result.refusal is not None
    if result.problem is not None and not refused_line:
        lines.append(text("step_failed", problem=problem_text(result)))
    return lines


def describe_failures(report: Report) -> list[str]:
    """One line per failed step or expectation, each naming the step (and key, expected, found)."""
    lines = []
    for result in report.failures:
        step = result.step
        if isinstance(step, ExpectStep):
            for check in result.checks:
                if not check.passed:
                    lines.append(_check_line("failure_check", check, number=step.number,
                                             order=step.order or ""))
        else:
            what = describe_step(step, result.now).strip().split(". ", 1)[-1]
            lines.append(text("failure", number=step.number, what=what,
                              problem=problem_text(result)))
    return lines


def transcript(report: Report) -> str:
    """The readable transcript of a run: set-up, every step, and the result."""
    sc = report.scenario
    overrides = ""
    if sc.rules:
        overrides = text("overrides", items=", ".join(f"{k} = {v}" for k, v in sc.rules.items()))
    lines = [text("scenario", path=sc.path, title=localized(sc.title))]
    if sc.description:
        lines.extend(textwrap.wrap(" ".join(localized(sc.description).split()), width=96,
                                   initial_indent="  ", subsequent_indent="  "))
    lines.append(text("setup", policy=sc.policy, start=iso(to_ts(sc.start)), overrides=overrides))
    for event in report.setup_events:
        due = event.data.get("due")
        lines.append(text("order_line", id=event.order, title=event.data["title"],
                          price=fmt_money(event.data["price"]),
                          days=day_count(event.data["delivery_days"]),
                          status=_word("status_word", event.data["status"]),
                          due=text("due", due=due) if due else ""))
    for result in report.results:
        lines.extend(describe_result(result))
    checks = sum(len(r.checks) for r in report.results)
    if report.passed:
        lines.append(text("result_pass", steps=len(report.results), checks=checks))
    else:
        lines.extend(describe_failures(report))
        lines.append(text("result_fail", failed=len(report.failures), steps=len(report.results)))
    return "\n".join(lines)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(to_ts(value))
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _event_json(event: EventView) -> dict[str, Any]:
    return {"seq": event.seq, "at": iso(to_ts(event.at)), "type": event.type,
            "order": event.order, "actor": event.actor, "data": _jsonable(event.data)}


def report_json(report: Report) -> dict[str, Any]:
    """The run as plain data: the same content as the transcript, for machines."""
    sc = report.scenario
    steps = []
    for result in report.results:
        step = result.step
        entry: dict[str, Any] = {"number": step.number, "kind": step.kind,
                                 "note": localized(step.note) if step.note else None,
                                 "passed": result.passed, "now": iso(to_ts(result.now))}
        if isinstance(step, ActionStep):
            entry.update(actor=step.actor, action=step.action, order=step.order,
                         fields=dict(step.fields), fails=step.fails, error=step.error)
        elif isinstance(step, AdvanceStep):
            entry["advance"] = step.by
        elif isinstance(step, UntilStep):
            entry["until"] = iso(to_ts(step.instant))
        elif isinstance(step, UndoStep):
            entry["undo"] = step.count
            entry["taken_back"] = [{"number": h.number, "record": _jsonable(h.record)}
                                   for h in result.taken_back]
        elif isinstance(step, ExpectStep):
            entry["order"] = step.order
        entry["events"] = [_event_json(e) for e in result.events]
        entry["refusal"] = (None if result.refusal is None else
                            {"code": result.refusal.code, "message": refusal_text(result.refusal)})
        if isinstance(step, ExpectStep):
            entry["checks"] = [{"key": c.key, "expected": c.expected, "found": c.found,
                                "passed": c.passed} for c in result.checks]
        entry["problem"] = result.problem
        steps.append(entry)
    return {
        "file": sc.path, "title": localized(sc.title),
        "description": localized(sc.description) if sc.description else None, "policy": sc.policy,
        "start": iso(to_ts(sc.start)), "rules": dict(sc.rules), "passed": report.passed,
        "failed_steps": [r.number for r in report.failures],
        "setup": [_event_json(e) for e in report.setup_events], "steps": steps,
    }
