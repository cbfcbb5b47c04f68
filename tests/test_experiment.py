"""`rcsim experiment`: every order through the real rule engine; answers known in advance; the
same seed, the same bytes, whatever runs it (here, two worker processes, a Dask cluster); files
that are not experiments refused naming the file and the key; the table, CSV, SVG and progress."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import select
import xml.etree.ElementTree as ElementTree
from dataclasses import replace
from pathlib import Path

import pytest

from rcsim.engine import experiment as ex
from rcsim.engine.experiment.distributions import parse as parse_distribution
from rcsim.engine.experiment.results import difference, estimate, t975
from rcsim.engine.experiment.simulate import _Play, draw_scripts
from rcsim.tui.cli.experiment_command import Progress, main
from rcsim.tui.words import i18n

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data" / "experiments"
HOUR = 3600


def experiment(tmp_path: Path, body: str, name: str = "experiment.toml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def rcsim_experiment(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(args), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def tallies(path: Path) -> list[list[dict[str, int]]]:
    """Per arm, per replication: what was counted (from the --json of a run)."""
    status, out, err = rcsim_experiment(str(path), "--json")
    assert status == 0, err
    return [arm["replications"] for arm in json.loads(out)["arms"]]


# ---------------------------------------------------------------- answers known in advance

SILENCE = """
title = "Nobody ever answers a cancellation request"
seed = 7
replications = 3
[population]
orders = 3000
delivery_days = { dist = "uniform_int", low = 5, high = 20 }
[buyer]
ask_to_cancel = { probability = 1, at_hours = %s }
[[arms]]
name = "48 hours"
[[arms]]
name = "72 hours"
rules = { cancellation_response_hours = 72 }
"""


def test_an_unanswered_cancellation_request_ends_every_order_exactly_at_the_window(tmp_path):
    arms = tallies(experiment(tmp_path, SILENCE % "0"))
    for window, replications in zip((48, 72), arms, strict=False):
        for tally in replications:
            n = tally["orders"]
            assert tally["mutual_silence"] == tally["resolved"] == n
            assert tally["resolved_seconds"] == n * window * HOUR  # each exactly at the window
            assert tally["completed"] == tally["mutual_accepted"] == tally["direct"] == 0


def test_a_72_hour_window_moves_each_such_cancellation_24_hours_later(tmp_path):
    path = experiment(tmp_path, SILENCE % '{ dist = "uniform", low = 0, high = 72 }')
    status, out, _ = rcsim_experiment(str(path), "--json")
    document = json.loads(out)
    base, longer = ([t["resolved_seconds"] for t in arm["replications"]] for arm in document["arms"])
    for short, long, tally in zip(base, longer, document["arms"][0]["replications"], strict=False):
        assert long - short == tally["orders"] * 24 * HOUR  # the same orders, each 24 hours later
    difference = document["arms"][1]["metrics"]["resolution_hours"]["difference"]
    assert difference == {"mean": 24.0, "ci95": [24.0, 24.0], "n": 3}
    assert document["arms"][1]["metrics"]["mutual_silence"]["mean"] == 1.0


EXTENSIONS = """
title = "Every freelancer asks for more time; buyers answer within 40 hours, or never"
seed = 11
replications = 3
[population]
orders = 4000
delivery_days = 10
[freelancer.request_extension]
probability = 1
at_hours = { dist = "uniform", low = 0, high = 72 }
days = 2
extra_price = { dist = "choice", values = [0, 15] }
[buyer.answers]
extension = { probability = 0.5, after_hours = { dist = "uniform", low = 0, high = 40 }, accept = 0.6 }
[[arms]]
name = "seed"
policy = "seed"
[[arms]]
name = "current"
policy = "current"
"""


def test_policy_current_turns_every_lapsed_extension_into_an_accepted_one(tmp_path):
    seed, current = tallies(experiment(tmp_path, EXTENSIONS))
    for before, after in zip(seed, current, strict=False):
        assert before["ext_requested"] == after["ext_requested"] == before["orders"]
        assert before["ext_lapsed"] > 0 and before["ext_auto_accepted"] == 0
        assert after["ext_lapsed"] == 0
        assert after["ext_auto_accepted"] == before["ext_lapsed"]
        assert (after["ext_accepted"], after["ext_declined"]) == (before["ext_accepted"],
                                                                  before["ext_declined"])


def test_what_is_counted_is_what_the_engine_holds(tmp_path):
    """A chunk of the bundled experiment played, then its simulation read order by order: the
    tally says what the engine's own views say (statuses, cancellations, extras)."""
    e = ex.load(EXAMPLES / "cancellation_window_72h.toml")
    import random
    play = _Play(e, 1, draw_scripts(e, random.Random(5), 2000), 0)
    tally = play.run()
    views = [play.sim.order_view(o) for o in play.sim.order_ids()]
    kinds = [(v.cancellation or {}).get("kind") for v in views]
    ways = [(v.cancellation or {}).get("resolved_by") for v in views]
    assert tally["completed"] == sum(v.status == "completed" for v in views)
    assert tally["direct"] == kinds.count("direct")
    assert tally["mutual_silence"] == sum(k == "mutual" and w == "timeout"
                                          for k, w in zip(kinds, ways, strict=False))
    assert tally["mutual_accepted"] == sum(k == "mutual" and w == "accept"
                                           for k, w in zip(kinds, ways, strict=False))
    assert tally["unresolved"] == sum(not v.final for v in views)
    assert tally["extras_cents"] == sum(v.extras_total for v in views if v.status == "completed")
    assert tally["cancelled_value_cents"] == sum(v.total for v in views if v.status == "cancelled")
    requests = [r for v in views for r in v.requests if r.type == "extension"]
    assert tally["ext_requested"] == len(requests)
    assert tally["ext_lapsed"] == sum(r.state == "expired" for r in requests)
    assert play.sim.rules.data["cancellation_response_hours"] == 72
    assert min(tally[k] for k in ("completed", "mutual_silence", "mutual_accepted", "direct",
                                  "ext_accepted", "ext_declined", "ext_lapsed", "refused")) > 0


