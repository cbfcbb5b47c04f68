"""User text is shown as typed and never interpreted; every translation key exists."""

from __future__ import annotations

from datetime import UTC

from rcsim.tui.words import i18n
from rcsim.tui.words.text import clean, one_line, plain


def test_markup_stays_text():
    content = plain("[bold]x[/bold] [link=https://e.com]y[/link]")
    assert content.plain == "[bold]x[/bold] [link=https://e.com]y[/link]"
    assert not content.spans


def test_escapes_and_controls_are_made_visible():
    assert clean("\x1b[31mred\x1b[0m") == "\u241b[31mred\u241b[0m"
    assert clean("a\x07b\x00c\x7f") == "a\u2407b\u2400c\u2421"
    assert clean("tab\there") == "tab    here"
    assert clean("\u202eevil") == "evil"
    assert clean("line 1\nline 2") == "line 1\nline 2"
    assert "\x1b" not in clean("\x1b]8;;https://e.com\x07link\x1b]8;;\x07")


def test_one_line_shortens_and_flattens():
    assert one_line("a\nb   c", 10) == "a b c"
    assert one_line("x" * 30, 10) == "x" * 9 + "\u2026"


def test_formats():
    from datetime import datetime

    assert i18n.fmt_money(12000) == "$120.00"
    assert i18n.fmt_datetime(datetime(2026, 3, 2, 9, tzinfo=UTC)) == "Mar 2, 2026 9:00 AM"
    assert i18n.fmt_countdown(-6 * 3600) == "6h overdue"
    assert i18n.fmt_countdown(2 * 86400) == "in 2d"  # (no zero part)
