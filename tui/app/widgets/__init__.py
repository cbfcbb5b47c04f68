"""The app's widgets: one party pane class for both parties, the clock bar and the event log."""
