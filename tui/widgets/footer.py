"""A Footer whose key descriptions are translation keys, shown in the current language."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from ..i18n import has, t


class LocalizedFooter(Footer):
    """Bindings name their description by translation key ("key.hour"); this Footer shows the
    text of the current language, and shows it anew whenever the bindings are refreshed (which
    the App does after switching the language)."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey) and has(widget.description):
                widget.description = t(widget.description)
            yield widget
