"""Q004: organisation identifiers (CBS, KvK, KBO, OIN, VAT) must be valid.

Identifiers link a record to the official registers and let two records of the same
organisation be recognised (Q006); a mistyped one links to another organisation, or to none
(Art. 5(1)(d)). Each value under an organisation's `identifiers` is checked for its kind:

- `kbo` (Belgian enterprise number, KBO/BCE): ten digits, the first 0 or 1, whose last two
  digits are the mod-97 check of the first eight (python-stdnum's `stdnum.be.vat`; the
  Belgian VAT number is the same number). "0123.456.749", "0123456749" and the old nine-digit
  form are accepted; a typo almost always breaks the check.
- `vat`: a VAT number with its country prefix, checked with python-stdnum for that country
  (`stdnum.eu.vat` for EU member states, so "NL004495445B01" and "BE0123456749" with their
  check digits; a non-EU prefix that python-stdnum knows, such as GB or CH, with that
  country's check). A number without a two-letter country prefix is reported; a prefix
  python-stdnum has no check for is not.
- `oin` (Dutch government organisation identification number): 20 digits. Its parts refer to
  other registers; without those registers only the length can be checked.
- `cbs` (CBS municipality code): "GM" and four digits; `kvk` (Dutch Chamber of Commerce): eight
  digits. Neither has a check digit, and the tool ships no copy of the CBS or KvK registers
  (they change every year), so only the form is checked. The bundled schemas already give
  both a `pattern`, so S001 reports a wrong form there and Q004 stays silent on it: Q004
  reports the form only where a repository's own schemas leave the pattern out.

Passing::

    identifiers: {cbs: GM0034, kvk: "12345678", kbo: "0207.451.227", vat: BE0207451227}

Failing::

    identifiers: {kbo: "0207.451.228", vat: NL123456789B01, oin: "0000000100123456"}
"""
from __future__ import annotations

import re
from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule
from ..domain.texts import excerpt

RULE = Rule("Q004", "error", N_("Organisation identifiers (CBS, KvK, KBO, OIN, VAT) must be valid"),
            "record", "Art. 5(1)(d)")

_FORMS = {  # kind: (pattern, what it looks like, where to look it up)
    "cbs": (r"GM[0-9]{4}", N_("'GM' and the four digits of the municipality code, such as GM0034"),
            N_("Look the code up in the CBS list of municipalities (Gemeentelijke indeling).")),
    "kvk": (r"[0-9]{8}", N_("eight digits"),
            N_("Look the number up in the KvK Handelsregister (kvk.nl), and quote it in YAML.")),
    "oin": (r"[0-9]{20}", N_("20 digits without spaces"),
            N_("Look the number up in the OIN register of Logius (COR), and quote it in YAML.")),
}
_STDNUM_REASONS = {
    "InvalidChecksum": N_("its check digits do not match, so a digit is probably mistyped"),
    "InvalidLength": N_("it has the wrong number of digits"),
    "InvalidFormat": N_("it contains characters that do not belong in it"),
    "InvalidComponent": N_("a part of it is impossible"),
}
_NAMES = {"cbs": N_("CBS municipality code"), "kvk": N_("KvK number"), "kbo": N_("Belgian enterprise number"),
          "oin": N_("OIN"), "vat": N_("VAT number")}


def check(ctx: RepoContext) -> Iterator[Finding]:
    for record, annotation, pointer, value in ctx.annotated_values("x-format"):
        if annotation.value not in _NAMES or not isinstance(value, str):
            continue  # not an identifier, or not text: the schema rule reports it
        pattern = annotation.schema.get("pattern")
        if isinstance(pattern, str) and re.search(pattern, value) is None:
            continue  # the schema's pattern refuses it: S001 reports it
        problem = judge(annotation.value, value)
        if problem is not None:
            message, hint = problem
            yield RULE.finding(record.path, ctx.at(record, pointer), message, hint)


def judge(kind: str, value: str) -> tuple[str, str] | None:
    """None when `value` is a valid identifier of `kind`, else the message and the hint."""
    name = _(_NAMES[kind])
    if kind in _FORMS:
        pattern, looks, where = _FORMS[kind]
        if re.fullmatch(pattern, value):
            return None
        return (_("'{value}' is not a valid {name}: it is {looks}.").format(
                    value=excerpt(value), name=name, looks=_(looks)),
                _(where))
    if kind == "kbo":
        from stdnum.be import vat as be_vat

        return _stdnum(be_vat, value, name,
                       _("Look the number up in the KBO public search (kbopub.economie.fgov.be); "
                         "it is written 0123.456.749."),
                       component=N_("an enterprise number starts with 0 or 1"))
    return _vat(value, name)


def _vat(value: str, name: str) -> tuple[str, str] | None:
    import stdnum
    from stdnum.eu import vat as eu_vat

    hint = _("Copy the number from an invoice or the VIES service of the European Commission, "
             "with its country prefix: NL004495445B01, BE0123456749.")
    prefix = re.sub(r"\s", "", value)[:2].upper()
    if not re.fullmatch(r"[A-Z]{2}", prefix):
        return (_("'{value}' is not a valid {name}: it must start with the country code, such as NL or BE.").format(
                    value=value, name=name), hint)
    if prefix.lower() in eu_vat.MEMBER_STATES or prefix in ("EL", "EU"):
        return _stdnum(eu_vat, value, name, hint)
    module = stdnum.get_cc_module(prefix.lower(), "vat")
    return _stdnum(module, value, name, hint) if module is not None else None


def _stdnum(module, value: str, name: str, hint: str, component: str = "") -> tuple[str, str] | None:
    """python-stdnum's verdict on `value`, its reason said in plain words."""
    from stdnum.exceptions import ValidationError

    try:
        module.validate(value)
    except ValidationError as error:
        kind = type(error).__name__
        reason = (component if kind == "InvalidComponent" and component else
                  _STDNUM_REASONS.get(kind, N_("a part of it is impossible")))
        return (_("'{value}' is not a valid {name}: {reason}.").format(
                    value=excerpt(value), name=name, reason=_(reason)),
                hint)
    return None
