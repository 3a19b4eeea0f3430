"""The marks around matched words in snippets and keyword-in-context lines: private-use
characters, never in cleaned text. A leaf module: the library puts them in, the renderers
turn them into colour (or drop them)."""

HL_START, HL_END = "\ue000", "\ue001"
