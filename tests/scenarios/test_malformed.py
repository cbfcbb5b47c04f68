"""Every malformed scenario file in the categories of issue 8, items 11 to 14, is refused at
validation: exit status 2, the file, the step (or order, or [rules]) and the key named, nothing
run, and never a traceback.

The table below is the list; each row runs through `tui.run.main` with captured output,
and a few through the installed `rcsim run` as a real process.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from rcsim.engine.scenario import ScenarioError, load
from rcsim.tui.cli.run import main

ROOT = Path(__file__).resolve().parents[2]
RCSIM = Path(sys.executable).with_name("rcsim")

HEADER = '''
title = "A malformed scenario"
start = "2026-03-02T09:00:00Z"

[[orders]]
id = "FO-1"
title = "Logo design"
price = 120
delivery_days = 3
'''

STEP = '''
[[steps]]
advance = "1h"
'''

BIG = "9" * 5000  # more digits than Python reads into an integer by default (4,300)


def nested(depth: int, inner: str = "1", open_: str = "[", close: str = "]") -> str:
    return open_ * depth + inner + close * depth


@dataclass(frozen=True)
class Case:
    """A file (HEADER + body, or `whole` as it is), and where the error must point."""

    name: str
    body: str
    code: str
    key: str | None
    step: int | None = None
    order: int | None = None
    rules: bool = False
    words: tuple[str, ...] = ()
    whole: bool = False  # the body is the whole file (no HEADER)

    def text(self) -> str:
        body = textwrap.dedent(self.body)
        return body if self.whole else textwrap.dedent(HEADER) + body


def top(extra: str, start: str = '"2026-03-02T09:00:00Z"') -> str:
    """A whole file whose top-level keys are under test (orders and steps valid)."""
    return (f'title = "Top"\nstart = {start}\n{extra}\n'
            'orders = [{ id = "FO-1", title = "x", price = 1, delivery_days = 1 }]\n'
            'steps = [{ advance = "1h" }]\n')


def action(actor: str, act: str, fields: str = "", fails: bool = False) -> str:
    return (f'[[steps]]\nactor = "{actor}"\naction = "{act}"\norder = "FO-1"\n{fields}\n'
            + ("fails = true\n" if fails else ""))


FREELANCER_CODES = ("buyer_unresponsive, out_of_scope, cannot_complete, buyer_asked, "
                    "duplicate_order, other")
BUYER_CODES = "freelancer_unresponsive, late, not_as_described, no_longer_needed, other"

CASES = [
    # ---- item 11: reasons are codes; unknown keys name the key probably meant
    Case("reason given as its English label", action("freelancer", "ask_to_cancel",
         'reason = "Other"'), "unknown_reason", "reason", step=1,
         words=("'Other' is not a reason code for 'freelancer', which is the label of 'other'",
                f"(the codes for 'freelancer' are: {FREELANCER_CODES})")),
    Case("reason given as its German label", action("buyer", "ask_to_cancel",
         'comment = "x"\nreason = "Wird nicht mehr benötigt"'), "unknown_reason", "reason",
         step=1, words=("which is the label of 'no_longer_needed'", BUYER_CODES)),
    Case("reason with a typo", action("buyer", "ask_to_cancel",
         'comment = "x"\nreason = "no_longer_neded"'), "unknown_reason", "reason", step=1,
         words=("did you mean 'no_longer_needed'?", BUYER_CODES)),
    Case("reason of no party, even in a fails step", action("freelancer", "ask_to_cancel",
         'reason = "bored"', fails=True), "unknown_reason", "reason", step=1,
         words=(FREELANCER_CODES,)),
    Case("reason that is not a text", action("freelancer", "ask_to_cancel", "reason = 3"),
         "unknown_reason", "reason", step=1, words=("3 is not a reason code",)),
    Case("reason of an overridden list", '[rules]\nreasons = { buyer = ["why"], '
         'freelancer = ["because"] }\n' + action("freelancer", "ask_to_cancel",
                                                  'reason = "other"'),
         "unknown_reason", "reason", step=1, words=("(the codes for 'freelancer' are: because)",)),
    Case("acter instead of actor", '[[steps]]\nacter = "buyer"\naction = "request_update"\n'
         'order = "FO-1"\n', "unknown_step_key", "acter", step=1,
         words=("is an unknown key, did you mean 'actor'?",)),
    Case("acter on a step with no action", '[[steps]]\nacter = "buyer"\norder = "FO-1"\n',
         "unknown_step_key", "acter", step=1, words=("did you mean 'actor'?",)),
    Case("advnce instead of advance", STEP + '[[steps]]\nadvnce = "1h"\n', "unknown_step_key",
         "advnce", step=2, words=("did you mean 'advance'?",)),
    Case("a misspelt field", action("buyer", "ask_to_cancel", 'coment = "x"', fails=True),
         "unknown_step_key", "coment", step=1, words=("did you mean 'comment'?",)),
    Case("a misspelt actor", action("buyr", "request_update"), "choice", "actor", step=1,
         words=("did you mean 'buyer'?",)),
    Case("a misspelt action", action("buyer", "ask_to_cancle", fails=True), "unknown_action",
         "action", step=1, words=("did you mean 'ask_to_cancel'?",)),
    Case("a misspelt clock step key", '[[steps]]\nadvance = "1h"\nnotes = "x"\n',
         "unknown_step_key", "notes", step=1, words=("did you mean 'note'?",)),
    Case("a misspelt expect key", '[[steps]]\nexpect = { order = "FO-1", stauts = "late" }\n',
         "unknown_expect", "expect.stauts", step=1, words=("did you mean 'status'?",)),
    Case("a misspelt inbox party", '[[steps]]\nexpect = { order = "FO-1", '
         'inbox = { buyr = "x" } }\n', "unknown_step_key", "expect.inbox.buyr", step=1,
         words=("did you mean 'buyer'?",)),
    Case("a misspelt order key", '[[orders]]\nid = "FO-2"\ntitle = "x"\nprise = 3\n'
         'delivery_days = 1\n' + STEP, "unknown_step_key", "prise", order=2,
         words=("did you mean 'price'?",)),
    Case("a misspelt top-level key", top('titel = "x"'), "unknown_top", "titel",
         words=("did you mean 'title'?",), whole=True),
    Case("a misspelt rule", '[rules]\nvery_late = 48\n' + STEP, "unknown_rule", "very_late",
         rules=True, words=("did you mean 'very_late_hours'?",)),

    # ---- item 12: absurd numbers, deep nesting, instants outside the calendar or the clock
    Case("a 5,000-digit duration", f'[[steps]]\nadvance = "{BIG}h"\n', "refused_by_engine",
         "advance", step=1, words=("The simulated clock stops at 9989-12-31T23:59:59Z",)),
    Case("a duration past the clock's end", '[[steps]]\nadvance = "9999999999h"\n',
         "advance_past_clock_end", "advance", step=1,
         words=("goes past its end (9989-12-31T23:59:59Z)",)),
    Case("durations adding up past the clock's end", STEP + '[[steps]]\nadvance = "2900000d"\n'
         '[[steps]]\nadvance = "next"\n[[steps]]\nadvance = "100000d"\n',
         "advance_past_clock_end", "advance", step=4),
    Case("a 5,000-digit price", f'[[orders]]\nid = "FO-2"\ntitle = "x"\nprice = {BIG}\n'
         'delivery_days = 1\n' + STEP, "too_large", "price", order=2,
         words=("at most 15 digits",)),
    Case("a 20-digit price", '[[orders]]\nid = "FO-2"\ntitle = "x"\nprice = 1' + "0" * 19
         + '\ndelivery_days = 1\n' + STEP, "too_large", "price", order=2),
    Case("a price of 1e300", '[[orders]]\nid = "FO-2"\ntitle = "x"\nprice = 1e300\n'
         'delivery_days = 1\n' + STEP, "too_large", "price", order=2),
    Case("a price of inf", '[[orders]]\nid = "FO-2"\ntitle = "x"\nprice = inf\n'
         'delivery_days = 1\n' + STEP, "not_finite", "price", order=2),
    Case("a price of nan", '[[orders]]\nid = "FO-2"\ntitle = "x"\nprice = nan\n'
         'delivery_days = 1\n' + STEP, "not_finite", "price", order=2),
    Case("a 5,000-digit delivery_days", f'[[orders]]\nid = "FO-2"\ntitle = "x"\nprice = 1\n'
         f'delivery_days = {BIG}\n' + STEP, "too_large", "delivery_days", order=2),
    Case("a negative 5,000-digit delivery_days", f'[[orders]]\nid = "FO-2"\ntitle = "x"\n'
         f'price = 1\ndelivery_days = -{BIG}\n' + STEP, "too_large", "delivery_days", order=2),
    Case("a 5,000-digit days in a fails step", action("freelancer", "request_extension",
         f"days = {BIG}", fails=True), "too_large", "days", step=1),
    Case("a 5,000-digit days in an inline step", 'title = "Inline"\n'
         'start = "2026-03-02T09:00:00Z"\n'
         'orders = [{ id = "FO-1", title = "x", price = 1, delivery_days = 1 }]\n'
         f'steps = [{{ advance = "1h" }}, {{ actor = "freelancer", action = "request_extension", '
         f'order = "FO-1", days = {BIG} }}]\n', "too_large", "days", step=2, whole=True),
    Case("a 5,000-digit extra price", action("freelancer", "request_extension",
         f"days = 1\nextra_price = {BIG}\nextra_description = \"x\""), "too_large",
         "extra_price", step=1),
    Case("a 5,000-digit hexadecimal number", action("freelancer", "request_extension",
         "days = 0x" + "f" * 5000, fails=True), "too_large", "days", step=1),
    Case("a 5,000-digit count", f'[[steps]]\nexpect = {{ order = "FO-1", '
         f'open_requests = {BIG} }}\n', "too_large", "expect.open_requests", step=1),
    Case("a 5,000-digit rule", f'[rules]\nvery_late_hours = {BIG}\n' + STEP, "too_large",
         "very_late_hours", rules=True),
    Case("arrays nested 5,000 deep in a step", '[[steps]]\nadvance = "1h"\n'
         f'note = {nested(5000)}\n', "too_deep", "note", step=1,
         words=("is nested more than 20 levels deep",)),
    Case("arrays nested 5,000 deep over many lines", STEP + '[[steps]]\nadvance = "1h"\n'
         'note = [\n' + "[\n" * 5000 + "1" + "]\n" * 5000 + ']\n', "too_deep", "note", step=2),
    Case("inline tables nested 1,000 deep", '[[steps]]\nexpect = '
         + nested(1000, "1", "{a = ", "}") + '\n', "too_deep", "expect.a.a", step=1),
    Case("arrays nested 5,000 deep at the top", top(f"extra = {nested(5000)}"), "too_deep",
         "extra", whole=True),
    Case("arrays nested 5,000 deep in the rules", f'[rules]\nreasons = {nested(5000)}\n' + STEP,
         "too_deep", "reasons", rules=True),
    Case("a dotted key 5,000 deep", '[[steps]]\nexpect.' + ".".join(["a"] * 5000) + ' = 1\n',
         "too_deep", "expect.a.a", step=1),
    Case("an until before the year 1 in UTC", '[[steps]]\nuntil = "0001-01-01T00:00:00+05:00"\n',
         "refused_by_engine", "until", step=1, words=("lies outside the calendar",)),
    Case("an until before the year 1 as a TOML date-time",
         "[[steps]]\nuntil = 0001-01-01T00:00:00+05:00\n", "refused_by_engine", "until",
         step=1, words=("lies outside the calendar",)),
    Case("an until after 9999 in UTC", '[[steps]]\nuntil = "9999-12-31T23:00:00-05:00"\n',
         "refused_by_engine", "until", step=1, words=("lies outside the calendar",)),
    Case("an until as a TOML date-time after 9999 in UTC",
         "[[steps]]\nuntil = 9999-12-31T23:00:00-05:00\n", "refused_by_engine", "until", step=1),
    Case("an until in the year 10000", '[[steps]]\nuntil = "10000-01-01T00:00:00Z"\n',
         "refused_by_engine", "until", step=1, words=("is not an instant",)),
    Case("an until past the clock's end", STEP + '[[steps]]\nuntil = "9995-01-01T00:00:00Z"\n',
         "past_clock_end", "until", step=2,
         words=("9995-01-01T00:00:00Z is after the end of the simulated clock",)),
    Case("an until past the clock's end after next", '[[steps]]\nadvance = "next"\n'
         '[[steps]]\nuntil = "9990-01-01T00:00:00Z"\n', "past_clock_end", "until", step=2),
    Case("an until before the clock after next", STEP + '[[steps]]\nadvance = "next"\n'
         '[[steps]]\nuntil = "2026-03-02T09:30:00Z"\n', "backwards", "until", step=3),
    Case("a start past the clock's end", top("", '"9995-01-01T00:00:00Z"'), "past_clock_end",
         "start", whole=True),
    Case("a start before the year 1", top("", "0001-01-01T00:00:00+01:00"), "refused_by_engine",
         "start", whole=True, words=("lies outside the calendar",)),
    Case("a start that is a date only", top("", "2026-03-02"), "type", "start", whole=True),
    Case("a due after 9999 in UTC", '[[orders]]\nid = "FO-2"\ntitle = "x"\nprice = 1\n'
         'delivery_days = 1\ndue = "9999-12-31T23:00:00-05:00"\n' + STEP, "refused_by_engine",
         "due", order=2, words=("lies outside the calendar",)),
    Case("a due before the year 1", '[[orders]]\nid = "FO-2"\ntitle = "x"\nprice = 1\n'
         'delivery_days = 1\ndue = 0001-01-01T00:00:00+01:00\n' + STEP, "refused_by_engine",
         "due", order=2),
    Case("an expected now past the clock's end", '[[steps]]\nexpect = '
         '{ now = "9995-01-01T00:00:00Z" }\n', "past_clock_end", "expect.now", step=1),
    Case("an expected due outside the calendar", '[[steps]]\nexpect = { order = "FO-1", '
         'due = "9999-12-31T23:00:00-05:00" }\n', "refused_by_engine", "expect.due", step=1),

    # ---- item 14: rule overrides stay inside RULES.md Part 1
    Case("very_late_hours of 0", '[rules]\nvery_late_hours = 0\n' + STEP, "refused_by_engine",
         "very_late_hours", rules=True, words=("from 1 to 87600, not 0",)),
    Case("an action given to the other party", '[rules.actions]\n' + "\n".join(
         f'{a} = {{ {p} = {{ while = ["in_progress"], fields = {{}} }} }}' for a, p in (
             ("submit_requirements", "buyer"), ("deliver", "buyer"), ("accept_delivery", "buyer"),
             ("request_revision", "buyer"), ("cancel_order", "buyer"),
             ("request_update", "buyer"), ("ask_to_cancel", "buyer"),
             ("request_extension", "freelancer")))
         + '\nrespond_update = { responder = { fields = {} } }\n'
         'accept = { responder = { fields = {} } }\ndecline = { responder = { fields = {} } }\n'
         'withdraw = { requester = { fields = {} } }\n' + STEP, "refused_by_engine", "actions",
         rules=True, words=("actions.deliver.buyer is not allowed",
                            "the buyer can never act as the freelancer")),
    Case("an answer given to the requester", '[rules.actions]\n' + "\n".join(
         f'{a} = {{ {p} = {{ while = ["in_progress"], fields = {{}} }} }}' for a, p in (
             ("submit_requirements", "buyer"), ("deliver", "freelancer"),
             ("accept_delivery", "buyer"), ("request_revision", "buyer"),
             ("cancel_order", "buyer"), ("request_update", "buyer"), ("ask_to_cancel", "buyer"),
             ("request_extension", "freelancer")))
         + '\nrespond_update = { responder = { fields = {} } }\n'
         'accept = { requester = { fields = {} } }\ndecline = { responder = { fields = {} } }\n'
         'withdraw = { requester = { fields = {} } }\n' + STEP, "refused_by_engine", "actions",
         rules=True, words=("actions.accept.requester is not allowed",)),
    Case("an action that is not a table", '[rules]\nactions = { deliver = 1 }\n' + STEP,
         "refused_by_engine", "actions", rules=True, words=("actions must describe exactly",)),
]


def write(tmp_path: Path, case: Case) -> Path:
    path = tmp_path / "malformed.toml"
    path.write_text(case.text(), encoding="utf-8")
    return path


def location(path: Path, case: Case) -> list[str]:
    """The parts of the message that say where: file, step / order / [rules], key."""
    parts = [f"{path}: "]
    if case.step is not None:
        parts.append(f": step {case.step}: ")
    if case.order is not None:
        parts.append(f": order {case.order}")  # and the order's id, when it has one
    if case.rules:
        parts.append(": [rules]: ")
    if case.key is not None:
        parts.append(f": key {case.key!r}: ")
    return parts


def assert_names_where(message: str, path: Path, case: Case) -> None:
    """The file, the step (order, [rules]) and the key, in this order, in the message."""
    position = 0
    for part in location(path, case):
        found = message.find(part, max(0, position - 2))
        assert found >= 0, f"{part!r} is not named (in order) in: {message}"
        position = found + len(part)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_malformed_file_exits_2_naming_file_step_and_key(tmp_path: Path, case: Case) -> None:
    path = write(tmp_path, case)
    with pytest.raises(ScenarioError) as caught:
        load(path)
    error = caught.value
    assert (error.code, error.key, error.step, error.order) == (
        case.code, case.key, case.step, case.order), str(error)
    out, err = io.StringIO(), io.StringIO()
    assert main([str(path)], stdout=out, stderr=err) == 2
    assert out.getvalue() == ""  # nothing was run
    message = err.getvalue()
    assert "Traceback" not in message
    assert_names_where(message, path, case)
    for words in case.words:
        assert words in message, message
    assert len(message) < 2000  # a 5,000-digit number or a deep list is never echoed whole


@pytest.mark.parametrize("case", [c for c in CASES if c.name in (
    "reason given as its English label", "a 5,000-digit duration", "a 5,000-digit price",
    "arrays nested 5,000 deep in a step", "inline tables nested 1,000 deep",
    "an until before the year 1 in UTC", "a due after 9999 in UTC",
    "an action given to the other party")], ids=lambda c: c.name)
def test_through_the_installed_command(tmp_path: Path, case: Case) -> None:
    command = str(RCSIM) if RCSIM.exists() else shutil.which("rcsim")
    if command is None:
        pytest.skip("the rcsim console script is not installed in this environment")
    path = write(tmp_path, case)
    result = subprocess.run([command, "run", str(path)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr
    assert_names_where(result.stderr, path, case)


def test_the_messages_read_in_german_too(tmp_path: Path) -> None:
    from rcsim.tui.words import i18n

    for case in CASES:
        path = write(tmp_path, case)
        err = io.StringIO()
        assert main([str(path), "--lang", "de"], stdout=io.StringIO(), stderr=err) == 2
        assert "Schritt" in err.getvalue() or "Auftrag" in err.getvalue() \
            or "Schlüssel" in err.getvalue(), err.getvalue()
    assert not i18n.missing_keys


# ---- what stays allowed


def test_a_long_number_inside_a_text_is_just_text(write) -> None:
    path = write(f'[[steps]]\nadvance = "1h"\nnote = "{BIG}"\n')
    assert load(path).steps[0].note == BIG


def test_a_fails_step_may_give_the_other_partys_reason_to_show_it_is_refused(write) -> None:
    path = write('''
        [[steps]]
        actor = "freelancer"
        action = "ask_to_cancel"
        order = "FO-1"
        reason = "no_longer_needed"
        fails = true
        error = "unknown_reason"
        ''')
    assert main([str(path)], stdout=io.StringIO(), stderr=io.StringIO()) == 0


def test_nesting_and_numbers_a_scenario_needs_are_fine(write) -> None:
    path = write('''
        [rules]
        comment_max_chars = 1000000
        extension_days_max = 3650
        [rules.reasons]
        buyer = ["why"]
        freelancer = ["because"]

        [[steps]]
        actor = "freelancer"
        action = "request_extension"
        order = "FO-1"
        days = 3650
        extra_price = 999999999999.99
        extra_description = "A lot"
        ''')
    assert main([str(path)], stdout=io.StringIO(), stderr=io.StringIO()) == 0


def test_an_extension_past_the_calendar_is_a_refusal_a_scenario_can_expect(write) -> None:
    path = write('''
        [[orders]]
        id = "FO-2"
        title = "The last order"
        price = 10
        delivery_days = 1
        due = "9999-12-20T00:00:00Z"

        [[steps]]
        actor = "freelancer"
        action = "request_extension"
        order = "FO-2"
        days = 29
        fails = true
        error = "extension_past_calendar"

        [[steps]]
        actor = "freelancer"
        action = "request_extension"
        order = "FO-2"
        days = 11

        [[steps]]
        actor = "buyer"
        action = "accept"
        order = "FO-2"

        [[steps]]
        expect = { order = "FO-2", due = "9999-12-31T00:00:00Z" }
        ''')
    out = io.StringIO()
    assert main([str(path)], stdout=out, stderr=io.StringIO()) == 0, out.getvalue()
