"""Fixtures for the whole suite."""

from __future__ import annotations

import pytest

from tui import i18n


@pytest.fixture(autouse=True)
def english_unless_a_test_says_otherwise():
    """The current language is process-wide: every test starts (and leaves) it English."""
    i18n.set_language("en")
    yield
    i18n.set_language("en")
