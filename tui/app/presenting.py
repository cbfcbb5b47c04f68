"""Presenting a scenario: `s` plays its next step, `e` every step left (the Player plays its
steps on the App's simulation; the presenter bar says which step was played last,
widgets/presenter.py). Stepping back in it is time travel's (time_travel.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rcsim.tui.app.core import AppCore

if TYPE_CHECKING:
    from rcsim.engine import StepResult  # (scenarios load on first use: not for the first frame)


class Presenting(AppCore):
    """The presenter's keys, shown only while presenting (permissions.py)."""

    def present(self, results: list[StepResult]) -> None:
        """Show played steps: their events in both panes, their order's page, the bar."""
        from rcsim.tui.app.widgets.presenter import PresenterBar
        self.changed(event for result in results for event in result.events)
        order = getattr(results[-1].step, "order", None) if results else None
        if order in self.sim.order_ids():
            for party in self.parties:
                self.pane(party).select_order(order)
        self.presented = list(results)
        self.main_screen.query_one(PresenterBar).show(results)

    def action_present_step(self) -> None:
        """Apply the scenario's next step (the Player plays it on this simulation)."""
        if self.player is not None and not self.player.done:
            self.present([self.player.step()])

    def action_present_end(self) -> None:
        """Play every remaining step, then show what went wrong and the summary."""
        if self.player is not None and not self.player.done:
            results = []
            while not self.player.done:
                results.append(self.player.step())
            self.present(results)
