"""A class in one command: `rcsim serve --pairs N --dir DIR` makes a simulation per pair and keeps
the seats' secrets, so that serving the folder again continues with the same links; the links
are written to a CSV and a printable page; `rcsim class report` compares the pairs. Real
processes on loopback; the browser is in tests/browser/test_class_browser.py."""

from __future__ import annotations

import csv
import io
import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from rcsim.engine import Simulation
from rcsim.engine.classroom import forks, outcome_counts, pair_path
from rcsim.tui.cli import class_command
from rcsim.tui.web import classroom as classes
from rcsim.tui.web.seats import class_seats, find_seat

from .serving import ROOT, WAIT

START = "2026-03-02T09:00:00Z"


def play(path: Path, answer: str, order: str = "FO-1003") -> None:
    """A pair's buyer asks to cancel `order` and its freelancer answers, each in their window."""
    with Simulation.open(path) as buyer:
        buyer.claim_seat("buyer")
        buyer.act("buyer", "ask_to_cancel", order, reason="no_longer_needed", comment="Sorry.")
    with Simulation.open(path) as freelancer:
        freelancer.claim_seat("freelancer")
        fields = {"comment": "Nearly done, let us finish."} if answer == "decline" else {}
        freelancer.act("freelancer", answer, order, **fields)


def make_class(folder: Path, pairs: int = 3) -> classes.Classroom:
    from rcsim.engine.demo import create_demo

    return classes.create(folder, pairs, lambda path: create_demo(path, start=START), "demo")


