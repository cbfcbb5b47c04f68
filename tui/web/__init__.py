"""The browser: `rcsim serve`'s web server, its seats and secrets, and the class on disk."""
