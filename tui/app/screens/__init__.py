"""Modal screens: the Resolution Center choice, action forms, confirmations, duration and help."""
