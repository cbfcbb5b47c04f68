"""The one way in: the facade that the TUI, the command line, the scenarios and the tests use."""

from __future__ import annotations

import os
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, TypeVar

from .core import Deadline, State
from .english import meanwhile_words
from .errors import InputError, Refusal, SimulationFileError
from .model import PARTIES, SEATS, Event, Message, Order, Request
from .rules import (
    ACTIONS, OPENING_ACTIONS, ORDER_PAGE_ACTIONS, RESOLUTION_CENTER_ACTIONS, Rules, policy_rules,
    with_changes,
)
from .presence import CLOCK, Presence, held, hold
from .journal import (
    Journal, JournalEntry, act_record, clock_record, orders_record, replay, rules_record,
)
from .journal import prepare as prepare_step
from .simfile import LOCK_WAIT
from .storage import Store, base_origin, no_collection, origin_of
from .timeutil import (
    CLOCK_LIMIT, duration, in_calendar, in_calendar_or_refuse, iso, parse_iso, to_datetime, to_ts,
)
from .views import (
    BranchOrigin, Comparison, DeadlineView, EventView, FieldSpec, HistoryEntry, MessageView,
    Option, OrderDifference, OrderFacts, OrderView, PartyView, RequestView, RuleDifference,
    Synced,
)

Instant = datetime | str
Duration = timedelta | str | int
T = TypeVar("T")
MEANWHILE_STEPS = 3  # the most steps a `changed_meanwhile` refusal names (the latest ones)


