"""The command line: `rcsim` and each of its subcommands, their arguments and exit statuses."""
