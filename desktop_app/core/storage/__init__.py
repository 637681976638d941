"""Storage: the data file and everything that keeps it safe — models, engine and sessions, migrations,
start-up checks, backup and restore, the instance lock, the audit log every write path records in."""
