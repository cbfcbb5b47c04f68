"""Carrying a file of an older version over to the current one after it was opened: a version
1 file (the whole database as one JSON document) read, and the original kept as `<name>.bak`;
and the tidying every open ends with (a last line a kill cut short cut off)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..atomic import keep_new
from ..consistency import check_documents
from ..errors import SimulationFileError
from ..journal import Journal
from ..simfile import os_reason
from .codec import decode
from .compaction import write_image, write_whole
from .image import Image
from .layout import RECORDS, VERSION, Loaded, base_origin, check_rules, meta_of

if TYPE_CHECKING:
    from .store import Store


def settle(store: Store, loaded: Loaded) -> Path | None:
    """After a file was opened under the write lock and found good: cut off a last line a
    kill left unfinished, and carry a file of an older version (1, or 2 without checksums)
    over, keeping the original as `<name>.bak` (the name it was kept under is returned)."""
    storage = store.storage
    if loaded.version == 1:
        assert loaded.raw is not None
        backup = keep_backup(store, loaded.raw)
        write_image(store, loaded.state, loaded.journal, base=loaded.state)
        return backup
    if loaded.version != VERSION:  # version 2: the same tables, without checksums
        assert store.file is not None
        if storage.torn_at is not None:
            store.cut_torn(storage.torn_at)
        backup = keep_backup(store, store.file.read())
        write_whole(store, loaded.state, loaded.journal)
        return backup
    if storage.torn_at is not None:
        store.cut_torn(storage.torn_at)
    store.remember(storage.size)
    return None


def load_version_1(store: Store, raw: bytes) -> Loaded:
    """A file of format version 1: the whole database as one JSON document."""
    where = store.shown
    if not raw.strip():
        raise SimulationFileError(where, "empty")
    data = decode(raw, 1, where)
    meta = meta_of(where, data)
    if meta.get("version") != 1:  # a later version's first line, alone and cut short
        raise SimulationFileError(where, "damaged", detail="its first line is not complete")
    check_documents(data, where)
    rules_doc = data["rules"]["1"]
    check_rules(where, rules_doc)
    image = Image(where)
    for table in RECORDS:
        image.rows(table, dict(sorted(data[table].items(), key=lambda item: _doc_id(item[0]))))
    del data
    state = image.state(rules_doc, meta)
    store.checkpoint_size = image.size
    if store.origin is None:  # (read again for the origin's records: the same origin)
        store.origin = base_origin(state)
    # Its history starts from the state it holds: read again from the file (still version
    # 1 if only looked at; carried over, `settle` points the journal to the new file).
    journal = Journal(lambda: store.load().state)
    return Loaded(state, journal, 1, raw)


def keep_backup(store: Store, raw: bytes) -> Path:
    """Keep an older version's file's bytes as `<name>.bak` (or the first free `<name>.N.bak`); one
    that already holds exactly these bytes (a carry-over cut short) is kept as it is. Written
    through a temporary file named as the simulation file's own, so that a kill leaves
    nothing that the next open does not clear."""
    assert store.path is not None
    for n in range(1, 1000):
        backup = store.path.with_name(store.path.name + (".bak" if n == 1 else f".{n}.bak"))
        try:
            if backup.is_file() and backup.read_bytes() == raw:
                return backup
        except OSError:
            pass
        if os.path.lexists(backup):
            continue
        try:
            if keep_new(store.path, backup, raw):
                return backup
        except OSError as error:
            raise SimulationFileError(store.shown, "write_failed", reason=os_reason(error)) from None
    raise SimulationFileError(store.shown, "backup_exists")


def _doc_id(key: str) -> Any:
    try:
        return (0, int(key))
    except ValueError:
        return (1, key)
