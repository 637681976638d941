"""One dialog per record kind; each hands its values to a service and stays open on failure."""
