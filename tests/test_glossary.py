"""One term per concept, in each language, everywhere: data/glossary.json names each concept's term
and its rejected variants per language, and the texts that name it; the catalogue is held to it.
A quotation („…“, “…”) is the source's words, not ours: the seed is quoted that way."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = json.loads((ROOT / "data" / "glossary.json").read_text(encoding="utf-8"))
CONCEPTS: dict[str, dict[str, Any]] = GLOSSARY["concepts"]
LANGUAGES = ("en", "de")
QUOTED = re.compile(r"„[^“]*“|“[^”]*”")


def _catalogue(lang: str) -> dict[str, str]:
    return json.loads((ROOT / "data" / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))


TABLES = {lang: _catalogue(lang) for lang in LANGUAGES}


def _own_words(text: str) -> str:
    """A text without what it quotes."""
    return QUOTED.sub("“…”", text)


def test_the_glossary_names_the_concepts_the_issue_found_in_two_words() -> None:
    for named in ("expired", "withdrawn", "keeps_status", "delivery_date", "incomplete",
                  "in_revision", "mutual_cancellation", "order_update", "plural"):
        assert named in CONCEPTS
    for name, concept in CONCEPTS.items():
        assert concept.get("meaning"), name
        for lang in LANGUAGES:
            assert "term" in concept[lang], (name, lang)


@pytest.mark.parametrize("name", sorted(CONCEPTS))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_text_naming_a_concept_uses_its_term(name: str, lang: str) -> None:
    concept = CONCEPTS[name]
    words = concept[lang]
    table = TABLES[lang]
    for key in concept["keys"]:
        assert key in TABLES["en"] and key in TABLES["de"], f"{name}: no key {key}"
        text = table[key]
        assert re.search(words["term"], text), f"{name} ({lang}): {key} = {text!r} lacks the term"
        own = _own_words(text)
        for variant in words.get("not_here", ()):
            assert not re.search(variant, own), \
                f"{name} ({lang}): {key} = {text!r} uses {variant!r}, another concept's word"
    short = concept.get("short")
    if short:
        for key in short["keys"]:
            assert table[key] == short[lang], f"{name} ({lang}): {key} is not the short label"


@pytest.mark.parametrize("name", sorted(CONCEPTS))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_text_anywhere_uses_a_rejected_variant(name: str, lang: str) -> None:
    found = [(key, text) for key, text in TABLES[lang].items()
             for variant in CONCEPTS[name][lang].get("never", ())
             if re.search(variant, _own_words(text))]
    assert not found, f"{name} ({lang}): rejected variants in {found}"


def test_the_check_fails_on_the_words_it_was_made_for() -> None:
    """The rules catch what the catalogue said before: a test that cannot fail proves nothing."""
    def rejected(name: str, lang: str, text: str) -> bool:
        return any(re.search(v, _own_words(text)) for v in CONCEPTS[name][lang].get("never", ()))

    assert rejected("expired", "de", "verfällt")
    assert rejected("expired", "en", "lapsed unanswered (of requests)")
    assert rejected("delivery_date", "de", "Liefertermin: 05.03.2026")
    assert rejected("keeps_status", "de", "der Auftrag kehrt in seinen vorherigen Status zurück")
    assert not rejected("keeps_status", "de", "(im Hilfeartikel: „in seinen vorherigen Status zurückversetzt“)")
    assert rejected("plural", "de", "2 Szenario(s)") and rejected("plural", "de", "5 Bild(er)")
    assert rejected("plural", "en", "12 expectation(s)")
    assert rejected("mutual_cancellation", "de", "als Einvernehmliche Stornierung storniert")
    assert rejected("extension_days", "de", "Wenigste Tage einer Verlängerung")
    assert rejected("command_palette", "en", "^p palette")
    assert rejected("passes", "de", "hält")
    assert rejected("incomplete", "de", "Unvollständig")
    assert rejected("compact_units", "de", "{n}T")
    not_here = CONCEPTS["expired"]["de"]["not_here"]
    assert any(re.search(v, "Die Anfrage ist zurückgezogen") for v in not_here)


def test_the_issues_german_corrections_are_in() -> None:
    """Issue 21, item 12, word by word."""
    de = TABLES["de"]
    every = "\n".join(de.values())
    for gone in ("Wenigste Tage", "Meiste Tage", "Stornierung storniert", "Szenario(s)", "Bild(er)",
                 "Erwartung(en)", "(der Kunde): zurückgezogen", "gestellt hat sie", "fertig in",
                 "Erst im Moment selbst geprüft", "nicht während eine Anfrage", " hält", "palette"):
        assert gone not in every, gone
    assert de["help.rules.name.extension_days_min"] == "Mindestdauer einer Verlängerung"
    assert de["help.rules.name.extension_days_max"] == "Höchstdauer einer Verlängerung"
    assert "als „Einvernehmliche Stornierung“ gekennzeichnet" in de["help.cancel"]
    assert de["help.rules.blocked"] == ", nicht solange eine Anfrage offen ist"
    assert de["run.whatif.pass"] == "besteht"
    assert de["key.palette.display"] == "Strg+P" and de["key.palette"] == "Befehle"
    assert "{requester_by} gestellt" in de["page.request.open"]
    assert "({requester_from})" in de["page.history.item"]
    assert de["party.buyer.from"] == "vom Kunden"
    assert de["rules.effect"].count("Sofort mit dem neuen Wert gilt") == 1
