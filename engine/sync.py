"""Several processes on one file: a simulation's changes made under the file's write lock, on
the latest state, after taking in what the other processes wrote meanwhile (the steps they
appended, steps taken back or put back, the file started afresh), and refused when that bears
on the change (`changed_meanwhile`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from . import history
from .english import meanwhile_words
from .errors import InputError, Refusal, SimulationFileError
from .journal import replay
from .storage import no_collection, record_count
from .timeutil import iso, to_ts
from .views import EventView, HistoryEntry, Synced

if TYPE_CHECKING:
    from .service import Simulation

T = TypeVar("T")
MEANWHILE_STEPS = 3  # the most steps a `changed_meanwhile` refusal names (the latest ones)


def take_in(sim: Simulation, wait: float | None = 0) -> tuple[Synced, ...]:
    """`Simulation.take_in`, as documented there."""
    store = sim._store
    if not sim.read_only and store.changed():
        try:
            with locked(sim, wait):
                catch_up(sim)
        except Refusal as refusal:
            if wait != 0 or refusal.code != "busy":
                raise
    pending, sim._pending = tuple(sim._pending), []
    return pending


@contextmanager
def locked(sim: Simulation, wait: float | None = None) -> Iterator[None]:
    """Hold the file's write lock (in memory: nothing), waiting up to `wait` seconds
    (default: `lock_wait`); a lock that cannot be had is a refusal that changes nothing
    (`busy`, or the system's `write_failed`)."""
    file = sim._store.file
    with ExitStack() as stack:
        if file is not None:
            try:
                stack.enter_context(file.locked(sim.lock_wait if wait is None else wait))
            except SimulationFileError as error:
                if error.code == "busy":
                    raise Refusal("busy", path=error.path, **error.params) from None
                raise Refusal("write_failed", path=error.path,
                              reason=error.params.get("reason", error.problem)) from None
        yield


def change(sim: Simulation, check: Callable[[], Callable[[], T]],
           relevant: Callable[[Synced], bool] | None, order: str | None = None) -> T:
    """Make one change, decided on the latest state. `check` checks it on the state as it
    is, changing nothing (a Refusal says why not), and returns what makes it (writes and
    applies it). On file, all of it happens under the write lock, after taking in what
    other processes wrote meanwhile; if that bears on this change (`relevant`, None: any
    change does; steps taken back, or the simulation started afresh, always do), it was
    decided on a screen out of date: it is refused (`changed_meanwhile`, saying what
    changed, the latest on `order` first), and nothing is written."""
    sim._writable()
    if sim._store.file is None:
        return check()()
    with locked(sim):
        synced = catch_up(sim)
        bears = synced is not None and (relevant is None or synced.restarted
                                        or bool(synced.taken_back) or relevant(synced))
        try:
            commit = check()
        except Refusal as refusal:
            if bears and not isinstance(refusal, InputError):
                assert synced is not None
                raise meanwhile(sim, synced, order) from None
            raise
        if bears:
            assert synced is not None
            raise meanwhile(sim, synced, order)
        return commit()


def catch_up(sim: Simulation) -> Synced | None:
    """Under the write lock: take in what other processes wrote since this one last read
    the file (engine/storage/tail.py: `read_since`, or the file read whole again after it was
    written anew), and keep what they did for `take_in`. None when they wrote nothing."""
    store = sim._store
    if store.file is None:
        return None
    try:
        found = store.read_since(sim._journal.records, sim._journal.head)
        if found is not None:
            synced = adopt(sim, *found)
        else:
            meta, records, head, current = store.read_journal()
            if meta["origin"] != store.origin or meta.get("branch") != store.branch:
                synced = restart(sim)
            else:
                store.baseline = meta.get("baseline", 0)
                synced = adopt(sim, records, head, 0)
                journal = sim._journal
                checkpoint = meta["checkpoint"]
                if current:
                    journal.set_checkpoint(checkpoint, store.checkpoint_loader(checkpoint))
                else:
                    journal.checkpoint = None
                store.checkpoint_size = record_count(sim._state)
                journal.cost = journal.file_cost()
    except (Refusal, ValueError, KeyError, TypeError, AttributeError) as error:
        # A step another process wrote does not replay here (a damaged file, or another
        # rcsim): read the file whole at the next look, and say so now.
        store.mark = None
        detail = error.message if isinstance(error, Refusal) else str(error)
        raise SimulationFileError(store.shown, "step_refused",
                                  step=getattr(error, "step", "?"), detail=detail) from None
    if synced is not None:
        sim._pending.append(synced)
    return synced


def adopt(sim: Simulation, records: list[dict[str, Any]], head: int, same: int) -> Synced | None:
    """The journal as the file holds it now (`records` kept, standing after `head`; the
    first `same` are known to be the ones this process keeps): the state becomes the
    state after `head`, and what changed is said. None when nothing did."""
    journal = sim._journal
    live, old_head, old_kept = sim._state, journal.head, journal.kept
    common = journal.common(records, same)
    if common == old_kept == len(records) and head == old_head:
        return None
    if common == old_kept == old_head and head == len(records):
        # Only steps after the last one: replayed on the live state, as if taken here.
        with no_collection():
            for number in range(common + 1, head + 1):
                record = records[number - 1]
                try:
                    events = replay(live, record)  # (checked first: refused, changes nothing)
                except (Refusal, ValueError, KeyError, TypeError) as error:
                    error.step = number  # type: ignore[union-attr]
                    raise
                journal.add(record, len(events), len(live.events))
        return Synced(taken=tuple(history.entry(sim, n) for n in range(common + 1, head + 1)))
    # Steps taken back, put back, or written in place of steps kept here: the state after
    # `head` is rebuilt from the nearest one known (the live one, where it still counts).
    keep = min(common, old_head, head)
    history.index(sim)  # (the events of the steps taken back, and a replay known to work)
    taken_back = tuple(history.entry(sim, n) for n in range(keep + 1, old_head + 1))
    live_kept = old_head <= common  # the live state is still the state after a step kept
    journal.keep_first(common)
    journal.records.extend(records[common:])
    with no_collection():
        if live_kept and head >= old_head:
            state = journal.state_at(head, live=(old_head, live))
        else:
            state = journal.state_at(head)
    if live_kept:
        journal.moved(head, live, state)
    else:
        journal.head = head
        journal.ends[head] = len(state.events)
        journal.undone_events = {n: e for n, e in journal.undone_events.items() if n > head}
    sim._state = state
    journal.cost = journal.file_cost()
    history.index(sim)
    put_back: list[HistoryEntry] = []
    taken: list[HistoryEntry] = []
    for number in range(keep + 1, head + 1):
        entry = history.entry(sim, number)
        (put_back if old_head < number <= common else taken).append(entry)
    return Synced(taken_back, tuple(put_back), tuple(taken))


def restart(sim: Simulation) -> Synced:
    """The file holds another simulation now (started afresh under its name): read it
    whole, as opening it would."""
    store = sim._store
    store.origin = None
    loaded = store.load()
    store.settle(loaded)
    sim._state, sim._journal = loaded.state, loaded.journal
    sim._journal.ends.setdefault(sim._journal.head, len(sim._state.events))
    return Synced(restarted=True)


def meanwhile(sim: Simulation, synced: Synced, order: str | None = None) -> Refusal:
    """The refusal of a change decided on a screen out of date: it says what other
    processes did meanwhile (the steps on `order` first, the latest ones), with their
    events, for the app to put into words."""
    steps = synced.steps
    if order is not None:
        steps = tuple(s for s in steps if s.order == order or any(e.order == order for e in s.events)) \
            or steps
    shown = steps[-MEANWHILE_STEPS:]
    described = tuple(step_doc(step, order) for step in shown)
    events = tuple(event_doc(e) for step in shown for e in step.events
                   if order is None or e.order == order)
    clock = iso(sim._state.now) if synced.clock_moved else None
    return Refusal("changed_meanwhile", what=meanwhile_words(
                       described, len(synced.taken_back), synced.restarted, len(steps) - len(shown)),
                   order=order, steps=described, events=events, taken_back=len(synced.taken_back),
                   restarted=synced.restarted, clock=clock)


def event_doc(e: EventView) -> dict[str, Any]:
    """An event as plain data (a refusal's parameter)."""
    return {"seq": e.seq, "at": iso(to_ts(e.at)), "type": e.type, "order": e.order,
            "actor": e.actor, "data": dict(e.data)}


def step_doc(step: HistoryEntry, order: str | None = None) -> dict[str, Any]:
    """A step as plain data (a refusal's parameter): its number, kind and what it did: who
    acted, how, on which order; where the clock moved to; the orders added; the rules set; and
    the types of the events it caused (on `order`, when one is named)."""
    doc: dict[str, Any] = {"number": step.number, "kind": step.kind, "at": step.record.get("at")}
    if step.kind == "act":
        doc.update(party=step.party, action=step.action, order=step.order)
    elif step.kind == "clock":  # (and the orders where deadlines passed)
        doc["to"] = step.record.get("to")
        doc["fired"] = sorted({e.order for e in step.events if order is None or e.order == order})
    elif step.kind == "orders":
        doc["orders"] = list(step.orders)
    elif step.kind == "rules":
        doc["set"] = dict(step.record.get("set") or {})
    doc["events"] = [e.type for e in step.events if order is None or e.order == order]
    return doc

