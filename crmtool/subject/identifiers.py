"""A person's identifiers in free text: found and replaced by "[removed]".

Erasure must reach the texts staff wrote about a person elsewhere ("Teun Jansen called
about...") as well as the references, and the proof (`verify.py`) and the history rewrite
(`purge.py`) must look for exactly the same things. What counts as the person here:

- the full name, with and without the prefix, in any order and across any whitespace,
  line breaks included: "Kees Ploeger", "Ploeger, Kees", "van Dijk, Anna", "Kees\\n  Ploeger"
  (words compared normalised, case and accents ignored, as the register's scan does:
  `register/scan.py`). A single word is never taken for a name in a text, and initials
  ("K. Ploeger") are not either: they name too many other people (docs/decisions.md);
- every email address, case-insensitively as a whole token;
- every phone number as a NUMBER, however it is written ("+31 6 1234 5678", "06-12345678",
  "0031612345678", split over a line): libphonenumber's matcher reads the text with the
  repository's default country (as rule Q002 does) and the numbers are compared in E.164;
- the id and every alias id the person absorbed by `crmtool merge` (`aliases:`), as whole
  tokens.

In a path (`verify.py`, `purge.py`) a single word of the name (the given name, the family
name) counts as well: a path has no reason to carry any part of a person's name, and a path
stays in the history for good.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

import phonenumbers

from ..domain.phones import default_country, e164
from ..domain.personal_data import WORD, email_addresses, normalise, words
from ..domain.personal_data import order_free as name_key
from ..domain.texts import full_name

REMOVED = "[removed]"
ID, EMAIL, NAME, PHONE = "id", "email address", "name", "phone number"
NAME_PART = "part of the name"
"""The kinds of identifier a place can hold (`verify.Place.kind`); translated when shown."""

_PATH_TOKEN = re.compile(r"[^\W_]+")
PART_FOLDERS = ("records/interactions/", "records/requests/", "records/people/")
"""Where a single word of the name in a path counts: the folders whose ids were (or could be)
made from what staff typed. Elsewhere ids are readable slugs of things (gemeente-almere) or
colleagues' first names (records/staff/anna.yaml), where a coincidence must not rename a file."""


def parts_count_in(path: str) -> bool:
    return path.startswith(PART_FOLDERS)


def default_region(config: dict) -> str:
    """The country assumed for numbers written without one, exactly as rule Q002 decides it
    (`rules.settings.default_country`, else the controller's address country, else NL)."""
    return default_country(config)


def name_variants(name: Any) -> set[tuple[str, ...]]:
    """The full name as normalised words, with and without the prefix ("anna van dijk",
    "anna dijk"); a single word is never a name."""
    name = name if isinstance(name, dict) else {}
    variants = (full_name(name), full_name({k: v for k, v in name.items() if k != "prefix"}))
    return {run for run in (tuple(words(v)) for v in variants) if len(run) >= 2}


def name_parts(name: Any) -> set[str]:
    """The given name and the family name (with and without prefix), each as normalised words:
    what a path must not hold ("sara", "van dijk", "dijk")."""
    name = name if isinstance(name, dict) else {}
    parts = set()
    for value in (name.get("given"), name.get("family"),
                  f"{name.get('prefix') or ''} {name.get('family') or ''}"):
        if isinstance(value, str) and words(value):
            parts.add(" ".join(words(value)))
    return parts


def phone_numbers(data: dict, region: str) -> list[str]:
    """The person's phone numbers in E.164 form (numbers that cannot be read are left out)."""
    found = []
    for phone in data.get("phones") or []:
        if isinstance(phone, dict):
            number = e164(str(phone.get("number", "")), region, possible_only=True)
            if number:
                found.append(number)
    return found


