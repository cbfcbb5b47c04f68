"""A table that draws only the rows on screen, asking for each row's cells when it draws it.

The order list and the event log can hold tens of thousands of rows; a `DataTable` builds and
measures every row up front and re-renders on every change. Here the table knows only how
many rows there are and a function that gives the cells of row i; a clock move or an action
costs the rows in view, whatever exists. Built on Textual's line API (`ScrollView.render_line`),
with no private Textual API.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from rcsim.tui.words.i18n import using

Cell = tuple[str, str]
"""A cell: its plain text and a Rich style ("" for none). Text is never markup."""


class Column(NamedTuple):
    key: str
    label: str
    width: int


class LazyTable(ScrollView, can_focus=True):
    """A header line and `row_count` rows; `row(i)` gives row i's key and cells when drawn.

    Arrow keys, Page Up/Down, Home/End move the cursor (`Highlighted`); Enter or a click on
    the highlighted row selects it (`Selected`). Rows are cached per drawing generation:
    `refresh_rows()` (after a change in what the rows show) drops the cache and redraws.
    """

    BINDINGS = [
        Binding("up", "cursor(-1)", show=False),
        Binding("down", "cursor(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "first", show=False),
        Binding("end", "last", show=False),
        Binding("enter", "select", show=False),
    ]

    COMPONENT_CLASSES = {
        "lazy-table--header", "lazy-table--cursor", "lazy-table--even-row",
    }

    DEFAULT_CSS = """
    LazyTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        overflow-x: hidden;
        &:focus {
            background-tint: $foreground 5%;
            & > .lazy-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .lazy-table--header { background-tint: $foreground 5%; }
        }
        &:dark > .lazy-table--even-row { background: $surface-darken-1 40%; }
        & > .lazy-table--header { text-style: bold; background: $panel; color: $foreground; }
        & > .lazy-table--even-row { background: $surface-lighten-1 50%; }
        & > .lazy-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    cursor_row: reactive[int] = reactive(0, init=False, repaint=False)

    class RowMessage(Message):
        """About the row with this key."""

        def __init__(self, table: LazyTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> LazyTable:
            return self.table

    class Highlighted(RowMessage):
        """The cursor moved to the row with this key."""

    class Selected(RowMessage):
        """Enter (or a click on the highlighted row) on the row with this key: "View"."""

    def __init__(self, row: Callable[[int], tuple[str, Sequence[Cell]]], *, language: str,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._row = row
        # Rows are asked for while the screen draws, in the screen's context: they are made in
        # the language of the table's owner, which the App rebuilds when its language changes.
        self.language = language
        self.columns: list[Column] = []
        self.gap = 2  # the spaces a cell takes besides its text: one each side, or one before
        self._column_meta: list[Style] = []
        self.row_count = 0
        self._cache: dict[int, tuple[str, Sequence[Cell]]] = {}

    # ---------------------------------------------------------------- the data

    def set_columns(self, columns: Sequence[Column], *, gap: int = 2) -> None:
        """The columns, each `gap` cells wider than its text: 2 (a space each side) or, where a
        table must be narrow, 1 (a space before it)."""
        self.columns = list(columns)
        self.gap = gap
        # Each cell carries its column in its style's meta: cells stay apart where the screen is
        # exported (an SVG keeps one text element per cell, as DataTable's does).
        self._column_meta = [Style.from_meta({"column": i}) for i in range(len(self.columns))]
        self._resize()

    def set_row_count(self, count: int) -> None:
        """The number of rows changed (rows were added): keep the cursor on a row."""
        if count != self.row_count:
            self.row_count = count
            self._resize()
            if self.cursor_row >= count > 0:
                self.cursor_row = count - 1
        self.refresh_rows()

    def refresh_rows(self) -> None:
        """What the rows show changed: draw the visible ones anew (asking `row(i)` again)."""
        self._cache.clear()
        self.refresh()

    def row_at(self, index: int) -> tuple[str, Sequence[Cell]]:
        """The key and cells of row `index` (asked for once per drawing generation)."""
        found = self._cache.get(index)
        if found is None:
            with using(self.language):
                found = self._cache[index] = self._row(index)
        return found

    @property
    def cursor_key(self) -> str | None:
        return self.row_at(self.cursor_row)[0] if 0 <= self.cursor_row < self.row_count else None

    def _resize(self) -> None:
        width = sum(c.width + self.gap for c in self.columns)
        self.virtual_size = Size(width, self.row_count + 1)  # + the header line
        self.refresh(layout=True)

    # ---------------------------------------------------------------- the cursor

    def move_cursor(self, row: int, *, announce: bool = True) -> None:
        """Put the cursor on a row (clamped) and scroll it into view."""
        if self.row_count == 0:
            return
        row = max(0, min(row, self.row_count - 1))
        changed = row != self.cursor_row
        self.cursor_row = row
        self._scroll_to_cursor()
        self.refresh()
        if changed and announce:
            self.post_message(self.Highlighted(self, self.row_at(row)[0]))

    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_to_cursor(self) -> None:
        top = round(self.scroll_y)
        visible = self._visible_rows()
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False, immediate=True)

    def action_cursor(self, delta: int) -> None:
        self.move_cursor(self.cursor_row + delta)

    def action_page(self, direction: int) -> None:
        self.move_cursor(self.cursor_row + direction * self._visible_rows())

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(self.row_count - 1)

    def action_select(self) -> None:
        key = self.cursor_key
        if key is not None:
            self.post_message(self.Selected(self, key))

    def on_click(self, event: events.Click) -> None:
        if event.y < 1:  # the header
            return
        row = round(self.scroll_y) + event.y - 1
        if not 0 <= row < self.row_count:
            return
        if row == self.cursor_row:
            self.action_select()
        else:
            self.move_cursor(row)

    # ---------------------------------------------------------------- drawing

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x = round(self.scroll_x)
        if y == 0:
            style = self.get_component_rich_style("lazy-table--header")
            cells: Sequence[Cell] = [(c.label, "") for c in self.columns]
            return self._strip(cells, style, width, scroll_x)
        index = round(self.scroll_y) + y - 1
        if not 0 <= index < self.row_count:
            return Strip.blank(width, self.rich_style)
        _, cells = self.row_at(index)
        if index == self.cursor_row:
            base = self.get_component_rich_style("lazy-table--cursor")
        elif index % 2 == 0:
            base = self.get_component_rich_style("lazy-table--even-row")
        else:
            base = self.rich_style
        return self._strip(cells, base, width, scroll_x)

    def _strip(self, cells: Sequence[Cell], base: Style, width: int, scroll_x: int) -> Strip:
        segments: list[Segment] = []
        for column, meta, (text, style) in zip(self.columns, self._column_meta, cells, strict=False):
            # One cell: a space, the text, spaces to the column's width, a space; the text in
            # its own segment, so that only it carries the cell's style.
            cell = base + meta
            if text and cell_len(text) > column.width:  # cut: said with an ellipsis
                text = set_cell_size(text, max(0, column.width - 1)).rstrip(" ") + "\u2026" \
                    if column.width > 0 else ""
            text = set_cell_size(text, column.width).rstrip(" ") if text else ""
            segments.append(Segment(" ", cell))
            if text:
                segments.append(Segment(text, cell + Style.parse(style) if style else cell))
            fill = column.width - cell_len(text) + (self.gap - 1)
            if fill:
                segments.append(Segment(" " * fill, cell))
        used = sum(c.width + self.gap for c in self.columns)
        if used < width + scroll_x:
            segments.append(Segment(" " * (width + scroll_x - used), base))
        return Strip(segments).crop(scroll_x, scroll_x + width)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self.virtual_size.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.row_count + 1


def text_width(text: str) -> int:
    """Cells a text takes on screen (wide characters count twice)."""
    return cell_len(text)
