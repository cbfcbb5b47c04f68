"""The engine's views in words of the current language: events, deadlines, statuses, parties, durations.

The app's event log, notices and pages, the presenter bar and the scenario runner's transcript
say the same thing about an event, so the sentence is built once, here (no Textual: `rcsim run`
uses it too). Each event gets one sentence, from the "event.*" texts.

An answer or a timeout names the request it closed, whose request it was, and what happens
next, in the words of the rules: e.g. "The freelancer accepted the buyer's cancellation request
on FO-1001: the order is cancelled (mutual cancellation)." Parties are put into a sentence in the
case the sentence needs (German: "der Kunde", "des Kunden", "den Kunden"); each template picks
the form it needs from the parameters below.

An event recorded before the engine gave these facts (a simulation file from an older rcsim)
has no `requester` or `due`: it gets the plainer sentence of its action, never a wrong one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from rcsim.engine import (
    ANSWER_ACTIONS,
    OPENING_ACTIONS,
    PARTIES,
    DeadlineView,
    EventView,
    OrderView,
    RequestView,
    Rules,
)
from rcsim.engine import other_party as other
from rcsim.tui.words.i18n import fmt_datetime, fmt_money, has, label, language, t

OPENING = frozenset(OPENING_ACTIONS)
ANSWERS = frozenset(ANSWER_ACTIONS)

# Which answers have their own sentence for which request type; any other combination (a rules
# override could allow one) gets the plain sentence of its action.
SPECIFIC = {
    ("respond_update", "order_update"), ("accept", "cancellation"), ("accept", "extension"),
    ("decline", "cancellation"), ("decline", "extension"), ("withdraw", "order_update"),
    ("withdraw", "cancellation"), ("withdraw", "extension"),
}


def capitalized(text: str) -> str:
    """The text with its first letter upper-cased ("der Kunde" -> "Der Kunde"), the rest kept."""
    return text[:1].upper() + text[1:]


# A party's forms beyond the nominative, each a catalogue key `party.<party>.<form>`: German
# declines "der Kunde" (des Kunden, dem Kunden, den Kunden) and contracts "von dem" to "vom".
CASES = {"gen": "the_gen", "acc": "the_acc", "dat": "the_dat", "from": "from", "by": "by"}


def party_forms(role: str, party: str | None) -> Mapping[str, str]:
    """A party as a sentence needs it, under the role's name: `{role}` ("the buyer" / "der
    Kunde"), `{Role}` (the same, capitalised), `{role_gen}` ("the buyer's" / "des Kunden"),
    `{role_acc}` ("the buyer" / "den Kunden"), `{role_dat}` ("the buyer" / "dem Kunden"),
    `{role_from}` ("from the buyer" / "vom Kunden", where a thing comes from) and `{role_by}`
    ("by the buyer" / "vom Kunden", who did it). Empty texts for no party or the system. Asked
    for three times per event described: kept per language (a transcript describes thousands)."""
    return _party_forms(language(), role, party)


@lru_cache(maxsize=256)
def _party_forms(lang: str, role: str, party: str | None) -> Mapping[str, str]:
    if party not in PARTIES:
        return MappingProxyType({role: "", capitalized(role): "",
                                 **{f"{role}_{case}": "" for case in CASES}})
    the = t(f"party.{party}.the")
    return MappingProxyType({role: the, capitalized(role): capitalized(the),
                             **{f"{role}_{case}": t(f"party.{party}.{key}")
                                for case, key in CASES.items()}})


def day_count(days: int) -> str:
    """"1 day" / "3 days" ("1 Tag" / "3 Tage")."""
    return t("count.days.one" if days == 1 else "count.days.other", n=days)


def duration_words(seconds: int) -> str:
    """A duration in words, exact to the minute: "2 days", "1 day 23 hours 59 minutes"."""
    seconds = abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    for amount, unit in ((days, "days"), (hours, "hours"), (minutes, "minutes")):
        if amount:
            parts.append(t(f"count.{unit}.{'one' if amount == 1 else 'other'}", n=amount))
    return " ".join(parts) if parts else t("count.minutes.other", n=0)


def when(value: Any) -> str:
    """An instant (ISO text or datetime) in the language's short format; "" for none."""
    if isinstance(value, str):
        try:
            return fmt_datetime(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return value
    return fmt_datetime(value) if isinstance(value, datetime) else ""


def _params(event: EventView) -> dict[str, Any]:
    data = event.data
    rtype = data.get("request_type")
    days = data.get("days")
    extras = data.get("extras_added") or data.get("extra_price") or 0
    params: dict[str, Any] = {
        "order": event.order,
        "type": label("request_word", rtype) if rtype else "",
        "deadline": when(data.get("deadline")), "due": when(data.get("due")),
        "days": day_count(days) if isinstance(days, int) and not isinstance(days, bool) else "",
        "extras": fmt_money(extras) if isinstance(extras, int) else "",
        "status": label("status", data.get("status")) if data.get("status") else "",
    }
    params.update(party_forms("actor", event.actor))
    requester = data.get("requester")
    if requester is None and event.type in OPENING:
        requester = event.actor
    elif requester is None and event.type in ANSWERS:  # an event from before "requester"
        requester = event.actor if Rules.role_for(event.type, event.actor) == "requester" \
            else other(event.actor)
    params.update(party_forms("requester", requester))
    params.update(party_forms("responder", other(requester) if requester in PARTIES else None))
    return params


def _key(event: EventView, params: dict[str, Any]) -> str:
    data = event.data
    etype, rtype = event.type, data.get("request_type")
    has_extras = bool(data.get("extras_added") or data.get("extra_price"))
    knows_requester = bool(params["requester"])
    # an extension's sentence says what became of the delivery date: it needs that date
    knows_due = rtype != "extension" or bool(params["due"])
    if etype == "timeout":
        if not (knows_requester and knows_due) or rtype not in ("order_update", "cancellation",
                                                                 "extension"):
            return "event.timeout"
        if rtype == "extension":
            outcome = "accepted" if data.get("outcome") == "accepted" else "expired"
            return f"event.timeout.extension.{outcome}" + (
                ".extras" if outcome == "accepted" and has_extras else "")
        return f"event.timeout.{rtype}"
    if etype in ANSWERS:
        if (etype, rtype) in SPECIFIC and knows_requester and knows_due:
            key = f"event.{etype}.{rtype}"
            return key + ".extras" if etype == "accept" and rtype == "extension" and has_extras \
                else key
        return f"event.{etype}"
    if etype == "request_extension" and has_extras:
        return "event.request_extension.extras"
    return f"event.{etype}"


def describe_event(event: EventView) -> str:
    """One sentence about what happened, and for an answer or a timeout, what happens next."""
    params = _params(event)
    key = _key(event, params)
    if not has(key):
        return t("event.unknown", order=event.order, type=event.type)
    return t(key, **params)


# ------------------------------------------------------------------------------------ labels


def party_label(party: str) -> str:
    return t(f"party.{party}")


def the_party(party: str) -> str:
    """"the buyer" / "the freelancer", for sentences."""
    return t(f"party.{party}.the")


def reason_label(party: str, reason: str | None) -> str:
    return t(f"reason.{party}.{reason}") if reason else ""


def status_label(order: OrderView) -> str:
    """Base status with its lateness flag ("In progress (very late)")."""
    text = label("status", order.status)
    if order.very_late:
        return t("status.with_flag", status=text, flag=t("status.very_late"))
    if order.late:
        return t("status.with_flag", status=text, flag=t("status.late"))
    return text


def cancellation_label(order: OrderView) -> str:
    c = order.cancellation
    if not c:
        return ""
    if c.get("kind") == "direct":
        return t("cancellation.direct", **party_forms("initiator", c.get("initiator", "buyer")))
    return t(f"cancellation.mutual.{c.get('resolved_by', 'accept')}")


def describe_deadline(deadline: DeadlineView) -> str:
    """What a pending deadline will do."""
    rtype = label("request_word", deadline.request_type) if deadline.request_type else ""
    return t(f"deadline.{deadline.kind}.{deadline.outcome}", order=deadline.order, type=rtype)


def extras_text(request: RequestView) -> str:
    return t("page.request.extras", description=request.extra_description or "",
             price=fmt_money(request.extra_price))