class Flat:
    """A text with every run of whitespace (line breaks too) as one space, and the way back
    from a position in the flat text to one in the original: a match found in the flat text
    replaces exactly the original characters it covers."""

    def __init__(self, text: str) -> None:
        chars: list[str] = []
        self._starts: list[int] = []
        self._ends: list[int] = []
        for match in re.finditer(r"\s+|\S+", text):
            if match.group()[0].isspace():
                chars.append(" ")
                self._starts.append(match.start())
                self._ends.append(match.end())
            else:
                chars.append(match.group())
                self._starts.extend(range(match.start(), match.end()))
                self._ends.extend(range(match.start() + 1, match.end() + 1))
        self.text = "".join(chars)

    def start(self, flat_index: int) -> int:
        """The original position of the flat text's character at `flat_index`."""
        return self._starts[flat_index]

    def end(self, flat_end: int) -> int:
        """The original position just after the flat text's character at `flat_end - 1`."""
        return self._ends[flat_end - 1]


PHONE_FIRST_LOOK = re.compile(r"\d[\d\s().-]{5,}\d")
"""A text without such a run holds no phone number as far as `numbers_in` goes."""


def numbers_in(text: str, region: str) -> Iterator[tuple[int, int, str]]:
    """Every phone number in a (flat) text: start, end and E.164, as libphonenumber finds them."""
    if not PHONE_FIRST_LOOK.search(text):
        return
    yield from matched_numbers(text, region)


def matched_numbers(text: str, region: str) -> Iterator[tuple[int, int, str]]:
    """`numbers_in` without its first look (the proof's sieve reads parts of a text that passed it)."""
    for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE):
        yield match.start, match.end, phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)


def name_runs_in(found: list[re.Match], keys: list[str], lengths: Iterable[int], wanted) -> list[tuple[int, int]]:
    """Runs of consecutive words (by index into `found`) whose order-free key `wanted(key)`
    accepts; the longest first, never overlapping."""
    spans, index = [], 0
    lengths = sorted(set(lengths), reverse=True)
    while index < len(found):
        for length in lengths:
            if index + length <= len(found) and wanted(name_key(keys[index:index + length])):
                spans.append((index, index + length - 1))
                index += length
                break
        else:
            index += 1
    return spans


