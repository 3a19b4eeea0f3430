"""Errors a user can cause. The command line prints them on one line and exits 2."""


class PerucasesError(Exception):
    """A usage or input error: bad query, unknown id, unreadable corpus path."""

    exit_code = 2


class IndexBusy(PerucasesError):
    """Another process holds the index's write lock for longer than we wait."""
