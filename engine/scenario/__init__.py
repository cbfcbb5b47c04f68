"""Scenario files: a TOML story with expectations, loaded and validated, then played on a simulation.

A scenario file (TOML, read with the standard library's ``tomllib``) tells one story on a fresh,
in-memory simulation and says what must hold along the way::

    title = "Buyer asks to cancel; the freelancer never answers"   # required
    description = "Shown while presenting."                        # optional
    start = "2026-03-02T09:00:00Z"                                 # required, UTC
    policy = "seed"                                                # optional: seed | current

    [rules]                            # optional overrides, named as in data/rules.json
    cancellation_response_hours = 72

    [[orders]]                         # id, title, price (USD), delivery_days; optional
    id = "FO-1001"                     # status (incomplete | in_progress | delivered)
    title = "Logo design"              # and due (an instant)
    price = 120
    delivery_days = 3

    [[steps]]                          # each step is exactly one of five kinds:
    actor = "buyer"                    # 1. an action: actor, action, order and the
    action = "ask_to_cancel"           #    action's fields (comment, reason, days,
    order = "FO-1001"                  #    extra_price, extra_description; request);
    comment = "Sorry, the project was dropped."
    # fails = true; error = "..."      #    `fails = true`: must be refused (`error`: the
                                       #    refusal's code, or a part of its message)
    [[steps]]
    advance = "47h59m"                 # 2. a clock move by a duration, or "next"
    [[steps]]
    until = "2026-03-04T09:00:00Z"     # 3. a clock move to an instant
    [[steps]]                          # 4. expectations on one order
    expect = { order = "FO-1001", status = "cancelled", cancellation = "mutual" }
    note = "Any step may carry a note: narration shown while presenting."
    [[steps]]
    undo = 2                           # 5. take back the last 2 steps of the simulation

``expect`` keys: ``order`` (required unless only ``now`` is checked), ``status``, ``late``,
``very_late``, ``request`` (state of the order's latest request or ``none``), ``request_type``,
``cancellation`` (``mutual``, ``direct`` or ``none``), ``due`` and ``now`` (instants; ``due`` may
be ``none``), ``open_requests`` (a count) and ``inbox = { buyer = "text", freelancer = "text" }``
(that party received a message on this order containing the text).

Unknown keys are errors everywhere (a typo never passes silently), named with the key they
probably meant; an action step must give the fields its party's form requires unless it is
marked ``fails = true``. A ``reason`` is one of the actor's reason codes (a ``fails`` step may
give the other party's). Numbers are finite with at most MAX_DIGITS digits, nothing nests deeper
than MAX_DEPTH, every instant has a UTC date, and no instant or ``advance`` takes the clock past
its end (timeutil.CLOCK_LIMIT).

A file is validated completely before anything runs (``load``): a bad file raises
``ScenarioError`` naming the file, the step (or order) and the key, and what is wrong, as a code
and plain parameters (``tui.report.error_text`` says it in words). ``Player(scenario)`` then plays
it on a fresh in-memory ``Simulation``, one ``step()`` at a time (for an app that presents it) or
all at once (``run()``); each ``StepResult`` holds the events fired with their simulated time, the
refusal, or each expectation's expected and found value.

The modules: ``steps`` (what a scenario is), ``toml_guard`` (what tomllib cannot read, defused),
``loader`` (validation), ``player`` (playing and checking). Saying it in words (the transcript of
``rcsim run``, its JSON, the presenter bar) is the app's: ``tui/words/report.py`` and ``tui/cli/run.py``.
"""

from .loader import ScenarioError, load, loads, parse
from .player import CheckResult, Player, Report, StepResult, play, refusal_matches
from .steps import (
    ACTION_KEYS,
    EXPECT_KEYS,
    MAX_DEPTH,
    MAX_DIGITS,
    NEXT,
    ORDER_KEYS,
    STEP_KINDS,
    TOP_KEYS,
    ActionStep,
    AdvanceStep,
    ExpectStep,
    OrderSpec,
    Scenario,
    Step,
    Text,
    UndoStep,
    UntilStep,
    in_language,
)

__all__ = [
    "ACTION_KEYS", "EXPECT_KEYS", "MAX_DEPTH", "MAX_DIGITS", "NEXT", "ORDER_KEYS", "STEP_KINDS",
    "TOP_KEYS", "ActionStep", "AdvanceStep", "CheckResult", "ExpectStep", "OrderSpec", "Player",
    "Report", "Scenario", "ScenarioError", "Step", "StepResult", "Text", "UndoStep", "UntilStep",
    "in_language", "load", "loads",
    "parse", "play", "refusal_matches",
]
