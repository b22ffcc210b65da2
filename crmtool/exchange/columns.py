"""The columns of an import or export: what each one holds, its Dutch and English header,
and the data category (purpose `data_categories`) it belongs to.

One table serves both directions, so a file `crmtool export csv` writes is one that
`crmtool import csv` reads back, in either language. Headers are matched without case,
spaces, hyphens or underscores, so `E-mail`, `email` and `e_mail` are one column, and the
usual names of other tools (first name, achternaam, telefoonnummer, ...) are accepted as
aliases. Email addresses, phone numbers and addresses can repeat: a second one is the same
header followed by a number (`email 2`, `straat 2`).

Headers are a file format, not a message: they are listed here in both languages instead of
going through the translation catalogue, so a translator's change cannot break re-import.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..domain.policy import PERSON_FIELD_CATEGORY


@dataclass(frozen=True)
class Column:
    key: str  # the English header, also the key the readers use
    group: str  # id, name, email, phone, address, language, tags, note, or a column that is not person data
    nl: str
    aliases: tuple[str, ...] = ()


COLUMNS = (
    Column("id", "id", "id"),
    Column("given", "name", "voornaam", ("given name", "first name", "firstname", "roepnaam", "voornamen")),
    Column("prefix", "name", "tussenvoegsel", ("tussenvoegsels", "tussenv", "infix")),
    Column("family", "name", "achternaam", ("family name", "last name", "lastname", "surname", "familienaam")),
    Column("initials", "name", "voorletters", ("initialen",)),
    Column("name", "name", "naam", ("full name", "volledige naam", "display name")),
    Column("email", "email", "e-mail", ("email address", "e-mailadres", "emailadres", "mail")),
    Column("email kind", "email", "soort e-mail", ("email type",)),
    Column("phone", "phone", "telefoon", ("phone number", "telephone", "telefoonnummer", "tel", "mobile",
                                          "mobiel", "mobile phone")),
    Column("phone kind", "phone", "soort telefoon", ("phone type",)),
    Column("address kind", "address", "soort adres", ("address type",)),
    Column("address", "address", "adres", ("street address", "straat en huisnummer")),
    Column("street", "address", "straat", ("straatnaam",)),
    Column("number", "address", "huisnummer", ("house number", "nr", "huisnr")),
    Column("addition", "address", "toevoeging", ("huisnummertoevoeging",)),
    Column("postcode", "address", "postcode", ("postal code", "zip", "zip code")),
    Column("city", "address", "plaats", ("woonplaats", "town", "place")),
    Column("country", "address", "land", ()),
    Column("language", "language", "taal", ()),
    Column("tags", "tags", "tags", ("labels",)),
    Column("note", "note", "notitie", ("notes", "notities", "opmerking", "opmerkingen")),
    Column("organisation", "organisation", "organisatie", ("organization", "company", "bedrijf", "werkgever")),
    Column("function", "function", "functie", ("job title", "title", "functietitel")),
    Column("purpose", "purpose", "doel", ()),
    Column("source", "source", "bron", ()),
)
BY_KEY = {column.key: column for column in COLUMNS}
REPEATED = ("email", "phone", "address")
"""Groups whose columns may repeat with a number: `email 2`, `soort e-mail 2`."""

GROUP_FIELD = {"name": "name", "email": "emails", "phone": "phones", "address": "addresses",
               "language": "language", "tags": "tags", "note": "notes"}
"""A column group → the person field it fills; its data category is P004's (policy.py)."""

EXPORT_GROUPS = ("id", "name", "email", "phone", "address", "language", "tags")
"""What `crmtool export --fields` may name, in the order the columns are written."""

EXPORT_COLUMNS = {
    "id": ("id",), "name": ("given", "prefix", "family", "initials"), "email": ("email", "email kind"),
    "phone": ("phone", "phone kind"), "language": ("language",), "tags": ("tags",),
    "address": ("address kind", "street", "number", "addition", "postcode", "city", "country"),
}

KINDS = {
    "email": {"work": "work", "werk": "work", "zakelijk": "work", "private": "private", "prive": "private",
              "home": "private", "thuis": "private", "internet": None, "pref": None, "other": "other",
              "anders": "other", "overig": "other"},
    "phone": {"mobile": "mobile", "mobiel": "mobile", "cell": "mobile", "work": "work", "werk": "work",
              "home": "home", "thuis": "home", "prive": "home", "other": "other", "anders": "other",
              "overig": "other", "voice": None, "pref": None, "text": None},
    "address": {"postal": "postal", "post": "postal", "postadres": "postal", "visit": "visit",
                "bezoek": "visit", "bezoekadres": "visit", "home": "home", "thuis": "home", "woonadres": "home",
                "work": "work", "werk": "work", "pref": None},
}
"""The kinds of the schema (`work`, `mobile`, `postal`, ...) from the words files use for
them, Dutch, English and vCard's TYPE values; None: a word that says nothing about the kind."""

