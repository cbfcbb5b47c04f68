"""The order list's fast cell rendering gives exactly what DataTable's own rendering gives."""

from __future__ import annotations

from rich.style import Style
from textual.widgets import DataTable

from engine.demo import create_demo
from tui.widgets.order_table import OrderTable

from .conftest import SIZE, START, build_app

TITLES = ["x", "Ω wide 漢字 emoji 🎉", "[bold]markup[/]", "long title " * 5, " a\tb "]


async def test_fast_cells_equal_datatable_cells():
    sim = create_demo(None, start=START)
    sim.add_orders([{"id": f"T-{i}", "title": title, "price": 50, "delivery_days": 3,
                     "status": "incomplete"} for i, title in enumerate(TITLES)])
    app = build_app(sim)
    compared = 0
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for theme in ("textual-dark", "textual-light"):
            app.theme = theme
            for party in ("buyer", "freelancer"):
                app.pane(party).focus_list()  # one table focused, the other not
                await pilot.pause()
                for pane in ("buyer", "freelancer"):
                    table = app.pane(pane).query_one("#orders", OrderTable)
                    zebra = table.get_component_styles("datatable--even-row").rich_style
                    for row in range(table.row_count):
                        for column, spec in enumerate(table.ordered_columns):
                            width = spec.get_render_width(table)
                            for base in (Style(), zebra):
                                for cursor, hover in ((False, False), (True, False), (False, True)):
                                    table._cell_render_cache.clear()
                                    fast = table._render_cell(row, column, base, width, cursor, hover)
                                    table._cell_render_cache.clear()
                                    slow = DataTable._render_cell(table, row, column, base, width,
                                                                  cursor, hover)
                                    assert fast == slow, (pane, row, column, cursor, hover)
                                    compared += 1
    assert compared > 1000
