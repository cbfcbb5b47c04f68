"""A scenario file may give its texts per language (`title = { en = "...", de = "..." }`): the
narration (title, description, notes) and what goes into the simulation (the orders' titles, the
parties' comments, the inbox texts expected). The engine keeps every language; the runner, the
presenter and the handouts show the one they speak. Every bundled scenario speaks both."""

from __future__ import annotations

import io
import json
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rcsim.engine.scenario import ActionStep, ExpectStep, ScenarioError, Text, load, play
from rcsim.tui.cli import run
from rcsim.tui.words import i18n
from rcsim.tui.words.report import error_text

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = sorted((ROOT / "data" / "scenarios").glob("*.toml"))
Write = Callable[..., Path]

BILINGUAL = '''
title = { en = "The buyer asks to cancel", de = "Der Kunde bittet um Stornierung" }
description.en = """
Told in two languages."""
description.de = """
In zwei Sprachen erzählt."""
start = "2026-03-02T09:00:00Z"

[[orders]]
id = "FO-1"
title = { en = "Logo design", de = "Logodesign" }
price = 120
delivery_days = 3

[[steps]]
actor = "buyer"
action = "ask_to_cancel"
order = "FO-1"
comment = { en = "Sorry, the project was dropped.", de = "Das Projekt wurde leider gestrichen." }
note = { en = "The buyer opens a request.", de = "Der Kunde stellt eine Anfrage." }

[[steps]]
expect = { order = "FO-1", inbox = { freelancer = { en = "project was dropped", de = "Projekt wurde leider" } } }
note = "A note given once is the same in every language."
'''


def _run(path: Path, *args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    status = run.main([str(path), *args], stdout=out, stderr=err)
    return status, out.getvalue() + err.getvalue()


def test_texts_per_language_are_kept_whole_and_picked_by_the_runner(write: Write) -> None:
    path = write(BILINGUAL, header=False)
    scenario = load(path)
    assert isinstance(scenario.title, Text) and scenario.title == "The buyer asks to cancel"
    assert scenario.title.in_language("de") == "Der Kunde bittet um Stornierung"
    assert scenario.title.in_language("fr") == "The buyer asks to cancel"  # English, when missing
    status, german = _run(path, "--lang", "de")
    assert status == 0, german
    assert "Der Kunde bittet um Stornierung" in german and "In zwei Sprachen erzählt." in german
    assert "Der Kunde stellt eine Anfrage." in german and "Logodesign" in german
    assert "Das Projekt wurde leider gestrichen." in german  # what the buyer sent, in German
    assert "A note given once is the same in every language." in german
    assert "The buyer asks to cancel" not in german and "Logo design" not in german
    status, english = _run(path, "--lang", "en")
    assert status == 0, english
    assert "The buyer asks to cancel" in english and "Sorry, the project was dropped." in english
    assert "Der Kunde" not in english
    status, document = _run(path, "--lang", "de", "--json")
    report = json.loads(document)
    assert report["title"] == "Der Kunde bittet um Stornierung"
    assert report["steps"][0]["note"] == "Der Kunde stellt eine Anfrage."
    assert report["steps"][0]["fields"]["comment"] == "Das Projekt wurde leider gestrichen."


def test_a_scenario_put_in_a_language_gives_the_simulation_that_language(write: Write) -> None:
    scenario = load(write(BILINGUAL, header=False))
    german = scenario.in_language("de")
    action, expect = german.steps
    assert isinstance(action, ActionStep) and isinstance(expect, ExpectStep)
    assert action.fields["comment"] == "Das Projekt wurde leider gestrichen."
    assert type(action.fields["comment"]) is str and german.orders[0].title == "Logodesign"
    assert dict(expect.checks)["inbox.freelancer"] == "Projekt wurde leider"
    assert isinstance(german.title, Text), "the narration stays in every language"
    assert play(german).passed and play(scenario).passed  # (unpicked: the English texts)


@pytest.mark.parametrize(("body", "key", "words"), [
    ('title = { en = "A", deutsch = "B" }', "title.deutsch", "is no language"),
    ('title = {}', "title", "a table of the text per language"),
    ('title = { en = "A", de = 3 }', "title.de", "a non-empty text"),
    ('title = { en = "A", de = "  " }', "title.de", "a non-empty text"),
])
def test_a_text_per_language_that_is_not_one_is_refused_naming_the_key(
        write: Write, body: str, key: str, words: str) -> None:
    path = write(body + '\nstart = "2026-03-02T09:00:00Z"\n[[orders]]\nid = "FO-1"\n'
                 'title = "Logo"\nprice = 120\ndelivery_days = 3\n[[steps]]\nadvance = "1h"\n',
                 header=False)
    with pytest.raises(ScenarioError) as caught:
        load(path)
    assert caught.value.key == key
    assert words in error_text(caught.value)


def _texts(document: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every text of a scenario file that a person reads: its narration, the orders' titles,
    what the parties type and the inbox texts they expect."""
    found = [("title", document["title"])]
    if "description" in document:
        found.append(("description", document["description"]))
    found += [("order title", order["title"]) for order in document["orders"]]
    for number, step in enumerate(document["steps"], 1):
        found += [(f"step {number} {key}", step[key]) for key in ("note", "comment",
                                                                   "extra_description") if key in step]
        inbox = step.get("expect", {}).get("inbox", {})
        found += [(f"step {number} inbox", text) for text in inbox.values()]
    return found


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_every_bundled_scenario_speaks_english_and_german(path: Path) -> None:
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    for where, value in _texts(document):
        if isinstance(value, str) and (not value.strip() or re.fullmatch(r"[a-z]+(_[a-z]+)+", value)):
            continue  # a blank comment (refused on purpose), a reason's code: no language
        assert isinstance(value, dict) and set(value) == {"en", "de"}, f"{path.name}: {where}"
        assert value["en"] != value["de"], f"{path.name}: {where}"


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_every_bundled_scenario_passes_in_german_too(path: Path) -> None:
    """What the parties type in German reaches the inbox the German expectations look for."""
    report = play(load(path).in_language("de"))
    assert report.passed, [(r.number, r.problem, r.checks) for r in report.failures]


def test_the_german_transcript_of_a_bundled_scenario_speaks_german_only() -> None:
    status, german = _run(ROOT / "data" / "scenarios" / "buyer_cancel_timeout_mutual.toml",
                          "--lang", "de")
    assert status == 0, german
    for english in ("Buyer asks to cancel", "Logo design", "project was dropped", "One minute"):
        assert english not in german


def test_the_examples_list_gives_the_german_titles(capsys: pytest.CaptureFixture[str]) -> None:
    from rcsim.tui.cli import examples

    assert examples.main(["--lang", "de"]) == 0
    listed = capsys.readouterr().out
    assert "Der Kunde bittet um Stornierung; der Freelancer antwortet nicht" in listed
    with i18n.using("en"):
        assert examples.main(["--lang", "en"]) == 0
    assert "Buyer asks to cancel; the freelancer never answers" in capsys.readouterr().out
