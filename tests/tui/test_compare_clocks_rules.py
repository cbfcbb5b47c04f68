"""`v` says first that the clocks or the rules differ (issue 21, item 10): in the summary and as
the first rows of the table, before the orders; in English and German, at 80x24 and 160x48."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from rcsim.engine import Simulation
from rcsim.engine.demo import create_demo
from rcsim.tui.app.app import make_app
from rcsim.tui.app.widgets.lazy_table import LazyTable

from .conftest import SIZE, START, paste, plain
from .test_keys_everywhere import CLASSIC

SIZES = [pytest.param(CLASSIC, id="80x24"), pytest.param(SIZE, id="160x48")]
WORDS = {
    "en": ("The clocks differ", "The rules differ", "Simulated time", "48 h", "72 h"),
    "de": ("Die Uhren unterscheiden sich", "Die Regeln unterscheiden sich", "Simulierte Zeit",
           "48 Std.", "72 Std."),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["en", "de"])
async def test_v_says_the_clocks_and_the_rules_first(tmp_path, monkeypatch, language, size):
    monkeypatch.chdir(tmp_path)
    with create_demo(tmp_path / "class.json", start=START) as sim:
        sim.branch(sim.step_count, tmp_path / "72h.json")
    with Simulation.open(tmp_path / "72h.json") as other:
        other.change_rules({"cancellation_response_hours": 72})
        other.advance("5h")
    app = make_app(Simulation.open(tmp_path / "class.json"), cursor_blink=False,
                   animation_level="none", language=language)
    clocks, rules, clock_fact, was, now = WORDS[language]
    async with app.run_test(size=size) as pilot:
        await pilot.press("v")
        await pilot.pause()
        app.screen.query_one("#compare-path", Input).value = ""
        await paste(pilot, "72h.json")
        await pilot.press("ctrl+s")
        await pilot.pause()
        summary = plain(app.screen.query_one("#compare-summary").content)
        assert summary.index(clocks) < summary.index(rules), summary
        table = app.screen.query_one("#compare-orders", LazyTable)
        rows = [[cell[0] for cell in table.row_at(i)[1]] for i in range(table.row_count)]
        assert rows[0][1] == clock_fact and rows[0][2] != rows[0][3]
        assert rows[1][1:] == ["cancellation_response_hours", was, now]
        assert all(not row[0].startswith("FO-") for row in rows[:2]), "before the orders"
