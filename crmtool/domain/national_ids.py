"""National identification numbers in text: the Dutch citizen service number (BSN) and the
Belgian national register number (rijksregisternummer).

Both may be processed only where a law says so (UAVG art. 46 for the BSN; the Belgian law of
8 August 1983 on the national register), so a CRM has no business keeping them, and they slip
in through notes and custom fields. One place finds them, so every reader finds them alike.

A candidate is a number as people write it, standing on its own:

- a BSN: nine digits (`123456782`), or three groups of three (`123 456 782`, `123.456.782`,
  `123-456-782`), or `1234.56.782`; valid when it passes the eleven test (python-stdnum's
  `stdnum.nl.bsn`);
- a Belgian national register number: eleven digits (`85073003328`) or the printed form
  `85.07.30-033.28` (spaces allowed instead of the dots and hyphen); valid when its birth date
  part is possible and its mod-97 check matches (`stdnum.be.nn`).

"On its own" keeps the look-alikes out: a candidate may not touch a letter, a digit, `+`, or
a digit beyond a separator (`.`, `-`, `/`, space) on either side. So a phone number
(`+31 6 12345678`, `0612345678`, `+32470123456`), a postcode (`1012 AB`), an IBAN
(`NL91ABNA0417164300`, `BE68 5390 0754 7034`), a VAT number (`NL004495445B01`), a KBO
number (`0207.451.227`: ten digits) or a KvK number (eight digits) and a date (`2026-10-01`,
`20261001`) are never read as one. A number that passes its check by chance (one in eleven
nine-digit numbers does) is still reported: the finding says what it looks like, and a
number that is not an id can be rewritten (a reference, an amount) without harm.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

BSN = "bsn"
BELGIAN_NN = "be-nn"

# Nothing that would make the number part of a longer one, a word or an international phone number.
_BEFORE = r"(?<![\w+])(?<!\d[ .\-/])(?<!\+[ .\-/])"
_AFTER = r"(?!\w)(?![ .\-/]\d)"
_PATTERN = re.compile(  # (?=\d) first: most positions fail before the look-behinds are tried
    r"(?=\d)" + _BEFORE + r"(?:(?P<bsn>\d{9}|\d{3}([ .\-])\d{3}\2\d{3}|\d{4}\.\d{2}\.\d{3})"
    r"|(?P<nn>\d{11}|\d{2}([ .])\d{2}\4\d{2}[ \-]?\d{3}[ .]\d{2}))" + _AFTER)
_CANDIDATE = re.compile(r"\d[\d .\-/]{7,}\d")  # nine characters or more of digits and separators


@dataclass(frozen=True)
class NationalId:
    """A national id found in a text: its kind (`bsn`, `be-nn`) and where it stands."""

    kind: str
    start: int
    end: int


def _valid(kind: str, digits: str) -> bool:
    if kind == BSN:
        from stdnum.nl import bsn
        return bool(bsn.is_valid(digits))
    from stdnum.be import nn
    return bool(nn.is_valid(digits))


def find(text: str) -> list[NationalId]:
    """Every valid BSN and Belgian national register number in `text`, in text order."""
    if len(text) < 9 or _CANDIDATE.search(text) is None:  # most texts: no need to try the patterns
        return []
    found = []
    for match in _PATTERN.finditer(text):
        kind, group = (BSN, "bsn") if match.group("bsn") else (BELGIAN_NN, "nn")
        if _valid(kind, re.sub(r"\D", "", match.group(group))):
            found.append(NationalId(kind, match.start(group), match.end(group)))
    return found


_ARTICLE = re.compile(r"(?<!\w)(?:art(?:ikel|icle|\.)?)\s*\d+", re.IGNORECASE)
_LAW = re.compile(r"(?<!\w)(?:\w*(?:wet|wetboek|besluit|decreet|ordonnantie|regeling)|law|act|decree|kb|wabb)(?!\w)",
                  re.IGNORECASE)
_NOT_A_BASIS = {"uitvoeringswet"}  # the UAVG itself only says another law must allow it (art. 46)


def names_statutory_basis(reason: str) -> bool:
    """Whether a waiver's reason cites the law that allows the number: an article and a law
    (`art. 2 Wet algemene bepalingen burgerservicenummer`, `article 8 of the law of 8 August 1983`).
    The GDPR, the AVG and the UAVG alone are no basis: UAVG art. 46 itself asks for another law."""
    laws = [m.group().lower() for m in _LAW.finditer(reason)]
    return bool(_ARTICLE.search(reason)) and any(law not in _NOT_A_BASIS for law in laws)
