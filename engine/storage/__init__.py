"""The storage of one simulation: one file, a journal of steps with a checkpoint, one small
durable write per step.

A simulation file (format version 3) is a TinyDB database kept as JSON Lines: each line is a
piece of the database, `{"table": {"doc id": document, ...}}`, ending with its checksum (`"#"`,
see `codec.seal`), and the database is all the lines merged in order.
The tables:

- `meta` (one document): the format and version, the origin (the clock, counters and rules the
  simulation was created with: step 0 of the journal) and the checkpoint: the step after which
  the tables below were written, with the clock and the counters then;
- `rules`, `orders`, `requests`, `messages`, `events`: the state after that step (the tables of
  format version 1, unchanged), a large table split over lines of at most LINE_DOCS documents;
- `steps`: the journal, one document per step, numbered from 1 (engine/journal.py);
- `origin.orders`, `origin.requests`, `origin.messages`, `origin.events`: only in a file carried
  over from version 1, whose origin is the state that file held.

A step is appended as one line (`JournalTable.insert`, tinydb_shell.py: a single write,
fdatasync) in place, so its size is the step's, not the simulation's, and every name of a file
with several names sees it. A kill cuts at most that last line short; it has no newline, readers
ignore it and the next writer cuts it off. When replaying the steps after the checkpoint would
cost too much at the next open (`Store.should_compact`), the file is compacted (compaction.py):
rewritten whole with a fresh checkpoint and every step, through the atomic writes of
engine/atomic.py (temporary file and rename, or in place behind an undo copy while the file has
several names).

Several processes may have one file open: each takes its write lock (engine/simfile.py)
only for a moment, to read what the others appended since it last looked (`Store.read_since`,
tail.py; the file read anew when it was rewritten) and to write after it. Opening a file
(loading.py), under that lock, clears what a write cut short by a kill left, and checks the whole
checkpoint and every step after it before anything is written (engine/consistency.py), then
replays those steps. A version 1 file (the whole database as one JSON document) is checked the
same way and carried over (carry_over.py): the original is kept beside it as `<name>.bak` and the
file is written anew in version 3; so is a version 2 file (the lines of version 3 without their
checksums).

The modules, one job each: codec.py (a line: JSON, checksums), tinydb_shell.py (TinyDB over the
lines), layout.py (the tables, the meta, the head, the origin, the steps as lines give them),
image.py (a state as lines and back), loading.py (opening), carry_over.py (older versions),
tail.py (what other processes appended), compaction.py (rewriting whole) and store.py (`Store`,
what the service asks of them).
"""

from .codec import body, body_of, chain, encode
from .image import no_collection
from .layout import FORMAT, TABLES, VERSION, Loaded, base_origin, origin_of, record_count
from .store import Store
from .tinydb_shell import JournalStorage

__all__ = ["FORMAT", "JournalStorage", "Loaded", "Store", "TABLES", "VERSION", "base_origin",
           "body", "body_of", "chain", "encode", "no_collection", "origin_of", "record_count"]
