"""Several real processes on one simulation file, as in role-play (each party in its own window):
nothing one of them was told succeeded is ever lost, every change is decided on the latest state,
two answers to one request at once make exactly one answer, and time travel in one is seen by
the others. The processes are driven over pipes (_process_child.py); nothing depends on how fast
they run."""

from __future__ import annotations

import random
import signal
from pathlib import Path

import pytest

from rcsim.engine import Refusal, Simulation
from rcsim.engine.journal import replay_all

from ..conftest import THOROUGH
from .conftest import START
from .processes import Child
from .reach import journal_of, state_of

needs_sigkill = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
# The refusals the rules give an answer to a request that was answered already (or withdrawn)
ANSWERED = {"no_open_request", "request_ended", "order_final"}


def consistent(path: Path) -> Simulation:
    """The file opened afresh, checked: its journal replays from the start to exactly its state
    (the caller closes it)."""
    sim = Simulation.open(path)
    state = journal_of(sim).origin()
    replay_all(state, [entry.record for entry in sim.journal()])
    assert state.counters == state_of(sim).counters and state.now == state_of(sim).now
    assert [o.to_doc() for o in state.orders.values()] == sim.snapshot()["orders"]
    assert [r.to_doc() for r in state.requests.values()] == sim.snapshot()["requests"]
    return sim


def with_orders(path: Path, ids: list[str]) -> Path:
    with Simulation.create(path, start=START) as sim:
        sim.add_orders([{"id": order, "title": "Work", "price": 50, "delivery_days": 3}
                        for order in ids])
    return path


def test_two_processes_taking_300_actions_each_as_fast_as_they_can_lose_none(tmp_path):
    ids = {party: [f"{party[0].upper()}{i}" for i in range(300)] for party in ("buyer", "other")}
    path = with_orders(tmp_path / "sim.json", ids["buyer"] + ids["other"])
    first, second = Child(path), Child(path)
    try:
        # Both wait at a barrier, then each asks for an update on its own orders, as fast as it
        # can: 150 each, then again at a barrier, the other 150. (Without the second barrier a
        # busy machine may run one process's 300 before the other's first: the barrier makes
        # sure that they write at once, and so that what is checked below is their race.)
        done: dict[str, list[str]] = {"buyer": [], "other": []}
        for half in (slice(0, 150), slice(150, 300)):
            assert first.ask("wait") == second.ask("wait") == {"waiting": True}
            first.send("requests", "buyer", ids["buyer"][half])
            second.send("requests", "buyer", ids["other"][half])
            for name, child in (("buyer", first), ("other", second)):
                lines = [child.line() for _ in range(150)]
                assert child.read() == {"ok": 150}, name  # every one accepted, none refused
                done[name] += [line.split()[1].decode() for line in lines]
        assert done == ids
        assert first.ask("fingerprint") == second.ask("fingerprint")  # they agree
    finally:
        first.close()
        second.close()
    with consistent(path) as sim:
        assert sim.step_count == 1 + 600
        requests = sim.snapshot()["requests"]
        assert len(requests) == 600  # all 600, none lost
        assert sorted(r["order"] for r in requests) == sorted(ids["buyer"] + ids["other"])
        assert {r["type"] for r in requests} == {"order_update"}
        assert all(sim.order_view(order).open_request is not None
                   for order in ids["buyer"] + ids["other"])
        # They wrote at once: their steps alternate in the file (around the barrier at least).
        whose = [entry.record["order"][0] for entry in sim.journal(1)]
        assert sum(a != b for a, b in zip(whose, whose[1:], strict=False)) >= 2, "".join(whose)


