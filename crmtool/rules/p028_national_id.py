"""P028: no national identification number in a record.

A Dutch citizen service number (BSN) may be processed only to carry out a law, or for purposes
a law lays down (UAVG art. 46, under GDPR Art. 87); the Belgian national register number only by
those the law of 8 August 1983 on the national register allows. A CRM is neither, yet the
numbers arrive: a request's note with the BSN a member quoted, a custom field filled from a
municipal export. Once in git they stay in its history.

The rule reads every text value of every record (notes, summaries, titles, custom fields under
`fields:`, and any other text), and the numbers of custom fields, and reports each value that
holds a valid BSN (eleven test) or Belgian national register number (mod 97 and a possible
birth date), with `domain/national_ids.py` (which also says how phone numbers, postcodes,
IBANs, dates and KvK/KBO numbers are kept out). The finding is at the value and never repeats
the number.

Only the statutory basis waives it: a waiver of P028 (`waivers:` in crmtool.yaml) whose
`reason` does not cite the article and the law that allow the number (e.g. "art. 10 Wet
algemene bepalingen burgerservicenummer ...") is itself reported, on crmtool.yaml, where no
waiver reaches. UAVG art. 46 alone is no basis: it says another law must give one.

Passing::

    notes:
      - {date: 2026-10-01, by: anna, text: "Called back on +31 6 12345678 about the invoice."}

Failing::

    notes:
      - {date: 2026-10-01, by: anna, text: "BSN 123456782, for the allowance application."}
"""
from __future__ import annotations

from typing import Any, Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..domain import national_ids
from ..domain.waivers import CONFIG_FILE, waivers_of
from .base import RepoContext, Rule

RULE = Rule("P028", "error", N_("No BSN or Belgian national register number in a record"),
            "repository", "UAVG art. 46, Art. 87")

_MESSAGES = {
    (national_ids.BSN,): N_("This value holds what looks like a citizen service number (BSN). Such a number may be "
                            "kept only where a law allows it."),
    (national_ids.BELGIAN_NN,): N_("This value holds what looks like a Belgian national register number. Such a number "
                                   "may be kept only where a law allows it."),
    (national_ids.BSN, national_ids.BELGIAN_NN): N_(
        "This value holds what look like a citizen service number (BSN) and a Belgian national register number. "
        "Such numbers may be kept only where a law allows it."),
}


def check(ctx: RepoContext) -> Iterator[Finding]:
    for records in ctx.model.records.values():
        for record in records.values():
            if not national_ids.find("\0".join(_texts(record.data))):
                continue  # most records: no need to know where each text stands
            for pointer, text in _values(record.data, ()):
                found = national_ids.find(text)
                if not found:
                    continue
                kinds = tuple(kind for kind in (national_ids.BSN, national_ids.BELGIAN_NN)
                              if any(f.kind == kind for f in found))
                yield RULE.finding(
                    record.path, ctx.at(record, pointer), _(_MESSAGES[kinds]),
                    _("Remove the number (write in the note that the person's id was checked, if that "
                      "matters). If a law obliges you to keep it, waive this finding with that law's "
                      "article in the reason."))
    yield from _waivers(ctx)


def _values(value: Any, pointer: tuple) -> Iterator[tuple[tuple, str]]:
    """Every text in a record with its pointer; numbers too (a custom field of type integer)."""
    if isinstance(value, str):
        yield pointer, value
    elif isinstance(value, int) and not isinstance(value, bool):
        yield pointer, str(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _values(item, pointer + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _values(item, pointer + (index,))


def _texts(data: Any) -> list[str]:
    """The texts `_values` gives, without their pointers: the quick first look at a whole record
    (joined with a character that is no digit, letter or separator, each text stands alone)."""
    texts: list[str] = []
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            texts.append(str(value))
    return texts


def _waivers(ctx: RepoContext) -> Iterator[Finding]:
    for waiver in waivers_of(ctx.model.config):
        if waiver.rule != RULE.id or national_ids.names_statutory_basis(waiver.reason):
            continue
        item = (ctx.model.config.get("waivers") or [])[waiver.index]
        pointer = ("waivers", waiver.index) + (("reason",) if "reason" in item else ())
        yield RULE.finding(CONFIG_FILE, ctx.locator.position(CONFIG_FILE, pointer),
                           _("A waiver of P028 must name the statutory basis for keeping the national "
                             "identification number; this reason names no article of a law."),
                           _("Write in `reason:` the article and the law that oblige you to keep the number "
                             "(UAVG art. 46 alone is not one), or remove the number and the waiver."))