# ---------------------------------------------------------------- the same seed, the same bytes


def test_the_same_seed_gives_the_same_json_with_one_or_two_workers_and_on_dask():
    from distributed import LocalCluster

    args = [str(EXAMPLES / "cancellation_window_72h.toml"), "--orders", "6000",
            "--replications", "2", "--json"]
    status, one, _ = rcsim_experiment(*args)
    assert status == 0
    status, two, _ = rcsim_experiment(*args, "--workers", "2")
    assert status == 0 and two == one
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        status, on_dask, err = rcsim_experiment(*args, "--dask", cluster.scheduler_address)
    assert status == 0, err
    assert on_dask == one
    status, other, _ = rcsim_experiment(*args[:-1], "--seed", "1", "--json")
    assert other != one  # (the seed matters)


def test_without_common_random_numbers_each_arm_draws_its_own_orders(tmp_path):
    path = experiment(tmp_path, SILENCE % '{ dist = "uniform", low = 0, high = 72 }' +
                      "\n").read_text(encoding="utf-8")
    shared = experiment(tmp_path, path, "shared.toml")
    own = experiment(tmp_path, "common_random_numbers = false\n" + path, "own.toml")
    a, b = tallies(shared)
    assert [t["resolved_seconds"] - 24 * HOUR * t["orders"] for t in b] == \
        [t["resolved_seconds"] for t in a]
    c, d = tallies(own)
    assert [t["resolved_seconds"] - 24 * HOUR * t["orders"] for t in d] != \
        [t["resolved_seconds"] for t in c]


def test_a_dask_scheduler_that_is_not_there_is_refused_with_exit_2():
    status, out, err = rcsim_experiment(str(EXAMPLES / "cancellation_window_72h.toml"),
                                        "--orders", "10", "--replications", "1",
                                        "--dask", "tcp://127.0.0.1:9")
    assert (status, out) == (2, "")
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err


# ---------------------------------------------------------------- files that are not experiments

GOOD = """
title = "A test"
seed = 1
[population]
orders = 10
[buyer]
ask_to_cancel = { probability = 0.5, at_hours = { dist = "uniform", low = 0, high = 10 } }
[[arms]]
name = "base"
[[arms]]
name = "longer"
rules = { cancellation_response_hours = 72 }
"""


