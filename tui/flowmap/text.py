"""The flow map's text form: styled spans (`text_lines`) that the app's flow map screen draws,
and the plain text `rcsim map` prints (`render_text`). Boxes side by side from WIDE columns on,
a list below."""

from __future__ import annotations

from collections.abc import Sequence

from rcsim.engine import PARTIES
from rcsim.tui.flowmap.model import Edge, FlowMap, RequestNode
from rcsim.tui.flowmap.words import (
    count_of,
    count_text,
    edge_label,
    is_current,
    marks_text,
    node_label,
    outcome_label,
    override_text,
    position_text,
    shown,
    step_text,
)
from rcsim.tui.words.i18n import t

Span = tuple[str, str]
"""A piece of text and its role: "" (plain), "title", "muted", "status", "final", "current",
"path", "rc", "arrow", "count", "override"."""

WIDE = 110
"""From this width on the text form draws the statuses as boxes side by side with the arrows
between them; below it, a list (a terminal of 80 columns)."""


class _Canvas:
    """A grid of characters, each with a role; grows downwards."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.rows: list[list[list[str]]] = []

    def _row(self, y: int) -> list[list[str]]:
        while len(self.rows) <= y:
            self.rows.append([[" ", ""] for _ in range(self.width)])
        return self.rows[y]

    def put(self, y: int, x: int, text: str, role: str = "") -> None:
        row = self._row(y)
        for i, char in enumerate(text):
            if 0 <= x + i < self.width:
                row[x + i] = [char, role]

    @property
    def height(self) -> int:
        return len(self.rows)

    def wrap(self, y: int, x: int, spans: Sequence[Span], indent: int | None = None) -> int:
        """Write spans from (y, x), wrapping at word boundaries; returns the next free row."""
        indent = x if indent is None else indent
        col = x
        for text, role in spans:
            for word in _words(text):
                if col + len(word.rstrip()) > self.width and col > indent:
                    y += 1
                    col = indent
                    word = word.lstrip()
                self.put(y, col, word, role)
                col += len(word)
        self._row(y)
        return y + 1

    def flow(self, y: int, x: int, units: Sequence[Sequence[Span]], indent: int,
             gap: str = "   ") -> int:
        """Write units (each a few spans) one after the other, `gap` apart; a unit that does
        not fit in what is left of a line starts the next one. Returns the next free row."""
        col = x
        for unit in units:
            size = sum(len(text) for text, _ in unit)
            if col > indent and col + len(gap) + size > self.width:
                y += 1
                col = indent
            elif col > indent:
                self.put(y, col, gap)
                col += len(gap)
            y = self.wrap(y, col, unit, indent=indent) - 1
            col = self._end(y)
        self._row(y)
        return y + 1

    def _end(self, y: int) -> int:
        row = self._row(y)
        end = len(row)
        while end and row[end - 1][0] == " ":
            end -= 1
        return end

    def lines(self) -> list[list[Span]]:
        out = []
        for row in self.rows:
            end = len(row)
            while end and row[end - 1][0] == " ":
                end -= 1
            spans: list[Span] = []
            for char, role in row[:end]:
                if spans and spans[-1][1] == role:
                    spans[-1] = (spans[-1][0] + char, role)
                else:
                    spans.append((char, role))
            out.append(spans)
        return out


def _words(text: str) -> list[str]:
    """Words with the spaces after them, so that wrapping keeps the spacing."""
    words: list[str] = []
    current = ""
    for char in text:
        if char == " " and current and current[-1] != " ":
            current += char
        elif char != " " and current.endswith(" "):
            words.append(current)
            current = char
        else:
            current += char
    if current:
        words.append(current)
    return words


def text_lines(flow: FlowMap, width: int = 160, *, title: bool = True) -> list[list[Span]]:
    """The map as lines of styled spans: boxes and arrows from WIDE columns on, else a list.
    `title=False` leaves out the first line (the title and the policy), for a screen that
    shows them in its own title."""
    canvas = _Canvas(max(40, width))
    y = _header(canvas, flow, title)
    if width >= WIDE:
        y = _requests_wide(canvas, flow, y + (y > 0))
        y = _statuses_wide(canvas, flow, y + 1)
    else:
        y = _statuses_list(canvas, flow, y + (y > 0))
        y = _requests_list(canvas, flow, y + 1)
    _path(canvas, flow, y + 1)
    return canvas.lines()


def render_text(flow: FlowMap, width: int = 160) -> str:
    """The map as plain text, `width` columns wide."""
    return "\n".join("".join(text for text, _ in line) for line in text_lines(flow, width)) + "\n"


def title_text(flow: FlowMap) -> str:
    return t("map.title") + "  " + t("map.policy", policy=flow.policy)


def _header(canvas: _Canvas, flow: FlowMap, title: bool = True) -> int:
    y = canvas.wrap(0, 0, [(t("map.title"), "title"), ("  ", ""),
                           (t("map.policy", policy=flow.policy), "")]) if title else 0
    if flow.overrides:
        y = canvas.wrap(y, 0, [(t("map.overrides"), "override"), (" ", ""),
                               (override_text(flow), "override")], indent=2)
    if flow.total is not None:
        spans: list[Span] = [(t("map.total", count=count_text(flow.total)), "")]
        if flow.position is not None:
            spans += [("  ", ""), (position_text(flow), "current")]
        y = canvas.wrap(y, 0, spans, indent=2)
    return y


def _node_role(flow: FlowMap, node: str, default: str) -> str:
    if is_current(flow, node):
        return "current"
    if node in flow.path_nodes:
        return "path"
    return default


def _edge_role(flow: FlowMap, edge: Edge, default: str = "arrow") -> str:
    return "path" if edge.key in flow.path_edges else default


def _request_head(flow: FlowMap, request: RequestNode) -> list[Span]:
    spans: list[Span] = [("◆ " + t(f"request_type.{request.type}"),
                          _node_role(flow, request.node, "rc"))]
    spans.append(("  " + t("map.opened_with", action=t(f"action.{request.opened_with}")), "muted"))
    if flow.counts is not None:
        spans.append(("  " + t("map.open_count", n=count_of(flow, request.node)), "count"))
    if flow.position is not None and flow.position.request == request.type:
        spans.append(("  ● " + shown(flow.position.order), "current"))
    return spans


def _outcome_spans(flow: FlowMap, edge: Edge) -> list[Span]:
    role = _edge_role(flow, edge, "")
    return [(edge_label(edge), role or ""), (" → ", role or "arrow"),
            (outcome_label(edge), role or "status")]


def _requests_wide(canvas: _Canvas, flow: FlowMap, y: int) -> int:
    """Each request: its name, what opens it, how many are open; then its answers and what
    silence does. Who may open it in which status is drawn over the status boxes."""
    y = canvas.wrap(y, 0, [(t("map.rc.title"), "title"), ("  ", ""),
                           (t("map.rc.over"), "muted")])
    for request in flow.requests:
        y = canvas.wrap(y, 1, _request_head(flow, request), indent=3)
        units = [[("↳ ", "muted"), *_outcome_spans(flow, edge)]
                 for edge in flow.edges_from(request.node, ("answer", "timeout"))]
        y = canvas.flow(y, 3, units, indent=3)
    return y


def _openers_wide(canvas: _Canvas, flow: FlowMap, y: int,
                  columns: Sequence[tuple[int, int]]) -> int:
    """One line per request, right over the status boxes: in the column of each status it may
    be opened in, who may open it ("▼ Cancel: Buyer, Freelancer")."""
    for request in flow.requests:
        for index, status in enumerate(flow.statuses):
            parties = [p for p, statuses in request.openers if status in statuses]
            late = [p for p in request.very_late_openers
                    if status == "in_progress" and p not in parties]
            if not parties and not late:
                continue
            names = t("word.list_sep").join(t(f"party.{p}") for p in parties)
            if late:
                names = t("word.list_sep").join(filter(None, (names, t(
                    "map.guarded", guard=t("status.very_late"),
                    what=t("word.list_sep").join(t(f"party.{p}") for p in late)))))
            left, inner = columns[index]
            text = t("map.cell", request=t(f"request_type_short.{request.type}"), who=names)
            if len(text) > inner + 1 and len(parties) == len(PARTIES) and not late:
                text = t("map.cell", request=t(f"request_type_short.{request.type}"),
                         who=t("map.both"))
            here = flow.position is not None and flow.position.request == request.type \
                and flow.position.status == status
            if len(text) > inner + 1:  # cut where it must be, and show that it was
                text = text[:inner] + "…"
            canvas.put(y, left, text, "current" if here else "rc")
        y += 1
    return y


def _columns(width: int, count: int) -> list[tuple[int, int]]:
    """(left, inner width) of each status column."""
    step = width // count
    return [(i * step, step - 2) for i in range(count)]


def _box_lines(flow: FlowMap, status: str, inner: int) -> list[list[Span]]:
    role = _node_role(flow, status, "final" if status in flow.final else "status")
    label = t(f"status.{status}")
    lines: list[list[Span]] = []
    for part in _wrap_words(label, inner - 2):
        lines.append([(part, role)])
    if status in flow.final:
        lines.append([(t("map.final"), "muted")])
    if status not in flow.reachable:
        lines.append([(t("map.unreachable"), "muted")])
    if status in flow.starts:
        lines.append([(t("map.start"), "muted")])
    if flow.counts is not None:
        lines.append([(count_text(count_of(flow, status)), "count")])
        late = [f"{t(f'status.{flag}')} {count_of(flow, flag)}" for flag in ("late", "very_late")
                if count_of(flow, flag)]
        if status == "in_progress" and late:
            joined = " · ".join(late)
            for part in [joined] if len(joined) <= inner - 2 else late:
                lines.append([(part, "count")])
    if flow.position is not None and flow.position.status == status:
        lines.append([("● " + shown(flow.position.order), "current")])
    return lines


def _wrap_words(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word[:width])
    return lines or [""]


def _statuses_wide(canvas: _Canvas, flow: FlowMap, y: int) -> int:
    y = canvas.wrap(y, 0, [(t("map.statuses.title"), "title"), ("  ", ""),
                           (marks_text(flow), "muted")])
    columns = _columns(canvas.width, len(flow.statuses))
    y = _openers_wide(canvas, flow, y, columns)
    boxes = [_box_lines(flow, s, inner) for s, (_, inner) in zip(flow.statuses, columns, strict=False)]
    height = max(len(b) for b in boxes)
    for status, (left, inner), lines in zip(flow.statuses, columns, boxes, strict=False):
        role = _node_role(flow, status, "final" if status in flow.final else "status")
        border = role if role in ("current", "path") else "muted"
        heavy = status in flow.final
        h, v = ("═", "║") if heavy else ("─", "│")
        corners = ("╔", "╗", "╚", "╝") if heavy else ("╭", "╮", "╰", "╯")
        canvas.put(y, left, corners[0] + h * inner + corners[1], border)
        for row in range(height):
            canvas.put(y + 1 + row, left, v, border)
            canvas.put(y + 1 + row, left + inner + 1, v, border)
        for row, spans in enumerate(lines):
            col = left + 2
            for text, span_role in spans:
                canvas.put(y + 1 + row, col, text[: inner - 2], span_role)
                col += len(text)
        canvas.put(y + 1 + height, left, corners[2] + h * inner + corners[3], border)
    y += height + 2
    centres = [left + (inner + 2) // 2 for left, inner in columns]
    index = {s: i for i, s in enumerate(flow.statuses)}
    for edge in flow.lifecycle:
        for x in centres:
            canvas.put(y, x, "│", "muted")
        a, b = centres[index[edge.source]], centres[index[edge.target]]
        role = _edge_role(flow, edge)
        label = " " + edge_label(edge) + " "
        if a < b:
            canvas.put(y, a, "├" + "─" * (b - a - 2) + "▶", role)
            span = (a + 2, b - 2)
        else:
            canvas.put(y, b + 1, "◀" + "─" * (a - b - 2) + "┤", role)
            span = (b + 3, a - 1)
        text_role = role if role == "path" else ""
        if span[1] - span[0] >= len(label):
            canvas.put(y, span[0], label, text_role)
        elif max(a, b) + 2 + len(label) <= canvas.width:
            canvas.put(y, max(a, b) + 1, label, text_role)
        else:
            start = max(0, min(a, b) - len(label))
            canvas.put(y, start, label[-(min(a, b) - start):] if min(a, b) > start else label,
                       text_role)
        y += 1
    return y


def _statuses_list(canvas: _Canvas, flow: FlowMap, y: int) -> int:
    y = canvas.wrap(y, 0, [(t("map.statuses.title"), "title")])
    y = canvas.wrap(y, 2, [(marks_text(flow), "muted")], indent=2)
    for status in flow.statuses:
        role = _node_role(flow, status, "final" if status in flow.final else "status")
        spans: list[Span] = [("■ " if status in flow.final else "□ ", role),
                             (t(f"status.{status}"), role)]
        notes = []
        if status in flow.final:
            notes.append(t("map.final"))
        if status in flow.starts:
            notes.append(t("map.start"))
        if status not in flow.reachable:
            notes.append(t("map.unreachable"))
        if notes:
            spans.append(("  " + t("word.list_sep").join(notes), "muted"))
        if flow.counts is not None:
            spans.append(("  " + count_text(count_of(flow, status)), "count"))
            late = [f"{t(f'status.{flag}')} {count_of(flow, flag)}"
                    for flag in ("late", "very_late") if count_of(flow, flag)]
            if status == "in_progress" and late:
                spans.append((" (" + t("word.list_sep").join(late) + ")", "count"))
        if flow.position is not None and flow.position.status == status:
            spans.append(("  ● " + shown(flow.position.order), "current"))
        y = canvas.wrap(y, 0, spans, indent=4)
        for edge in flow.edges_from(status, ("action", "deadline")):
            role = _edge_role(flow, edge)
            y = canvas.wrap(y, 4, [("→ ", role), (node_label(edge.target), _node_role(
                flow, edge.target, "status")), ("  ", ""), (edge_label(edge),
                                                            role if role == "path" else "")],
                            indent=8)
    return y


def _requests_list(canvas: _Canvas, flow: FlowMap, y: int) -> int:
    y = canvas.wrap(y, 0, [(t("map.rc.title"), "title")])
    y = canvas.wrap(y, 2, [(t("map.rc.over"), "muted")], indent=2)
    for request in flow.requests:
        y = canvas.wrap(y, 0, _request_head(flow, request), indent=4)
        for party, statuses in request.openers:
            y = canvas.wrap(y, 4, [(t("map.opens", who=t(f"party.{party}"), statuses=t(
                "word.list_sep").join(t(f"status.{s}") for s in statuses)), "rc")], indent=8)
        for party in request.very_late_openers:
            y = canvas.wrap(y, 4, [(t("map.opens", who=t(f"party.{party}"),
                                      statuses=t("status.very_late")), "rc")], indent=8)
        for edge in flow.edges_from(request.node, ("answer", "timeout")):
            y = canvas.wrap(y, 4, [("↳ ", "muted"), *_outcome_spans(flow, edge)], indent=8)
    return y


def _path(canvas: _Canvas, flow: FlowMap, y: int) -> int:
    if flow.position is None:
        return y
    y = canvas.wrap(y, 0, [(t("map.path.title", order=shown(flow.position.order)), "title")])
    for step in flow.path:
        y = canvas.wrap(y, 2, [(step_text(step), "path")], indent=6)
    return y
