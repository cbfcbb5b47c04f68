"""`python -m rcsim` is `rcsim`."""

from rcsim.tui.__main__ import run

if __name__ == "__main__":
    run()
