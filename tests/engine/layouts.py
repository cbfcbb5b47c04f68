"""The file layouts, for tests that break a file by hand: the current format (version 3: JSON
lines, each a piece of the TinyDB database with its checksum, engine/storage/) and format version
1 (the whole database as one JSON document, as the release before the journal wrote it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rcsim.engine import Simulation
from rcsim.engine.storage import VERSION, JournalStorage, body, body_of, chain
from rcsim.engine.timeutil import iso

ROOT = Path(__file__).resolve().parents[2]
VERSION_1_FILE = Path(__file__).with_name("data") / "version-1.json"  # written by that release


def read_database(path: Path) -> dict[str, Any]:
    """A file of the current version as the TinyDB database it holds: every line merged."""
    data = JournalStorage(path).read()
    assert data is not None
    return data


def write_database(path: Path, data: dict[str, Any]) -> None:
    """Write a database as a file of the current version, as a rewrite would: the meta first,
    then one line per table, sealed with their checksums (what is in them is the test's)."""
    tables = [t for t in ["meta"] + [t for t in data if t != "meta"] if t in data]
    meta = data["meta"].get("1") if isinstance(data.get("meta"), dict) else None
    if isinstance(meta, dict) and meta.get("version") == VERSION:
        data = {**data, "meta": {"1": {**meta, "lines": len(tables)}}}
    path.write_bytes(b"".join(chain(body({t: data[t]}) for t in tables)))


def resealed(content: bytes) -> bytes:
    """A file's lines, changed by hand, sealed again with their checksums, as one rewrite of
    all of them would be: a test that breaks what is in a file gets past the checksums to the
    check it is about."""
    bodies = [body_of(line) for line in content.splitlines(keepends=True)]
    first = json.loads(bodies[0])
    meta = first["meta"]["1"]
    if meta.get("version") == VERSION:
        meta["lines"] = len(bodies)
        bodies[0] = body(first)
    return b"".join(chain(bodies))


def compacted(sim: Simulation) -> dict[str, Any]:
    """The database of a file simulation with a fresh checkpoint (its tables hold the state)."""
    sim.compact()
    assert sim.path is not None
    return read_database(sim.path)


def version_1_document(sim: Simulation) -> dict[str, Any]:
    """The state of `sim` as a version 1 file held it (the release before the journal)."""
    snap = sim.snapshot()
    meta = {"format": "rcsim-simulation", "version": 1, "now": iso(snap["now"]),
            "policy": snap["rules"]["policy"], "counters": snap["counters"]}
    return {
        "meta": {"1": meta}, "rules": {"1": snap["rules"]},
        "orders": {str(i): o for i, o in enumerate(snap["orders"], 1)},
        "requests": {str(i): r for i, r in enumerate(snap["requests"], 1)},
        "messages": {str(m["id"]): m for m in snap["messages"]},
        "events": {str(e["seq"]): e for e in snap["events"]},
    }


def write_version_1(path: Path, document: dict[str, Any]) -> None:
    """Write a document as that release wrote it: one line of compact JSON, no newline."""
    path.write_bytes(json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