class Simulation:
    """One simulation: its rules, simulated clock, orders, requests, messages and event log.

    It is a journal of steps (engine/journal.py): every change (orders added, an action, a clock
    move) is checked in full before anything changes, then written to the file as one step (a
    single small append, made durable), then applied in memory. A refusal raises `Refusal` and
    leaves memory and disk as they were. In memory (no file) nothing is written or serialised.
    """

    def __init__(self, store: Store, state: State, journal: Journal, *,
                 read_only: bool = False) -> None:
        self._store = store
        self._state = state
        self._journal = journal
        self.read_only = read_only
        journal.ends.setdefault(journal.head, len(state.events))
        # What other processes did, taken in (before a change of this one's, or by `sync`)
        # and not yet returned by `take_in`.
        self._pending: list[Synced] = []
        # How long a change waits for another process's write to end before it is refused
        # (`busy`), in seconds. A write holds the lock for about a millisecond; opening or
        # compacting a large file, for a second or two.
        self.lock_wait = LOCK_WAIT
        # Where the original of a file of an older format was kept when `open` carried it over
        # to the current one (`<name>.bak`), else None: the app can say so.
        self.carried_over: Path | None = None
        self._seat: str | None = None
        self._presences: dict[str, Presence] = {}

    @property
    def seat(self) -> str | None:
        """Whose window this process is ("trainer", "buyer" or "freelancer"; None: not said, as
        for the Python API): every step it takes records it, so the history can tell who did
        what in role-play (the trainer's window may act for either party)."""
        return self._seat

    @seat.setter
    def seat(self, seat: str | None) -> None:
        if seat is not None and seat not in SEATS:
            raise InputError("unknown_seat", seat=seat, known=SEATS)
        self._seat = seat

    def claim_seat(self, seat: str) -> None:
        """This process is `seat`'s window (its steps record it, see `seat`). A party's seat on
        a file is one window's at a time: refused (`seat_taken`) while another window has it;
        held until `close` (or this process's end, even killed)."""
        if seat not in SEATS:
            raise InputError("unknown_seat", seat=seat, known=SEATS)
        name = f"seat-{seat}"
        if seat in PARTIES and self._store.path is not None and name not in self._presences:
            presence = hold(self._store.path, name)
            if presence is None:
                raise Refusal("seat_taken", seat=seat)
            self._presences[name] = presence
        self._seat = seat

    def claim_clock(self) -> bool:
        """Hold the clock of this file (one window at a time moves it in role-play): True when
        this process holds it now, False while another does. In memory: always True."""
        if self._store.path is None or CLOCK in self._presences:
            return True
        presence = hold(self._store.path, CLOCK)
        if presence is None:
            return False
        self._presences[CLOCK] = presence
        return True

    def open_seats(self) -> tuple[str, ...]:
        """The party seats whose windows are open on this file in other processes now."""
        path = self._store.path
        if path is None:
            return ()
        return tuple(party for party in PARTIES
                     if f"seat-{party}" not in self._presences and held(path, f"seat-{party}"))

    # ---------------------------------------------------------------- lifecycle

    @classmethod
    def create(cls, path: str | os.PathLike[str] | None = None, *, start: Instant,
               policy: str = "seed", rules: Mapping[str, Any] | None = None,
               keep_old_as: str | os.PathLike[str] | None = None) -> Simulation:
        """A new simulation in a new file (or in memory when `path` is None).

        The policy's rules, with `rules` overriding some of them, are copied into the database.
        An existing file is refused, or with `keep_old_as` renamed to that name and put back if
        the new one cannot be written. That is done under the file's write lock, so it is safe
        while other processes have the old file open: at their next look (`take_in`, or before
        a change) they find the new simulation in its place (`Synced.restarted`).
        """
        data = policy_rules(policy, rules)
        start_ts = _instant(start)
        if start_ts > CLOCK_LIMIT:
            raise Refusal("clock_limit", limit=iso(CLOCK_LIMIT))
        rules_obj = Rules(data)
        state = State(rules_obj, start_ts)
        journal = Journal(lambda: State(rules_obj, start_ts))
        if path is None:
            return cls(Store.memory(), state, journal)
        return cls._into_new_file(path, state, journal, origin_of(start_ts, data), keep_old_as)

    @classmethod
    def _into_new_file(cls, path: str | os.PathLike[str], state: State, journal: Journal,
                       origin: dict[str, Any], keep_old_as: str | os.PathLike[str] | None,
                       base: State | None = None,
                       branch: dict[str, Any] | None = None, baseline: int = 0) -> Simulation:
        """`state` and its journal written to a new file in one write, as a simulation on that
        file (`branch`: where it came from, if it is a branch; `baseline`: its starting
        point's steps)."""
        with Store.creating(path, keep_old_as) as store:
            store.branch = branch
            store.baseline = baseline
            store.write_new(state, journal, origin, base)
        return cls(store, state, journal)

    def save_as(self, path: str | os.PathLike[str],
                keep_old_as: str | os.PathLike[str] | None = None) -> Simulation:
        """This simulation (e.g. one built in memory) written to a new file in one write, as
        `create` writes one (an existing file refused, or kept as `keep_old_as`, and put back if
        the write fails), with its whole journal. Returns the simulation that holds the file;
        this one is closed."""
        self._writable()
        old = self._journal
        base = old.origin()
        carried: State | None = base
        if _has_records(base):  # a journal that starts from a carried-over file's records
            origin = base_origin(base)
        else:
            origin, carried = origin_of(base.now, base.rules.data), None
        simulation = self._into_new_file(path, self._state,
                                         Journal(old.origin, old.records, head=old.head),
                                         origin, keep_old_as, carried, self._store.branch,
                                         self.baseline)
        self.close()
        return simulation

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, read_only: bool = False,
             wait: float = LOCK_WAIT) -> Simulation:
        """An existing simulation file; one that is not a simulation is refused, untouched.

        Several processes may have one file open at once (each party in its own window): each
        writes under a short lock, decides every change on the latest state, and takes in
        what the others wrote (`take_in`, and before each change). Opening reads the file
        under that lock too, waiting up to `wait` seconds for another process's write to end
        (then refused: `busy`). With `read_only=True` the file is only read (never locked nor
        written), and every change is refused. A file of format version 1 is carried over to
        the current format (the original is kept as `<name>.bak`), unless it is only read.
        """
        store = Store.open_file(path, lock=not read_only)
        try:
            if read_only:
                loaded = store.load()
                backup = None
            else:
                with store.locked(wait):
                    assert store.file is not None
                    store.file.tidy()
                    loaded = store.load()
                    backup = store.settle(loaded)
        except BaseException:
            store.close()
            raise
        simulation = cls(store, loaded.state, loaded.journal, read_only=read_only)
        simulation.carried_over = backup
        return simulation

    def close(self) -> None:
        """Let the file go. A closed simulation can still be read, but refuses every change: it
        no longer holds the file, and another process may have it by now."""
        if not self._store.closed:
            self._store.close()
        for presence in self._presences.values():
            presence.release()
        self._presences.clear()

    def __enter__(self) -> Simulation:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- the journal

    @property
    def step_count(self) -> int:
        """How many steps the journal holds: the number of the last step (0: none yet)."""
        return self._journal.count

    @property
    def baseline(self) -> int:
        """How many first steps are this simulation's starting point (the demo's or a
        scenario's set-up): they stay in its history, but `undo` and `rewind` never take them
        back. 0 (every step can be taken back) unless `set_baseline` was called; a file
        written before there was a starting point opens with 0."""
        return min(self._store.baseline, self._journal.kept)

    def set_baseline(self) -> None:
        """The steps in effect now are this simulation's starting point: what `undo` says it
        cannot take back. Meant for the set-up of a new simulation (the demo, a scenario's
        orders), before it is shared; on file the file is written whole once (a compaction)."""
        self._writable()
        store = self._store
        store.baseline = self._journal.head
        if store.path is not None:
            self.compact()
    def journal(self, since: int = 0) -> tuple[JournalEntry, ...]:
        """The steps after step `since` (0: all), each with its number, kind, time and record."""
        return self._journal.entries(since)

    def _state_at(self, step: int) -> State:
        """A fresh state as it was just after `step` (0: as created), rebuilt from the latest
        checkpoint at or before it and the steps after that (engine/journal.py)."""
        return self._journal.state_at(step)

    def replay(self, record: Mapping[str, Any]) -> tuple[EventView, ...]:
        """Take a recorded step (a `JournalEntry.record`, of this simulation or another) as the
        next step, through the same checks as when it was first taken: refused if it does not
        apply to this state (an order unknown here, or a step taken at another time)."""
        def check() -> Callable[[], list[Event]]:
            try:
                step, apply = prepare_step(self._state, record)
            except (ValueError, KeyError, TypeError, AttributeError) as error:
                raise Refusal("bad_step", detail=str(error) or type(error).__name__) from None

            def commit() -> list[Event]:
                with no_collection():
                    return self._take(step, apply)
            return commit

        order = record.get("order") if record.get("kind") == "act" else None
        if isinstance(order, str):  # an action at the time it was taken: on this order, then
            events = self._change(check, lambda synced: synced.touches(order) or synced.clock_moved,
                                  order)
        else:
            events = self._change(check, None)
        return tuple(_event_view(e) for e in events)

    # ---------------------------------------------------------------- several processes

    def sync(self, wait: float | None = None) -> tuple[EventView, ...]:
        """Take in the steps other processes wrote to the file since this one last looked (and
        those taken in before a change of this one's since the last look): the state is then
        the file's. Returns the events of those steps, in order. Unlike `take_in`, it waits for
        a write under way (up to `wait` seconds, None: `lock_wait`). What else they did (steps
        taken back or put back, the file started afresh) is what `take_in` says."""
        found = self.take_in(self.lock_wait if wait is None else wait)
        return tuple(event for synced in found for event in synced.events)

    def take_in(self, wait: float | None = 0) -> tuple[Synced, ...]:
        """Take in what other processes wrote to the file since this one last looked, and say
        what it was: one `Synced` per look that found something, in order (every change of
        this process's looks first, under the write lock, and keeps what it found for this
        call). Costs one `stat` when nothing was written. `wait`: how long to wait for another
        process's write to end (None: `lock_wait`); with 0, the default, it never waits (a
        write under way: nothing is taken in now, the next call looks again). In memory, or
        only read, there is nothing to take in. A lock that cannot be had within a `wait` over
        0 is refused (`busy`)."""
        store = self._store
        if not self.read_only and store.changed():
            try:
                with self._locked(wait):
                    self._catch_up()
            except Refusal as refusal:
                if wait != 0 or refusal.code != "busy":
                    raise
        pending, self._pending = tuple(self._pending), []
        return pending

    @contextmanager
    def _locked(self, wait: float | None = None) -> Iterator[None]:
        """Hold the file's write lock (in memory: nothing), waiting up to `wait` seconds
        (default: `lock_wait`); a lock that cannot be had is a refusal that changes nothing
        (`busy`, or the system's `write_failed`)."""
        file = self._store.file
        with ExitStack() as stack:
            if file is not None:
                try:
                    stack.enter_context(file.locked(self.lock_wait if wait is None else wait))
                except SimulationFileError as error:
                    if error.code == "busy":
                        raise Refusal("busy", path=error.path, **error.params) from None
                    raise Refusal("write_failed", path=error.path,
                                  reason=error.params.get("reason", error.problem)) from None
            yield

    def _change(self, check: Callable[[], Callable[[], T]],
                relevant: Callable[[Synced], bool] | None, order: str | None = None) -> T:
        """Make one change, decided on the latest state. `check` checks it on the state as it
        is, changing nothing (a Refusal says why not), and returns what makes it (writes and
        applies it). On file, all of it happens under the write lock, after taking in what
        other processes wrote meanwhile; if that bears on this change (`relevant`, None: any
        change does; steps taken back, or the simulation started afresh, always do), it was
        decided on a screen out of date: it is refused (`changed_meanwhile`, saying what
        changed, the latest on `order` first), and nothing is written."""
        self._writable()
        if self._store.file is None:
            return check()()
        with self._locked():
            synced = self._catch_up()
            bears = synced is not None and (relevant is None or synced.restarted
                                            or bool(synced.taken_back) or relevant(synced))
            try:
                commit = check()
            except Refusal as refusal:
                if bears and not isinstance(refusal, InputError):
                    assert synced is not None
                    raise self._meanwhile(synced, order) from None
                raise
            if bears:
                assert synced is not None
                raise self._meanwhile(synced, order)
            return commit()

    def _catch_up(self) -> Synced | None:
        """Under the write lock: take in what other processes wrote since this one last read
        the file (engine/storage/tail.py: `read_since`, or the file read whole again after it was
        written anew), and keep what they did for `take_in`. None when they wrote nothing."""
        store = self._store
        if store.file is None:
            return None
        try:
            found = store.read_since(self._journal.records, self._journal.head)
            if found is not None:
                synced = self._adopt(*found)
            else:
                meta, records, head, current = store.read_journal()
                if meta["origin"] != store.origin or meta.get("branch") != store.branch:
                    synced = self._restart()
                else:
                    store.baseline = meta.get("baseline", 0)
                    synced = self._adopt(records, head, 0)
                    journal = self._journal
                    checkpoint = meta["checkpoint"]
                    if current:
                        journal.set_checkpoint(checkpoint, store.checkpoint_loader(checkpoint))
                    else:
                        journal.checkpoint = None
                    store.checkpoint_size = _records(self._state)
                    journal.cost = journal.file_cost()
        except (Refusal, ValueError, KeyError, TypeError, AttributeError) as error:
            # A step another process wrote does not replay here (a damaged file, or another
            # rcsim): read the file whole at the next look, and say so now.
            store.mark = None
            detail = error.message if isinstance(error, Refusal) else str(error)
            raise SimulationFileError(store.shown, "step_refused",
                                      step=getattr(error, "step", "?"), detail=detail) from None
        if synced is not None:
            self._pending.append(synced)
        return synced

    def _adopt(self, records: list[dict[str, Any]], head: int, same: int) -> Synced | None:
        """The journal as the file holds it now (`records` kept, standing after `head`; the
        first `same` are known to be the ones this process keeps): the state becomes the
        state after `head`, and what changed is said. None when nothing did."""
        journal = self._journal
        live, old_head, old_kept = self._state, journal.head, journal.kept
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
            return Synced(taken=tuple(self._history_entry(n) for n in range(common + 1, head + 1)))
        # Steps taken back, put back, or written in place of steps kept here: the state after
        # `head` is rebuilt from the nearest one known (the live one, where it still counts).
        keep = min(common, old_head, head)
        self._index()  # (the events of the steps taken back, and a replay known to work)
        taken_back = tuple(self._history_entry(n) for n in range(keep + 1, old_head + 1))
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
        self._state = state
        journal.cost = journal.file_cost()
        self._index()
        put_back: list[HistoryEntry] = []
        taken: list[HistoryEntry] = []
        for number in range(keep + 1, head + 1):
            entry = self._history_entry(number)
            (put_back if old_head < number <= common else taken).append(entry)
        return Synced(taken_back, tuple(put_back), tuple(taken))

    def _restart(self) -> Synced:
        """The file holds another simulation now (started afresh under its name): read it
        whole, as opening it would."""
        store = self._store
        store.origin = None
        loaded = store.load()
        store.settle(loaded)
        self._state, self._journal = loaded.state, loaded.journal
        self._journal.ends.setdefault(self._journal.head, len(self._state.events))
        return Synced(restarted=True)

    def _meanwhile(self, synced: Synced, order: str | None = None) -> Refusal:
        """The refusal of a change decided on a screen out of date: it says what other
        processes did meanwhile (the steps on `order` first, the latest ones), with their
        events, for the app to put into words."""
        steps = synced.steps
        if order is not None:
            steps = tuple(s for s in steps if s.order == order or any(e.order == order for e in s.events)) \
                or steps
        shown = steps[-MEANWHILE_STEPS:]
        described = tuple(_step_doc(step, order) for step in shown)
        events = tuple(_event_doc(e) for step in shown for e in step.events
                       if order is None or e.order == order)
        clock = iso(self._state.now) if synced.clock_moved else None
        return Refusal("changed_meanwhile", what=meanwhile_words(
                           described, len(synced.taken_back), synced.restarted, len(steps) - len(shown)),
                       order=order, steps=described, events=events, taken_back=len(synced.taken_back),
                       restarted=synced.restarted, clock=clock)

    # ---------------------------------------------------------------- time travel

    @property
    def redo_count(self) -> int:
        """How many steps were taken back and can be put back (`redo`), in order."""
        return self._journal.kept - self._journal.head

    def history(self) -> tuple[HistoryEntry, ...]:
        """Every step kept, in order: the `step_count` steps in effect, then the `redo_count`
        ones taken back (`undone`), each with the events it caused."""
        self._index()
        return tuple(self._history_entry(n) for n in range(1, self._journal.kept + 1))

    def history_entry(self, number: int) -> HistoryEntry:
        """Step `number` of `history()` (1 is the first), without building the whole list."""
        if isinstance(number, bool) or not isinstance(number, int) \
                or not 1 <= number <= self._journal.kept:
            raise IndexError(f"no step {number}")
        self._index()
        return self._history_entry(number)

    def event_counts(self) -> tuple[int, ...]:
        """How many events each step kept caused, in order (the sizes of `history()`'s events,
        without building them: a timeline of many steps draws only what is on screen)."""
        self._index()
        journal = self._journal
        ends = journal.ends
        return tuple(ends[n] - ends[n - 1] if n <= journal.head else len(journal.undone_events[n])
                     for n in range(1, journal.kept + 1))

    def _history_entry(self, number: int) -> HistoryEntry:
        journal = self._journal
        entry = journal.entry(number)
        events = tuple(_event_view(e) for e in journal.events_of(number, self._state))
        return HistoryEntry(number, entry.kind, entry.at, entry.record, events,
                            number > journal.head)

    def _index(self) -> None:
        """Know the events of every step kept (engine/journal.py: `Journal.index`); a step
        kept that no longer replays (a damaged file) is refused, and nothing changes."""
        try:
            with no_collection():
                self._journal.index(self._state)
        except Refusal as refusal:
            raise Refusal("bad_step", detail=refusal.message) from None
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise Refusal("bad_step", detail=str(error) or type(error).__name__) from None

    def undo(self, by: str | None = None) -> HistoryEntry:
        """Take back the last step in effect (an action, a clock move, orders added: any kind);
        the state, the clock included, is exactly as before it. The step can be put back with
        `redo` until a new step is taken. On file, one durable append. Refused (nothing
        changes) when no step is left to take back; with a party (`by`), when that step is not
        that party's own action (`not_yours`: a party's window takes back its own actions only,
        never the other party's, nor a clock move)."""
        def step() -> int:
            head = self._journal.head
            if head == 0:
                raise Refusal("nothing_to_undo")
            if head <= self.baseline:
                raise Refusal("at_start", steps=self.baseline)
            return head - 1
        return self._travel(step, by)[0]

    def redo(self, by: str | None = None) -> HistoryEntry:
        """Put back the step `undo` (or `rewind`) took back last: the state is exactly as after
        it again. Refused when there is none (none was taken back, or a new step was taken);
        with a party (`by`), when that step is not that party's own action (`not_yours`)."""
        def step() -> int:
            if self._journal.head == self._journal.kept:
                raise Refusal("nothing_to_redo")
            return self._journal.head + 1
        return self._travel(step, by)[0]

    def rewind(self, step: int, by: str | None = None) -> tuple[HistoryEntry, ...]:
        """Return to just after step `step` (0: as created). The steps after it are kept and
        can be put back (`redo`, or `rewind` to a later step) until a new step is taken; the
        file says so (one durable append: reopened, it stands at the same step with the same
        steps to put back). Returns the steps taken back, or put back when `step` lies among
        the steps taken back before, in the order they were taken. Refused (nothing changes)
        for a step that is not kept; with a party (`by`), unless every step taken back or put
        back is that party's own action (`not_yours`). The clock goes backwards only this way.

        Like every change, it is decided on the latest state: when another process changed
        the simulation meanwhile, the steps are no longer the ones that were on screen, and it
        is refused (`changed_meanwhile`)."""
        def check() -> int:
            journal = self._journal
            if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step <= journal.kept:
                raise Refusal("no_such_step", step=step, count=journal.kept)
            if step < self.baseline:
                raise Refusal("before_start", step=step, steps=self.baseline)
            return step
        return self._travel(check, by)

    def _travel(self, target: Callable[[], int], by: str | None) -> tuple[HistoryEntry, ...]:
        """Go to the step `target` names (on the latest state, under the write lock), checking
        that a party (`by`) moves over its own actions only; returns the steps taken back or
        put back (see `rewind`)."""
        if by is not None and by not in PARTIES:
            raise InputError("unknown_party", party=by)

        def check() -> Callable[[], tuple[HistoryEntry, ...]]:
            step = target()
            journal = self._journal
            old = journal.head
            numbers = range(old, step, -1) if step < old else range(old + 1, step + 1)
            if by is not None:
                for number in numbers:  # (the latest taken back, the first put back, first)
                    record = journal.records[number - 1]
                    if record.get("kind") != "act" or record.get("party") != by:
                        raise Refusal("not_yours", step=number, party=by,
                                      owner=record.get("party") if record.get("kind") == "act"
                                      else record.get("kind"))
            if step != journal.head:
                self._index()  # every step kept is known to replay: nothing below can refuse
            return lambda: self._go_to(step)
        return self._change(check, None)

    def _go_to(self, step: int) -> tuple[HistoryEntry, ...]:
        """Stand after step `step` (checked), on file first (one durable append)."""
        journal = self._journal
        old = journal.head
        if step == old:
            return ()
        try:
            self._store.write_head(step, journal.kept)
        except SimulationFileError as error:
            raise Refusal("write_failed", path=error.path,
                          reason=error.params.get("reason", error.problem)) from None
        live = self._state
        try:
            with no_collection():
                state = journal.state_at(step, live=(old, live) if step > old else None)
        except BaseException:  # (an interrupt) the file stands at `step`: so does memory
            journal.head = step
            journal.undone_events = {n: e for n, e in journal.undone_events.items() if n > step}
            self._state = journal.state_at(step)
            raise
        journal.moved(step, live, state)
        self._state = state
        journal.cost = journal.file_cost()
        if self._store.should_compact(journal):
            self._store.compact(state, journal)
        numbers = range(step + 1, old + 1) if step < old else range(old + 1, step + 1)
        return tuple(self._history_entry(n) for n in numbers)

    @property
    def branched_from(self) -> BranchOrigin | None:
        """Where this simulation was branched from (`branch`), or None."""
        branch = self._store.branch
        if branch is None:
            return None
        return BranchOrigin(None if branch.get("file") is None else Path(branch["file"]),
                            branch["step"])

    def branch(self, step: int, path: str | os.PathLike[str]) -> Path:
        """Write a new simulation file whose history is the first `step` steps kept here (its
        state is the state after step `step`), remembering where it came from (this file and
        `step`: `branched_from`). This simulation and its file are left exactly as they were
        (a read-only look can be branched too). An existing file is refused, as by `create`.
        Returns the new file's path (the real file, links followed)."""
        if self._store.closed:
            raise (Refusal("closed_memory") if self.path is None
                   else Refusal("closed", path=self._store.shown))
        journal = self._journal
        if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step <= journal.kept:
            raise Refusal("no_such_step", step=step, count=journal.kept)
        self._index()
        with no_collection():
            state = journal.state_at(step)
            origin_state = journal.origin()
        base: State | None = None
        if _has_records(origin_state):  # a journal that starts from a carried-over file's records
            origin, base = base_origin(origin_state), origin_state
        else:
            origin = origin_of(origin_state.now, origin_state.rules.data)
        with Store.creating(path) as store:
            store.branch = {"file": None if self.path is None else str(self.path), "step": step}
            store.baseline = min(self.baseline, step)  # (a branch from inside the set-up: all of it)
            store.write_new(state, Journal(journal.origin, journal.records[:step]), origin, base)
        store.close()
        assert store.path is not None
        return store.path

    def compare(self, other: Simulation) -> Comparison:
        """This simulation beside another: where their histories (the steps in effect) part,
        and every order whose status, open request, total or cancellation differs now."""
        mine, theirs = self._journal, other._journal
        parted: int | None = None
        if snapshot_of(mine.state_at(0)) != snapshot_of(theirs.state_at(0)):
            parted = 0
        else:
            for number in range(1, min(mine.head, theirs.head) + 1):
                if mine.records[number - 1] != theirs.records[number - 1]:
                    parted = number
                    break
            else:
                if mine.head != theirs.head:
                    parted = min(mine.head, theirs.head) + 1
        here_step = there_step = None
        if parted:
            here_step = mine.entry(parted) if parted <= mine.head else None
            there_step = theirs.entry(parted) if parted <= theirs.head else None
        ids = list(self.order_ids()) + [o for o in other.order_ids() if o not in self._state.orders]
        differences = []
        for order in ids:
            here = OrderFacts.of(self.order_view(order)) if order in self._state.orders else None
            there = OrderFacts.of(other.order_view(order)) if order in other._state.orders else None
            if here == there:
                continue
            if here is None or there is None:
                names: tuple[str, ...] = ("order",)
            else:
                names = tuple(name for name in ("status", "open_request", "total", "cancellation")
                              if getattr(here, name) != getattr(there, name)
                              or (name == "open_request" and here.requester != there.requester))
            differences.append(OrderDifference(order, here, there, names))
        here_rules, there_rules = self.rules.data, other.rules.data
        rule_names = list(here_rules) + [n for n in there_rules if n not in here_rules]
        rules = tuple(RuleDifference(name, here_rules.get(name), there_rules.get(name))
                      for name in rule_names if name != "description"
                      and here_rules.get(name) != there_rules.get(name))
        return Comparison(parted, mine.head, theirs.head, here_step, there_step,
                          tuple(differences), self.now, other.now, rules, self.policy)

    def compact(self) -> None:
        """Write a fresh checkpoint now: the file is rewritten (atomically) with the current
        state and every step, so opening it replays nothing. Done by itself when the steps since
        the last checkpoint would cost too much to replay; in memory there is nothing to do."""
        self._writable()
        store = self._store
        if store.path is None:
            return
        with self._locked():
            self._catch_up()  # (what others wrote is kept, and said by the next `take_in`)
            if not store.compact(self._state, self._journal):
                raise Refusal("write_failed", path=store.shown, reason=store.last_error)

    @property
    def path(self) -> Path | None:
        return self._store.path

    @property
    def rules(self) -> Rules:
        return self._state.rules

    @property
    def policy(self) -> str:
        return self._state.rules.policy

    @property
    def now(self) -> datetime:
        return to_datetime(self._state.now)

    def _writable(self) -> None:
        """Refuse every change to a closed simulation, and to a read-only look."""
        if self._store.closed:
            if self.path is None:
                raise InputError("closed_memory")
            raise InputError("closed", path=self._store.shown)
        if self.read_only:
            raise InputError("read_only", path=str(self.path))

    def _take(self, record: dict[str, Any], apply: Callable[[], list[Event]]) -> list[Event]:
        """Take a step the engine has checked: write it to the journal (on file: one durable
        append), then apply it. If the system refuses the write (a full disk, a folder turned
        read-only), refuse: nothing changed, in memory or on disk."""
        store, journal = self._store, self._journal
        if self._seat is not None:
            record["seat"] = self._seat
        size = store.file_size()
        if size <= 0 and store.path is not None:
            # The file was removed (or emptied) while open: it is written anew, whole, first.
            if not store.compact(self._state, journal):
                raise Refusal("write_failed", path=store.shown, reason=store.last_error)
            size = store.file_size()
        try:
            store.append_step(journal.count + 1, record)
        except SimulationFileError as error:
            raise Refusal("write_failed", path=error.path,
                          reason=error.params.get("reason", error.problem)) from None
        try:
            events = apply()
        except BaseException:
            # The check let the step through, so its effect cannot fail; if it is cut short
            # all the same (an interrupt), the step is taken back and the state rebuilt.
            try:
                store.unappend(size)
            except OSError:  # it stays on the file, so it counts
                journal.add(record, 0)
            self._state = journal.state_at(journal.count)
            raise
        journal.add(record, len(events), len(self._state.events))
        if store.should_compact(journal):
            store.compact(self._state, journal)
        return events

    # ---------------------------------------------------------------- orders

    def add_order(self, id: str, title: str, price: float | int, delivery_days: int,
                  status: str = "in_progress", due: Instant | None = None) -> OrderView:
        """Add one order ("incomplete", "in_progress" or "delivered"); one write."""
        self.add_orders([{"id": id, "title": title, "price": price, "delivery_days": delivery_days,
                          "status": status, "due": due}])
        return self._order_view(self._state.orders[id])

    def add_orders(self, specs: Iterable[Mapping[str, Any]]) -> None:
        """Add several orders as one step (one write); if one is refused, none is added."""
        specs = list(specs)

        def check() -> Callable[[], object]:
            state = self._state
            adding: set[str] = set()
            news = []
            for spec in specs:  # all checked first (on the latest state): a refusal changes nothing
                new = state.prepare_order(**_order_args(spec), adding=adding)
                adding.add(new.id)
                news.append(new)
            if not news:
                return lambda: None

            def apply() -> list[Event]:
                events: list[Event] = []
                for new in news:
                    events += state.insert_order(new)
                return events

            def commit() -> object:
                with no_collection():
                    return self._take(orders_record(state.now, news), apply)
            return commit

        self._change(check, lambda synced: False)

    # ---------------------------------------------------------------- acting

    def act(self, party: str, action: str, order: str, **fields: Any) -> tuple[EventView, ...]:
        """Let a party act on an order; returns the events. Refused actions raise `Refusal`.
        On file, decided on the latest state: when another process acted on this order
        meanwhile (or a deadline fired there), it is refused (`changed_meanwhile`)."""
        if self._store.file is None:  # in memory (experiments: many calls): nothing to take in
            self._writable()
            state = self._state
            prepared = state.prepare_act(party, action, order, fields)
            events = self._take(act_record(state.now, prepared), lambda: state.perform(prepared))
            return tuple(_event_view(e) for e in events)

        def check() -> Callable[[], list[Event]]:
            state = self._state
            prepared = state.prepare_act(party, action, order, fields)
            return lambda: self._take(act_record(state.now, prepared), lambda: state.perform(prepared))

        events = self._change(check, lambda synced: synced.touches(order), order)
        return tuple(_event_view(e) for e in events)

    def may(self, party: str, action: str, order: str) -> Refusal | None:
        """None if the party may take this action on this order now, else the refusal."""
        try:
            self._state.check(party, action, order)
        except Refusal as refusal:
            return refusal
        return None

    def options(self, party: str, order: str) -> tuple[Option, ...]:
        """Every action, and for each whether this party may take it now and why not."""
        self._state.order(order)  # an unknown order is refused, not listed as all-no
        if party not in PARTIES:
            raise InputError("unknown_party", party=party)
        result = []
        for action in ACTIONS:
            try:
                found = self._state.check(party, action, order)
            except Refusal as refusal:
                result.append(Option(action, False, refusal, ()))
                continue
            specs = tuple(self._field_spec(party, name, need == "required")
                          for name, need in found.fields.items())
            opens = OPENING_ACTIONS.get(action)
            if opens:
                hours: int | None = self.rules.response_seconds[opens] // 3600
            elif action == "deliver":  # the buyer's time to accept or ask for a revision
                hours = self.rules.auto_complete_seconds // 3600
            else:
                hours = None
            result.append(Option(action, True, None, specs, hours))
        return tuple(result)

    def _field_spec(self, party: str, name: str, required: bool) -> FieldSpec:
        if name == "reason":
            return FieldSpec(name, required, self.rules.reasons(party))
        if name == "days":
            low, high = self.rules.extension_days
            return FieldSpec(name, required, low=low, high=high)
        if name == "extra_price":
            return FieldSpec(name, required, low=0)
        return FieldSpec(name, required, high=self.rules.comment_max_chars)

    def order_page_actions(self, party: str) -> tuple[str, ...]:
        """The actions that party may ever take on an order page (whether it may now is
        `options`): the lifecycle and, for the freelancer, the extension request."""
        return tuple(a for a in ORDER_PAGE_ACTIONS if party in self.rules.roles(a))

    def resolution_center_actions(self, party: str) -> tuple[str, ...]:
        """The requests that party may ever open in the Resolution Center."""
        return tuple(a for a in RESOLUTION_CENTER_ACTIONS if party in self.rules.roles(a))

    def allowed(self, party: str, order: str) -> tuple[str, ...]:
        """The actions this party may take on this order right now."""
        return tuple(o.action for o in self.options(party, order) if o.allowed)

    # ---------------------------------------------------------------- time

    def advance(self, by: Duration) -> tuple[EventView, ...]:
        """Move the clock forward by a duration ("36h", a timedelta or seconds); one write.
        On file, refused (`changed_meanwhile`) when another process moved it meanwhile."""
        self._writable()
        seconds = duration(by)
        if seconds < 0:  # (a target before the year 1 has no date to name)
            target = self._state.now + seconds
            raise Refusal("clock_backwards", now=iso(self._state.now),
                          target=iso(target) if in_calendar(target) else str(by))
        return self._advance(lambda: self._state.now + seconds)

    def advance_to(self, instant: Instant) -> tuple[EventView, ...]:
        """Move the clock to an instant, firing every deadline passed in order; one write."""
        self._writable()
        target = _instant(instant)
        return self._advance(lambda: target)

    def advance_to_next_deadline(self) -> tuple[EventView, ...]:
        """Move the clock exactly to the earliest pending deadline and fire it (and its ties).
        On file, refused (`changed_meanwhile`) when that deadline is no longer the next one."""
        self._writable()
        seen = self._state.next_deadline()

        def target() -> int:
            upcoming = self._state.next_deadline()
            if upcoming is None:
                raise Refusal("no_deadline")
            return upcoming.at
        return self._advance(target, lambda: self._state.next_deadline() != seen)

    def _advance(self, target: Callable[[], int],
                 moved: Callable[[], bool] = lambda: False) -> tuple[EventView, ...]:
        """Move the clock to `target()` (on the latest state) as one step (none if it moves
        nowhere and fires nothing). Another process's clock move meanwhile, or `moved()`
        (what was on screen no longer holds), bears on it."""
        def check() -> Callable[[], list[Event]]:
            state = self._state
            to = target()
            state.check_advance(to)
            upcoming = state.next_deadline()
            if to == state.now and (upcoming is None or upcoming.at > to):
                return lambda: []

            def commit() -> list[Event]:
                with no_collection():
                    return self._take(clock_record(state.now, to), lambda: state.move_clock(to))
            return commit

        events = self._change(check, lambda synced: synced.clock_moved or moved())
        return tuple(_event_view(e) for e in events)

    def next_deadline(self) -> DeadlineView | None:
        """The earliest pending deadline, or None."""
        upcoming = self._state.next_deadline()
        return None if upcoming is None else _deadline_view(upcoming)

    def next_deadlines(self) -> tuple[DeadlineView, ...]:
        """Every pending deadline at the earliest instant, in the order
        `advance_to_next_deadline` fires them (empty: none pending)."""
        return tuple(_deadline_view(d) for d in self._state.next_deadlines())

    def deadlines(self, limit: int | None = None) -> tuple[DeadlineView, ...]:
        """Pending deadlines in the order they will fire."""
        return tuple(_deadline_view(d) for d in self._state.pending_deadlines(limit))

    # ---------------------------------------------------------------- changing the rules

    def change_rules(self, changes: Mapping[str, Any]) -> None:
        """Change rules by name (`engine.rules.ADJUSTABLE`: the hours, days and characters, and
        what an unanswered extension request does) from now on, as one step; a step that undo
        takes back like any other. Each value is checked against its rule's range (a Refusal
        says what it may take), and nothing changes unless all are fine. Values equal to the
        rules' own make no step.

        From now on: a request opened or a delivery made after the change gets the new time;
        a deadline already running keeps its instant (every deadline is fixed when it is
        created), and a paused auto-complete keeps the time it had left. What reads the rules
        when it happens follows the new value at once: whether an order is very late, the
        longest comment and the days of an extension asked for now, and what an unanswered
        extension request does when its deadline comes."""
        self._writable()
        with_changes(self._state.rules.data, changes)  # refuse what cannot be, whatever else is asked

        def check() -> Callable[[], object]:
            state = self._state
            changed = {name: value for name, value in changes.items()
                       if state.rules.data[name] != value}
            if not changed:
                return lambda: None
            record = rules_record(state.now, changed)
            _, apply = prepare_step(state, record)
            return lambda: self._take(record, apply)

        # Another process's change of the rules meanwhile bears on this one.
        self._change(check, lambda synced: any(step.kind == "rules" for step in synced.steps))

    # ---------------------------------------------------------------- views

    def order_ids(self) -> tuple[str, ...]:
        return tuple(self._state.orders)

    def order_view(self, order: str) -> OrderView:
        """One order as both parties see it."""
        return self._order_view(self._state.order(order))

    def view(self, party: str) -> PartyView:
        """Everything `party` sees: the clock, its orders and its inbox."""
        if party not in PARTIES:
            raise InputError("unknown_party", party=party)
        orders = tuple(self._order_view(o) for o in self._state.orders.values())
        inbox = tuple(_message_view(m) for m in self._state.messages if m.recipient == party)
        return PartyView(party, self.now, orders, inbox)

    def last_event_seq(self) -> int:
        """The sequence number of the newest event (0: none yet), to pass later to `events(since)`.

        Every change an action makes is to the order it acts on and is logged as an event on that
        order; so while the clock and the list of orders stay put, the only orders whose views
        can differ from an earlier read are the ones named by `events(since)`.
        """
        events = self._state.events
        return events[-1].seq if events else 0

    def event(self, seq: int) -> EventView:
        """The event with this sequence number (1 is the first)."""
        if not 1 <= seq <= len(self._state.events):
            raise IndexError(f"no event {seq}")
        return _event_view(self._state.events[seq - 1])

    def events(self, since: int = 0) -> tuple[EventView, ...]:
        """The event log after sequence number `since` (0: all of it)."""
        # Sequence numbers run 1, 2, 3, ... without gaps, so `since` is also a list index.
        return tuple(_event_view(e) for e in self._state.events[max(0, since):])

    def request(self, request_id: str) -> RequestView:
        request = self._state.requests.get(request_id)
        if request is None:
            raise Refusal("unknown_request", request=request_id, order="-")
        return self._request_view(request)

    def snapshot(self) -> dict[str, Any]:
        """The whole state as plain data (what the file holds), for comparisons in tests."""
        return snapshot_of(self._state)

    def _request_view(self, r: Request) -> RequestView:
        now = self._state.now
        return RequestView(
            r.id, r.order, r.type, r.requester, r.responder, r.state, to_datetime(r.opened_at),
            to_datetime(r.deadline), _dt(r.closed_at), r.deadline - now if r.state == "open" else None,
            r.reason, r.comment, r.days, r.extra_price, r.extra_description, r.answer,
            self._state.timeout_outcome(r.type))

    def _order_view(self, o: Order) -> OrderView:
        s = self._state
        requests = tuple(self._request_view(s.requests[r]) for r in o.requests)
        open_request = next((r for r in requests if r.state == "open"), None)
        return OrderView(
            id=o.id, title=o.title, price=o.price, extras_total=o.extras_total, status=o.status,
            late=s.is_late(o), very_late=s.is_very_late(o), due=_dt(o.due),
            due_in=None if o.due is None or o.status != "in_progress" else o.due - s.now,
            delivered_at=_dt(o.delivered_at), auto_complete_at=_dt(o.review_deadline),
            auto_complete_in=None if o.review_deadline is None else o.review_deadline - s.now,
            auto_complete_paused=o.review_remaining is not None,
            auto_complete_left=o.review_remaining,
            cancellation=dict(o.cancellation) if o.cancellation else None,
            open_request=open_request, requests=requests,
            thread=tuple(_message_view(m) for m in s.threads.get(o.id, ())),
        )


