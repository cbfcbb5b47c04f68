"""`python -m rcsim` is `rcsim`."""

from rcsim.tui.cli.main import run

if __name__ == "__main__":
    run()
