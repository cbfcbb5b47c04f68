"""The Textual app: the App itself, its screens and widgets, and the messages between them.

Imports Textual; nothing outside this package and the command that starts it does."""
