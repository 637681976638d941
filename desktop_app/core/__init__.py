"""The Qt-free core, in layers (each imports only those below it; import-linter checks this):
exchange (reports, roster import, demo) > services > storage > domain."""
