"""One writer at a time: a lock file in the index folder (portable, via filelock).

The lock is an OS lock on `.lock`: it goes away with the process that held it, even after
kill -9, so there are no stale locks to clean by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from perucases.errors import IndexBusy

LOCK = ".lock"
Warn = Callable[[str], None]


def try_lock(index_dir: Path):
    """The write lock if it is free right now, else None."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(index_dir / LOCK))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return None
    return lock


def hold_lock(index_dir: Path, wait: float, warn: Warn):
    """The write lock, waiting up to WAIT seconds for another writer; IndexBusy after that."""
    lock = try_lock(index_dir)
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