PREFIXES = frozenset({"van", "de", "der", "den", "het", "ter", "ten", "te", "op", "in", "t", "'t", "d'", "la",
                      "le", "du", "von", "vande", "vander", "uit", "aan", "bij", "onder", "over", "voor", "s",
                      "'s", "del", "da", "di", "dos", "zu"})
"""Dutch (and nearby) tussenvoegsels: lower-case words before a family name."""

COUNTRIES = {"nederland": "NL", "netherlands": "NL", "the netherlands": "NL", "holland": "NL",
             "belgie": "BE", "belgium": "BE", "belgique": "BE", "duitsland": "DE", "germany": "DE",
             "deutschland": "DE", "frankrijk": "FR", "france": "FR", "luxemburg": "LU", "luxembourg": "LU",
             "verenigd koninkrijk": "GB", "united kingdom": "GB"}


def fold(text: str) -> str:
    """Lower case without accents: how headers and kind words are compared."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold().strip()


def _compact(text: str) -> str:
    return re.sub(r"[\s\-_.]+", "", fold(text))


_HEADERS = {_compact(text): column.key for column in COLUMNS
            for text in (column.key, column.nl, *column.aliases)}


def header_key(header: str) -> tuple[str, int] | None:
    """The column a header names and its number (1 for the first), or None when unknown."""
    text = header.replace("\ufeff", "").strip()
    match = re.fullmatch(r"(.*?)[\s_-]*(\d+)", text)
    number = 1
    if match and match.group(1):
        key = _HEADERS.get(_compact(match.group(1)))
        if key is not None and BY_KEY[key].group in REPEATED:
            return key, int(match.group(2))
    key = _HEADERS.get(_compact(text))
    return (key, number) if key is not None else None


def heading(key: str, number: int, language: str) -> str:
    """The header of a column in the repository's language, numbered from the second on."""
    text = BY_KEY[key].nl if language == "nl" else key
    return text if number == 1 else f"{text} {number}"


def category(group: str) -> str | None:
    """The data category of a column group (P004's map); None for the id and for columns
    that are not data about the person (purpose, source, organisation, function)."""
    field = GROUP_FIELD.get(group)
    return PERSON_FIELD_CATEGORY.get(field) if field else None


def kind(group: str, words: list[str]) -> str | None:
    """The schema's kind for what a file says (`Mobiel`, `TYPE=CELL,VOICE`); "" when its
    words say nothing about the kind (`pref`), None when a word is not known."""
    table = KINDS[group]
    found = [table.get(fold(word), "?") for word in words]
    return next((k for k in found if k and k != "?"), None if "?" in found else "")


def split_family(family: str) -> tuple[str, str]:
    """`van der Berg` → (`van der`, `Berg`): leading tussenvoegsels become the prefix, as
    records keep them (a vCard or a single name column has them in the family name)."""
    words = family.split()
    count = 0
    while count < len(words) - 1 and words[count] in PREFIXES:
        count += 1
    return " ".join(words[:count]), " ".join(words[count:])


def split_name(full: str) -> dict:
    """A full name in one column (`Anna van der Berg`) as given, prefix and family."""
    words = full.split()
    if not words:
        return {}
    if len(words) == 1:
        return {"family": words[0]}
    start = 1
    while start < len(words) - 1 and words[start] not in PREFIXES:
        start += 1
    if words[start] not in PREFIXES:
        start = len(words) - 1
    prefix, family = split_family(" ".join(words[start:]))
    return {k: v for k, v in (("given", " ".join(words[:start])), ("prefix", prefix), ("family", family)) if v}


def split_street(line: str) -> dict:
    """`Stationsplein 1 bis` → street, number and addition (the last number is the house
    number: `Laan 1940-1945 12`); a line without one is the street."""
    match = re.fullmatch(r"(.*\S)\s+(\d+[A-Za-z]?)(?:\s*[-/]?\s*(\D*))", line.strip())
    if not match:
        return {"street": line.strip()} if line.strip() else {}
    parts = {"street": match.group(1), "number": match.group(2), "addition": match.group(3).strip()}
    return {k: v for k, v in parts.items() if v}


def country_code(text: str) -> str | None:
    """ISO 3166 alpha-2 from a code or a common country name; None when not recognised."""
    value = text.strip()
    if re.fullmatch(r"[A-Za-z]{2}", value):
        return value.upper()
    return COUNTRIES.get(fold(value).replace("ë", "e"))
