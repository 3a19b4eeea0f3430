"""Where the index lives, and where the bundled seeds are. Cheap: no Whoosh import here."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENV_INDEX = "PERUCASES_INDEX"


def bundled_seeds() -> Path:
    """The default corpus: perucases/seeds in an installed wheel, seeds/ in a checkout."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "seeds"
    if packaged.is_dir():
        return packaged
    return here.parent / "seeds"


def find_checkout(start: Path | None = None) -> Path | None:
    """The perucases source checkout that contains START (the working directory), if any."""
    cur = (start or Path.cwd()).resolve()
    for folder in (cur, *cur.parents):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and (folder / "perucases").is_dir() and (folder / "seeds").is_dir():
            try:
                text = pyproject.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if 'name = "perucases"' in text:
                return folder
    return None


def user_data_dir() -> Path:
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "perucases"


def default_index_dir() -> Path:
    """--index wins (handled by the caller), then $PERUCASES_INDEX, then index/ of the checkout
    the command runs in, then the per-user data directory."""
    env = os.environ.get(ENV_INDEX)
    if env:
        return Path(env).expanduser()
    checkout = find_checkout()
    if checkout is not None:
        return checkout / "index"
    return user_data_dir() / "index"
