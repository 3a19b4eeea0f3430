"""Reuters-21578 as a folder of text files, for benchmarks (read from ../shared/data, never copied
into the repository): one file a story, its title, then its dateline and body."""

from __future__ import annotations

import html
import re
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "reuters21578"
_STORY = re.compile(r"<REUTERS[^>]*NEWID=\"(\d+)\"[^>]*>(.*?)</REUTERS>", re.S)


def _field(name: str, story: str) -> str:
    m = re.search(rf"<{name}>(.*?)</{name}>", story, re.S)
    return html.unescape(m.group(1)).strip() if m else ""


def stories(limit: int | None = None, data: Path = DATA, all_stories: bool = False):
    """(newid, text) for each story with a body (with ALL_STORIES, also the 2,535 that have only
    a title or nothing: their text is what they have), in file order."""
    n = 0
    for sgm in sorted(data.glob("reut2-*.sgm")):
        for m in _STORY.finditer(sgm.read_text(encoding="latin-1")):
            body = _field("BODY", m.group(2))
            title = _field("TITLE", m.group(2))
            dateline = _field("DATELINE", m.group(2))
            if not body:
                if not all_stories:
                    continue
                text = _field("TEXT", m.group(2)) or title or f"Reuters story {m.group(1)}"
                yield m.group(1), re.sub(r"<[^>]+>", " ", text).strip() + "\n"
            else:
                yield m.group(1), f"{title}\n\n{dateline} {body}\n"
            n += 1
            if limit and n >= limit:
                return


def write_corpus(folder: Path, limit: int | None = None, all_stories: bool = False) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for newid, text in stories(limit, all_stories=all_stories):
        (folder / f"reuters-{int(newid):05d}.txt").write_text(text, encoding="utf-8")
        count += 1
    return count
