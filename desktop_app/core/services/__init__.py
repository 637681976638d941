"""Services: the only way the UI and the CLI read and write records."""
