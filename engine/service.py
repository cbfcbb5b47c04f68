"""The one way in: the facade that the TUI, the command line, the scenarios and the tests use."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from . import changing, history, opening, sync, viewing
from .core import State
from .errors import InputError, Refusal
from .journal import Journal, JournalEntry
from .model import PARTIES, SEATS
from .presence import CLOCK, Presence, held, hold
from .rules import ORDER_PAGE_ACTIONS, RESOLUTION_CENTER_ACTIONS, Rules
from .simfile import LOCK_WAIT
from .storage import Store
from .timeutil import Duration, Instant, duration, in_calendar, iso, to_datetime
from .viewing import deadline_view, event_view, message_view, order_view, request_view, snapshot_of
from .views import (
    BranchOrigin,
    Comparison,
    DeadlineView,
    EventView,
    HistoryEntry,
    Option,
    OrderView,
    PartyView,
    RequestView,
    Synced,
)

T = TypeVar("T")


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
        return opening.create(cls, path, start=start, policy=policy, rules=rules,
                              keep_old_as=keep_old_as)

    def save_as(self, path: str | os.PathLike[str],
                keep_old_as: str | os.PathLike[str] | None = None) -> Simulation:
        """This simulation (e.g. one built in memory) written to a new file in one write, as
        `create` writes one (an existing file refused, or kept as `keep_old_as`, and put back if
        the write fails), with its whole journal. Returns the simulation that holds the file;
        this one is closed."""
        return opening.save_as(self, path, keep_old_as)

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
        return opening.open_existing(cls, path, read_only=read_only, wait=wait)

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
        return changing.replay(self, record)

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
        return sync.take_in(self, wait)

    def _change(self, check: Callable[[], Callable[[], T]],
                relevant: Callable[[Synced], bool] | None, order: str | None = None) -> T:
        """Make one change, decided on the latest state (`sync.change`): `check` checks it and
        returns what makes it; refused when what other processes did meanwhile is `relevant`."""
        return sync.change(self, check, relevant, order)

    # ---------------------------------------------------------------- time travel

    @property
    def redo_count(self) -> int:
        """How many steps were taken back and can be put back (`redo`), in order."""
        return self._journal.kept - self._journal.head

    def history(self) -> tuple[HistoryEntry, ...]:
        """Every step kept, in order: the `step_count` steps in effect, then the `redo_count`
        ones taken back (`undone`), each with the events it caused."""
        return history.history(self)

    def history_entry(self, number: int) -> HistoryEntry:
        """Step `number` of `history()` (1 is the first), without building the whole list."""
        return history.history_entry(self, number)

    def event_counts(self) -> tuple[int, ...]:
        """How many events each step kept caused, in order (the sizes of `history()`'s events,
        without building them: a timeline of many steps draws only what is on screen)."""
        return history.event_counts(self)

    def undo(self, by: str | None = None) -> HistoryEntry:
        """Take back the last step in effect (an action, a clock move, orders added: any kind);
        the state, the clock included, is exactly as before it. The step can be put back with
        `redo` until a new step is taken. On file, one durable append. Refused (nothing
        changes) when no step is left to take back; with a party (`by`), when that step is not
        that party's own action (`not_yours`: a party's window takes back its own actions only,
        never the other party's, nor a clock move)."""
        return history.undo(self, by)

    def redo(self, by: str | None = None) -> HistoryEntry:
        """Put back the step `undo` (or `rewind`) took back last: the state is exactly as after
        it again. Refused when there is none (none was taken back, or a new step was taken);
        with a party (`by`), when that step is not that party's own action (`not_yours`)."""
        return history.redo(self, by)

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
        return history.rewind(self, step, by)

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
        return history.branch(self, step, path)

    def compare(self, other: Simulation) -> Comparison:
        """This simulation beside another: where their histories (the steps in effect) part,
        and every order whose status, open request, total or cancellation differs now."""
        return history.compare(self, other)

    def compact(self) -> None:
        """Write a fresh checkpoint now: the file is rewritten (atomically) with the current
        state and every step, so opening it replays nothing. Done by itself when the steps since
        the last checkpoint would cost too much to replay; in memory there is nothing to do."""
        self._writable()
        store = self._store
        if store.path is None:
            return
        with sync.locked(self):
            sync.catch_up(self)  # (what others wrote is kept, and said by the next `take_in`)
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

    # ---------------------------------------------------------------- orders

    def add_order(self, id: str, title: str, price: float | int, delivery_days: int,
                  status: str = "in_progress", due: Instant | None = None) -> OrderView:
        """Add one order ("incomplete", "in_progress" or "delivered"); one write."""
        self.add_orders([{"id": id, "title": title, "price": price, "delivery_days": delivery_days,
                          "status": status, "due": due}])
        return order_view(self._state, self._state.orders[id])

    def add_orders(self, specs: Iterable[Mapping[str, Any]]) -> None:
        """Add several orders as one step (one write); if one is refused, none is added."""
        changing.add_orders(self, specs)

    # ---------------------------------------------------------------- acting

    def act(self, party: str, action: str, order: str, **fields: Any) -> tuple[EventView, ...]:
        """Let a party act on an order; returns the events. Refused actions raise `Refusal`.
        On file, decided on the latest state: when another process acted on this order
        meanwhile (or a deadline fired there), it is refused (`changed_meanwhile`)."""
        return changing.act(self, party, action, order, **fields)

    def may(self, party: str, action: str, order: str) -> Refusal | None:
        """None if the party may take this action on this order now, else the refusal."""
        try:
            self._state.check(party, action, order)
        except Refusal as refusal:
            return refusal
        return None

    def options(self, party: str, order: str) -> tuple[Option, ...]:
        """Every action, and for each whether this party may take it now and why not."""
        return viewing.options(self._state, party, order)

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
        return changing.advance(self, lambda: self._state.now + seconds)

    def advance_to(self, instant: Instant) -> tuple[EventView, ...]:
        """Move the clock to an instant, firing every deadline passed in order; one write."""
        self._writable()
        target = changing.instant(instant)
        return changing.advance(self, lambda: target)

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
        return changing.advance(self, target, lambda: self._state.next_deadline() != seen)

    def next_deadline(self) -> DeadlineView | None:
        """The earliest pending deadline, or None."""
        upcoming = self._state.next_deadline()
        return None if upcoming is None else deadline_view(upcoming)

    def next_deadlines(self) -> tuple[DeadlineView, ...]:
        """Every pending deadline at the earliest instant, in the order
        `advance_to_next_deadline` fires them (empty: none pending)."""
        return tuple(deadline_view(d) for d in self._state.next_deadlines())

    def deadlines(self, limit: int | None = None) -> tuple[DeadlineView, ...]:
        """Pending deadlines in the order they will fire."""
        return tuple(deadline_view(d) for d in self._state.pending_deadlines(limit))

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
        changing.change_rules(self, changes)

    # ---------------------------------------------------------------- views

    def order_ids(self) -> tuple[str, ...]:
        return tuple(self._state.orders)

    def order_view(self, order: str) -> OrderView:
        """One order as both parties see it."""
        return order_view(self._state, self._state.order(order))

    def view(self, party: str) -> PartyView:
        """Everything `party` sees: the clock, its orders and its inbox."""
        if party not in PARTIES:
            raise InputError("unknown_party", party=party)
        orders = tuple(order_view(self._state, o) for o in self._state.orders.values())
        inbox = tuple(message_view(m) for m in self._state.messages if m.recipient == party)
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
        return event_view(self._state.events[seq - 1])

    def events(self, since: int = 0) -> tuple[EventView, ...]:
        """The event log after sequence number `since` (0: all of it)."""
        # Sequence numbers run 1, 2, 3, ... without gaps, so `since` is also a list index.
        return tuple(event_view(e) for e in self._state.events[max(0, since):])

    def request(self, request_id: str) -> RequestView:
        request = self._state.requests.get(request_id)
        if request is None:
            raise Refusal("unknown_request", request=request_id, order="-")
        return request_view(self._state, request)

    def snapshot(self) -> dict[str, Any]:
        """The whole state as plain data (what the file holds), for comparisons in tests."""
        return snapshot_of(self._state)