@pytest.mark.parametrize("change, key, words", [
    (("seed = 1", "sede = 1"), "sede", "is an unknown key (did you mean 'seed'?)"),
    (("orders = 10", "orders = 0"), "population.orders", "from 1 to 10000000, not 0"),
    (("orders = 10", "orderz = 10"), "population.orderz", "did you mean 'orders'?"),
    (("probability = 0.5", "probability = 1.5"), "buyer.ask_to_cancel.probability",
     "a probability from 0 to 1, not 1.5"),
    (('dist = "uniform"', 'dist = "uniformly"'), "buyer.ask_to_cancel.at_hours.dist",
     "'uniformly' is not a distribution (did you mean 'uniform'?)"),
    (("high = 10", "hihg = 10"), "buyer.ask_to_cancel.at_hours.hihg",
     "is not a parameter of the distribution uniform (did you mean 'high'?)"),
    (("low = 0, high = 10", "low = 10, high = 0"), "buyer.ask_to_cancel.at_hours.high",
     "must not be less than low"),
    (("cancellation_response_hours = 72", "cancelation_response_hours = 72"),
     "arms.2.rules.cancelation_response_hours", "did you mean cancellation_response_hours?"),
    (("cancellation_response_hours = 72", "cancellation_response_hours = 0"),
     "arms.2.rules.cancellation_response_hours", "from 1 to 87600, not 0"),
    (('name = "longer"', 'name = "base"'), "arms.2.name", "'base' is used twice"),
    (("[buyer]", "[buyers]"), "buyers", "did you mean 'buyer'?"),
    (("ask_to_cancel =", "ask_to_cancle ="), "buyer.ask_to_cancle",
     "did you mean 'ask_to_cancel'?"),
    (('title = "A test"', ""), "title", "is missing"),
    (("seed = 1", 'seed = "one"'), "seed", "must be a whole number, not 'one'"),
])
def test_a_file_that_is_no_experiment_exits_2_naming_file_and_key(tmp_path, change, key, words):
    old, new = change
    assert old in GOOD
    path = experiment(tmp_path, GOOD.replace(old, new, 1))
    status, out, err = rcsim_experiment(str(path))
    assert (status, out) == (2, "")
    assert f"{path}: key {key!r}: " in err, err
    assert words in err, err
    assert "Nothing was run." in err


def test_unreadable_toml_too_deep_and_too_large_are_refused(tmp_path):
    for body, words in (("title = \n", "is not valid TOML"),
                        (GOOD + "x = " + "[" * 60 + "]" * 60 + "\n", "nested more than 20"),
                        (GOOD.replace("seed = 1", "seed = 1" + "0" * 2000), "too large a number")):
        path = experiment(tmp_path, body)
        status, _, err = rcsim_experiment(str(path))
        assert status == 2 and words in err and str(path) in err
    status, _, err = rcsim_experiment(str(tmp_path / "missing.toml"))
    assert status == 2 and "cannot be read" in err


def test_the_refusal_is_german_in_german(tmp_path):
    path = experiment(tmp_path, GOOD.replace("seed = 1", "sede = 1"))
    status, _, err = rcsim_experiment(str(path), "--lang", "de")
    assert status == 2
    assert f"{path}: Schlüssel 'sede': ist ein unbekannter Schlüssel (meintest du 'seed'?)" in err


def test_every_code_of_the_experiment_loader_has_words_in_both_languages():
    sources = [(ROOT / "engine" / "experiment" / name).read_text(encoding="utf-8")
               for name in ("spec.py", "distributions.py")]
    codes = set()
    for source in sources:
        codes |= set(re.findall(r'(?:fail\(|ExperimentError\(path, |DistributionError\()\s*"(\w+)"',
                                source))
    expected = set()
    for source in sources:
        expected |= set(re.findall(r'expected="(\w+)"', source))
    assert len(codes) > 25 and len(expected) > 5
    for lang in i18n.LANGUAGES:
        table = i18n.table(lang)
        assert not {c for c in codes if f"experiment.error.{c}" not in table}, lang
        assert not {e for e in expected if f"experiment.expected.{e}" not in table}, lang


# ---------------------------------------------------------------- what it prints and writes


