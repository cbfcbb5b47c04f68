"""The flow map as a Graphviz digraph (`rcsim map --format dot`; render with `dot -Tsvg`)."""

from __future__ import annotations

from rcsim.tui.flowmap.mermaid import mermaid_id
from rcsim.tui.flowmap.model import KEPT, FlowMap
from rcsim.tui.flowmap.words import (
    edge_text,
    is_current,
    marks_text,
    node_text,
    override_text,
    position_text,
)
from rcsim.tui.words.i18n import t


def _dot(text: str) -> str:
    text = text.replace("↩ ", "")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def dot_id(node: str) -> str:
    return mermaid_id(node)


def render_dot(flow: FlowMap) -> str:
    """The map as a Graphviz digraph (render with `dot -Tsvg`)."""
    title = t("map.title") + " · " + t("map.policy", policy=flow.policy)
    if flow.overrides:
        title += "\n" + t("map.overrides") + " " + override_text(flow)
    if flow.position is not None:
        title += "\n" + position_text(flow)
    out = [
        "digraph rcsim_flow {",
        f"  graph [rankdir=LR, fontname=\"Helvetica\", labelloc=t, label={_dot(title)}];",
        '  node [shape=box, style="rounded", fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
        '  start [shape=point, width=0.15, label=""];',
    ]
    for status in flow.statuses:
        label = node_text(flow, status)
        if status == "in_progress":
            label += "\n" + marks_text(flow)
        attrs = [f"label={_dot(label)}"]
        if status in flow.final:
            attrs.append("peripheries=2")
        attrs += _dot_highlight(flow, status)
        out.append(f"  {status} [{', '.join(attrs)}];")
    for status in flow.starts:
        out.append(f"  start -> {status};")
    out.append("  subgraph cluster_rc {")
    out.append(f"    label={_dot(t('map.rc.title'))};")
    out.append('    style="dashed"; color="#b8860b";')
    for request in flow.requests:
        attrs = [f"label={_dot(node_text(flow, request.node))}",
                 'style="rounded,filled"', 'fillcolor="#fff4d6"']
        attrs += _dot_highlight(flow, request.node)
        out.append(f"    {dot_id(request.node)} [{', '.join(attrs)}];")
    out.append(f"    {dot_id(KEPT)} [label={_dot(t('map.kept'))}, shape=note];")
    out.append("  }")
    for edge in flow.edges:
        attrs = [f"label={_dot(edge_text(edge))}"]
        if edge.kind in ("timeout", "deadline"):
            attrs.append('style="dashed"')
        if edge.key in flow.path_edges:
            attrs += ['color="#0050a0"', "penwidth=2.5", 'fontcolor="#0050a0"']
        out.append(f"  {dot_id(edge.source)} -> {dot_id(edge.target)} [{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out) + "\n"


def _dot_highlight(flow: FlowMap, node: str) -> list[str]:
    if is_current(flow, node):
        return ['color="#0050a0"', "penwidth=3", 'fontcolor="#0050a0"']
    if node in flow.path_nodes:
        return ['color="#0050a0"', "penwidth=1.5"]
    return []
