"""The one place where a TUI test reaches past the app's public face: what Textual keeps to
itself (the notifications on screen) and the app's timers, driven by hand so that a test never
waits on the wall clock. Every other test goes through the app's public methods and the Pilot."""

from __future__ import annotations

from textual.notifications import Notification

from rcsim.tui.app.app import RcsimApp


def notifications(app: RcsimApp) -> list[Notification]:
    """The toasts the app shows now (Textual keeps them on the App, unexported)."""
    return list(app._notifications)


def hold_sync(app: RcsimApp) -> None:
    """Stop the app's look at its file, as if the next look had not come yet."""
    assert app.sync.timer is not None
    app.sync.hold()


def tick(app: RcsimApp) -> None:
    """One tick of simulated time while playing, without waiting for the timer."""
    app._tick()
