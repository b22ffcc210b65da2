"""New record ids: the one place that proposes them, for `new`, `import` and anything else
that creates records.

A person's id ends up in every commit, diff and CI log, so by default it is opaque
(`p-7k2m9q`, DESIGN.md; P020 warns otherwise) and drawn from a cryptographic source: an id
that could be predicted from the order of creation would say who was added when. Other
records use readable slugs (`gemeente-almere`), or numbers per kind and year for requests
(`q-2026-0020`), because they are not personal data and staff refer to them aloud.

Ids of requests and contact moments are never made from free text (a summary, a subject
line, a name): what staff type there is often a person's name ("Bellen met Sara Mailde"),
and a file name stays in git history for good. A contact moment is its date and a short
opaque suffix (`i-2026-12-04-k3m9`, `dated`); a request is a number (`numbered`) after a
prefix that is a short word of letters (`q`, `dsr`, `rq`, `request_prefix_ok`).
"""
from __future__ import annotations

import re
import secrets
from datetime import date
from typing import Callable, Collection, Iterable

from ..load.repo import ID_PATTERN
from .texts import ascii_fold, slug

ID_ALPHABET = "23456789abcdefghijkmnpqrstuvwxyz"  # no 0/o, 1/l: ids are read aloud and typed

__all__ = ["ID_ALPHABET", "ID_PATTERN", "FOLDER_IDS", "opaque", "person_id", "readable", "numbered", "dated",
           "slug", "request_prefix_ok", "breach_id"]

BREACH_ID = re.compile(r"^b-(\d{4})-(\d{3,})$")
"""A breach's id (docs/records.md, the breach schema): `b-`, the year of discovery, a number of
three digits or more (`b-2026-001`). A breach is referred to by its number in the register
and in letters to the supervisory authority, never by what happened: a file name such as
`laptop-gestolen` stays in git history, and what happened may name someone."""

FOLDER_IDS = {"breaches": (BREACH_ID, "b-YYYY-NNN")}
"""Folders whose ids have a form of their own besides ID_PATTERN (rule S002), with the form
as the messages show it."""

PREFIX_PATTERN = re.compile(r"^[a-z]{1,5}$")
"""A request prefix: one short word of letters, so that it can never carry a name."""


def opaque(prefix: str, taken: Collection[str], avoid: Iterable[str] = (),
           choice: Callable[[str], str] = secrets.choice, length: int = 6) -> str:
    """`prefix-` and `length` random characters, not in `taken` and containing none of the
    pieces in `avoid` (parts of the person's name, three letters or more)."""
    pieces = [p for p in (re.sub(r"[^a-z0-9]", "", ascii_fold(a)) for a in avoid) if len(p) >= 3]
    while True:
        code = "".join(choice(ID_ALPHABET) for _ in range(length))
        candidate = f"{prefix}-{code}"
        if candidate not in taken and not any(piece in code for piece in pieces):
            return candidate


def readable(base: str, taken: Collection[str]) -> str:
    """A slug of `base`, with `-2`, `-3` ... when it is taken."""
    stem = slug(base) or "record"
    if stem not in taken:
        return stem
    number = 2
    while f"{stem}-{number}" in taken:
        number += 1
    return f"{stem}-{number}"


def person_id(taken: Collection[str], given: str = "", family: str = "",
              style: str = "opaque") -> str:
    """The id `crmtool new person` and `crmtool import` propose (`id_style` in crmtool.yaml)."""
    if style == "name" and (given or family):
        return readable(f"{given} {family}", taken)
    return opaque("p", taken, avoid=[given, family, *family.split()])


def numbered(prefix: str, year: int, taken: Collection[str]) -> str:
    """`prefix-YEAR-NNNN`, one more than the highest number of that prefix and year, as many
    digits as the repository already uses for that prefix (`rq-2026-043`), else four."""
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d{{4}})-(\d+)$")
    found = [m for m in map(pattern.match, taken) if m]
    numbers = [int(m.group(2)) for m in found if int(m.group(1)) == year]
    width = max((len(m.group(2)) for m in found), default=4)
    return f"{prefix}-{year}-{max(numbers, default=0) + 1:0{width}d}"


def breach_id(year: int, taken: Collection[str]) -> str:
    """`b-YEAR-NNN`, one more than the highest number of that year of discovery, in three
    digits (more when there are more than 999): what `crmtool new breach` and the workspace's
    new-breach form propose."""
    numbers = [int(m.group(2)) for m in map(BREACH_ID.match, taken) if m and int(m.group(1)) == year]
    return f"b-{year}-{max(numbers, default=0) + 1:03d}"


def request_prefix_ok(prefix: str) -> bool:
    """Whether `prefix` may start a request id: a short word of letters (`q`, `dsr`, `rq`),
    never something taken from an id that holds free text (`kees-ploeger-2026-1`)."""
    return bool(PREFIX_PATTERN.match(prefix))


def dated(prefix: str, day: date, taken: Collection[str], choice: Callable[[str], str] = secrets.choice,
          length: int = 4) -> str:
    """`prefix-YYYY-MM-DD-xxxx`: a day and `length` random characters (`i-2026-12-04-k3m9`).

    Random rather than counted: two colleagues who each record a contact moment of the same
    day on their own branch would otherwise both write `...-01` and collide when merged; 32⁴
    suffixes per day make that practically impossible. Nothing of the summary, the subject or
    the people involved goes into it."""
    return opaque(f"{prefix}-{day.isoformat()}", taken, choice=choice, length=length)
