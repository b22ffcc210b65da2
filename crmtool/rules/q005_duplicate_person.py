"""Q005: probable duplicate people.

Two records of one person split what is held about them: an access request (Art. 15) would
miss half, an erasure (Art. 17) would leave a copy behind, and a consent withdrawn on one
record still seems given on the other (Art. 5(1)(d)). Two people are probably the same when
they share

- an email address (upper and lower case and spaces around it ignored), or
- a phone number (compared in international E.164 form, so "06 12345678" and
  "+31 6 12345678" are the same; a number in national form is read for the default country
  as in Q002), or
- the same full name (given name, or the initials when there is no given name, prefix and
  family name; lower case, accents and spaces around them ignored) together with a current
  role (on the day of the check) at the same organisation.

The judgement is "probably": colleagues may share a switchboard number, and two people may
have one name, so this is a warning. A pair is reported once, on the file that sorts later,
at the shared value, naming the earlier file's path (never the other person's data). When a
pair shares several things, the email address is named first, then the phone number, then
the name. When three or more people share one value, each later file is reported once,
against the first file, with the number of others: forty aldermen with the town hall's
number give 39 warnings, not 780. A merged record's `aliases` are old ids, not people: they
are not compared.

Passing::

    # records/people/p-aaaaaa.yaml
    emails: [{address: j.jansen@almere.example.nl}]
    # records/people/p-bbbbbb.yaml
    emails: [{address: m.jansen@almere.example.nl}]

Failing::

    # records/people/p-bbbbbb.yaml
    emails: [{address: J.Jansen@almere.example.nl}]
"""
from __future__ import annotations

from typing import Any, Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..load.model import Record
from .base import DEFAULT_COUNTRY, RepoContext, Rule
from ..domain.people import current_organisations, email_key
from ..domain.people import name_key as full_name
from ..domain.phones import e164

RULE = Rule("Q005", "warning", N_("Probable duplicate people"), "repository", "Art. 5(1)(d)",
            settings=(DEFAULT_COUNTRY,))


def check(ctx: RepoContext) -> Iterator[Finding]:
    people = sorted(ctx.model.of("people"), key=lambda person: person.path)
    region = ctx.setting(DEFAULT_COUNTRY)
    reported: set[tuple[str, str]] = set()
    for kind, groups in (("email", _by_email(people)), ("phone", _by_phone(people, region)),
                         ("name", _by_name_and_organisation(ctx, people))):
        for key, members in groups.items():
            earlier = members[0][0]  # members are in path order: every later one is compared with the first
            for later, pointer in members[1:]:
                pair = (earlier.path, later.path)
                if pair in reported or _merged(earlier, later):
                    continue
                reported.add(pair)
                message, otherwise = _explain(kind, key, earlier.path)
                if len(members) > 2:
                    message += " " + _("{count} other people share it too.").format(count=len(members) - 2)
                hint = _("If this is one person, merge the two records (the first id is kept): "
                         "crmtool merge {keep} {duplicate}. {otherwise}").format(
                             keep=earlier.id, duplicate=later.id, otherwise=otherwise)
                yield RULE.finding(later.path, ctx.at(later, pointer), message, hint)


def _explain(kind: str, key: Any, other: str) -> tuple[str, str]:
    """The message, and what to do when the two are different people."""
    if kind == "email":
        return (_("This person has the same email address as {other}.").format(other=other),
                _("If they are different people, correct the address on the record where it is wrong: "
                  "each person needs their own address."))
    if kind == "phone":
        return (_("This person has the same phone number as {other}.").format(other=other),
                _("If they are different people (a shared office number), keep the number with the one it "
                  "belongs to, or waive this finding in crmtool.yaml with that reason."))
    return (_("This person has the same name as {other}, and both hold a current role at {organisation}.").format(
                other=other, organisation=key[1]),
            _("If they are different people with the same name, waive this finding in crmtool.yaml with that reason."))


def _by_email(people: list[Record]) -> dict[str, list[tuple[Record, tuple]]]:
    groups: dict[str, list[tuple[Record, tuple]]] = {}
    for person in people:
        for index, item in _items(person.get("emails")):
            key = email_key(item.get("address"))
            if key:
                _add(groups, key, person, ("emails", index, "address"))
    return groups


def _by_phone(people: list[Record], region: str) -> dict[str, list[tuple[Record, tuple]]]:
    groups: dict[str, list[tuple[Record, tuple]]] = {}
    for person in people:
        for index, item in _items(person.get("phones")):
            number = e164(item.get("number"), region)
            if number:
                _add(groups, number, person, ("phones", index, "number"))
    return groups


def _by_name_and_organisation(ctx: RepoContext, people: list[Record]) -> dict[tuple, list[tuple[Record, tuple]]]:
    groups: dict[tuple, list[tuple[Record, tuple]]] = {}
    for person in people:
        name = full_name(person.get("name"))
        if not name:
            continue
        for organisation in current_organisations(ctx.model, person.id, ctx.today):
            _add(groups, (name, organisation), person, ("name",))
    return groups


def _items(value: Any) -> Iterator[tuple[int, dict]]:
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield index, item


def _add(groups: dict, key: Any, person: Record, pointer: tuple) -> None:
    members = groups.setdefault(key, [])
    if not any(member is person for member, _pointer in members):  # the first place in a file counts
        members.append((person, pointer))


def _merged(one: Record, other: Record) -> bool:
    """One already lists the other's id as an alias: a merge left a file behind (S006's concern)."""
    def aliases(record: Record) -> list:
        value = record.get("aliases")
        return value if isinstance(value, list) else []
    return other.id in aliases(one) or one.id in aliases(other)
