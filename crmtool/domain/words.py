"""The register's plain words for the policy's codes: legal bases, Art. 9(2) exceptions,
data categories, retention, request kinds and the names of fields.

The public reads "2 years after the last role ended, then deleted", not
`{period: P2Y, after: last-role-end, then: delete}`. Every text here is an English message id
marked with `N_` and translated by the caller's `_`: the register renders both languages in
one run, so it cannot use the process-wide language of `crmtool.i18n`. Functions that compose
a text take that `_` as their first argument.
"""
from __future__ import annotations

from typing import Callable

from .durations import parse_duration
from ..i18n import N_

Gettext = Callable[[str], str]

LEGAL_BASES = {
    # basis: (Art. 6(1) letter, name, what it means for the person)
    "consent": ("a", N_("Consent"), N_(
        "You gave us your permission for this. You can withdraw it at any time, as easily as you "
        "gave it; from then on we stop, while what we did before remains lawful.")),
    "contract": ("b", N_("Contract"), N_(
        "We need the data to carry out an agreement with you, or to take steps you asked for "
        "before entering into one.")),
    "legal-obligation": ("c", N_("Legal obligation"), N_(
        "A law obliges us to process this data; we cannot leave it out.")),
    "vital-interests": ("d", N_("Vital interests"), N_(
        "We need the data to protect someone's life or health, when there is no other way to do so.")),
    "public-task": ("e", N_("Public task"), N_(
        "We need the data to carry out a task in the public interest, or to exercise official "
        "authority, that the law gives us.")),
    "legitimate-interests": ("f", N_("Legitimate interests"), N_(
        "We need the data for an interest of our own that we weighed against your interests and "
        "rights; how we weighed them is written below. You may object at any time, and we then "
        "stop unless our reasons clearly outweigh yours.")),
}

ARTICLE9_EXCEPTIONS = {
    "explicit-consent": ("a", N_(
        "The person concerned gave explicit consent for this.")),
    "employment": ("b", N_(
        "It is needed to meet obligations or exercise rights under employment and social security law.")),
    "vital-interests": ("c", N_(
        "It is needed to protect someone's life when that person cannot give consent.")),
    "not-for-profit-members": ("d", N_(
        "We are a not-for-profit body; the data concerns only our members, former members or people "
        "in regular contact with us, and is not shared outside without their consent.")),
    "manifestly-made-public": ("e", N_(
        "The people concerned made this information public themselves, for example by standing "
        "for election on behalf of a party.")),
    "legal-claims": ("f", N_(
        "It is needed to establish, exercise or defend legal claims.")),
    "substantial-public-interest": ("g", N_(
        "It is needed for reasons of substantial public interest that a law lays down.")),
    "health-care": ("h", N_(
        "It is needed for health or social care, by professionals bound to secrecy.")),
    "public-health": ("i", N_(
        "It is needed for reasons of public health.")),
    "archiving-research": ("j", N_(
        "It is needed for archiving in the public interest, research or statistics, with safeguards.")),
}

SPECIAL_CATEGORIES = {
    "racial-ethnic-origin": N_("racial or ethnic origin"),
    "political-opinion": N_("political opinions (such as membership of a political party)"),
    "religious-belief": N_("religious or philosophical beliefs"),
    "trade-union": N_("trade union membership"),
    "genetic": N_("genetic data"),
    "biometric": N_("biometric data that identifies a person"),
    "health": N_("data concerning health"),
    "sex-life-orientation": N_("sex life or sexual orientation"),
    "criminal": N_("criminal convictions and offences"),
}

DATA_CATEGORIES = {
    "name": N_("name"),
    "contact": N_("contact details (email address, phone number)"),
    "address": N_("address"),
    "role": N_("functions and roles at organisations"),
    "party": N_("political party of a function"),
    "notes": N_("short notes by staff"),
    "tags": N_("tags (subjects of interest)"),
    "consent": N_("consents given and withdrawn"),
    "interactions": N_("contact moments (meetings, calls, emails)"),
    "requests": N_("questions and requests"),
    "identifiers": N_("identifying numbers"),
    "language": N_("preferred language"),
    "birth-date": N_("date of birth"),
}

DATA_SUBJECTS = {
    "office-holders": N_("office holders (mayors, aldermen, council members)"),
    "municipal-officials": N_("municipal officials"),
    "partner-contacts": N_("contact persons at partner organisations"),
    "partner-staff": N_("staff of partner organisations"),
    "requesters": N_("people who make a request about their data"),
    "subscribers": N_("subscribers"),
    "event-participants": N_("event participants"),
    "clients": N_("clients"),
    "customers": N_("customers"),
    "contacts": N_("contacts"),
    "members": N_("members"),
    "former-members": N_("former members"),
    "regular-contacts": N_("people in regular contact with us"),
}
"""Labels for the data-subject categories the examples use; a `data-subjects` vocabulary,
when the repository keeps one, is read first."""

RETENTION_AFTER = {
    "collected": N_("after the data was collected"),
    "last-activity": N_("after the last contact"),
    "last-role-end": N_("after the last role ended"),
    "consent-withdrawn": N_("after consent was withdrawn"),
    "request-closed": N_("after the request was closed"),
}

RETENTION_THEN = {
    "delete": N_("then deleted"),
    "anonymise": N_("then anonymised"),
    "review": N_("then reviewed: what is no longer needed is deleted"),
}

