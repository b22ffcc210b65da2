"""Q002: a phone number must be valid.

A wrong number is inaccurate personal data (Art. 5(1)(d)) and a colleague who dials it
reaches no one, or someone else. The numbers checked are every value the schemas mark with
`x-format: phone` (`phones[].number` of people, organisations and roles) or `phone-number`
(a processor's `contact.phone`); crmtool.yaml's own contact details are not records and are
not checked here.

A number is read with libphonenumber (the `phonenumbers` package). A number in
international form (`+32 ...` or `0032 ...`) is read for its own country; a number in
national form (`06 12345678`) for the default country: the setting `default_country`, else
the country of the controller's address in crmtool.yaml, else NL. A number is invalid when
it cannot be read as a phone number at all, or when libphonenumber says no such number exists
in that country's numbering plan (a digit too many or too few, an unused range). Separators
(spaces, hyphens, brackets, `(0)`) and an extension (`ext. 12`) are fine.

Dutch municipal numbers are deliberately accepted: "14 036" (14 followed by the area code of
the town hall, as the example municipalities write them; "14 0320" for Lelystad) is a real
number in the Netherlands, and libphonenumber knows it as such (a "UAN" number), so in a
repository whose default country is NL it passes as written. With default country BE the
same text is read as a Belgian number and reported, with the hint to write it as
"+31 14036". Emergency and other short service numbers (112) are not contact numbers and
are reported.

The hint shows the number in international form when it can be formatted; when a number in
national form is valid in the other country the tool is made for (NL or BE), the hint offers
that reading: "09 223 45 67" in a Dutch repository may be a Ghent number.

Passing::

    phones: [{number: "+31 6 12345678"}, {number: "14 036"}, {number: "+32 9 223 45 67"}]

Failing::

    phones: [{number: "+31 6 1234567"}, {number: "+32 9 123 45 67"}, {number: "call Anna"}]
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import DEFAULT_COUNTRY, RepoContext, Rule
from ..domain.phones import parse
from ..domain.texts import excerpt

RULE = Rule("Q002", "error", N_("A phone number must be valid"), "record", "Art. 5(1)(d)",
            settings=(DEFAULT_COUNTRY,))

# The countries the tool is made for: a national-form number invalid in the default country
# is tried in the other one, for the hint.
HOME_COUNTRIES = {"NL": N_("a Dutch"), "BE": N_("a Belgian")}

_PARSE_REASONS = {
    "INVALID_COUNTRY_CODE": N_("the country code is unknown"),
    "NOT_A_NUMBER": N_("it does not look like a phone number"),
    "TOO_SHORT_AFTER_IDD": N_("it is too short"),
    "TOO_SHORT_NSN": N_("it is too short"),
    "TOO_LONG": N_("it is too long"),
}
_LENGTH_REASONS = {
    "TOO_SHORT": N_("it has too few digits"),
    "TOO_LONG": N_("it has too many digits"),
    "INVALID_LENGTH": N_("it has the wrong number of digits"),
    "INVALID_COUNTRY_CODE": N_("the country code is unknown"),
}


def check(ctx: RepoContext) -> Iterator[Finding]:
    region = ctx.setting(DEFAULT_COUNTRY)
    for record, where, text in ctx.formatted_texts("phone", "number", "phone-number"):
        if not isinstance(text, str):
            continue  # missing or not text: the schema rule reports it
        problem = judge(text, region)
        if problem is not None:
            message, hint = problem
            yield RULE.finding(record.path, ctx.at(record, where), message, hint)


def judge(text: str, region: str) -> tuple[str, str] | None:
    """None for a valid number, else the message and hint for `text` read in `region`."""
    import phonenumbers

    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        reason = _PARSE_REASONS.get(_error_name(error), N_("it does not look like a phone number"))
        return (_("'{number}' is not a phone number: {reason}.").format(number=excerpt(text), reason=_(reason)),
                _("Write the number with its country code, for example +31 6 12345678 or +32 9 223 45 67."))
    if phonenumbers.is_valid_number(number):
        return None
    assert number.country_code is not None  # parse() always sets it
    country = phonenumbers.region_code_for_country_code(number.country_code)
    possible = phonenumbers.is_possible_number_with_reason(number)
    reason = next((said for name, said in _LENGTH_REASONS.items()
                   if possible == getattr(phonenumbers.ValidationResult, name)),
                  N_("no number in use there has these digits"))
    message = _("'{number}' is not a valid phone number in {country} (+{code}): {reason}.").format(
        number=excerpt(text), country=country, code=number.country_code, reason=_(reason))
    elsewhere = None if _international_form(text) else _valid_elsewhere(text, region)
    if elsewhere:
        hint = _("Check the digits with the person or organisation. If it is {country} number, write it in "
                 "international form: {international}.").format(
            country=_(HOME_COUNTRIES[elsewhere[0]]), international=elsewhere[1])
    elif _international_form(text):
        hint = _("Check the digits (a digit too many or too few?) with the person or organisation.")
    else:
        hint = _("Check the digits with the person or organisation. Read for {country}, the number as written "
                 "is {international} in international form; if it belongs to another country, write it "
                 "with that country code.").format(country=region, international=_international(number))
    return message, hint


def _international_form(text: str) -> bool:
    return text.strip().startswith(("+", "00"))


def _valid_elsewhere(text: str, region: str) -> tuple[str, str] | None:
    """A number in national form that is valid in the other home country, in international form."""
    import phonenumbers

    for other in HOME_COUNTRIES:
        if other == region:
            continue
        number = parse(text, other)
        if number is not None and phonenumbers.is_valid_number(number):
            return other, _international(number)
    return None


def _international(number) -> str:
    import phonenumbers

    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _error_name(error) -> str:
    import phonenumbers

    for name in _PARSE_REASONS:
        if error.error_type == getattr(phonenumbers.NumberParseException, name):
            return name
    return ""
