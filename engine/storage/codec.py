"""The lines of a simulation file: a piece of the database as JSON and back, each line sealed
with its checksum, a whole table as lines.

msgspec reads and writes JSON three to ten times faster than the json module, with the same
bytes out and the same integers in (orjson reads an integer beyond 64 bits as a float). It is a
fast path only: whatever it refuses goes through the json module, which gives the messages.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ..errors import SimulationFileError

LINE_DOCS = 1000  # the most documents one line holds when a table is written whole
try:  # (the fast path: see above)
    import msgspec
except ImportError:  # pragma: no cover - the engine still works with the standard library
    msgspec = None  # type: ignore[assignment]


def body(fragment: Mapping[str, Any]) -> bytes:
    """A piece of the database, `{"table": {"doc id": document}}`, as JSON: a line of the file
    before its checksum is added (`seal`)."""
    if msgspec is not None:
        try:
            return msgspec.json.encode(fragment)
        except (TypeError, ValueError, OverflowError, UnicodeError):
            pass  # the json module says what is wrong
    return json.dumps(fragment, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# Checksums (format version 3). Every line ends with its checksum as the last member of its JSON
# object, `,"#":"89abcdef"}`: the CRC-32 of the line as it was before (`body`), in hexadecimal.
# The lines a rewrite writes (the meta, the checkpoint, the origin's records, the steps) are one
# chain, each line's CRC continued from the line before's, and the meta says how many there are
# (`lines`): a line changed, taken out or moved is found, and so are lines cut off the end of
# them. A line appended later (a step, a head) carries the CRC of its own bytes (from 0), so
# that it is written without reading the line before. A mismatch is damage like any other: the
# file is refused, untouched. zlib's CRC-32 runs at over 1 GB/s: reading a file costs about
# what it did.
SUM_KEY = "#"
_SUM = b',"#":"'
_SUMMED = len(_SUM) + 8 + len(b'"}\n')  # the bytes a checksum adds at the end of a line


def seal(body: bytes, start: int = 0) -> tuple[bytes, int]:
    """A line of the file: `body` (a JSON object) with its checksum, the CRC-32 of `body`
    continued from `start` (0: the line's own); and that checksum."""
    total = zlib.crc32(body, start)
    return b"%s%s%08x\"}\n" % (body[:-1], _SUM, total), total


def encode(fragment: Mapping[str, Any]) -> bytes:
    """One line of the file, a piece of the database, `{"table": {"doc id": document}}`, with
    the checksum of its own bytes (a line appended)."""
    return seal(body(fragment))[0]


def chain(bodies: Iterable[bytes], count: int | None = None) -> Iterator[bytes]:
    """The lines of a rewrite: each body sealed with its checksum continued from the one
    before. `count`: how many the meta said there would be (a mismatch is a bug: the write
    fails before the file is replaced)."""
    total = written = 0
    for piece in bodies:
        line, total = seal(piece, total)
        written += 1
        yield line
    if count is not None and written != count:
        raise AssertionError(f"a rewrite wrote {written} lines, its meta says {count}")


def line_sum(line: bytes) -> int | None:
    """The checksum a line of the file carries, or None (a line of an older version)."""
    if len(line) > _SUMMED and line.endswith(b'"}\n') and line[-_SUMMED:-11] == _SUM:
        digits = line[-11:-3]
        if digits.isalnum():
            try:
                return int(digits, 16)
            except ValueError:
                return None
    return None


def body_sum(line: bytes, start: int = 0) -> int:
    """The CRC-32, from `start`, of a sealed line as it was before its checksum was added."""
    return zlib.crc32(b"}", zlib.crc32(memoryview(line)[:-_SUMMED], start))


def body_of(line: bytes) -> bytes:
    """A line of the file as a body again: without its checksum (if any) and newline."""
    if line_sum(line) is not None:
        return line[:-_SUMMED] + b"}"
    return line[:-1] if line.endswith(b"\n") else line


def decode(line: bytes, number: int, where: object) -> Any:
    """The JSON of one line (its number from 1), or the refusal of a file that is no simulation."""
    if msgspec is not None:
        try:
            return msgspec.json.decode(line)
        except Exception:  # (msgspec.DecodeError, ValidationError, RecursionError, ...)
            pass  # the json module reads what it can, and names what it cannot
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SimulationFileError(where, "cannot_read", reason=str(error)) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise SimulationFileError(where, "not_json", line=number + error.lineno - 1,
                                  column=error.colno, reason=error.msg) from None
    except RecursionError:
        raise SimulationFileError(where, "too_deep") from None
    except ValueError:  # an integer of more digits than Python converts
        raise SimulationFileError(where, "number_too_long") from None


def table_lines(table: str, docs: Iterable[tuple[Any, Mapping[str, Any]]]) -> Iterator[bytes]:
    """A whole table as the bodies of lines of at most LINE_DOCS documents (one line when it is
    empty; `table_line_count` of them), to be sealed (`chain`)."""
    chunk: dict[str, Any] = {}
    written = False
    for doc_id, doc in docs:
        chunk[str(doc_id)] = doc
        if len(chunk) == LINE_DOCS:
            yield body({table: chunk})
            chunk, written = {}, True
    if chunk or not written:
        yield body({table: chunk})


def table_line_count(documents: int) -> int:
    """How many lines `table_lines` writes for a table of this many documents."""
    return max(1, -(-documents // LINE_DOCS))