def test_the_table_the_chart_the_csv_and_the_svg(tmp_path):
    i18n.missing_keys.clear()
    source = (EXAMPLES / "extension_policy_seed_vs_current.toml").read_text(encoding="utf-8")
    path = experiment(tmp_path, source.replace('title = { en = "Extensions:',
                                               'title = { en = "<b>&Extensions\\u001b[2J:'))
    chart = tmp_path / "chart.svg"
    args = [str(path), "--orders", "500", "--replications", "3"]
    status, out, err = rcsim_experiment(*args, "--svg", str(chart))
    assert status == 0, err
    assert "<b>&Extensions␛[2J:" in out  # a title is shown inert
    for words in ("How orders end (share of orders)", "expired without an answer (share of requests)",
                  "accepted automatically (share of requests)", "policy seed", "baseline",
                  "How orders end, per arm", "█", f"The chart is in {chart}."):
        assert words in out
    assert re.search(r"accepted automatically \(share of requests\) +0\.0% ±0\.0 +\d", out)
    assert re.search(r"\n +\+\d+\.\d\d pp ±\d+\.\d\d \*\n", out)  # a difference, no noise
    svg = ElementTree.parse(chart).getroot()
    texts = "".join(svg.itertext())
    assert "<b>&Extensions␛[2J:" in texts  # text, escaped: neither markup nor a raw escape
    assert "What becomes of extension requests (share of requests)" in texts
    assert svg.get("width") and len(svg.findall("{http://www.w3.org/2000/svg}rect")) > 20
    status, out, _ = rcsim_experiment(*args, "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 2 * len(ex.METRICS)
    lapsed = {r["arm"]: r for r in rows if r["metric"] == "ext_lapsed"}
    assert float(lapsed["policy current"]["mean"]) == 0.0
    assert float(lapsed["policy current"]["difference"]) < 0
    assert lapsed["policy seed"]["difference"] == "" and lapsed["policy seed"]["baseline"] == "True"
    for lang in i18n.LANGUAGES:  # every text the table, the chart and the SVG asked for
        rcsim_experiment(*args, "--lang", lang, "--svg", str(chart))
    assert not i18n.missing_keys


def test_numbers_in_german(tmp_path):
    status, out, _ = rcsim_experiment(str(EXAMPLES / "cancellation_window_72h.toml"),
                                      "--orders", "1000", "--replications", "2", "--lang", "de")
    assert status == 0
    assert "Wie Aufträge enden (Anteil der Aufträge)" in out
    assert re.search(r"abgeschlossen +\d+,\d\u00a0% ±\d+,\d", out)  # (no break inside "95 %")
    assert "Einvernehmliche Stornierung: ohne Antwort" in out


def test_the_progress_bar_shows_the_time_left_on_a_terminal_only():
    leader, follower = pty.openpty()
    try:
        terminal = os.fdopen(follower, "w", encoding="utf-8", closefd=False)
        ticks = iter([0.0, 2.0, 4.0])
        progress = Progress(terminal, 4, clock=lambda: next(ticks))
        progress.update(1)  # 2 s for one task of four: 6 s left
        progress.update(2)
        progress.clear()
        terminal.flush()
        chunks = []  # the terminal may hand over what was written in more than one read
        while select.select([leader], [], [], 0.5)[0]:
            chunks.append(os.read(leader, 4096))
        shown = b"".join(chunks).decode("utf-8")
    finally:
        os.close(leader)
        os.close(follower)
    assert "1/4 tasks, about 6 s left" in shown and "2/4 tasks, about 4 s left" in shown
    assert shown.startswith("\r") and shown.rstrip(" ").endswith("\r")
    quiet = io.StringIO()
    Progress(quiet, 4).update(1)
    assert quiet.getvalue() == ""


def test_the_bundled_experiments_load_and_run(tmp_path):
    files = sorted(EXAMPLES.glob("*.toml"))
    assert {f.name for f in files} >= {"cancellation_window_72h.toml",
                                       "extension_policy_seed_vs_current.toml"}
    for path in files:
        status, out, err = rcsim_experiment(str(path), "--orders", "300", "--replications", "2")
        assert status == 0, err


def test_a_sweep_makes_one_arm_per_value(tmp_path):
    path = experiment(tmp_path, GOOD + """
[[arms]]
name = "window"
sweep = { rule = "cancellation_response_hours", values = [24, 96] }
""")
    e = ex.load(path)
    assert [a.name for a in e.arms] == ["base", "longer", "window: 24", "window: 96"]
    assert e.arms[3].rules == {"cancellation_response_hours": 96} and e.baseline == 0


# ---------------------------------------------------------------- the statistics


def test_student_t_and_the_intervals():
    assert t975(1) == 12.706205 and t975(30) == 2.042272
    assert abs(t975(35) - 2.0301) < 0.001 and abs(t975(10_000) - 1.9602) < 0.001
    same = estimate([0.5, 0.5, 0.5])
    assert (same.mean, same.low, same.high) == (0.5, 0.5, 0.5)
    spread = estimate([1.0, 2.0, 3.0])  # sd 1, n 3: half-width t(2) / sqrt(3)
    assert abs((spread.high - spread.mean) - 4.302653 / 3 ** 0.5) < 1e-12
    assert estimate([2.0]).low is None
    paired = difference([2.0, 3.0, 4.0], [1.0, 2.0, 3.0], paired=True)
    assert (paired.mean, paired.low, paired.high) == (1.0, 1.0, 1.0)
    welch = difference([2.0, 3.0, 4.0], [1.0, 2.0, 3.0], paired=False)
    assert welch.mean == 1.0 and welch.low < 0 < welch.high


def test_distributions_draw_from_the_seeded_stream_only():
    import random
    spec = parse_distribution({"dist": "lognormal", "median": 24, "sigma": 0.5, "max": 30})
    a = [spec.draw(random.Random(3)) for _ in range(3)]
    assert a == [spec.draw(random.Random(3)) for _ in range(3)] and max(a) <= 30
    assert parse_distribution(12).draw(random.Random(0)) == 12
    values = spec.sampler(random.Random(9))
    assert max(values() for _ in range(1000)) == 30.0


def test_the_experiment_travels_to_workers_as_plain_data():
    import pickle
    e = ex.load(EXAMPLES / "cancellation_window_72h.toml")
    assert pickle.loads(pickle.dumps(e)) == e
    assert replace(e, orders=10).orders == 10


def test_the_format_as_documented_loads():
    """The format page's experiment file and the one in engine/experiment's docstring are valid."""
    section = (ROOT / "docs" / "formats" / "experiments.md").read_text(encoding="utf-8")
    documented = section[section.index("```toml\n") + 8:section.index("\n```", section.index("```toml"))]
    docstring = ex.__doc__.split("An experiment file (TOML)::\n", 1)[1].split("\n\nA behaviour", 1)[0]
    for text in (documented, "\n".join(line[4:] for line in docstring.splitlines())):
        e = ex.loads(text)
        assert [a.name for a in e.arms] == ["48 hours (today)", "72 hours", "window: 24",
                                            "window: 96"]
        assert e.behaviour.request_extension is not None and len(e.behaviour.answers) == 4


def test_an_experiment_gives_its_title_and_arms_per_language_and_the_output_speaks_its_own(
        tmp_path) -> None:
    """As a scenario does: the title, the description and the arms' names may be given per
    language; the table speaks the language of the command, the JSON keeps the English names."""
    import tomllib

    for path in sorted((ROOT / "data" / "experiments").glob("*.toml")):  # every bundled one
        document = tomllib.loads(path.read_text(encoding="utf-8"))
        texts = [document["title"], document["description"]] + [a["name"] for a in document["arms"]]
        assert all(isinstance(t, dict) and set(t) == {"en", "de"} for t in texts), path.name
    args = ["cancellation_window_72h", "--orders", "200", "--replications", "2"]
    out, err = io.StringIO(), io.StringIO()
    assert main([*args, "--lang", "de"], stdout=out, stderr=err) == 0, err.getvalue()
    german = out.getvalue()
    assert german.startswith("Was wäre, wenn die Antwortfrist für Stornierungen 72 Stunden betrüge?")
    assert "48 Stunden (heute)" in german and "72 hours" not in german
    out = io.StringIO()
    assert main([*args, "--json", "--lang", "de"], stdout=out, stderr=err) == 0
    assert [arm["name"] for arm in json.loads(out.getvalue())["arms"]] == ["48 hours (today)",
                                                                          "72 hours"]
    bad = experiment(tmp_path, GOOD.replace('title = "', 'title = { english = "x" }\n# "', 1))
    out, err = io.StringIO(), io.StringIO()
    assert main([str(bad)], stdout=out, stderr=err) == 2
    assert "title.english" in err.getvalue() and "is no language" in err.getvalue()
