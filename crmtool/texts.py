"""How record texts are shown: a person's name as staff read it, and a two-language text in
one language. One place, because the review, the questions, end-role and history all show
names next to ids and must show the same name."""
from __future__ import annotations

from typing import Any


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