@dataclass(frozen=True)
class Identifiers:
    ids: tuple[str, ...]  # the id first, then every alias
    emails: tuple[str, ...]
    names: tuple[tuple[str, ...], ...]  # each a run of normalised words (see name_variants)
    phones: tuple[str, ...] = ()  # E.164
    parts: tuple[str, ...] = ()  # words of the name a path must not hold (see name_parts)
    region: str = "NL"

    @classmethod
    def of(cls, person_id: str, data: dict, region: str = "NL") -> "Identifiers":
        aliases = [a for a in data.get("aliases") or [] if isinstance(a, str) and a != person_id]
        names = name_variants(data.get("name"))
        return cls(tuple([person_id, *aliases]), tuple(email_addresses(data)),
                   tuple(sorted(names, key=lambda n: (-len(n), n))), tuple(sorted(set(phone_numbers(data, region)))),
                   tuple(sorted(name_parts(data.get("name")))), region)

    @classmethod
    def union(cls, many: list["Identifiers"]) -> "Identifiers":
        """One set of identifiers from several versions of a person (the history, merged duplicates)."""
        def joined(attribute: str) -> tuple:
            return tuple(dict.fromkeys(v for one in many for v in getattr(one, attribute)))
        names = sorted(set(joined("names")), key=lambda n: (-len(n), n))
        return cls(joined("ids"), joined("emails"), tuple(names), tuple(sorted(set(joined("phones")))),
                   tuple(sorted(set(joined("parts")))), many[0].region if many else "NL")

    def _token_pattern(self) -> re.Pattern | None:
        tokens = [re.escape(t) for t in (*self.emails, *self.ids) if t]
        if not tokens:
            return None
        return re.compile(r"(?<![\w.@-])(?:" + "|".join(sorted(tokens, key=len, reverse=True)) + r")(?![\w@-])",
                          re.IGNORECASE)

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """Every identifier in `text`: (start, end, kind) in the original text, not overlapping."""
        found: list[tuple[int, int, str]] = []
        pattern = self._token_pattern()
        if pattern is not None:
            emails = {e.lower() for e in self.emails}
            found += [(m.start(), m.end(), EMAIL if m.group().lower() in emails else ID)
                      for m in pattern.finditer(text)]
        if self.phones and self._digits_may_hold_a_phone(text):
            flat = Flat(text)
            wanted = set(self.phones)
            found += [(flat.start(s), flat.end(e), PHONE) for s, e, number in numbers_in(flat.text, self.region)
                      if number in wanted]
        if self.names:
            tokens = list(WORD.finditer(text))
            keys = [normalise(t.group()) for t in tokens]
            wanted = {name_key(n) for n in self.names}
            found += [(tokens[a].start(), tokens[b].end(), NAME)
                      for a, b in name_runs_in(tokens, keys, (len(n) for n in self.names), wanted.__contains__)]
        found.sort(key=lambda s: (s[0], -s[1]))
        kept: list[tuple[int, int, str]] = []
        for span in found:
            if kept and span[0] < kept[-1][1]:
                if span[1] > kept[-1][1]:
                    kept[-1] = (kept[-1][0], span[1], kept[-1][2])
                continue
            kept.append(span)
        return kept

    def _digits_may_hold_a_phone(self, text: str) -> bool:
        """A cheap look first: a number however written keeps its national digits in a row."""
        digits = re.sub(r"\D", "", text)
        return any(_national(p) in digits for p in self.phones)

    def redact(self, text: str, marker: str = REMOVED) -> tuple[str, int]:
        """`text` with every identifier replaced by `marker`; and how many were."""
        spans = self.spans(text)
        for start, end, _kind in reversed(spans):
            text = text[:start] + marker + text[end:]
        return text, len(spans)

    def mentioned_in(self, text: str) -> bool:
        """A cheap first look over a whole file's text: might it name the person?"""
        flat = normalise(text)
        if any(normalise(t) in flat for t in (*self.ids, *self.emails)):
            return True
        if self.phones and self._digits_may_hold_a_phone(text):
            return True
        present = set(WORD.findall(flat))
        return any(all(w in present for w in name) for name in self.names)

    def path_spans(self, path: str) -> list[tuple[int, int, str]]:
        """The identifiers in a path: ids and email addresses anywhere in a name (also inside a
        longer slug: "i-2026-p-7k2m9q-call"), the full name in any order, and any single
        word of the name ("i-2026-12-04-sara-mailde") in the folders of PART_FOLDERS."""
        spans = []
        lowered = path.lower()
        for token in (*self.ids, *self.emails):
            for match in re.finditer(r"(?<![^\W_])" + re.escape(token.lower()) + r"(?![^\W_])", lowered):
                spans.append((match.start(), match.end(), EMAIL if token in self.emails else ID))
        tokens = list(_PATH_TOKEN.finditer(path))
        keys = [normalise(t.group()) for t in tokens]
        parts = self.parts if parts_count_in(path) else ()
        wanted = {name_key(n) for n in self.names} | {name_key(p.split()) for p in parts}
        lengths = [len(n) for n in self.names] + [len(p.split()) for p in parts]
        for a, b in name_runs_in(tokens, keys, lengths, wanted.__contains__):
            run = tuple(keys[a:b + 1])
            kind = NAME if name_key(run) in {name_key(n) for n in self.names} else NAME_PART
            spans.append((tokens[a].start(), tokens[b].end(), kind))
        spans.sort()
        return spans


def _national(e164_number: str) -> str:
    """The national significant number of an E.164 number ("+31612345678" → "612345678")."""
    try:
        return str(phonenumbers.parse(e164_number).national_number)
    except phonenumbers.NumberParseException:
        return e164_number.lstrip("+")
