"""A value refused because it is wrong is quoted in the message, but never whole when it is
long: a 10 MB value in a scenario, an experiment or a rule gives a message of a few hundred
characters, in both languages and in the engine's own plain English, with the value's start."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from rcsim.engine import Refusal
from rcsim.engine.english import QUOTE_LIMIT, quoted
from rcsim.engine.rules import rule_value
from rcsim.tui.cli import experiment_command, run
from rcsim.tui.words import i18n
from tests.conftest import THOROUGH

BIG = "x" * 10_000_000
MB = "x" * 1_000_000  # (a file of 10 MB takes Python's TOML reader seconds: one is enough to show it)
SCENARIO = '''title = "t"
start = "2026-03-02T09:00:00Z"
[[orders]]
id = "FO-1"
title = "Logo"
price = 10
delivery_days = 3
{order}
[[steps]]
{step}
'''
EXPERIMENT = '''title = "t"
seed = 1
policy = "{big}"
[population]
orders = 10
[[arms]]
name = "a"
'''
MOST = 600  # a message's words around the quoted value, the file name and the place included


def test_a_long_value_is_quoted_with_its_start_and_cut() -> None:
    assert quoted("short") == "'short'"
    long = quoted(BIG)
    assert len(long) <= QUOTE_LIMIT <= 250 and long.startswith("'xxxxxxxx") and long.endswith("…")
    assert quoted(list(range(10_000))).startswith("[0, 1, 2, ")


LONG_VALUES = [("status", f'status = "{BIG}"', 'advance = "1h"'),
               ("advance", "", f'advance = "{MB}"'),
               ("reason", "", f'actor = "buyer"\naction = "ask_to_cancel"\norder = "FO-1"\n'
                              f'comment = "x"\nreason = "{MB}"'),
               ("actor", "", f'actor = "{MB}"\naction = "deliver"\norder = "FO-1"'),
               ("until", "", f'until = "{MB}"')]
# Each value in one language a day, the languages in turn; in both with RCSIM_THOROUGH=1.
LONG_CASES = [pytest.param(order, step, lang, id=f"{lang}-{name}")
              for number, (name, order, step) in enumerate(LONG_VALUES)
              for lang in (("en", "de") if THOROUGH else (("en", "de")[number % 2],))]


@pytest.mark.parametrize(("order", "step", "lang"), LONG_CASES)
def test_a_long_scenario_value_is_quoted_in_a_few_hundred_characters(
        tmp_path: Path, order: str, step: str, lang: str) -> None:
    path = tmp_path / "big.toml"
    path.write_text(SCENARIO.format(order=order, step=step), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert run.main([str(path), "--lang", lang], stdout=out, stderr=err) == 2
    message = err.getvalue()
    assert "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" in message  # the value's start is there
    assert len(message) < MOST + len(str(path)), message[:1000]


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_long_experiment_value_is_quoted_in_a_few_hundred_characters(
        tmp_path: Path, lang: str) -> None:
    path = tmp_path / "big.toml"
    path.write_text(EXPERIMENT.format(big=MB), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert experiment_command.main([str(path), "--lang", lang], stdout=out, stderr=err) == 2
    message = err.getvalue()
    assert "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" in message
    assert len(message) < MOST + len(str(path)), message[:1000]


def test_a_rule_value_of_10_mb_is_refused_in_a_few_hundred_characters() -> None:
    with pytest.raises(Refusal) as caught:
        rule_value("extension_timeout", BIG)
    assert caught.value.params["found"] == BIG  # the parameter is the value; only words are cut
    for message in (caught.value.message, i18n.refusal_text(caught.value, "en"),
                    i18n.refusal_text(caught.value, "de")):
        assert "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" in message and len(message) < MOST
    with pytest.raises(Refusal) as caught:
        rule_value(BIG, 1)
    assert len(caught.value.message) < MOST and len(i18n.refusal_text(caught.value, "de")) < MOST