def snapshot_of(state: State) -> dict[str, Any]:
    """A state as plain data: its clock, counters, rules and records."""
    return {
        "now": state.now, "counters": dict(state.counters), "rules": dict(state.rules.data),
        "orders": [o.to_doc() for o in state.orders.values()],
        "requests": [r.to_doc() for r in state.requests.values()],
        "messages": [m.to_doc() for m in state.messages],
        "events": [e.to_doc() for e in state.events],
    }


def _records(state: State) -> int:
    return len(state.orders) + len(state.requests) + len(state.messages) + len(state.events)


def _event_doc(e: EventView) -> dict[str, Any]:
    """An event as plain data (a refusal's parameter)."""
    return {"seq": e.seq, "at": iso(to_ts(e.at)), "type": e.type, "order": e.order,
            "actor": e.actor, "data": dict(e.data)}


def _step_doc(step: HistoryEntry, order: str | None = None) -> dict[str, Any]:
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


def _has_records(state: State) -> bool:
    return bool(state.orders or state.requests or state.messages or state.events)


def _instant(value: Instant) -> int:
    if isinstance(value, datetime):  # its own date may be fine and its UTC one not (an offset)
        return in_calendar_or_refuse(to_ts(value), value.isoformat())
    if isinstance(value, str):
        return parse_iso(value)
    raise InputError("bad_instant", text=str(value))


