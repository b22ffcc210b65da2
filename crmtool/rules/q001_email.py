"""Q001: an email address must be valid.

A wrong address is inaccurate personal data (Art. 5(1)(d)), and mail sent to it bounces or
reaches someone else. Every value the schemas mark with `x-format: email` (`emails[].address`
of people, organisations and roles) or `email-address` (a colleague's `email`, a processor's
`contact.email`) is checked with the email-validator package, on its syntax only: the check
never looks the domain up (no network, no DNS), so it is fast and gives the same answer
offline. crmtool.yaml's own contact addresses are not records and are not checked here.

An address is invalid when email-validator refuses it: no @-sign, two periods in a row, a
domain without a top-level domain (`jan@gemeente`), a reserved domain that can never receive
mail (`.test`, `.local`, `localhost`), characters that do not belong in an address. Upper and
lower case do not make an address different, so `J.Jansen@Almere.NL` is fine; spaces around
the address are ignored. Internationalised addresses (`jose@exámple.es`) are accepted by
email-validator. An address that the schema's own `format: email` already refuses is left to
S001, so the same mistake is not reported twice.

The message gives email-validator's reason in plain words; the hint proposes the corrected
address when removing spaces, a doubled or a trailing period makes it valid.

Passing::

    emails: [{address: j.jansen@almere.example.nl}, {address: J.Jansen@Almere.Example.NL}]

Failing::

    emails: [{address: j.jansen@almere}, {address: j.jansen@gemeente.test}]
"""
from __future__ import annotations

import re
from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..load.model import Record
from .base import RepoContext, Rule
from ..domain.texts import excerpt

RULE = Rule("Q001", "error", N_("An email address must be valid"), "record", "Art. 5(1)(d)")

# email-validator's reasons (English, with details) said in plain words that we can translate;
# a reason not listed here is shown as email-validator words it.
_REASONS = (
    (r"must have an @-sign", N_("it has no @-sign")),
    (r"something before the @-sign", N_("there is nothing before the @-sign")),
    (r"something after the @-sign", N_("there is nothing after the @-sign")),
    (r"should have a period|not within a valid top-level domain",
     N_("the part after the @-sign has no top-level domain such as .nl or .be")),
    (r"special-use or reserved name",
     N_("the part after the @-sign is a reserved name that can never receive email")),
    (r"two periods in a row", N_("it has two periods in a row")),
    (r"cannot (?:end|start) with a period|period immediately",
     N_("a period cannot stand at the start or the end of a part")),
    (r"hyphen", N_("a hyphen cannot stand at the start or the end of a domain name")),
    (r"too long", N_("it is too long")),
    (r"invalid character|not valid ASCII|unsafe character",
     N_("it contains characters that do not belong in an email address")),
)


def check(ctx: RepoContext) -> Iterator[Finding]:
    for record, where, address in ctx.formatted_texts("email", "address", "email-address"):
        if not isinstance(address, str):
            continue  # missing or not text: the schema rule reports it
        reason = problem(address)
        if reason is None or _schema_refuses(ctx, record, where):
            continue
        suggestion = _suggest(address)
        hint = (_("Did you mean '{address}'?").format(address=excerpt(suggestion)) if suggestion else
                _("An email address is a name, one @-sign and a domain with a period, such as "
                  "j.jansen@almere.nl; check it with the person or organisation."))
        yield RULE.finding(record.path, ctx.at(record, where),
                           _("'{address}' is not a valid email address: {reason}.").format(
                               address=excerpt(address), reason=reason), hint)


def problem(address: str) -> str | None:
    """None when email-validator accepts `address` (spaces around it ignored, no DNS look-up),
    else its reason in plain words."""
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(address.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        said = str(error)
        for pattern, reason in _REASONS:
            if re.search(pattern, said):
                return _(reason)
        return said.rstrip(".")
    return None


def _suggest(address: str) -> str | None:
    """The address without inner spaces, doubled or trailing periods, when that is valid."""
    candidate = re.sub(r"\.{2,}", ".", re.sub(r"\s+", "", address)).strip(".")
    if candidate and candidate != address.strip() and problem(candidate) is None:
        return candidate
    return None


def _schema_refuses(ctx: RepoContext, record: Record, pointer: tuple) -> bool:
    """Whether the schema (`format: email`) already refuses the value: S001 then reports it."""
    return any(error.pointer == pointer for error in ctx.schemas.errors(record.type, record.data))
