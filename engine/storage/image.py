"""A state as the lines of a file and back: its records checked and built as the lines come,
and written table by table."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from ..consistency import check_rows, check_state
from ..core import State
from ..errors import SimulationFileError
from ..model import Event, Message, Order, Request
from ..rules import Rules
from ..timeutil import parse_iso
from .codec import body, table_line_count, table_lines
from .layout import RECORDS

FREEZE_AFTER = 100_000  # objects made by one piece of work


@contextmanager
def no_collection() -> Iterator[None]:
    """Building or reading many records at once: the garbage collector would walk all of them
    again and again (a simulation's records hold no cycles), so it waits until the work is done.
    When the work made many objects (a large simulation read or built), they are moved out of
    the collector's way for good (`gc.freeze`): they live as long as the simulation, and the
    collector would otherwise walk all of them again every so often."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_count()[0] > FREEZE_AFTER:
            gc.freeze()
        if was:
            gc.enable()


class Image:
    """A state being read from its documents, checked and turned into records as they come, so
    that a large table is never held whole as documents."""

    def __init__(self, where: object, prefix: str = "") -> None:
        self.where = where
        self.prefix = prefix
        self.orders: dict[str, Order] = {}
        self.requests: dict[str, Request] = {}
        self.messages: list[Message] = []
        self.events: list[Event] = []
        self.seen: dict[str, set[Any]] = {table: set() for table in RECORDS}
        self.tables: set[str] = set()

    @property
    def size(self) -> int:
        return len(self.orders) + len(self.requests) + len(self.messages) + len(self.events)

    def rows(self, table: str, docs: Mapping[str, Any]) -> None:
        check_rows(self.where, table, docs, self.seen[table], self.prefix + table)
        self.tables.add(table)
        try:
            if table == "orders":
                for doc in docs.values():
                    order = Order.from_doc(doc)
                    self.orders[order.id] = order
            elif table == "requests":
                for doc in docs.values():
                    request = Request.from_doc(doc)
                    self.requests[request.id] = request
            elif table == "messages":
                self.messages += [Message.from_doc(doc) for doc in docs.values()]
            else:
                self.events += [Event.from_doc(doc) for doc in docs.values()]
        except Exception as error:  # damage the checks did not foresee: name it, touch nothing
            raise SimulationFileError(self.where, "damaged",
                                      detail=f"{type(error).__name__}: {error}") from None

    def state(self, rules_doc: Mapping[str, Any], meta: Mapping[str, Any]) -> State:
        """The state these records make with these rules and this clock and counters, checked."""
        state = bare_state(self.where, rules_doc, meta)
        state.orders, state.requests = self.orders, self.requests
        state.messages, state.events = self.messages, self.events
        state.rebuild_indexes()
        check_state(state, self.where)
        return state


def bare_state(where: object, rules_doc: Mapping[str, Any], meta: Mapping[str, Any]) -> State:
    """A state with these rules, clock and counters and no records yet."""
    try:
        state = State(Rules(dict(rules_doc)), parse_iso(meta["now"]))
        state.counters = {k: int(v) for k, v in meta["counters"].items()}
    except Exception as error:
        raise SimulationFileError(where, "damaged", detail=f"{type(error).__name__}: {error}") from None
    return state


def image_lines(state: State, meta: Mapping[str, Any], prefix: str = "") -> Iterator[bytes]:
    """A state as the bodies of lines: its meta document and rules (unless `prefix`: an
    origin), then its records, each table whole (`image_line_count` of them)."""
    if not prefix:
        yield body({"meta": {"1": dict(meta)}})
        yield body({"rules": {"1": dict(state.rules.data)}})
    yield from table_lines(prefix + "orders", ((i, o.to_doc()) for i, o in enumerate(state.orders.values(), 1)))
    yield from table_lines(prefix + "requests", ((i, r.to_doc()) for i, r in enumerate(state.requests.values(), 1)))
    yield from table_lines(prefix + "messages", ((m.id, m.to_doc()) for m in state.messages))
    yield from table_lines(prefix + "events", ((e.seq, e.to_doc()) for e in state.events))


def image_line_count(state: State, prefix: str = "") -> int:
    """How many lines `image_lines` writes for `state`."""
    return (0 if prefix else 2) + sum(table_line_count(n) for n in (
        len(state.orders), len(state.requests), len(state.messages), len(state.events)))