def _dt(ts: int | None) -> datetime | None:
    return None if ts is None else to_datetime(ts)


def _order_args(spec: Mapping[str, Any]) -> dict[str, Any]:
    known = {"id", "title", "price", "delivery_days", "status", "due"}
    unknown = set(spec) - known
    if unknown:
        raise InputError("invalid_order", detail=f"unknown field(s) {', '.join(sorted(unknown))}")
    for key in ("id", "title", "price", "delivery_days"):
        if key not in spec:
            raise InputError("invalid_order", detail=f"the field {key!r} is missing")
    for key, field in (("id", "id"), ("title", "title")):
        if isinstance(spec[key], str):
            State.storable(field, spec[key])
    due = spec.get("due")
    return {"order_id": spec["id"], "title": spec["title"], "price": spec["price"],
            "delivery_days": spec["delivery_days"], "status": spec.get("status") or "in_progress",
            "due": None if due is None else _instant(due)}


def _message_view(m: Message) -> MessageView:
    return MessageView(m.id, m.order, to_datetime(m.at), m.sender, m.recipient, m.action, m.text,
                       m.reason, m.request)


def _event_view(e: Event) -> EventView:
    return EventView(e.seq, to_datetime(e.at), e.type, e.order, e.actor, e.data)


def _deadline_view(d: Deadline) -> DeadlineView:
    return DeadlineView(to_datetime(d.at), d.kind, d.order, d.request, d.request_type, d.outcome)
