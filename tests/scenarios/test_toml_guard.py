"""The quick look before tomllib reads a scenario never lets through what the full scan would
change: a file it calls plainly readable is one the scan leaves exactly as it is."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rcsim.engine.scenario.steps import MAX_DEPTH
from rcsim.engine.scenario.toml_guard import TOO_DEEP, TOO_LONG, defuse, plainly_readable, scan

PIECES = st.sampled_from([
    "[", "]", "{", "}", "[[steps]]", "[orders]", "\n", "\n[", "\n[[x]]\n", '"', "'", '"""', "'''",
    "#", "a = ", "1", "0" * 400, "_", "x", ",", " ", "\\", "٣" * 300, "²" * 300, "[a.\"b]c\"]",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=60).map("".join))
def test_what_the_quick_look_lets_through_the_scan_would_leave_as_it_is(source: str) -> None:
    if plainly_readable(source):
        assert scan(source) == source


def test_the_quick_look_lets_a_large_plain_file_through_and_stops_at_depth_or_long_numbers() -> None:
    plain = "".join(f'[[orders]]\nid = "FO-{i}"\nprice = {i}\n\n' for i in range(2000))
    assert plainly_readable(plain) and defuse(plain) is plain
    deep = "x = " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n"
    assert not plainly_readable(deep) and TOO_DEEP.replace("\x00", "\\u0000") in defuse(deep)
    long = "x = " + "9" * 5000 + "\n"
    assert not plainly_readable(long) and TOO_LONG.replace("\x00", "\\u0000") in defuse(long)
