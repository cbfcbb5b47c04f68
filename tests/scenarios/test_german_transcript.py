"""`rcsim run --lang de` speaks German: no engine identifier and no English unit in its transcript.

Every scenario of the library is played in German; what the file's author wrote (title,
description, notes, order titles, quoted comments and texts to look for) is taken out, and what is
left may not contain an identifier (status, action, party, request type or state, reason, event
type) or an English word or unit ("by", "buyer", "2d", "in_progress").
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from rcsim.engine import ACTIONS, BASE_STATUSES, PARTIES, REQUEST_STATES, REQUEST_TYPES
from rcsim.engine.rules import load_policies
from rcsim.engine.scenario import ActionStep, ExpectStep, in_language, load
from rcsim.tui.cli.run import main

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = sorted((ROOT / "data" / "scenarios").glob("*.toml"))

REASONS = {reason for rules in load_policies().values()
           for reasons in rules["reasons"].values() for reason in reasons}
EVENT_TYPES = {*ACTIONS, "order_added", "timeout", "auto_complete"}
IDENTIFIERS = ({*BASE_STATUSES, "late", "very_late", *ACTIONS, *PARTIES, "system",
                *REQUEST_TYPES, *REQUEST_STATES, *EVENT_TYPES} | REASONS)
ENGLISH = [re.compile(r" by "), re.compile(r"\bbuyer"), re.compile(r"\bfreelancer"),
           re.compile(r"in_progress"), re.compile(r"\b\d+[dm]\b"), re.compile(r"\bnone\b"),
           re.compile(r"\b(true|false)\b"), re.compile(r"\bexpected\b")]


def _german(path: Path) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert main(["run", "--lang", "de", str(path)], stdout=out, stderr=err) == 0, err.getvalue()
    return out.getvalue()


def _without_user_text(path: Path, transcript: str) -> str:
    """The transcript with what the file's author wrote taken out."""
    scenario = load(path).in_language("de")  # (its German texts, where it gives them)
    lines = transcript.splitlines()
    # the first line names the file and its title; the description follows until the set-up line
    setup = next(i for i, line in enumerate(lines) if line.startswith("  Richtlinie „"))
    kept = "\n".join(lines[setup:])
    shown_plain = [o.title for o in scenario.orders] + [in_language(s.note, "de")
                                                        for s in scenario.steps if s.note]
    shown_quoted: list[str] = []
    for step in scenario.steps:
        if isinstance(step, ActionStep):
            shown_quoted += [str(v) for v in step.fields.values() if isinstance(v, str)]
            shown_quoted += [step.error] if step.error else []
        elif isinstance(step, ExpectStep):
            shown_quoted += [str(v) for k, v in step.checks if k.startswith("inbox.")]
    for said in sorted(shown_quoted, key=len, reverse=True):
        # quoted by the transcript („…“), or by a refusal that repeats the value ('…')
        kept = kept.replace(f"„{said}“", "„…“").replace(f"'{said}'", "'…'")
    for said in sorted(shown_plain, key=len, reverse=True):
        kept = kept.replace(said, "…")
    # rule names of a [rules] table, as the file writes them
    return re.sub(r"geänderte Regeln: .*", "geänderte Regeln: …", kept)


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_german_transcript_has_no_identifier_and_no_english(path: Path) -> None:
    rest = _without_user_text(path, _german(path))
    leaked = sorted({word for word in IDENTIFIERS if re.search(rf"\b{word}\b", rest)})
    assert not leaked, f"{leaked} in:\n{rest}"
    english = [p.pattern for p in ENGLISH if p.search(rest)]
    assert not english, f"{english} in:\n{rest}"


def test_german_transcript_says_it_in_german() -> None:
    text = _german(ROOT / "data" / "scenarios" / "extension_declined.toml")
    assert "  Auftrag FO-4101: Mockup einer Mobile-App, 400,00\u00a0$, 7 Tage, in Bearbeitung" in text
    assert "Richtlinie „seed“" in text
    assert "  1. Freelancer: Lieferfrist verlängern, Auftrag FO-4101 (Zusätzliche Tage: 5, " \
        "Kommentar: „Der Umfang ist gewachsen; bitte fünf Tage mehr.“)" in text
    assert ("Der Kunde hat die Anfrage des Freelancers zur Verlängerung der Lieferfrist von "
            "FO-4101 abgelehnt: Das Lieferdatum bleibt") in text
    assert "ok     Status: erwartet „in Bearbeitung“, vorgefunden „in Bearbeitung“" in text
    text = _german(ROOT / "data" / "scenarios" / "buyer_cancel_timeout_mutual.toml")
    assert "  3. Die Uhr um 1 Tag 23 Stunden 59 Minuten vorstellen -> 2026-03-04T08:59:00Z" in text


def test_a_german_validation_error_quotes_the_files_words(tmp_path: Path) -> None:
    story = tmp_path / "no_comment.toml"
    story.write_text('title = "t"\nstart = "2026-03-02T09:00:00Z"\n'
                     '[[orders]]\nid = "FO-1"\ntitle = "Logo"\nprice = 10\ndelivery_days = 1\n'
                     '[[steps]]\nactor = "buyer"\naction = "ask_to_cancel"\norder = "FO-1"\n',
                     encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["run", "--lang", "de", str(story)], stdout=out, stderr=err) == 2
    assert "die Aktion 'ask_to_cancel' von 'buyer' braucht 'comment'" in err.getvalue()
    assert "durch" not in err.getvalue()
