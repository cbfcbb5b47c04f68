"""Reading a TOML file (a scenario, an experiment) safely: what tomllib cannot read (nesting too
deep, integers too long) becomes a marker.

tomllib recurses once per nested array or inline table (RecursionError some hundreds deep) and
cannot read an integer of more than 4,300 digits (ValueError): before it reads a file, such a
value is replaced by one of the markers below, which the loader's validation then names with its
step and key.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .steps import MAX_DEPTH

Fail = Callable[..., Exception]
"""How a file's reader says what is wrong: `fail(path, code, **params)` gives the error to raise
(ScenarioError, ExperimentError)."""


def read_toml(path: str | Path, fail: Fail) -> dict[str, Any]:
    """The TOML document of a file: unreadable, not UTF-8 or not TOML is `fail`ed, naming it."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise fail(path, "unreadable", detail=error.strerror or str(error)) from None
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise fail(path, "not_utf8", reason=error.reason) from None
    return parse_toml(source, str(path), fail)


def parse_toml(source: str, path: str, fail: Fail) -> dict[str, Any]:
    """The TOML document of a text (`path` only names it), what tomllib cannot read defused."""
    try:
        return tomllib.loads(defuse(source))
    except tomllib.TOMLDecodeError as error:
        raise fail(path, "toml", detail=str(error)) from None
    except (RecursionError, ValueError) as error:  # not expected after defuse: still a message
        raise fail(path, "toml", detail=type(error).__name__) from None


def hint(found: Any, known: Iterable[str]) -> str | None:
    """The one of `known` that `found` probably meant ("actor" for "acter"; difflib), or None."""
    if not isinstance(found, str):
        return None
    known = list(known)
    if len(found) > 3 * max(map(len, known), default=0):
        # Far too long to be like any: difflib's ratio can reach its 0.6 only when one is at
        # most 2.33 times the other, and comparing a 10 MB value would take seconds.
        return None
    folded = {k.casefold(): k for k in known}
    match = folded.get(found.casefold()) or next(
        iter(difflib.get_close_matches(found, known, n=1)), None)
    return match if match and match != found else None

TOO_DEEP = "\x00rcsim:nested-too-deep"
TOO_LONG = "\x00rcsim:number-too-long"
_LONG_RUN = 1000  # a run of more digits than this is a number far too large for any key


def _string_end(source: str, i: int) -> int:
    """The index after the TOML string that starts at `i` (any of its four kinds)."""
    quote = source[i]
    delimiter = quote * 3 if source.startswith(quote * 3, i) else quote
    j, n = i + len(delimiter), len(source)
    while j < n:
        char = source[j]
        if char == "\\" and quote == '"':
            j += 2
            continue
        if char == "\n" and len(delimiter) == 1:
            return j  # an unclosed one-line string: tomllib will say so
        if source.startswith(delimiter, j):
            j += len(delimiter)
            extra = 0  # a multi-line string may end with one or two quotes of its own
            while len(delimiter) == 3 and extra < 2 and j < n and source[j] == quote:
                j, extra = j + 1, extra + 1
            return j
        j += 1
    return n


def _value_end(source: str, i: int) -> int:
    """The index after the array or inline table that opens at `i`."""
    depth, j, n = 0, i, len(source)
    while j < n:
        char = source[j]
        if char in "\"'":
            j = _string_end(source, j)
            continue
        if char == "#":
            end = source.find("\n", j)
            j = n if end < 0 else end
            continue
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return n


_NUMBER_START = frozenset(" \t=[{,+-")
_NUMBER_GOES_ON = frozenset(".eE_:xob") | frozenset("0123456789abcdefABCDEF")


# A line that can only be a table header, `[name]` or `[[name]]` (a comment after it allowed): if
# it were inside an open array instead, its brackets would open and close on that line.
_HEADER_LINE = re.compile(r"^[ \t]*\[\[?[^\]\n]*\]\]?[ \t]*(?:#[^\n]*)?$", re.MULTILINE)
# Every run of digits (and underscores) that `defuse` looks at is inside a run of word characters.
_LONG_WORD = re.compile(rf"\w{{{_LONG_RUN + 1}}}")


def plainly_readable(source: str) -> bool:
    """True when `defuse` would surely find nothing (most files), told at C speed: no run of more
    word characters than a number may have digits, and fewer openings of arrays and inline
    tables outside header lines than the depth allowed (an upper bound of the depth: strings
    and comments only make it larger). False means only that `defuse` must look."""
    if _LONG_WORD.search(source):
        return False
    rest = _HEADER_LINE.sub("", source)
    return rest.count("[") + rest.count("{") + 2 <= MAX_DEPTH


def defuse(source: str) -> str:
    """The TOML text with what tomllib cannot read replaced by a marker string: every array or
    inline table nested deeper than MAX_DEPTH, and every integer of more than _LONG_RUN digits.

    Strings and comments are left alone; a replaced array keeps its newlines, so every line
    number tomllib reports stays right. A file that has neither is returned as it is.
    """
    return source if plainly_readable(source) else scan(source)


def scan(source: str) -> str:
    """`defuse`, character by character: what it does when `plainly_readable` cannot tell."""
    out: list[str] = []
    containers: list[str] = []  # the open arrays and inline tables, innermost last
    i, n, line_start, copied = 0, len(source), True, 0
    while i < n:
        char = source[i]
        if char == "\n":
            line_start = True
        elif char in "\"'":
            i, line_start = _string_end(source, i), False
            continue
        elif char == "#" or (char == "[" and not containers and line_start):
            end = source.find("\n", i)  # a comment, or a table header: to the end of the line
            i = n if end < 0 else end
            continue
        elif char in "[{":
            if len(containers) >= MAX_DEPTH:
                end = _value_end(source, i)
                newlines = source.count("\n", i, end) if containers[-1] == "[" else 0
                out += [source[copied:i], f'"{_toml_escaped(TOO_DEEP)}"', "\n" * newlines]
                i = copied = end
                line_start = False
                continue
            containers.append(char)
        elif char in "]}":
            if containers:
                containers.pop()
        elif char.isdigit() and (i == 0 or source[i - 1] in _NUMBER_START or source[i - 1] == "\n"):
            end = i
            while end < n and (source[end].isdigit() or source[end] == "_"):
                end += 1
            if end - i > _LONG_RUN and (end == n or source[end] not in _NUMBER_GOES_ON):
                sign = 1 if i and source[i - 1] in "+-" else 0
                out += [source[copied:i - sign], f'"{_toml_escaped(TOO_LONG)}"']
                copied = end
            i, line_start = end, False
            continue
        if char not in " \t\r\n":
            line_start = False
        i += 1
    if not out:
        return source
    out.append(source[copied:])
    return "".join(out)


def _toml_escaped(marker: str) -> str:
    return marker.replace("\x00", "\\u0000")
