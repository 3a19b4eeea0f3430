"""Errors a user can cause. The command line prints them on one line and exits 2."""


class PerucasesError(Exception):
    """A usage or input error: bad query, unknown id, unreadable corpus path."""

    exit_code = 2


class IndexBusy(PerucasesError):
    """Another process holds the index's write lock for longer than we wait."""


def check_text(value: str | None, what: str) -> None:
    """Refuse text with lone surrogates: bytes from the command line that are not UTF-8 (Python
    keeps them as surrogates), which no index, terminal or file can hold."""
    if value and any("\ud800" <= c <= "\udfff" for c in value):
        raise PerucasesError(f"{what} is not valid text: it holds bytes that are not UTF-8")
