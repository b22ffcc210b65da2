"""The register's own proof that it holds no personal data.

After rendering, every file of the site is searched for what `records/people/` holds about
anyone: full names, email addresses, phone numbers and street addresses. Texts are compared
normalised (accents and case ignored, any run of spaces one space, HTML entities decoded), so
"J.  JANSEN@Example.org" or "Dijkstra" spelled "Dijkstrà" is still found; phone numbers are
compared as numbers (`phonenumbers`), so "06-12 34 56 78" is the same as "+31 6 12345678".

Names and addresses are looked up as whole words: the text of each line is cut into runs of
two to six words and each run is looked up in a set, which costs the same for 30 people as
for 100,000 (a substring search per person would not). A single word is never a name here: a
family name alone ("Kok", "Stam") is too often an ordinary word to be told apart.

A hit names the file, line and column, the person's id and what kind of data it is, never the
data itself: the message goes to a CI log, which is not the place for it.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import phonenumbers

from ..texts import full_name

TEXT_SUFFIXES = {".html", ".htm", ".csv", ".json", ".txt", ".xml", ".js", ".css", ".svg", ".md"}
LONGEST_RUN = 6
"""Words in the longest name or street address looked for ("Anna van der Berg-Jansen")."""

NAME, EMAIL, PHONE, ADDRESS = "name", "email address", "phone number", "street address"

WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
EMAIL_LIKE = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+\.[a-z]{2,}", re.IGNORECASE)
PHONE_LIKE = re.compile(r"\+?\d[\d\s().-]{6,}\d")
"""How a word, an email address and a phone number look in free text: shared by the scan,
erasure (`subject/identifiers.py`), the erasure log, `verify-erased` and the export."""


@dataclass(frozen=True)
class Hit:
    """Personal data found in the output: where, whose, and what kind (never the value)."""

    path: str
    line: int
    column: int
    person: str
    kind: str

    def message(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.kind} of {self.person}"


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


def email_addresses(data: dict) -> list[str]:
    """The email addresses a person record holds, as written."""
    return [e["address"] for e in data.get("emails") or [] if isinstance(e, dict) and isinstance(e.get("address"), str)]


@dataclass
class Needles:
    """What to look for, normalised, each mapped to the person it belongs to."""

    phrases: dict[tuple[str, ...], tuple[str, str]]  # words → (person, kind)
    emails: dict[str, str]
    phones: dict[str, str]  # E.164 → person
    region: str

    @classmethod
    def of(cls, people: Iterable[tuple[str, dict]], region: str = "NL") -> "Needles":
        phrases: dict[tuple[str, ...], tuple[str, str]] = {}
        emails: dict[str, str] = {}
        phones: dict[str, str] = {}
        for person, data in people:
            for run in sorted(name_runs(data.get("name"))):
                if len(run) <= LONGEST_RUN:
                    phrases.setdefault(run, (person, NAME))
            for address in email_addresses(data):
                emails.setdefault(normalise(address), person)
            for phone in data.get("phones") or []:
                if isinstance(phone, dict):
                    number = e164(str(phone.get("number", "")), region)
                    if number:
                        phones.setdefault(number, person)
            for address in data.get("addresses") or []:
                if isinstance(address, dict) and address.get("street") and address.get("number"):
                    run = tuple(words(f"{address['street']} {address['number']}"))
                    if 2 <= len(run) <= LONGEST_RUN:
                        phrases.setdefault(run, (person, ADDRESS))
        return cls(phrases, emails, phones, region)


def e164(text: str, region: str) -> str | None:
    """A phone number in E.164 form, or None when it is not a possible number."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def scan_text(path: str, text: str, needles: Needles) -> list[Hit]:
    """Every piece of personal data in one file's text, by line."""
    hits: list[Hit] = []
    for number, raw in enumerate(html.unescape(text).splitlines(), start=1):
        line = normalise(raw)
        if not line:
            continue
        for found in EMAIL_LIKE.finditer(line):
            person = needles.emails.get(found.group().strip("."))
            if person:
                hits.append(Hit(path, number, found.start() + 1, person, EMAIL))
        for found in PHONE_LIKE.finditer(line):
            person = needles.phones.get(e164(found.group(), needles.region) or "")
            if person:
                hits.append(Hit(path, number, found.start() + 1, person, PHONE))
        found_words = list(WORD.finditer(line))
        texts = [w.group() for w in found_words]
        for start in range(len(found_words)):
            for length in range(2, min(LONGEST_RUN, len(found_words) - start) + 1):
                match = needles.phrases.get(tuple(texts[start:start + length]))
                if match:
                    hits.append(Hit(path, number, found_words[start].start() + 1, match[0], match[1]))
    return hits


def scan_folder(folder: Path, needles: Needles,
                allowed: Iterable[tuple[str, str, str]] = ()) -> list[Hit]:
    """Every hit in every text file under `folder`, paths relative to it, in a stable order.

    `allowed` holds (relative path, person, kind) triples that are not hits: what one page
    may show on purpose (the directory shows the names it lists), and nothing more.
    """
    permitted = set(allowed)
    hits: list[Hit] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES):
        text = path.read_bytes().decode("utf-8", "replace")
        hits.extend(hit for hit in scan_text(path.relative_to(folder).as_posix(), text, needles)
                    if (hit.path, hit.person, hit.kind) not in permitted)
    return hits
