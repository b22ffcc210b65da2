"""Q003: a postcode must be valid for its country.

A wrong postcode is inaccurate personal data (Art. 5(1)(d)), and a letter sent to it goes
astray. Every address the schemas mark with `x-format: address` (people's and organisations'
`addresses`) is checked against the rules of its `country`; an address without a country is
read for the default country (the setting `default_country`, else the controller's address
country in crmtool.yaml, else NL). crmtool.yaml's own address is not a record and is not
checked here.

- NL: four digits and two capital letters, written "1234 AB" or "1234AB"; python-stdnum's
  check decides the rest: the first digit is not 0, and the letter pairs SA, SD and SS are
  never used. Another spelling of a valid postcode (lower case, "NL-1234 AB", two spaces) is
  reported too, with the postcode in its usual form as the fix: the country belongs in
  `country`, and one spelling keeps searching and de-duplicating reliable.
- BE: four digits from 1000 to 9999 ("9000"); "B-9000" is reported with "9000" as the fix.
- Any other country: not checked (no silent guess about formats we do not know).

An address without a postcode is not reported here, and a `country` that is not two capital
letters is left to the schema rule (S001).

Passing::

    addresses:
      - {street: Stationsplein, number: "1", postcode: "1315 NT", city: Almere, country: NL}
      - {street: Dokstraat, number: "17", postcode: "9000", city: Gent, country: BE}

Failing::

    addresses:
      - {street: Stationsplein, number: "1", postcode: "0315 NT", city: Almere, country: NL}
      - {street: Dokstraat, number: "17", postcode: "900", city: Gent, country: BE}
"""
from __future__ import annotations

import re
from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import DEFAULT_COUNTRY, RepoContext, Rule
from ..domain.texts import excerpt

RULE = Rule("Q003", "error", N_("A postcode must be valid for its country"), "record", "Art. 5(1)(d)",
            settings=(DEFAULT_COUNTRY,))

_NL_WRITTEN = re.compile(r"[1-9][0-9]{3} ?[A-Z]{2}")
_BE_WRITTEN = re.compile(r"[1-9][0-9]{3}")


def check(ctx: RepoContext) -> Iterator[Finding]:
    fallback = ctx.setting(DEFAULT_COUNTRY)
    for record, annotation, pointer, value in ctx.annotated_values("x-format"):
        if annotation.value != "address" or not isinstance(value, dict):
            continue
        postcode, country = value.get("postcode"), value.get("country", fallback)
        if not isinstance(postcode, str) or not isinstance(country, str):
            continue  # no postcode, or not text: nothing to check here (S001 reports wrong types)
        problem = judge(postcode, country)
        if problem is not None:
            message, hint = problem
            yield RULE.finding(record.path, ctx.at(record, pointer + ("postcode",)), message, hint)


def judge(postcode: str, country: str) -> tuple[str, str] | None:
    """None when `postcode` is valid for `country` (or the country is not checked), else the
    message and the hint."""
    if country == "NL":
        return _dutch(postcode)
    if country == "BE":
        return _belgian(postcode)
    return None


def _dutch(postcode: str) -> tuple[str, str] | None:
    from stdnum.exceptions import InvalidComponent, ValidationError
    from stdnum.nl import postcode as nl_postcode

    try:
        usual = nl_postcode.validate(postcode)
    except InvalidComponent:
        return (_("'{postcode}' is not a Dutch postcode: the letters {letters} are never used in postcodes.").format(
                    postcode=excerpt(postcode), letters=nl_postcode.compact(postcode)[-2:]),
                _("Check the postcode with the address (for example on postnl.nl)."))
    except ValidationError:
        compact = nl_postcode.compact(postcode)
        if re.fullmatch(r"0[0-9]{3}[A-Z]{2}", compact):
            reason = _("a Dutch postcode never starts with 0")
        else:
            reason = _("it must be four digits and two letters")
        return (_("'{postcode}' is not a Dutch postcode: {reason}.").format(postcode=excerpt(postcode), reason=reason),
                _("Write a Dutch postcode as four digits, a space and two capital letters, such as 1315 NT; "
                  "if the address is abroad, set its country."))
    if _NL_WRITTEN.fullmatch(postcode):
        return None
    return (_("'{postcode}' is a Dutch postcode written in an unusual way.").format(postcode=excerpt(postcode)),
            _("Write it as '{usual}'.").format(usual=usual))


def _belgian(postcode: str) -> tuple[str, str] | None:
    if _BE_WRITTEN.fullmatch(postcode):
        return None
    digits = re.sub(r"^(?:BE?)[- ]?", "", postcode.strip().upper())
    if _BE_WRITTEN.fullmatch(digits):
        return (_("'{postcode}' is a Belgian postcode written in an unusual way.").format(postcode=excerpt(postcode)),
                _("Write it as '{usual}'.").format(usual=digits))
    return (_("'{postcode}' is not a Belgian postcode: it must be four digits from 1000 to 9999.").format(
                postcode=excerpt(postcode)),
            _("Write a Belgian postcode as four digits, such as 9000; if the address is abroad, set its country."))
