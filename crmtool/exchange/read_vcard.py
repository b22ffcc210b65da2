"""A vCard file (3.0 from a phone or a mail program, 4.0 from crmtool), one or many cards.

Parsing is `vobject`'s: unfolding, escapes, parameters and groups (`item1.EMAIL`) are its
job. Each card is put into the same column terms as a CSV row, so both kinds of file go
through one builder (`incoming.build`). What a card holds beyond N/FN, EMAIL, TEL, ADR,
ORG, TITLE, NOTE, LANG and CATEGORIES (photos, birthdays, URLs, X- properties) is not imported, and
the dry run says so.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..i18n import _
from ..load.repo import UsageError
from . import limits
from .incoming import Incoming, ReadFile, Values, build

KNOWN = {"version", "n", "fn", "email", "tel", "adr", "org", "title", "note", "lang", "categories", "uid", "prodid",
         "rev"}
"""Properties that are read (UID, PRODID and REV only identify the card or its maker)."""


def read(path: Path, shown: str, today: dt.date) -> ReadFile:
    import vobject
    from vobject.base import VObjectError

    limits.check_file(path, shown)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise UsageError(_("{file}: cannot be read ({error})").format(
            file=shown, error=error.strerror or error)) from error
    except UnicodeDecodeError as error:
        raise UsageError(_("{file}: not UTF-8 text (byte {byte}); export the contacts again as vCard").format(
            file=shown, byte=error.start + 1)) from error
    starts = [n for n, line in enumerate(text.splitlines(), start=1) if line.strip().upper() == "BEGIN:VCARD"]
    if not starts:
        raise UsageError(_("{file}: no BEGIN:VCARD line; this is not a vCard file").format(file=shown))
    if len(starts) > limits.MAX_ROWS:
        raise limits.too_many_rows(shown, "cards")
    try:
        cards = list(vobject.readComponents(text))
    except (VObjectError, ValueError, IndexError) as error:
        reason = str(getattr(error, "msg", error))
        line = _line_of(text, reason)
        message = (_("{file}: line {line}: the vCard cannot be read ({error})") if line else
                   _("{file}: the vCard cannot be read ({error})"))
        raise UsageError(message.format(file=shown, line=line, error=reason)) from error
    rows = [_card(card, starts[n] if n < len(starts) else starts[-1], today)
            for n, card in enumerate(c for c in cards if c.name.upper() == "VCARD")]
    return ReadFile(rows)


def _card(card, line: int, today: dt.date) -> Incoming:
    values: Values = {}
    contents = card.contents
    if "n" in contents:
        name = contents["n"][0].value
        for key, value in (("given", name.given), ("family", name.family)):
            text = " ".join(value) if isinstance(value, list) else str(value or "")
            if text.strip():
                values[(key, 1)] = text.strip()
        additional = " ".join(name.additional) if isinstance(name.additional, list) else str(name.additional or "")
        if additional.strip() and (("given", 1)) in values:
            values[("given", 1)] += " " + additional.strip()
    if ("family", 1) not in values and "fn" in contents and str(contents["fn"][0].value).strip():
        values[("name", 1)] = str(contents["fn"][0].value).strip()
    for number, line_ in enumerate(contents.get("email", []), start=1):
        _put(values, "email", number, str(line_.value), _types(line_))
    for number, line_ in enumerate(contents.get("tel", []), start=1):
        _put(values, "phone", number, str(line_.value), _types(line_))
    for number, line_ in enumerate(contents.get("adr", []), start=1):
        address = line_.value
        street = _text(address.street)
        for key, value in (("address", street), ("city", _text(address.city)),
                           ("postcode", _text(address.code)), ("country", _text(address.country))):
            if value:
                values[(key, number)] = value
        if any(values.get((k, number)) for k in ("address", "city", "postcode")) and _types(line_):
            values[("address kind", number)] = _types(line_)
    org = contents.get("org", [])
    if org:
        values[("organisation", 1)] = " ".join(p for p in (org[0].value if isinstance(org[0].value, list)
                                                            else [org[0].value]) if p).strip()
    if contents.get("categories"):
        tags = contents["categories"][0].value
        values[("tags", 1)] = ", ".join(tags) if isinstance(tags, list) else str(tags)
    for key, prop in (("function", "title"), ("note", "note"), ("language", "lang")):
        if contents.get(prop) and str(contents[prop][0].value).strip():
            values[(key, 1)] = str(contents[prop][0].value).strip()
    row = build(line, {k: v for k, v in values.items() if v}, today)
    skipped = sorted({name.upper() for name in contents if name not in KNOWN and not name.startswith("x-")})
    if skipped:
        row.left_out.append(_("{properties}: crmtool keeps no such data of a person").format(
            properties=", ".join(skipped)))
    return row


def _line_of(text: str, reason: str) -> int | None:
    """The line a parse error is about: vobject names the line's text, but counts lines its own way."""
    _before, found, bad = reason.partition("Failed to parse line: ")
    if not found:
        return None
    return next((n for n, line in enumerate(text.splitlines(), start=1) if line.strip() == bad.strip()), None)


def _put(values: Values, key: str, number: int, value: str, kind: str) -> None:
    if value.strip():
        values[(key, number)] = value.strip()
        if kind:
            values[(f"{key} kind", number)] = kind


def _types(line) -> str:
    """The TYPE parameter's words (`CELL,VOICE`), as one text the kind table reads."""
    words = []
    for value in line.params.get("TYPE", []):
        words += re.split(r"[,\s]+", value)
    return " ".join(w for w in words if w)


def _text(value) -> str:
    return (" ".join(value) if isinstance(value, list) else str(value or "")).strip()
