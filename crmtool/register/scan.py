"""The register's own proof that it holds no personal data.

After rendering, every file of the site is searched for what `records/people/` holds about
anyone: full names, email addresses, phone numbers and street addresses. Texts are compared
normalised (accents and case ignored, any run of spaces one space, HTML entities decoded), so
"J.  JANSEN@Example.org" or "Dijkstra" spelled "Dijkstrà" is still found; phone numbers are
compared as numbers (`phonenumbers`), so "06-12 34 56 78" is the same as "+31 6 12345678".

A file is read as a browser or a reader of the file sees it, not line by line: HTML tags are
taken out (inline ones such as `<b>` join the words around them; the others, and the values of
attributes such as `title` and `alt`, which a browser shows too, stand apart), entities and
JSON escapes (`\n`, `\u00e0`) are decoded, and the lines of the whole file are joined, so a
name that a YAML block scalar broke over two lines, or that a CSV cell holds on two, is found
as well as one on a single line.

Names and addresses are looked up as whole words: the words of the file are cut into runs of
two to six words and each run is looked up in a set, which costs the same for 30 people as
for 100,000 (a substring search per person would not). A name is looked for in the orders
people write it: "given [prefix] family", "family, given [prefix]" and "[prefix] family,
given" (the comma is not a word, so "Ploeger Kees" counts too). A single word is never a name
here: a family name alone ("Kok", "Stam") is too often an ordinary word to be told apart.

A hit names the file, line and column, the person's id and what kind of data it is, never the
data itself: the message goes to a CI log, which is not the place for it.
"""
from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable


from ..domain.personal_data import (EMAIL_LIKE, LONGEST_RUN, PHONE_LIKE, WORD, email_addresses, name_orders,
                                     normalise, words)
from ..domain.phones import e164

TEXT_SUFFIXES = {".html", ".htm", ".csv", ".json", ".txt", ".xml", ".js", ".css", ".svg", ".md"}

NAME, EMAIL, PHONE, ADDRESS = "name", "email address", "phone number", "street address"

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
            for run in sorted(name_orders(data.get("name"))):
                if len(run) <= LONGEST_RUN:
                    phrases.setdefault(run, (person, NAME))
            for address in email_addresses(data):
                emails.setdefault(normalise(address), person)
            for phone in data.get("phones") or []:
                if isinstance(phone, dict):
                    number = e164(str(phone.get("number", "")), region, possible_only=True)
                    if number:
                        phones.setdefault(number, person)
            for address in data.get("addresses") or []:
                if isinstance(address, dict) and address.get("street") and address.get("number"):
                    run = tuple(words(f"{address['street']} {address['number']}"))
                    if 2 <= len(run) <= LONGEST_RUN:
                        phrases.setdefault(run, (person, ADDRESS))
        return cls(phrases, emails, phones, region)


INLINE_TAGS = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q",
                         "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr"})
"""Tags a browser shows without a break between the words around them (`Jan<b>sen</b>`)."""
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>|<!--.*?-->", re.DOTALL)
ATTRIBUTE_VALUE = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
JSON_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|(.))")


