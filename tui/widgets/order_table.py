"""The order list's table: a DataTable that re-renders only what changed, and fast.

Both tricks lean on DataTable's private render caches of textual 8.2.8, which is pinned;
tests/tui/test_order_table.py compares every cell with DataTable's own rendering, so a textual
upgrade that changes them fails there first.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, ColumnKey, RowKey


class OrderTable(DataTable):
    """A DataTable whose changed cell re-renders its own row only.

    DataTable.update_cell bumps a counter that is part of every render-cache key, so one changed
    cell re-renders every visible cell of the table through Rich (about 170 per pane). Here only
    the changed row's cached renders are dropped. (textual is pinned; these caches are 8.2.8's.)
    """

    def update_cell(self, row_key: RowKey | str, column_key: ColumnKey | str, value: object, *,
                    update_width: bool = False) -> None:
        if update_width:
            super().update_cell(row_key, column_key, value, update_width=True)
            return
        row_key = RowKey(row_key) if isinstance(row_key, str) else row_key
        column_key = ColumnKey(column_key) if isinstance(column_key, str) else column_key
        if row_key not in self._row_locations or column_key not in self._column_locations:
            raise CellDoesNotExist(f"No cell exists for row_key={row_key!r}, column_key={column_key!r}.")
        self._data[row_key][column_key] = value
        index = self._row_locations.get(row_key)
        for cache, position, wanted in ((self._cell_render_cache, 0, row_key),
                                        (self._row_render_cache, 0, row_key),
                                        (self._row_renderable_cache, 1, index)):
            for key in [key for key in cache.keys() if key[position] == wanted]:
                cache.discard(key)
        self._line_cache.clear()  # keyed by screen line; rebuilt cheaply from the row cache
        self.refresh_row(index)

    _styles_memo: dict[object, Style] | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        """Render with the table's and its rows' Rich styles computed once for all lines.

        Each of those walks every ancestor's styles (~0.1 ms); DataTable asks for them on every
        line. Nothing can restyle the table while it renders, so the memo lives for one call.
        """
        self._styles_memo = {}
        try:
            return super().render_lines(crop)
        finally:
            self._styles_memo = None

    @property
    def rich_style(self) -> Style:
        memo = self._styles_memo
        if memo is None:
            return super().rich_style
        if "table" not in memo:
            memo["table"] = super().rich_style
        return memo["table"]

    def _get_row_style(self, row_index: int, base_style: Style) -> Style:
        memo = self._styles_memo
        if memo is None or (row_index >= self.fixed_rows and not self.zebra_stripes):
            return super()._get_row_style(row_index, base_style)
        key = "header" if row_index == -1 else "fixed" if row_index < self.fixed_rows else row_index % 2
        if key not in memo:
            memo[key] = super()._get_row_style(row_index, base_style)
        return memo[key]

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False) -> list[list[Segment]]:
        """Render a body cell without going through Rich when that cannot change the result.

        DataTable renders every cell as `Styled(Padding(cell, (0, padding)))` through the Rich
        console (~70 us a cell, ~130 cells per pane on the first frame). For a one-line row whose
        cell is a plain Text (one style, no spans, no justify) that fits its column, Rich's result
        is always: the left padding, the text, spaces up to the width, the right padding, each
        styled pre + (own style) + post. This builds exactly those segments (tested against
        DataTable's own rendering); any other cell, the header and labels take DataTable's path.
        """
        if row_index < self.fixed_rows or column_index < self.fixed_columns or row_index < 0 \
                or column_index < 0 or self.cell_padding <= 0:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        cache_key = (row_key, column_key, base_style, cursor, hover, self._show_hover_cursor,
                     self._update_count, self._pseudo_class_state)
        cache = self._cell_render_cache
        if cache_key in cache:
            return cache[cache_key]
        row = self.rows.get(row_key) if row_key is not None else None
        cells = self._get_row_renderables(row_index).cells
        cell = cells[column_index] if column_index < len(cells) else None
        padding = self.cell_padding
        inner = width - 2 * padding
        if (row is None or row.height != 1 or type(cell) is not Text or cell._spans
                or cell.justify is not None or inner <= 0 or cell.cell_len > inner
                or "\n" in cell.plain or "\t" in cell.plain
                or self.app.console_options.justify not in (None, "default")):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        console = self.app.console
        base_style += Style.from_meta({"row": row_index, "column": column_index})
        component_style, post_style = self._get_styles_to_render_cell(
            False, False, False, hover, cursor, self.show_cursor, self._show_hover_cursor,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css")
        pre = console.get_style(base_style + component_style)
        post = console.get_style(post_style)

        def styled(style: Style | None) -> Style | None:  # what Segment.apply_style does
            if pre:
                style = pre + style
            if post:
                style = style + post if style else post
            return style

        text_style = console.get_style(cell.style) if cell.style else None
        line = [Segment(" " * padding, styled(None)), Segment(cell.plain, styled(text_style))]
        if cell.cell_len < inner:
            line.append(Segment(" " * (inner - cell.cell_len), styled(Style.null())))
        line.append(Segment(" " * padding, styled(Style.null())))
        lines = [line]
        cache[cache_key] = lines
        return lines
