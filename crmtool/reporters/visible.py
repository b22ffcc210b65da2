"""Text from file names made safe to print one finding per line.

A file name may hold any byte but `/` and NUL: a newline would split a finding into two
lines (and let a file name forge a second finding, or a second workflow command in CI), an
escape sequence would colour or clear the terminal, a bidirectional override would show the
text in another order than it is. Such characters are shown as Python-style escapes
(`\\n`, `\\x1b`, `\\u202e`), so the line says exactly what the name holds.
"""
from __future__ import annotations

import re

_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with line breaks and other control characters as visible escapes."""
    return _INVISIBLE.sub(_escape, text) if _INVISIBLE.search(text) else text
