"""A class of three pairs in a real browser: six trainees' tabs and the trainer's dashboard, all on
one port. Each pair plays the cancellation flow in its own tabs (two accept, one declines); the
dashboard follows every pair; the trainer's clock move reaches every pair; one pair's undo
touches no other; a pair's trainer view opens from the dashboard and leads back; the report
names each pair's outcome and where the pairs parted."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from ..serving import ROOT, WAIT, Served
from .conftest import Tab, open_tab
from .test_serve_browser import CLOCK, clock_of, row

# Its module-scoped fixtures (a server, a wheel, a site) are built once: its tests share a worker.
pytestmark = pytest.mark.xdist_group("test_class_browser")

PAIRS = 3


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("class") / "class"


@pytest.fixture(scope="module")
def served(folder: Path) -> Iterator[tuple[Served, dict[str, str]]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "rcsim", "serve", "--pairs", str(PAIRS), "--dir", str(folder),
         "--port", "0", "--lang", "en"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, cwd=ROOT, start_new_session=True)
    served = Served(process, None)
    links: dict[str, str] = {}
    assert process.stdout is not None
    for line in process.stdout:
        served.lines.append(line)
        found = re.search(r"(Trainer|Pair (\d), (Buyer|Freelancer)).*?(http://\S+/)", line)
        if found:
            key = "trainer" if found.group(1) == "Trainer" else \
                f"{found.group(2)}/{found.group(3).lower()}"
            links[key] = found.group(4)
        if "Ctrl+C" in line:
            break
    try:
        yield served, links
    finally:
        try:
            served.interrupt()
        finally:
            served.kill()


@pytest.fixture(scope="module")
def tabs(browser: Browser, served: tuple[Served, dict[str, str]]) -> dict[str, Tab]:
    _, links = served
    opened = {key: open_tab(browser, link) for key, link in links.items() if key != "trainer"}
    opened["trainer"] = open_tab(browser, links["trainer"], shows="Where the orders stand")
    return opened


def test_every_seat_has_its_tab_on_one_port(served, tabs: dict[str, Tab]) -> None:
    _, links = served
    assert len(links) == 1 + 2 * PAIRS
    assert len({link.split("/")[2] for link in links.values()}) == 1  # one host and port
    assert len(served[0].app_processes()) == 1 + 2 * PAIRS


def test_each_pair_plays_the_cancellation_flow_and_the_dashboard_follows(tabs) -> None:
    for pair in range(1, PAIRS + 1):
        buyer = tabs[f"{pair}/buyer"]
        buyer.click(r"(FO-1003)  Product photo")
        buyer.press("r")
        buyer.wait_for("Choose what you want to do")
        buyer.press("ArrowDown", "Space", "Tab", "Enter")  # "Ask to cancel the order", Continue
        buyer.wait_for("Comment (required)")
        buyer.type(f"Pair {pair}: the shoot was cancelled.")
        buyer.press("Control+s")
        buyer.wait_for("Request sent")
        buyer.press("Enter")
    for pair in range(1, PAIRS + 1):
        freelancer = tabs[f"{pair}/freelancer"]
        freelancer.wait_for("The buyer asked to cancel FO-1003")
        freelancer.click(r"(FO-1003)  Product photo")
        freelancer.wait_for(f"Pair {pair}: the shoot was cancelled.")
        answer = "Accept" if pair < PAIRS else "Decline"
        freelancer.click(rf"(?<!\S)({answer})(?!\S)")
        freelancer.wait_for("Comment (")
        if answer == "Decline":
            freelancer.type("We are nearly done: let us finish it.")
        freelancer.press("Control+s")
    dashboard = tabs["trainer"]

    def rows(screen: str) -> dict[str, str]:
        return {line.split()[0]: line for line in screen.splitlines()
                if line.strip()[:1].isdigit()}

    screen = dashboard.wait_for(lambda text: "Cancelled" in rows(text).get("1", "")
                                and "Cancelled" in rows(text).get("2", "")
                                and "Declin" in rows(text).get("3", ""))
    lines = rows(screen)
    assert "Cancelled" in lines["1"] and "Cancelled" in lines["2"]
    assert "In progress" in lines["3"] and "Declin" in lines["3"]
    assert "● Buyer ● Freelancer" in lines["1"]  # both seats open


def test_the_trainers_clock_move_reaches_every_pair(tabs) -> None:
    before = {pair: clock_of(tabs[f"{pair}/buyer"].screen()) for pair in range(1, PAIRS + 1)}
    tabs["trainer"].press("H")  # every pair: +1 hour
    for pair in range(1, PAIRS + 1):
        for role in ("buyer", "freelancer"):
            tabs[f"{pair}/{role}"].wait_for(
                lambda screen, pair=pair: CLOCK.search(screen) is not None
                and (clock_of(screen) - before[pair]).total_seconds() == 3600)


def test_one_pairs_undo_touches_no_other(tabs) -> None:
    clocks = {pair: clock_of(tabs[f"{pair}/buyer"].screen()) for pair in range(1, PAIRS + 1)}
    dashboard = tabs["trainer"]
    dashboard.press("ArrowDown", "u")  # pair 2: its last step (the clock move) taken back
    tabs["2/buyer"].wait_for(lambda screen: (clocks[2] - clock_of(screen)).total_seconds() == 3600)
    dashboard.page.wait_for_timeout(1500)  # (time for a wrong change to show, if there were one)
    for pair in (1, 3):
        assert clock_of(tabs[f"{pair}/buyer"].screen()) == clocks[pair]
        assert clock_of(tabs[f"{pair}/freelancer"].screen()) == clocks[pair]
    assert any("Cancelled" in line for line in row(tabs["1/buyer"].screen(), "FO-1003"))


def test_a_pairs_trainer_view_opens_from_the_dashboard_and_leads_back(tabs) -> None:
    dashboard = tabs["trainer"]
    dashboard.press("ArrowDown")  # pair 3
    dashboard.press("o")
    screen = dashboard.wait_for("Freelancer: my orders")
    assert "Buyer: my orders" in screen  # the trainer's view of the pair: both panes, the clock
    assert "/pair/3/" in dashboard.page.url
    dashboard.page.focus(".xterm-helper-textarea")
    dashboard.press("b")
    dashboard.wait_for("Where the orders stand")
    assert dashboard.page.url.endswith("/") and "/pair/" not in dashboard.page.url


def test_the_report_names_each_pairs_outcome_and_where_they_parted(folder: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "rcsim", "class", "report", str(folder),
                             "--lang", "en"], capture_output=True, text=True, timeout=WAIT)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "2 pairs (1, 2): FO-1003 Cancelled, Mutual cancellation (accepted)" in text
    assert "1 pair (3): FO-1003 In progress" in text
    assert "1 pair (3): The freelancer declined the buyer's cancellation request on FO-1003" in text
    assert "(buyer's window)" in text and "(freelancer's window)" in text
