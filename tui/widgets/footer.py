"""A Footer whose key descriptions are translation keys, shown in the language it was built in."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer

from ..i18n import has, language, t, using


class LocalizedFooter(Footer):
    """Bindings name their description by translation key ("key.hour"); this Footer shows the
    text of the language it was built in (the App builds its screen anew when the language
    changes). Textual composes a Footer again whenever the bindings change, from wherever that
    change came, so the language is kept here rather than taken from the context."""

    def __init__(self, *, show_command_palette: bool = True) -> None:
        super().__init__(show_command_palette=show_command_palette)
        self.language = language()

    def compose(self) -> ComposeResult:
        with using(self.language):
            for widget in super().compose():
                description = getattr(widget, "description", None)  # a key of the footer
                if widget.has_class("-command-palette"):
                    # Textual's own key for its command palette ("^p palette"): in words of the
                    # language too ("Strg+P Befehle")
                    widget.description = t("key.palette")  # type: ignore[attr-defined]
                    widget.key_display = t("key.palette.display")  # type: ignore[attr-defined]
                elif isinstance(description, str) and has(description):
                    widget.description = t(description)  # type: ignore[attr-defined]
                yield widget