def report(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return class_command.main(["report", *args], stdout=out, stderr=err), out.getvalue(), err.getvalue()


def test_serve_makes_a_class_and_continues_it_with_the_same_links(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    served = start_serve_dir(folder, "--pairs", "3")
    try:
        first = links_of(served.lines)
        assert len(first) == 7 and len(set(first)) == 7  # the trainer's and two per pair
        assert served.interrupt() == 0
    finally:
        served.kill()
    for name in ("pair-01.json", "pair-02.json", "pair-03.json"):
        with Simulation.open(folder / name, read_only=True) as sim:
            assert sim.order_view("FO-1006").open_request is not None  # the demo
    for name in ("class.json", "links.csv", "links.html"):  # they hold the secrets
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name
    rows = list(csv.reader((folder / "links.csv").read_text(encoding="utf-8").splitlines()))
    assert rows[0] == ["pair", "seat", "link"] and len(rows) == 8
    assert {row[2] for row in rows[1:]} == set(first)
    page = (folder / "links.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 7 and "Pair 3: Freelancer" in page
    assert "<script" not in page and 'src="http' not in page and 'href="http' not in page

    again = start_serve_dir(folder)  # the same folder: the same class, the same links
    try:
        # (--port 0: another port; the same seats, each at the same secret)
        assert [link.split("/", 3)[3] for link in links_of(again.lines)] == \
            [link.split("/", 3)[3] for link in first]
        assert again.interrupt() == 0
    finally:
        again.kill()


def start_serve_dir(folder: Path, *args: str):
    import subprocess as sp

    from .serving import Served

    process = sp.Popen([sys.executable, "-m", "rcsim", "serve", "--dir", str(folder), "--port", "0",
                        "--lang", "en", *args], stdout=sp.PIPE, stderr=sp.PIPE, text=True,
                       cwd=ROOT, start_new_session=True)
    served = Served(process, None)
    assert process.stdout is not None
    while True:
        line = process.stdout.readline()
        if not line:
            raise AssertionError(f"rcsim serve ended: {process.stderr.read() if process.stderr else ''}")
        served.lines.append(line.rstrip("\n"))
        if "Ctrl+C" in line:
            return served


def links_of(lines: list[str]) -> list[str]:
    return [word for line in lines for word in line.split() if word.startswith("http://")]


@pytest.mark.parametrize("args, said", [
    (["--pairs", "4"], "has 3 pairs, not 4"),
    (["--rule", "cancellation_response_hours=72"], "is under way"),
    (["--scenario", "extension_accepted"], "is under way"),
])
def test_a_class_under_way_is_continued_as_it_is_or_refused(tmp_path, args, said) -> None:
    folder = tmp_path / "class"
    make_class(folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    result = subprocess.run([sys.executable, "-m", "rcsim", "serve", "--dir", str(folder),
                             "--port", "0", "--lang", "en", *args], capture_output=True,
                            text=True, cwd=ROOT, timeout=WAIT)
    assert result.returncode == 2 and said in result.stderr and "Traceback" not in result.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


@pytest.mark.parametrize("args, said", [
    (["--pairs", "2", "--dir", "C", "--db", "x.json"], "--dir (a class) or --db"),
    (["--pairs", "0", "--dir", "C"], "a class has from 1 to 50 pairs"),
    (["--pairs", "2", "--db", "x.json"], "--pairs and --scenario make a class"),
    (["--dir", "C"], "give --pairs N to make one"),
])
def test_bad_class_options_are_refused(tmp_path, args, said) -> None:
    args = [str(tmp_path / "c") if a == "C" else a for a in args]
    result = subprocess.run([sys.executable, "-m", "rcsim", "serve", "--port", "0", "--lang", "en",
                             *args], capture_output=True, text=True, cwd=ROOT, timeout=WAIT)
    assert result.returncode == 2 and said in result.stderr, result.stderr
    assert not (tmp_path / "c" / "pair-01.json").exists()


def test_a_class_from_a_scenario_starts_each_pair_at_its_orders(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    served = start_serve_dir(folder, "--pairs", "2", "--scenario", "buyer_cancel_timeout_mutual")
    try:
        assert served.interrupt() == 0
    finally:
        served.kill()
    classroom = classes.load(folder)
    assert classroom is not None and classroom.source == "scenario:buyer_cancel_timeout_mutual"
    with Simulation.open(folder / "pair-02.json", read_only=True) as sim:
        assert sim.step_count == classroom.pairs[1].start and len(sim.order_ids()) >= 1


def test_a_damaged_class_file_is_refused_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    make_class(folder, 2)
    damaged = (folder / "class.json").read_text().replace('"file": "pair-02.json"',
                                                          '"file": "../../etc/passwd"')
    (folder / "class.json").write_text(damaged)
    status, _, err = report(str(folder))
    assert status == 2 and "cannot be used" in err
    assert (folder / "class.json").read_text() == damaged
    status, _, err = report(str(tmp_path / "nothing"))
    assert status == 2 and "no class in" in err


def test_the_seats_of_a_class_each_their_own_link(tmp_path: Path) -> None:
    classroom = make_class(tmp_path / "class", 2)
    seats = class_seats(classroom)
    assert find_seat(seats, classroom.trainer).role == "dashboard"
    view = find_seat(seats, classroom.trainer, "pair/2")
    assert view.role == "trainer" and view.db == classroom.path(classroom.pairs[1])
    buyer = classroom.pairs[0].buyer
    assert find_seat(seats, buyer).role == "buyer"
    assert find_seat(seats, buyer, "pair/1") is None  # a party's link opens no trainer view
    assert find_seat(seats, classroom.trainer, "pair/3") is None


# ---------------------------------------------------------------- the debrief


def test_the_paths_where_they_parted_and_the_outcomes(tmp_path: Path) -> None:
    classroom = make_class(tmp_path / "class")
    for pair, answer in zip(classroom.pairs, ("accept", "accept", "decline"), strict=False):
        play(classroom.path(pair), answer)
    paths = []
    for pair in classroom.pairs:
        with Simulation.open(classroom.path(pair), read_only=True) as sim:
            paths.append(pair_path(pair.number, sim, pair.start))
    assert [len(p.steps) for p in paths] == [2, 2, 2]
    assert [s.seat for s in paths[0].steps] == ["buyer", "freelancer"]
    (fork,) = forks(paths)
    assert len(fork.after) == 1 and sorted(fork.branches.values()) == [(1, 2), (3,)]
    counted = outcome_counts(paths)
    assert [pairs for _, pairs in counted] == [(1, 2), (3,)]
    assert counted[0][0][0].status == "cancelled" and counted[1][0][0].status == "in_progress"

    status, text, _ = report(str(classroom.folder), "--lang", "en")
    assert status == 0
    assert "2 pairs (1, 2): FO-1003 Cancelled, Mutual cancellation (accepted)" in text
    assert "1 pair (3): FO-1003 In progress" in text
    assert "After the one move in common" in text
    assert "1 pair (3): The freelancer declined" in text
    assert "(freelancer's window)" in text
    status, german, _ = report(str(classroom.folder), "--lang", "de")
    assert "2 Paare (1, 2): FO-1003 Storniert" in german and "(Fenster des Kunden)" in german
    status, data, _ = report(str(classroom.folder), "--json")
    document = json.loads(data)
    assert [o["pairs"] for o in document["outcomes"]] == [[1, 2], [3]]
    assert document["parted"][0]["branches"][1]["pairs"] == [3]
    assert document["pairs"][2]["moves"][1]["seat"] == "freelancer"


def test_the_report_as_a_page_loads_nothing_from_the_network(tmp_path: Path) -> None:
    classroom = make_class(tmp_path / "class", 2)
    play(classroom.path(classroom.pairs[0]), "accept")
    target = tmp_path / "debrief.html"
    status, out, _ = report(str(classroom.folder), "--html", str(target))
    assert status == 0 and str(target) in out
    page = target.read_text(encoding="utf-8")
    assert "Pair 1" in page and "Pair 2" in page and page.count('class="map"') == 2
    assert "<script" not in page and "src=\"http" not in page and "href=\"http" not in page


def test_pairs_that_went_alike_parted_nowhere_and_an_untouched_pair_is_said(tmp_path) -> None:
    classroom = make_class(tmp_path / "class", 3)
    play(classroom.path(classroom.pairs[0]), "accept")
    play(classroom.path(classroom.pairs[1]), "accept")
    status, text, _ = report(str(classroom.folder))
    assert "1 pair (3): no order touched yet" in text
    assert "2 pairs (1, 2): nothing more (their path ends here)" not in text  # the untouched one
    assert "1 pair (3): nothing more (their path ends here)" in text
