"""The flow map: one model of the rules (statuses, transitions, the Resolution Center's requests,
their answers and what silence does after how long) and its renderers: text, Mermaid, Graphviz.

The model (flowmap/model.py) is built from a simulation's rules data alone
(`build_map(rules.data)`, flowmap/discover.py), and it asks the engine rather than copying it:
the rules data say who may take which action in which status, but where an action leads, what an
answer does and what a deadline does live in the engine's code. So `build_map` plays every action
the engine allows, from every status an order can reach, on small in-memory simulations with
exactly these rules, and draws what happened (the status after, the request's state, a moved
delivery date) and how long each deadline took. Change a duration (a 72-hour window) or an
action's statuses and the map changes with it.

`locate` adds what one simulation holds: the number of orders in each status, and where one
order stands and the path it took (from its events, with the simulated time of each step).

The renderers, one module each, share the map's words (flowmap/words.py): text
(flowmap/text.py), Mermaid (flowmap/mermaid.py) and DOT (flowmap/dot.py). No Textual here:
`rcsim map` prints the three forms without it, and the app's flow map screen
(tui/app/screens/flow_map.py) draws the text form's styled spans.
"""

from __future__ import annotations

from rcsim.tui.flowmap.discover import build_map, overrides_of
from rcsim.tui.flowmap.dot import dot_id, render_dot
from rcsim.tui.flowmap.mermaid import mermaid_id, render_mermaid
from rcsim.tui.flowmap.model import (
    KEPT,
    RC,
    Edge,
    FlowMap,
    Position,
    RequestNode,
    Step,
    locate,
    rc_node,
    trace,
)
from rcsim.tui.flowmap.text import WIDE, Span, render_text, text_lines, title_text
from rcsim.tui.flowmap.words import (
    count_text,
    edge_label,
    hours_text,
    marks_text,
    node_label,
    outcome_label,
    override_text,
    position_text,
    step_text,
    who,
)

RENDERERS = {"text": render_text, "mermaid": render_mermaid, "dot": render_dot}
"""Each form `rcsim map --format` prints, by name."""

__all__ = [
    "KEPT", "RC", "RENDERERS", "WIDE", "Edge", "FlowMap", "Position", "RequestNode", "Span",
    "Step", "build_map", "count_text", "dot_id", "edge_label", "hours_text", "locate",
    "marks_text", "mermaid_id", "node_label", "outcome_label", "override_text", "overrides_of",
    "position_text", "rc_node", "render_dot", "render_mermaid", "render_text", "step_text",
    "text_lines", "title_text", "trace", "who",
]
