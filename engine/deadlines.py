"""The deadlines pending in a state, in the order they fire: read from its heap of (instant,
creation order, kind, reference) entries, skipping those no longer valid."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .core import State


@dataclass(frozen=True)
class Deadline:
    """A pending deadline: when, what kind, on which order (and request), and what it will do."""

    at: int
    seq: int
    kind: str  # "request" or "auto_complete"
    order: str
    request: str | None
    request_type: str | None
    outcome: str  # "expire", "cancel", "accept" or "complete"


def describe(state: State, at: int, seq: int, kind: str, ref: str) -> Deadline:
    """A heap entry as the deadline it is."""
    if kind == "request":
        request = state.requests[ref]
        outcome = state.timeout_outcome(request.type)
        return Deadline(at, seq, kind, request.order, request.id, request.type, outcome)
    return Deadline(at, seq, kind, ref, None, None, "complete")


def next_deadline(state: State) -> Deadline | None:
    """The earliest pending deadline, or None."""
    state._clean_top()
    return describe(state, *state._heap[0]) if state._heap else None


def next_deadlines(state: State) -> list[Deadline]:
    """Every pending deadline at the earliest instant, in the order they fire. In a heap an
    entry holding the least instant has only such entries above it, so they are found
    from the top, whatever the number of deadlines."""
    state._clean_top()
    heap = state._heap
    if not heap:
        return []
    first = heap[0][0]
    found, stack = [], [0]
    while stack:
        index = stack.pop()
        if index < len(heap) and heap[index][0] == first:
            if state._valid(*heap[index]):
                found.append(heap[index])
            stack.extend((2 * index + 1, 2 * index + 2))
    return [describe(state, *entry) for entry in sorted(found)]


def pending_deadlines(state: State, limit: int | None = None) -> list[Deadline]:
    """Pending deadlines in the order they will fire."""
    valid = [entry for entry in state._heap if state._valid(*entry)]
    chosen = heapq.nsmallest(limit, valid) if limit is not None else sorted(valid)
    return [describe(state, *entry) for entry in chosen]
