"""Every answer and every timeout says what was answered and what happens next, in both languages.

One case per answer and request type (and per timeout outcome): the sentence the event log and
the other party's notice show, in English and in German, word for word.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest

from rcsim.engine import EventView, Simulation
from rcsim.tui.words import i18n
from rcsim.tui.words.describe import describe_event

START = "2026-03-02T09:00:00Z"  # FO-1 is due Mar 5, 2026 9:00 AM


def _order(policy: str = "seed") -> Simulation:
    sim = Simulation.create(start=START, policy=policy)
    sim.add_order("FO-1", "Logo design", 120, 3)
    return sim


def respond_update() -> EventView:
    sim = _order()
    sim.act("buyer", "request_update", "FO-1")
    return sim.act("freelancer", "respond_update", "FO-1", comment="Sketches attached.")[-1]


def withdraw_update() -> EventView:
    sim = _order()
    sim.act("buyer", "request_update", "FO-1")
    return sim.act("buyer", "withdraw", "FO-1")[-1]


def timeout_update() -> EventView:
    sim = _order()
    sim.act("buyer", "request_update", "FO-1")
    return sim.advance("2d")[-1]


def accept_cancellation() -> EventView:
    sim = _order()
    sim.act("buyer", "ask_to_cancel", "FO-1", comment="Dropped.")
    return sim.act("freelancer", "accept", "FO-1")[-1]


def decline_cancellation() -> EventView:
    sim = _order()
    sim.act("freelancer", "ask_to_cancel", "FO-1", reason="cannot_complete")
    return sim.act("buyer", "decline", "FO-1")[-1]


def withdraw_cancellation() -> EventView:
    sim = _order()
    sim.act("buyer", "ask_to_cancel", "FO-1", comment="Dropped.")
    return sim.act("buyer", "withdraw", "FO-1")[-1]


def timeout_cancellation() -> EventView:
    sim = _order()
    sim.act("freelancer", "ask_to_cancel", "FO-1", reason="cannot_complete")
    return sim.advance("2d")[-1]


def accept_extension() -> EventView:
    sim = _order()
    sim.act("freelancer", "request_extension", "FO-1", days=2)
    return sim.act("buyer", "accept", "FO-1")[-1]


def accept_extension_with_extras() -> EventView:
    sim = _order()
    sim.act("freelancer", "request_extension", "FO-1", days=1, extra_price=25,
            extra_description="Two more sketches")
    return sim.act("buyer", "accept", "FO-1")[-1]


def decline_extension() -> EventView:
    sim = _order()
    sim.act("freelancer", "request_extension", "FO-1", days=2)
    return sim.act("buyer", "decline", "FO-1")[-1]


def withdraw_extension() -> EventView:
    sim = _order()
    sim.act("freelancer", "request_extension", "FO-1", days=2)
    return sim.act("freelancer", "withdraw", "FO-1")[-1]


def timeout_extension_seed() -> EventView:
    sim = _order("seed")
    sim.act("freelancer", "request_extension", "FO-1", days=2)
    return sim.advance("4d")[-1]


def timeout_extension_current() -> EventView:
    sim = _order("current")
    sim.act("freelancer", "request_extension", "FO-1", days=2)
    return sim.advance("2d")[-1]


CASES: list[tuple[Callable[[], EventView], str, str]] = [
    (respond_update,
     "The freelancer answered the buyer's order update request on FO-1: the request is closed "
     "and the order carries on.",
     "Der Freelancer hat die Anfrage des Kunden nach einem Auftragsupdate zu FO-1 beantwortet: "
     "Die Anfrage ist geschlossen, und der Auftrag läuft weiter."),
    (withdraw_update,
     "The buyer withdrew the order update request on FO-1: the request is closed and the order "
     "carries on.",
     "Der Kunde hat die Anfrage nach einem Auftragsupdate zu FO-1 zurückgezogen: Die Anfrage ist "
     "geschlossen, und der Auftrag läuft weiter."),
    (timeout_update,
     "The freelancer did not answer the buyer's order update request on FO-1 in time: the request "
     "expired and the order keeps its status.",
     "Der Freelancer hat nicht rechtzeitig auf die Anfrage des Kunden nach einem Auftragsupdate "
     "zu FO-1 geantwortet: Die Anfrage ist abgelaufen, und der Auftrag behält seinen Status."),
    (accept_cancellation,
     "The freelancer accepted the buyer's cancellation request on FO-1: the order is cancelled "
     "(mutual cancellation).",
     "Der Freelancer hat die Stornierungsanfrage des Kunden zu FO-1 angenommen: Der Auftrag ist "
     "storniert (Einvernehmliche Stornierung)."),
    (decline_cancellation,
     "The buyer declined the freelancer's cancellation request on FO-1: the order carries on. "
     "The next step would be Customer Support, outside the Resolution Center.",
     "Der Kunde hat die Stornierungsanfrage des Freelancers zu FO-1 abgelehnt: Der Auftrag läuft "
     "weiter. Der nächste Schritt wäre der Kundensupport, außerhalb des Lösungscenters."),
    (withdraw_cancellation,
     "The buyer withdrew the cancellation request on FO-1: the order carries on.",
     "Der Kunde hat die Stornierungsanfrage zu FO-1 zurückgezogen: Der Auftrag läuft weiter."),
    (timeout_cancellation,
     "The buyer did not answer the freelancer's cancellation request on FO-1 in time: the order "
     "was cancelled automatically and marked as a mutual cancellation.",
     "Der Kunde hat nicht rechtzeitig auf die Stornierungsanfrage des Freelancers zu FO-1 "
     "geantwortet: Der Auftrag wurde automatisch storniert und als „Einvernehmliche Stornierung“ "
     "gekennzeichnet."),
    (accept_extension,
     "The buyer accepted the freelancer's delivery extension request on FO-1: the delivery date "
     "moves to Mar 7, 2026 9:00 AM.",
     "Der Kunde hat die Anfrage des Freelancers zur Verlängerung der Lieferfrist von FO-1 "
     "angenommen: Das neue Lieferdatum ist 07.03.2026 09:00."),
    (accept_extension_with_extras,
     "The buyer accepted the freelancer's delivery extension request on FO-1: the delivery date "
     "moves to Mar 6, 2026 9:00 AM and the extras ($25.00) are added to the total.",
     "Der Kunde hat die Anfrage des Freelancers zur Verlängerung der Lieferfrist von FO-1 "
     "angenommen: Das neue Lieferdatum ist 06.03.2026 09:00, und die Extras (25,00\u00a0$) kommen "
     "zum Gesamtpreis hinzu."),
    (decline_extension,
     "The buyer declined the freelancer's delivery extension request on FO-1: the delivery date "
     "stays Mar 5, 2026 9:00 AM.",
     "Der Kunde hat die Anfrage des Freelancers zur Verlängerung der Lieferfrist von FO-1 "
     "abgelehnt: Das Lieferdatum bleibt 05.03.2026 09:00."),
    (withdraw_extension,
     "The freelancer withdrew the delivery extension request on FO-1: the delivery date stays "
     "Mar 5, 2026 9:00 AM.",
     "Der Freelancer hat die Anfrage zur Verlängerung der Lieferfrist von FO-1 zurückgezogen: "
     "Das Lieferdatum bleibt 05.03.2026 09:00."),
    (timeout_extension_seed,
     "The buyer did not answer the freelancer's delivery extension request on FO-1 in time: the "
     "request expired, the order keeps its status and the delivery date stays Mar 5, 2026 9:00 AM.",
     "Der Kunde hat nicht rechtzeitig auf die Anfrage des Freelancers zur Verlängerung der "
     "Lieferfrist von FO-1 geantwortet: Die Anfrage ist abgelaufen, der Auftrag behält seinen "
     "Status, und das Lieferdatum bleibt 05.03.2026 09:00."),
    (timeout_extension_current,
     "The buyer did not answer the freelancer's delivery extension request on FO-1 in time: the "
     "request was accepted automatically and the delivery date moves to Mar 7, 2026 9:00 AM.",
     "Der Kunde hat nicht rechtzeitig auf die Anfrage des Freelancers zur Verlängerung der "
     "Lieferfrist von FO-1 geantwortet: Die Anfrage wurde automatisch angenommen; das neue "
     "Lieferdatum ist 07.03.2026 09:00."),
]


@pytest.fixture
def language():
    """`language("de")`: the rest of the test speaks German (the context's language goes back
    to what it was when the test ends)."""
    with contextlib.ExitStack() as stack:
        yield lambda lang: stack.enter_context(i18n.using(lang))


@pytest.mark.parametrize(("make", "english", "german"), CASES, ids=[c[0].__name__ for c in CASES])
def test_an_answer_says_what_was_answered_and_what_happens_next(make, english, german, language):
    event = make()
    language("en")
    assert describe_event(event) == english  # the app's log and notices, and rcsim run
    language("de")
    assert describe_event(event) == german


def test_answers_carry_the_facts_their_sentences_need():
    assert accept_cancellation().data["requester"] == "buyer"
    assert timeout_cancellation().data["requester"] == "freelancer"
    event = accept_extension_with_extras()
    assert (event.data["due"], event.data["extras_added"]) == ("2026-03-06T09:00:00Z", 2500)
    event = decline_extension()
    assert (event.data["due"], event.data["extras_added"]) == ("2026-03-05T09:00:00Z", 0)
    assert timeout_extension_seed().data["due"] == "2026-03-05T09:00:00Z"


def test_an_event_from_an_older_file_gets_the_plain_sentence(language):
    """Events stored before answers named their requester and the delivery date."""
    old = EventView(9, accept_extension().at, "accept", "FO-1", "buyer",
                    {"request": "R-1", "request_type": "extension", "effect": "due_moved"})
    language("en")
    assert describe_event(old) == "The buyer accepted the delivery extension request on FO-1."
    timeout = EventView(9, old.at, "timeout", "FO-1", "system",
                        {"request": "R-1", "request_type": "cancellation", "effect": "cancelled",
                         "outcome": "expired"})
    assert describe_event(timeout) == "Nobody answered the cancellation request on FO-1 in time."
    language("de")
    assert describe_event(timeout) == (
        "Auf die Stornierungsanfrage zu FO-1 hat niemand rechtzeitig geantwortet.")
