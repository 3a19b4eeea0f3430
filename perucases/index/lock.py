"""One writer at a time: a lock file in the index folder (portable, via filelock).

The lock is an OS lock on `.lock`: it goes away with the process that held it, even after
kill -9, so there are no stale locks to clean by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from perucases.errors import IndexBusy, IndexWriteError

LOCK = ".lock"
Warn = Callable[[str], None]


def try_lock(index_dir: Path):
    """The write lock if it is free right now, else None. OSError when it cannot be taken at all
    (a read-only index folder, another user's lock file)."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(index_dir / LOCK))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return None
    return lock


def cannot_lock(index_dir: Path, exc: OSError) -> IndexWriteError:
    reason = exc.strerror or str(exc)
    return IndexWriteError(
        f"cannot write the index at {index_dir}: {LOCK}: {reason} (the index folder is not writable by you)", reason
    )


def hold_lock(index_dir: Path, wait: float, warn: Warn):
    """The write lock, waiting up to WAIT seconds for another writer; IndexBusy after that,
    IndexWriteError when it cannot be taken at all."""
    try:
        lock = try_lock(index_dir)
    except OSError as exc:
        raise cannot_lock(index_dir, exc) from None
    if lock is not None:
        return lock
    if wait <= 0:
        raise IndexBusy(f"the index at {index_dir} is being updated by another perucases process")
    warn(f"waiting up to {wait:g} s for another perucases process that is updating {index_dir}")
    from filelock import FileLock, Timeout

    lock = FileLock(str(index_dir / LOCK))
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        raise IndexBusy(
            f"the index at {index_dir} is still being updated by another perucases process; try again later"
        ) from None
    return lock
