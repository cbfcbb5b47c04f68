"""The flow map screen: the rules of this simulation as a map, where the selected order stands and
the path it took, and how many orders are in each status (tui/flowmap/ draws it)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Static

from rcsim.engine import Simulation
from rcsim.tui.app.screens.dialog import Dialog
from rcsim.tui.app.widgets.footer import LocalizedFooter
from rcsim.tui.flowmap import FlowMap, Span, build_map, locate, text_lines, title_text
from rcsim.tui.words.i18n import t

STYLES = {
    "": "", "title": "bold $text-primary", "muted": "$text-muted", "status": "bold",
    "final": "bold $text-muted", "current": "bold $text on $accent-muted",
    "path": "bold $text-accent", "rc": "$text-warning", "arrow": "", "count": "$text-success",
    "override": "bold $text-warning",
}
"""The look of each role of the map's text (theme variables, so every theme reads well)."""


class FlowMapView(Widget):
    """The map, drawn for the width it has: boxes and arrows when wide, a list when narrow."""

    DEFAULT_CSS = "FlowMapView { height: auto; }"

    def __init__(self, flow: FlowMap) -> None:
        super().__init__(id="flow-map")
        self.flow = flow
        self._lines: dict[int, list[list[Span]]] = {}

    def lines(self, width: int) -> list[list[Span]]:
        """The map's lines at this width (drawn once per width)."""
        if width not in self._lines:
            self._lines[width] = text_lines(self.flow, width, title=False)
        return self._lines[width]

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))

    def render(self) -> Content:
        return Content("\n").join(
            Content.assemble(*((text, STYLES.get(role, "")) for text, role in line))
            for line in self.lines(self.size.width))


class FlowMapScreen(Dialog[None]):
    """The flow map over the whole terminal: every column helps at 160, and it scrolls at 80x24.

    A Dialog for its keys and look (Escape closes, as in help), but without buttons: the map
    takes every row, and the footer's Escape closes it with the mouse too.
    """

    BINDINGS = [Binding("escape", "back", "button.close"),
                Binding("ctrl+s", "submit", "button.close", show=False),
                Binding("f", "back", "button.close", show=False)]
    DIALOG_ID = "map-dialog"

    def __init__(self, sim: Simulation, order: str | None = None) -> None:
        super().__init__()
        self.flow = locate(build_map(sim.rules), sim, order)

    def title_text(self) -> str:
        return title_text(self.flow)

    def compose(self) -> ComposeResult:
        yield LocalizedFooter()
        with VerticalScroll(id=self.DIALOG_ID, classes="dialog"):
            yield Static(Content.styled(self.title_text(), "bold"), classes="dialog-title")
            yield FlowMapView(self.flow)
            yield Static(Content(t("map.close_hint")), classes="map-hint")

    def prepare(self) -> None:
        self.query_one(f"#{self.DIALOG_ID}").focus()