REQUEST_KINDS = {
    "question": N_("Questions"),
    "project": N_("Project requests"),
    "access": N_("Requests for access"),
    "rectification": N_("Requests for rectification"),
    "erasure": N_("Requests for erasure"),
    "portability": N_("Requests for data portability"),
    "objection": N_("Objections"),
    "restriction": N_("Requests for restriction"),
    "complaint": N_("Complaints"),
    "other": N_("Other requests"),
}

FIELDS = {
    "title": N_("title"), "description": N_("description"), "legal_basis": N_("legal basis"),
    "legitimate_interest": N_("balancing of interests"), "data_subjects": N_("data subjects"),
    "data_categories": N_("categories of data"), "special_categories": N_("special categories"),
    "article9_exception": N_("exception for special categories"), "retention": N_("retention"),
    "sources": N_("sources"), "collection": N_("method of collection"), "profiling": N_("profiling"),
    "recipients": N_("recipients"), "processors": N_("processors"), "transfers": N_("transfers"),
    "security": N_("security measures"), "review": N_("review"), "owner": N_("responsible team"),
    "consent_wordings": N_("consent wording"), "publish": N_("public directory"),
    "name": N_("name"), "service": N_("service"), "contact": N_("contact"), "country": N_("country"),
    "data_location": N_("data location"), "agreement": N_("processing agreement"),
    "subprocessors": N_("sub-processors"),
    "transfer": N_("transfer safeguard"), "dpia": N_("impact assessment (DPIA)"),
    "requirement": N_("whether the data must be given"), "profiling_logic": N_("logic of the profiling"),
}
"""Top-level fields of purposes and processors, as the history of changes names them."""

PUBLISHED = {
    "name": N_("Name"), "function": N_("Function"), "organisation": N_("Organisation"),
    "party": N_("Party"), "portfolio": N_("Portfolio"), "start": N_("Since"),
}
"""The fields a purpose's `publish` may list, in the order the directory shows them."""


def legal_basis(_: Gettext, basis: object) -> tuple[str, str, str]:
    """(name, article, what it means) of an Art. 6(1) basis; empty texts when unknown."""
    entry = LEGAL_BASES.get(basis) if isinstance(basis, str) else None
    if entry is None:
        return "", "", ""
    letter, name, meaning = entry
    return _(name), _("Article 6(1)({letter}) GDPR").format(letter=letter), _(meaning)


def exception(_: Gettext, code: object) -> tuple[str, str]:
    """(article, what it means) of an Art. 9(2) exception; empty texts when unknown."""
    entry = ARTICLE9_EXCEPTIONS.get(code) if isinstance(code, str) else None
    if entry is None:
        return "", ""
    letter, meaning = entry
    return _("Article 9(2)({letter}) GDPR").format(letter=letter), _(meaning)


ARTICLE10_GROUNDS = {
    "official-authority": N_("under the control of official authority"),
    "law": N_("authorised by a law that provides safeguards"),
}


def article10(_: Gettext, basis: object) -> str:
    """What allows data on criminal convictions and offences, in words ("Article 10 GDPR: under
    the control of official authority (UAVG art. 33(2)(a))"); "" when not filled in."""
    if not isinstance(basis, dict) or basis.get("ground") not in ARTICLE10_GROUNDS:
        return ""
    shown = _("Article 10 GDPR: {ground}").format(ground=_(ARTICLE10_GROUNDS[basis["ground"]]))
    reference = basis.get("reference")
    return f"{shown} ({reference})" if isinstance(reference, str) and reference.strip() else shown


def label(_: Gettext, table: dict[str, str], value: str) -> str:
    """The translated label of a code, or the code with spaces for hyphens when the table
    does not know it (a fork may add values; the page must still read)."""
    return _(table[value]) if value in table else value.replace("-", " ")


def duration(_: Gettext, text: object) -> str:
    """`P2Y` as "2 years", `P1Y6M` as "1 year and 6 months"; "" when not a duration."""
    parsed = parse_duration(text)
    if parsed is None:
        return ""
    parts = []
    for count, one, many in ((parsed.years, N_("{count} year"), N_("{count} years")),
                             (parsed.months, N_("{count} month"), N_("{count} months")),
                             (parsed.days, N_("{count} day"), N_("{count} days"))):
        if count:
            parts.append(_(one if count == 1 else many).format(count=count))
    if not parts:
        return _("{count} days").format(count=0)
    if len(parts) == 1:
        return parts[0]
    return _("{first} and {last}").format(first=", ".join(parts[:-1]), last=parts[-1])


def retention(_: Gettext, policy: object) -> str:
    """"2 years after the last role ended, then deleted"; "" when the policy is incomplete."""
    if not isinstance(policy, dict):
        return ""
    period = duration(_, policy.get("period"))
    after, then = policy.get("after"), policy.get("then")
    if not period or not isinstance(after, str) or not isinstance(then, str):
        return ""
    return _("{period} {after}, {then}").format(
        period=period, after=label(_, RETENTION_AFTER, after), then=label(_, RETENTION_THEN, then))


def in_words(period: object, language: str) -> str:
    """`P1M` as "1 maand" (or "1 month"), `P1Y6M` as "1 jaar en 6 maanden", for a person to
    read; the text itself when it is not a duration. The register's own wording
    (`duration`), in `language`: the register, the review and the diff say a
    period the same way."""
    from ..i18n import translator
    return duration(translator(language).gettext, period) or str(period)