def test_two_processes_answering_the_same_request_at_once_make_exactly_one_answer(tmp_path):
    rounds = 50
    ids = [f"R{i}" for i in range(rounds)]
    path = with_orders(tmp_path / "sim.json", ids)
    # Each round the buyer asks to cancel; then, released at once over their pipes, two
    # processes answer: the freelancer accepts in one, and in the other the freelancer declines
    # (even rounds) or the buyer withdraws the request (odd rounds).
    answers = [("accept", {}), ("decline", {"comment": "No, we go on."})]
    outcomes = {"changed_meanwhile": 0, "rules": 0}
    with Simulation.open(path) as trainer:
        first, second = Child(path), Child(path)
        try:
            for number, order in enumerate(ids):
                trainer.act("buyer", "ask_to_cancel", order, comment="Dropped",
                            reason="no_longer_needed")
                calls = [("freelancer", "accept", {}),
                         ("freelancer", *answers[1]) if number % 2 == 0 else ("buyer", "withdraw", {})]
                # Both have the request on screen (a screen without it would be out of date:
                # an answer decided there is refused, changed_meanwhile).
                for child in (first, second):  # (the one refused before took in the answer then)
                    assert child.call("sync")["ok"][-1:] == ["ask_to_cancel"]
                assert first.ask("wait") == second.ask("wait") == {"waiting": True}
                for child, (party, action, fields) in zip((first, second), calls, strict=False):
                    child.send("call", "act", [party, action, order], fields)
                replies = [first.read(), second.read()]
                accepted = [reply for reply in replies if "ok" in reply]
                refused = [reply for reply in replies if "refused" in reply]
                assert len(accepted) == 1 and len(refused) == 1, replies
                code, message = refused[0]["refused"], refused[0]["message"]
                assert code == "changed_meanwhile" or code in ANSWERED, replies
                assert message and order in message  # it says what changed, or why not
                outcomes["changed_meanwhile" if code == "changed_meanwhile" else "rules"] += 1
                # The file holds exactly the one answer that was accepted.
                answer = [e for e in trainer.sync() if e.order == order]
                assert len(answer) == 1, answer
                winner = calls[replies.index(accepted[0])]
                assert answer[0].type == winner[1] and answer[0].actor == winner[0]
            assert first.ask("fingerprint") == second.ask("fingerprint")
        finally:
            first.close()
            second.close()
    assert sum(outcomes.values()) == rounds and outcomes["changed_meanwhile"] > 0, outcomes
    with consistent(path) as sim:
        assert sim.step_count == 1 + 2 * rounds  # each request and exactly one answer
        answered = {r["order"]: r["state"] for r in sim.snapshot()["requests"]}
        assert set(answered) == set(ids) and "open" not in answered.values()


@needs_sigkill
def test_a_kill_at_any_moment_loses_nothing_another_process_was_told_succeeded(tmp_path):
    path = with_orders(tmp_path / "sim.json", [f"S{i}" for i in range(200)])
    rng = random.Random(20261130)
    told: set[str] = set()  # what the surviving process reported as done
    killed_told: set[str] = set()  # what the killed ones reported as done before the kill
    survivor = Child(path)
    try:
        survivor.send("churn", 1)
        assert survivor.line().startswith(b"will")
        for attempt in range(8 if THOROUGH else 5):
            victim = Child(path)
            victim.send("churn", 100 + attempt)
            # A random number of its calls, then a kill: at a random moment, often in the middle
            # of a write (some of its steps are long lines).
            lines = [victim.line() for _ in range(rng.randrange(1, 30))]
            lines += victim.kill()
            killed_told |= {line.split()[1].decode() for line in lines if line.startswith(b"done")}
        # The survivor went on throughout; it is stopped in its turn, and nothing it or the
        # killed ones reported is missing from the file.
        for _ in range(5):
            survivor.line()
        lines = survivor.kill()
    except BaseException:
        survivor.kill()
        raise
    told = {line.split()[1].decode() for line in lines if line.startswith(b"done")}
    assert told and killed_told
    with consistent(path) as sim:
        there = set(sim.order_ids()) | {r["order"] for r in sim.snapshot()["requests"]}
        assert told <= there and killed_told <= there
        asked = {r["order"] for r in sim.snapshot()["requests"]}
        for order in told | killed_told:  # an order added, or a request made: as reported
            assert order in asked or order.endswith("-0"), order
    assert path.read_bytes().endswith(b"\n")


