"""How record texts are shown: a person's name as staff read it, and a two-language text in
one language. One place, because the review, the questions, end-role and history all show
names next to ids and must show the same name."""
from __future__ import annotations

import re
import unicodedata
from typing import Any

EXCERPT = 60
"""How many characters of a value a finding may quote: enough to recognise it, never a
whole note (or a megabyte) in one CI annotation."""


def full_name(name: Any) -> str:
    """`given prefix family` ("Anna van Dijk") from a person's `name`; "" when there is none."""
    if isinstance(name, str):
        return name
    if not isinstance(name, dict):
        return ""
    return " ".join(str(name[k]) for k in ("given", "prefix", "family") if name.get(k))


def localised(value: Any, language: str) -> str | None:
    """A text that is either a string or a map `{nl: ..., en: ...}`, in `language` when the
    map has it, else in the first language it has; None when it is no text at all."""
    if isinstance(value, dict):
        chosen = value.get(language)
        return chosen if isinstance(chosen, str) else next((v for v in value.values() if isinstance(v, str)), None)
    return value if isinstance(value, str) else None


def labelled(record_id: str, name: str | None) -> str:
    """An id with the name staff know it by, `p-7k2m9q (Jan Jansen)`; the id alone without one.
    Tools show names wherever they show a person's id (DESIGN.md)."""
    return f"{record_id} ({name})" if name else record_id


def excerpt(value: Any, limit: int = EXCERPT) -> str:
    """`value` as text for a finding, control characters and line breaks made visible
    (`\\n`, `\\t`, `\\x07`) so that a message stays one line, and cut to `limit`
    characters with an ellipsis. Every rule that quotes a value goes through here."""
    text = value if isinstance(value, str) else str(value)
    if len(text) > 4 * limit:
        text = text[:4 * limit]  # no need to look at a megabyte to show sixty characters
        cut = True
    else:
        cut = False
    shown = "".join(_visible(c) for c in text)
    if cut or len(shown) > limit:
        return shown[:limit - 1].rstrip() + "…"
    return shown


def _visible(character: str) -> str:
    if character == "\n":
        return "\\n"
    if character == "\t":
        return "\\t"
    if unicodedata.category(character) in ("Cc", "Cf", "Zl", "Zp") and character != " ":
        return f"\\x{ord(character):02x}" if ord(character) < 0x100 else f"\\u{ord(character):04x}"
    return character


_DOTLESS = str.maketrans({"ı": "i", "ø": "o", "ß": "ss", "’": "", "'": ""})


def ascii_fold(text: str) -> str:
    """Lower case without accents: `Çelik` → `celik`, `Aydın` → `aydin`."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_DOTLESS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def slug(text: str) -> str:
    """An id part: `Westerbroek aan Zee` → `westerbroek-aan-zee`."""
    return re.sub(r"[^a-z0-9]+", "-", ascii_fold(text)).strip("-")
