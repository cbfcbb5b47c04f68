"""What every test shares: the locale. Every command speaks the locale's language unless --lang
says otherwise, so the suite pins it (English), for its own process and every process it starts,
whatever the machine running it says; a test about the locale sets its own. And every test starts
in English in this process too, whichever language the test before it (on the same worker) left
the catalogue in."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

for _name in ("LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"

THOROUGH = os.environ.get("RCSIM_THOROUGH") == "1"
"""RCSIM_THOROUGH=1 runs the randomized tests (Hypothesis' state machine, the kill tests) for
several times as many examples as the everyday suite, which keeps them to what fits its six
minutes on two cores. Both are derandomized: every run of either size replays the same cases."""


@pytest.fixture(autouse=True)
def english_to_start_with() -> Iterator[None]:
    from rcsim.tui.words import i18n

    i18n.set_language("en")
    yield
    i18n.set_language("en")


# The longest tests first: the workers take tests from the front of the list, so what takes a
# minute (building and installing the wheel, a browser with its server, the type checker over
# everything) starts at once instead of holding the last worker after the others are done.
FIRST = ("tests/test_install.py", "tests/browser/", "tests/test_types.py", "tests/test_docs.py",
         "tests/test_experiment.py", "tests/engine/test_kill.py", "tests/test_serve.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        for place, prefix in enumerate(FIRST):
            if item.nodeid.startswith(prefix):
                return place
        return len(FIRST)

    items.sort(key=rank)  # (stable: within each, the order they were collected in)