class _Mapped:
    """A text and, for each of its characters, the offset in the file it comes from: the
    text is rewritten (tags out, entities decoded, case folded), a hit is reported where the
    reader of the file would look for it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.origin = list(range(len(text)))

    def sub(self, pattern: re.Pattern, replace) -> None:
        out: list[str] = []
        origin: list[int] = []
        last = 0
        for found in pattern.finditer(self.text):
            out.append(self.text[last:found.start()])
            origin.extend(self.origin[last:found.start()])
            new = replace(found)
            # a text (from where the match starts), or pieces: (text, offset, copied from there?)
            for piece, at, copied in ([(new, found.start(), False)] if isinstance(new, str) else new):
                out.append(piece)
                origin.extend(self.origin[at:at + len(piece)] if copied else [self.origin[at]] * len(piece))
            last = found.end()
        out.append(self.text[last:])
        origin.extend(self.origin[last:])
        self.text, self.origin = "".join(out), origin

    def normalise(self) -> None:
        """`normalise` character by character: accents off, case folded, a run of spaces one
        space; line breaks stay (the phone numbers are also read line by line)."""
        out: list[str] = []
        origin: list[int] = []
        space = True
        for character, source in zip(self.text, self.origin):
            if character == "\n":
                folded = "\n"
            elif character.isspace():
                if space:
                    continue
                folded = " "
            else:
                if character not in _FOLDED:
                    _FOLDED[character] = normalise(character) if not character.isascii() else character.lower()
                folded = _FOLDED[character]
            space = folded in (" ", "\n")
            out.append(folded)
            origin.extend([source] * len(folded))
        self.text, self.origin = "".join(out), origin


_FOLDED: dict[str, str] = {}


def _visible_html(mapped: _Mapped) -> None:
    """What a browser shows of an HTML text: tags out (inline ones joining the words around
    them, the others a space), the values of attributes kept apart (titles and alternative
    texts are shown too)."""
    def replace(found: re.Match) -> str | list[tuple[str, int, bool]]:
        if found.group(2) is None:  # a comment
            return " "
        pieces: list[tuple[str, int, bool]] = []
        for value in ATTRIBUTE_VALUE.finditer(found.group(3) or ""):
            group = next((g for g in (1, 2, 3) if value.group(g)), None)
            if group is not None:  # the value where it stands in the file, a space either side
                at = found.start(3) + value.start(group)
                pieces += [(" ", found.start(), False), (value.group(group), at, True), (" ", found.start(), False)]
        if pieces:
            return pieces
        return "" if found.group(2).lower() in INLINE_TAGS else " "
    mapped.sub(TAG, replace)


def _decoded_json(mapped: _Mapped) -> None:
    """JSON string escapes decoded, line breaks (`\\n`) as spaces."""
    def replace(found: re.Match) -> str:
        if found.group(1):
            character = chr(int(found.group(1), 16))
            return " " if character.isspace() else character
        escaped = found.group(2)
        return {"n": " ", "r": " ", "t": " ", "b": " ", "f": " "}.get(escaped, escaped)
    mapped.sub(JSON_ESCAPE, replace)


ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);?")


def readable(path: str, text: str) -> _Mapped:
    """The text of a file as its reader sees it, normalised, mapped to the file's offsets."""
    mapped = _Mapped(text)
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if suffix in ("html", "htm", "xml", "svg"):
        _visible_html(mapped)
    elif suffix == "json":
        _decoded_json(mapped)
    mapped.sub(ENTITY, lambda found: html.unescape(found.group()))
    mapped.normalise()
    return mapped


def scan_text(path: str, text: str, needles: Needles) -> list[Hit]:
    """Every piece of personal data in one file's text. The whole file is searched as one
    normalised text, so what a line break splits is found too; a hit names the line and
    column in the file where it starts."""
    mapped = readable(path, text)
    line_starts = [0] + [found.end() for found in re.finditer("\n", text)]
    found_at: dict[tuple[int, int, str, str], Hit] = {}

    def hit(position: int, person: str, kind: str) -> None:
        offset = mapped.origin[position]
        index = bisect.bisect_right(line_starts, offset) - 1
        line, column = index + 1, offset - line_starts[index] + 1
        found_at.setdefault((line, column, person, kind), Hit(path, line, column, person, kind))

    joined = mapped.text
    for found in EMAIL_LIKE.finditer(joined):
        person = needles.emails.get(found.group().strip("."))
        if person:
            hit(found.start(), person, EMAIL)
    phones = [(0, joined)]  # the whole text, and each line (a number at the end of one line must
    start = 0               # not swallow one at the start of the next)
    for part in joined.split("\n"):
        phones.append((start, part))
        start += len(part) + 1
    for start, part in phones:
        for found in PHONE_LIKE.finditer(part):
            person = needles.phones.get(e164(" ".join(found.group().split()), needles.region, possible_only=True) or "")
            if person:
                hit(start + found.start() + (len(found.group()) - len(found.group().lstrip())), person, PHONE)
    found_words = list(WORD.finditer(joined))
    texts = [w.group() for w in found_words]
    covered: dict[tuple[str, str], int] = {}  # (person, kind) → the word where their last hit ends
    for start in range(len(found_words)):
        for length in range(min(LONGEST_RUN, len(found_words) - start), 1, -1):  # the longest run first
            match = needles.phrases.get(tuple(texts[start:start + length]))
            if match:
                if covered.get(match, 0) < start + length:  # "van dijk jan" holds "dijk jan": one hit
                    hit(found_words[start].start(), match[0], match[1])
                    covered[match] = start + length
                break
    return sorted(found_at.values(), key=lambda h: (h.line, h.column, h.person, h.kind))


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
