"""The flow map as a Mermaid `stateDiagram-v2` (`rcsim map --format mermaid`)."""

from __future__ import annotations

from rcsim.tui.flowmap.model import KEPT, RC, FlowMap
from rcsim.tui.flowmap.words import edge_text, is_current, marks_text, node_text
from rcsim.tui.words.i18n import t


def _mermaid_text(text: str) -> str:
    """A label as Mermaid reads it: no statement separators, comments, quotes or colons."""
    for old, new in (("↩ ", ""), (";", ","), ("%%", "%"), ('"', "'"), (":", " ·"), ("#", "Nr."),
                     ("{", "("), ("}", ")"), ("-->", "→"), ("<", "‹"), (">", "›")):
        text = text.replace(old, new)
    return " ".join(text.split())


def mermaid_id(node: str) -> str:
    if node == KEPT:
        return "status_kept"
    return node.replace(RC, "rc_")


def render_mermaid(flow: FlowMap) -> str:
    """The map as a Mermaid `stateDiagram-v2`."""
    out = ["stateDiagram-v2", "    direction LR"]
    for status in flow.statuses:
        out.append(f'    state "{_mermaid_text(node_text(flow, status))}" as {status}')
    for request in flow.requests:
        out.append(f'    state "{_mermaid_text(node_text(flow, request.node))}" as '
                   f"{mermaid_id(request.node)}")
    out.append(f'    state "{_mermaid_text(t("map.kept"))}" as {mermaid_id(KEPT)}')
    for status in flow.starts:
        out.append(f"    [*] --> {status}")
    for edge in flow.edges:
        label = _mermaid_text(edge_text(edge))
        out.append(f"    {mermaid_id(edge.source)} --> {mermaid_id(edge.target)} : {label}")
    for status in flow.final:
        out.append(f"    {status} --> [*]")
    out.append(f"    note right of in_progress : {_mermaid_text(marks_text(flow))}"
               if "in_progress" in flow.statuses else "")
    out.append("    classDef rc fill:#fff4d6,stroke:#b8860b")
    out.append("    classDef final fill:#e8e8e8,stroke:#555")
    out.append("    classDef current fill:#cde8ff,stroke:#0050a0,stroke-width:3px")
    out.append("    classDef path stroke:#0050a0,stroke-width:2px")
    if flow.requests:
        out.append("    class " + ",".join(mermaid_id(r.node) for r in flow.requests) + " rc")
    if flow.final:
        out.append("    class " + ",".join(flow.final) + " final")
    current = [n for n in (*flow.statuses, *(r.node for r in flow.requests))
               if is_current(flow, n)]
    visited = [n for n in (*flow.statuses, *(r.node for r in flow.requests))
               if n in flow.path_nodes and n not in current]
    if visited:
        out.append("    class " + ",".join(mermaid_id(n) for n in visited) + " path")
    if current:
        out.append("    class " + ",".join(mermaid_id(n) for n in current) + " current")
    return "\n".join(line for line in out if line) + "\n"
