"""German and English: every key in both files, every key the code uses, the formats, the runner."""

from __future__ import annotations

import io
import json
import re
import string
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rcsim.engine import Refusal, Simulation
from rcsim.tui.cli import run
from rcsim.tui.words import i18n

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "tui").rglob("*.py"))  # the engine uses no catalogue
FORMAT_PARTS = {"weekday", "month", "day", "dd", "mm", "year", "hour", "hour12", "minute", "ampm"}


def _tables() -> dict[str, dict[str, str]]:
    return {lang: json.loads((ROOT / "data" / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))
            for lang in i18n.LANGUAGES}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_both_languages_have_exactly_the_same_keys() -> None:
    tables = _tables()
    assert set(i18n.languages()) == set(i18n.LANGUAGES) == {"en", "de"}
    assert not set(tables["en"]) - set(tables["de"]), "missing in de.json"
    assert not set(tables["de"]) - set(tables["en"]), "missing in en.json"


def test_translations_use_the_same_placeholders() -> None:
    tables = _tables()
    for key, english in tables["en"].items():
        german = tables["de"][key]
        if key.startswith("format."):  # a date format picks its own parts
            assert _fields(german) <= FORMAT_PARTS | {"amount"}, key
        else:
            assert _fields(german) == _fields(english), key
        assert german.strip() or key in ("format.am", "format.pm"), f"{key} is blank in German"


def test_every_refusal_code_the_engine_raises_has_a_text_in_both_languages() -> None:
    codes = set()
    for path in (ROOT / "engine").rglob("*.py"):  # the codes the engine raises; tui translates
        codes |= set(re.findall(r'Refusal\(\s*"(\w+)"', path.read_text(encoding="utf-8")))
    assert len(codes) > 20
    for lang, table in _tables().items():
        assert not {c for c in codes if f"refusal.{c}" not in table}, lang


def test_every_key_used_in_code_exists() -> None:
    table = _tables()["en"]
    used: set[str] = set()
    for path in SOURCES:
        source = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'\bt\(\s*"([a-z_]+\.[a-z0-9_.]+)"', source))
        # key descriptions name their text by key (LocalizedFooter shows it)
        used |= set(re.findall(r'Binding\([^)\n]*?"([a-z_]+\.[a-z0-9_.]+)"', source))
        if path.name in ("report.py", "run.py"):  # the runner's text("code") is "run.code"
            used |= {"run." + k for k in re.findall(r'\btext\(\s*"([a-z_.]+)"', source)}
    assert len(used) > 50
    assert not used - set(table)


def test_every_code_of_the_scenario_loader_and_player_has_words_in_both_languages() -> None:
    """The loader and the player name problems by code and identifier; tui/words/report.py looks the
    words up as run.<code>, run.expected.<form>, run.kind.<kind>, run.problem_<code>."""
    from rcsim.engine.scenario.steps import STEP_KINDS

    loader = (ROOT / "engine" / "scenario" / "loader.py").read_text(encoding="utf-8")
    player = (ROOT / "engine" / "scenario" / "player.py").read_text(encoding="utf-8")
    codes = set(re.findall(r'(?:fail\(|ScenarioError\(path, )\s*"(\w+)"', loader))
    codes |= set(re.findall(r'self\.fail\((?:\s*)"(\w+)"', loader))
    codes |= set(re.findall(r'"(unknown_\w+)"', loader))  # the codes unknown_keys() raises
    forms = set(re.findall(r'\b(?:expected|what)="(\w+)"', loader))
    kinds = set(re.findall(r'\bkind="(\w+)"', loader)) | set(STEP_KINDS)
    problems = set(re.findall(r'problem(?:: str \| None)? = "(\w+)"', player))
    problems |= set(re.findall(r'problem="(\w+)"', player))
    assert {"unknown_action", "refused_by_engine", "missing", "unknown_step_key"} <= codes
    assert {"instant", "orders_table"} <= forms and "inbox" in kinds
    assert problems == {"refused", "wrong_refusal", "not_refused", "clock", "undo"}
    keys = ({f"run.{c}" for c in codes} | {f"run.expected.{f}" for f in forms}
            | {f"run.kind.{k}" for k in kinds} | {f"run.problem_{p}" for p in problems})
    for lang, table in _tables().items():
        assert not keys - set(table), lang


def test_a_missing_key_is_recorded_and_shown_as_itself() -> None:
    i18n.missing_keys.clear()
    assert i18n.t("no.such.key") == "no.such.key"
    assert i18n.missing_keys == {"no.such.key"}
    i18n.missing_keys.clear()


@pytest.mark.parametrize(("lang", "when", "money"), [
    ("en", "Mar 2, 2026 9:00 AM", "$120.00"),
    ("de", "02.03.2026 09:00", "120,00\u00a0$"),  # (no line break inside an amount)
])
def test_dates_times_and_money_in_the_languages_format(lang: str, when: str, money: str) -> None:
    with i18n.using(lang):
        assert i18n.fmt_datetime(datetime(2026, 3, 2, 9, tzinfo=UTC)) == when
        assert i18n.fmt_money(12000) == money
        assert i18n.fmt_money(123456789) == ("$1,234,567.89" if lang == "en" else "1.234.567,89\u00a0$")


