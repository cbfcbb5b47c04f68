"""Help shows this simulation's rules as they are: every rule value, overrides marked so."""

from __future__ import annotations

from textual.widgets import Static

from rcsim.engine import Simulation
from rcsim.engine.rules import load_policies
from rcsim.tui.app.screens.help import HelpScreen, rule_lines
from rcsim.tui.words import i18n

from .conftest import START, build_app, plain

OVERRIDES = {"cancellation_response_hours": 72, "very_late_hours": 48, "extension_timeout": "accept",
             "comment_max_chars": 300}


def _rules(**overrides) -> dict:
    return dict(Simulation.create(None, start=START, rules=overrides).rules.data)


def test_every_rule_has_words_in_both_languages() -> None:
    for policy, rules in load_policies().items():
        for rule in rules:
            if rule != "description":
                for language in ("en", "de"):
                    assert i18n.has(f"help.rules.name.{rule}", language), (policy, rule)
                    assert i18n.text(language, f"help.rules.name.{rule}") != \
                        i18n.text("en" if language == "de" else "de", f"help.rules.name.{rule}")


def test_every_rule_value_is_listed_and_only_overrides_are_marked() -> None:
    rules = _rules(**OVERRIDES)
    lines = rule_lines(rules)
    text = "\n".join(line for line, _ in lines)
    marked = [line for line, changed in lines if changed]
    assert marked == [
        "Time to accept or decline a cancellation request: 72 h  ✎ changed (policy “seed”: 48 h)",
        "Unanswered delivery extension request: accepted automatically  ✎ changed "
        "(policy “seed”: expires; the delivery date stays)",
        "Time until “very late” (from the delivery date): 48 h  ✎ changed (policy “seed”: 24 h)",
        "Longest comment allowed: 300 characters  ✎ changed (policy “seed”: 2500 characters)",
    ]
    for line in ("Time to answer an order update request: 48 h",
                 "Time to answer a delivery extension request: 96 h",
                 "Automatic completion after delivery: 72 h",
                 "Shortest extension: 1 day", "Longest extension: 29 days",
                 "  • Buyer: The freelancer is not responding, The order is or will be late, "
                 "The delivery does not match the requirements, No longer needed, Other",
                 "  • Cancellation request: opened with “Ask to cancel the order”; answers: "
                 "Accept, Decline",
                 "  • Cancel order: Buyer, while Waiting for requirements, very late, not while a "
                 "request is open; fields: comment (optional)",
                 "  • Withdraw my request: the party who asked; fields: none"):
        assert line in text.splitlines(), line
    # one line (or list) per rule of the data, in its order
    names = [i18n.t(f"help.rules.name.{r}") for r in rules if r not in ("policy", "description")]
    found = [line.split(":")[0] for line, _ in lines if not line.startswith("  •")]
    assert found == names


def test_a_changed_list_marks_the_entries_that_differ() -> None:
    rules = _rules(reasons={"buyer": ["late", "other"],
                            "freelancer": load_policies()["seed"]["reasons"]["freelancer"]})
    lines = dict(rule_lines(rules))
    assert lines["Cancellation reasons: ✎ changed (policy “seed”: see below; ✎ marks what "
                 "differs)"] is True
    assert lines["  • Buyer: The order is or will be late, Other"] is True
    assert [changed for line, changed in lines.items() if line.startswith("  • Freelancer:")] \
        == [False]


def test_without_overrides_nothing_is_marked_in_either_policy() -> None:
    for policy in ("seed", "current"):
        rules = dict(Simulation.create(None, start=START, policy=policy).rules.data)
        assert not [line for line, changed in rule_lines(rules) if changed], policy
    with i18n.using("de"):
        lines = rule_lines(_rules(cancellation_response_hours=72))
        assert ("Frist für Annahme oder Ablehnung einer Stornierungsanfrage: 72 Std.  "
                "✎ geändert (Richtlinie „seed“: 48 Std.)", True) in lines


async def test_the_help_screen_shows_them() -> None:
    overridden = Simulation.create(None, start=START, rules={"cancellation_response_hours": 72})
    app = build_app(overridden)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = plain(app.screen.query_one("#help-rules", Static).content)
        assert "Time to accept or decline a cancellation request: 72 h  ✎ changed " \
            "(policy “seed”: 48 h)" in shown
        assert "Time to answer an order update request: 48 h" in shown


def test_help_rules_with_an_override_snapshot(snap_compare) -> None:
    from textual.pilot import Pilot

    from .conftest import SIZE

    async def run_before(pilot: Pilot) -> None:
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("end")  # down to the rules of this simulation

    sim = Simulation.create(None, start=START, rules={"cancellation_response_hours": 72,
                                                      "extension_days_max": 14})
    assert snap_compare(build_app(sim), terminal_size=SIZE, run_before=run_before)
