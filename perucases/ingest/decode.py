"""Bytes to text: UTF-8 first, then cp1252, then latin-1; binary and empty files refused."""

from __future__ import annotations

from dataclasses import dataclass

from perucases.errors import PerucasesError


class SkipFile(PerucasesError):
    """A file that cannot be indexed; the message says why, the corpus goes on without it."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    warning: str | None = None  # set when we had to fall back from UTF-8


_TEXT_CONTROLS = {0x09, 0x0A, 0x0C, 0x0D, 0x1B}


# Byte order marks of the encodings that are told by theirs alone (UTF-32 before UTF-16: its
# little-endian mark starts with UTF-16's).
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode(data: bytes) -> Decoded:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(enc)
            except UnicodeDecodeError:
                break  # not what its first bytes say: judged as bytes below
            if not text.strip():
                raise SkipFile("empty file")
            if "\x00" in text[:65536]:
                raise SkipFile(f"binary file (contains NUL characters after a {enc.upper()} byte order mark)")
            return Decoded(text, enc)
    if not data.strip():
        raise SkipFile("empty file")
    head = data[:65536]
    if b"\x00" in head:
        raise SkipFile("binary file (contains NUL bytes)")
    controls = sum(1 for b in head if b < 0x20 and b not in _TEXT_CONTROLS)
    if controls > max(8, len(head) // 100):
        raise SkipFile(f"binary file ({controls} control bytes in the first {len(head)})")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        where = exc.start
    for enc in ("cp1252", "latin-1"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        return Decoded(text, enc, f"not valid UTF-8 (byte {where}); read as {enc}")
    raise SkipFile("undecodable text")  # pragma: no cover - latin-1 decodes every byte
