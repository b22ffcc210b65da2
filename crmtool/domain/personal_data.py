"""How personal data looks in free text: words, email addresses, phone numbers and names in
either order, compared without case, accents or spacing.

One definition for every place that searches text for a person: the register's scan before
it publishes, erasure (`subject/identifiers.py`), the erasure log's hashes, `verify-erased`
and the subject export's redaction of other people. Found differently in two places, a name
would be erased by one and published by the other.
"""
from __future__ import annotations

import re
from functools import lru_cache
import unicodedata
from typing import Any, Iterable

from .texts import full_name

LONGEST_RUN = 6
"""Words in the longest name or street address looked for ("Anna van der Berg-Jansen")."""

WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
EMAIL_LIKE = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+\.[a-z]{2,}", re.IGNORECASE)
PHONE_LIKE = re.compile(r"\+?\d[\d\s().-]{6,}\d")
"""How a word, an email address and a phone number look in free text: shared by the scan,
erasure (`subject/identifiers.py`), the erasure log, `verify-erased` and the export."""


def normalise(text: str) -> str:
    """Accents and case removed, every run of whitespace one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def words(text: str) -> list[str]:
    """The normalised words of a text, as every comparison of names here sees them."""
    return WORD.findall(normalise(text))


def name_runs(name: Any) -> set[tuple[str, ...]]:
    """A person's full name as runs of normalised words, with and without the prefix ("anna van
    dijk", "anna dijk"); a single word is never a name."""
    name = name if isinstance(name, dict) else {}
    variants = (full_name(name), full_name({k: v for k, v in name.items() if k != "prefix"}))
    return {run for run in (tuple(words(v)) for v in variants) if len(run) >= 2}


def name_orders(name: Any) -> set[tuple[str, ...]]:
    """`name_runs` and the same name family first: "family given", "family given prefix" and
    "prefix family given" (a list sorted by family name, "Ploeger, Kees", "Dijk, Jan van")."""
    runs = name_runs(name)
    name = name if isinstance(name, dict) else {}
    given, prefix, family = (tuple(words(str(name.get(key) or ""))) for key in ("given", "prefix", "family"))
    if given and family:
        runs |= {family + given, family + given + prefix, prefix + family + given}
    return {run for run in runs if len(run) >= 2}


def email_addresses(data: dict) -> list[str]:
    """The email addresses a person record holds, as written."""
    return [e["address"] for e in data.get("emails") or [] if isinstance(e, dict) and isinstance(e.get("address"), str)]


def order_free(run: Iterable[str]) -> str:
    """A name's words in an order-free form: "Ploeger, Kees" and "Kees Ploeger" give one key."""
    return " ".join(sorted(run))


# Letters that Unicode does not decompose into an ASCII letter and an accent.
_FOLD = str.maketrans({"ı": "i", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d",
                       "þ": "th", "ŀ": "l", "ĳ": "ij"})
_APOSTROPHES = re.compile(r"['’‘`´]")


@lru_cache(maxsize=1 << 16)
def plain(text: str) -> str:
    """Lower case, accents stripped, apostrophes removed: `d'Hondt-Müller` → `dhondt-muller`.
    How names, ids and commit messages are compared for identifying text (P020, P021).
    Remembered: the same given and family names recur across a hundred thousand people."""
    if text.isascii():  # nothing to fold or decompose: most names and every address
        return _APOSTROPHES.sub("", text.lower())
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_FOLD))
    return _APOSTROPHES.sub("", "".join(c for c in decomposed if not unicodedata.combining(c)))
