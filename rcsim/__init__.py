"""rcsim: the Fiverr Resolution Center, simulated in your terminal.

The repository keeps the design card's folders at its root (engine/, tui/, data/); the package
maps them to `rcsim.engine` (the rule engine: `from rcsim.engine import Simulation`), `rcsim.tui`
(the app and the command line) and `rcsim.data` (rules, demo, translations, stories, experiments).
"""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # The version is read from the installed package's metadata on first use, not at import.
    if name == "__version__":
        from importlib.metadata import version

        return version("rcsim")
    raise AttributeError(f"module 'rcsim' has no attribute {name!r}")