def test_undo_in_one_process_is_seen_by_the_other_and_a_party_takes_back_only_its_own(tmp_path):
    path = with_orders(tmp_path / "sim.json", ["A", "B"])
    with Simulation.open(path) as trainer:
        buyer, freelancer = Child(path), Child(path)
        try:
            assert buyer.call("act", "buyer", "ask_to_cancel", "A", comment="Dropped",
                              reason="no_longer_needed")["ok"] == ["ask_to_cancel"]
            assert freelancer.call("sync") == {"ok": ["ask_to_cancel"]}
            assert freelancer.call("act", "freelancer", "accept", "A")["ok"] == ["accept"]
            assert [e.type for e in trainer.sync()] == ["ask_to_cancel", "accept"]
            # The buyer's window cannot take back the freelancer's answer ...
            raw = path.read_bytes()
            assert buyer.call("sync") == {"ok": ["accept"]}
            refused = buyer.call("undo", by="buyer")
            assert refused["refused"] == "not_yours"
            assert "Step 3 is the freelancer's action" in refused["message"]
            assert path.read_bytes() == raw
            # ... the freelancer's can, and the others see it taken back, and put back.
            undone = freelancer.call("undo", by="freelancer")["ok"]
            assert undone == {"number": 3, "kind": "act", "party": "freelancer", "action": "accept",
                              "order": "A"}
            looked = trainer.take_in()
            assert [[s.number for s in synced.taken_back] for synced in looked] == [[3]]
            assert trainer.order_view("A").open_request is not None and trainer.redo_count == 1
            assert buyer.call("take_in")["ok"][0]["taken_back"] == [3]
            assert freelancer.call("redo", by="freelancer")["ok"]["action"] == "accept"
            assert [[s.number for s in synced.put_back] for synced in trainer.take_in()] == [[3]]
            assert trainer.order_view("A").status == "cancelled"
            # A clock move is no party's to take back: the trainer's window takes back any step.
            trainer.advance("1h")
            assert buyer.call("sync") == {"ok": ["accept"]}  # put back, then the clock moved
            refused = buyer.call("rewind", 1, by="buyer")
            assert refused["refused"] == "not_yours" and "Step 4 is a clock move" in refused["message"]
            trainer.undo()
            # Time travel decided on a screen out of date is refused: the steps changed.
            refused = freelancer.call("undo", by="freelancer")
            assert refused["refused"] == "changed_meanwhile"
            # (the clock move was taken and taken back again before it looked)
            assert refused["message"].startswith("The steps that can be put back changed meanwhile")
            assert freelancer.call("undo", by="freelancer")["ok"]["action"] == "accept"
            assert [[s.number for s in synced.taken_back] for synced in trainer.take_in()] == [[3]]
            assert buyer.ask("fingerprint") == freelancer.ask("fingerprint")
            assert buyer.ask("fingerprint")["ok"][0] == trainer.step_count == 2
        finally:
            buyer.close()
            freelancer.close()
    with consistent(path) as sim:
        assert sim.order_view("A").open_request is not None
        assert sim.step_count == 2 and sim.redo_count == 2


def test_a_refusal_for_a_change_made_meanwhile_says_what_changed(tmp_path):
    path = with_orders(tmp_path / "sim.json", ["FO-1001"])
    with Simulation.open(path) as buyer, Simulation.open(path) as freelancer:
        buyer.act("buyer", "ask_to_cancel", "FO-1001", comment="Dropped", reason="no_longer_needed")
        freelancer.sync()
        buyer.act("buyer", "withdraw", "FO-1001")
        raw = path.read_bytes()
        with pytest.raises(Refusal) as caught:  # on the screen, the request was still open
            freelancer.act("freelancer", "accept", "FO-1001")
        refusal = caught.value
        assert refusal.code == "changed_meanwhile"
        assert refusal.message.startswith("The buyer withdrew the request on FO-1001 meanwhile")
        assert refusal.params["order"] == "FO-1001"
        assert [s["action"] for s in refusal.params["steps"]] == ["withdraw"]
        assert [e["type"] for e in refusal.params["events"]] == ["withdraw"]
        assert path.read_bytes() == raw  # nothing written
        assert freelancer.order_view("FO-1001").open_request is None  # now it is up to date
        assert [e.type for e in freelancer.sync()] == ["withdraw"]  # and says so once
        assert freelancer.sync() == ()