@pytest.mark.parametrize(("environ", "expected"), [
    ({"LANG": "de_DE.UTF-8"}, "de"),
    ({"LANG": "de_AT.UTF-8"}, "de"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "fr_FR.UTF-8"}, "en"),
    ({}, "en"),
    ({"LC_ALL": "de_CH.UTF-8", "LANG": "en_GB.UTF-8"}, "de"),
    ({"LC_ALL": "C", "LANG": "de_DE.UTF-8"}, "en"),
    ({"LC_MESSAGES": "de_DE", "LANG": "en_US"}, "de"),
])
def test_language_follows_the_locale(environ: dict[str, str], expected: str) -> None:
    assert i18n.language_from_environment(environ) == expected


def test_a_refusal_carries_code_and_identifiers_and_renders_in_both_languages() -> None:
    sim = Simulation.create(start="2026-03-02T09:00:00Z")
    sim.add_order("FO-1", "Logo", 120, 3)
    sim.act("buyer", "ask_to_cancel", "FO-1", comment="Dropped.")
    with pytest.raises(Refusal) as caught:
        sim.act("freelancer", "withdraw", "FO-1")
    refusal = caught.value
    assert refusal.code == "not_requester"
    assert refusal.params == {"requester": "buyer", "request": "R-1"}
    assert refusal.message == "Only the requester (buyer) can withdraw request R-1."  # plain
    assert i18n.refusal_text(refusal, "en") == (
        "Only the requester (the buyer) can withdraw request R-1.")
    assert i18n.refusal_text(refusal, "de") == (
        "Nur wer die Anfrage R-1 gestellt hat (der Kunde), kann sie zurückziehen.")
    with pytest.raises(Refusal) as caught:
        sim.act("buyer", "accept_delivery", "FO-1")
    assert i18n.refusal_text(caught.value, "de").startswith("„Lieferung annehmen“ ist nicht möglich")


def _run(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    status = run.main(list(args), stdout=out, stderr=err)
    return status, out.getvalue() + err.getvalue()


def test_rcsim_run_prints_english_unless_lang_de() -> None:
    path = str(ROOT / "data" / "scenarios" / "buyer_cancel_timeout_mutual.toml")
    status, english = _run(path)
    assert status == 0
    assert "expected 'cancelled', found 'cancelled'" in english and "PASS" in english
    status, german = _run(path, "--lang", "de")
    assert status == 0
    assert "Status: erwartet „storniert“, vorgefunden „storniert“" in german
    assert "BESTANDEN" in german
    assert "$120.00" in english and "120,00\u00a0$" in german
    assert i18n.language() == "en", "the runner leaves the language as it found it"


def test_rcsim_run_explains_a_refusal_in_german(tmp_path: Path) -> None:
    story = tmp_path / "wrong.toml"
    story.write_text(
        'title = "t"\nstart = "2026-03-02T09:00:00Z"\n'
        '[[orders]]\nid = "FO-1"\ntitle = "Logo"\nprice = 10\ndelivery_days = 1\n'
        '[[steps]]\nactor = "buyer"\naction = "deliver"\norder = "FO-1"\n', encoding="utf-8")
    status, german = _run(str(story), "--lang", "de")
    assert status == 1
    assert "die Aktion wurde abgelehnt: „Liefern“ kann nur der Freelancer." in german


def test_every_plural_in_a_template_gives_one_form_per_plural_category_of_its_language() -> None:
    """`{count:# scenario|# scenarios}`: as many forms as the language has categories, and a
    real plural when rendered ("1 scenario", "2 scenarios"), never "(s)"."""
    for lang, table in _tables().items():
        wanted = len(i18n.PLURAL_CATEGORIES[lang])
        for key, template in table.items():
            for _, name, spec, _ in string.Formatter().parse(template):
                if name is not None and spec and "|" in spec:
                    assert len(spec.split("|")) == wanted, (lang, key, spec)
    with i18n.using("de"):
        assert i18n.t("run.summary", count=1, passed=1, failed=0) == "1 Szenario: 1 bestanden, 0 nicht bestanden"
        assert i18n.t("run.summary", count=2, passed=2, failed=0).startswith("2 Szenarien:")
        assert i18n.t("record.left_out", count=1).startswith("1 Auftrag wurde weggelassen")
        assert i18n.t("record.left_out", count=3).startswith("3 Aufträge wurden weggelassen")
    with i18n.using("en"):
        assert i18n.t("present.more", count=1) == "… and 1 more line"
        assert i18n.t("present.more", count=0) == "… and 0 more lines"
    with pytest.raises(ValueError):  # a count that is no number cannot choose its form
        i18n.fill("en", "{n:# line|# lines}", {"n": "2"})


def test_durations_leave_out_a_zero_part_and_use_the_languages_units() -> None:
    with i18n.using("de"):
        assert i18n.fmt_duration(3 * 86400) == "3 Tg."
        assert i18n.fmt_duration(86400 + 6 * 3600) == "1 Tg. 6 Std."
        assert i18n.fmt_duration(45 * 60) == "45 Min."
        assert i18n.fmt_countdown(-6 * 3600) == "6 Std. überfällig"
    with i18n.using("en"):
        assert i18n.fmt_duration(3 * 86400) == "3d" and i18n.fmt_duration(86400 + 6 * 3600) == "1d 6h"
