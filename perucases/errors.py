"""Errors a user can cause. The command line prints them on one line and exits 2."""


class PerucasesError(Exception):
    """A usage or input error: bad query, unknown id, unreadable corpus path."""

    exit_code = 2


class IndexBusy(PerucasesError):
    """Another process holds the index's write lock for longer than we wait."""


class IndexWriteError(PerucasesError):
    """The index could not be written (a full disk, no permission, a dead extraction process):
    the update stopped and the index is as it was. REASON is the cause alone ("No space left on
    device"), for a query that answers from the index as it is."""

    def __init__(self, message: str, reason: str = ""):
        super().__init__(message)
        self.reason = reason or message


class IndexDamaged(PerucasesError):
    """An index file cannot be read while no writer is changing it: the index must be rebuilt."""


def shorten(value: str, n: int = 80) -> str:
    """VALUE cut to N characters for a one-line message that echoes the user's input."""
    return value if len(value) <= n else value[: n - 1] + "…"


def check_text(value: str | None, what: str) -> None:
    """Refuse text with lone surrogates: bytes from the command line that are not UTF-8 (Python
    keeps them as surrogates), which no index, terminal or file can hold."""
    if value and any("\ud800" <= c <= "\udfff" for c in value):
        raise PerucasesError(f"{what} is not valid text: it holds bytes that are not UTF-8")
