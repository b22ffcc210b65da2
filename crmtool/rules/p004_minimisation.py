"""P004: a person carries only data that one of their purposes allows.

Data minimisation (Art. 5(1)(c)): personal data must be limited to what the purposes need.
Each purpose lists the categories of data a person under it may carry (`data_categories`);
a person may carry a category when one of their purpose labels in force allows it (a label
that holds today, or one that ended but whose retention period still runs).

What a person carries, by category:

- in the person file: `name`; `emails` and `phones` (contact); `addresses` (address);
  `language`; `notes`; `tags`; `consents` (consent); a custom field under `fields` has the
  `category` of its definition in records/fields/ (a definition without one cannot be judged,
  which is itself a finding on the field). Empty lists and values carry nothing;
- the roles the person holds or held (role), and the party named on such a role (party);
- the contact moments that name the person under `people` (interactions);
- the requests the person made, `from.person` (requests).

Each category is reported once per record, on the first field that carries it; data in a role,
contact moment or request is reported on that record. A person without any label in force is
left to P001, and one whose labels name an unknown purpose (P002) or a purpose whose
`data_categories` is malformed (S001) is not judged: the allowed categories are not known.

Passing (under a purpose with ``data_categories: [name, contact]``)::

    name: {given: Jan, family: Jansen}
    emails: [{address: jan@example.org, kind: work}]

Failing::

    name: {given: Jan, family: Jansen}
    addresses: [{kind: home, street: Dorpsstraat, number: "1", city: Almere}]
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..load.model import Record
from ..domain.policy import PERSON_FIELD_CATEGORY, carries_data, Label, allowed_categories
from ..domain.retention import labels_in_force
from .base import RepoContext, Rule

RULE = Rule("P004", "error", N_("A person carries only data that one of their purposes allows"), "repository",
            "Art. 5(1)(c)", dated=True)


def check(ctx: RepoContext) -> Iterator[Finding]:
    for person in ctx.model.of("people"):
        if not _readable(person):
            continue  # S001
        in_force = labels_in_force(ctx.model, person, ctx.today)
        if not in_force or not _judgeable(ctx, in_force):
            continue
        allowed = allowed_categories(ctx.model, in_force)
        purposes = ", ".join(dict.fromkeys(label.purpose for label in in_force))
        yield from _person_file(ctx, person, allowed, purposes)
        yield from _linked_records(ctx, person, allowed, purposes)



def _readable(person: Record) -> bool:
    """Whether `purposes` and `consents` are lists, as the policy helpers read them (S001 reports
    any other shape)."""
    return all(isinstance(person.get(key) or [], list) for key in ("purposes", "consents"))

def _judgeable(ctx: RepoContext, in_force: list[Label]) -> bool:
    """Whether every purpose in force exists and lists its categories in a usable form."""
    for label in in_force:
        purpose = ctx.model.get("purposes", label.purpose)
        if purpose is None or not isinstance(purpose.get("data_categories", []), (list, type(None))):
            return False
    return True



def _person_file(ctx: RepoContext, person: Record, allowed: set[str], purposes: str) -> Iterator[Finding]:
    reported: set[str] = set()
    for key, value in person.data.items():
        if key == "fields":
            if isinstance(value, dict):
                yield from _custom_fields(ctx, person, value, allowed, purposes, reported)
            continue
        category = PERSON_FIELD_CATEGORY.get(key)
        if category is None or not carries_data(value) or category in allowed or category in reported:
            continue
        reported.add(category)
        yield RULE.finding(person.path, ctx.at(person, (key,)),
                           _("This person carries {category} data ('{field}'), which none of their purposes "
                             "({purposes}) allows.").format(category=category, field=key, purposes=purposes),
                           _hint(category))


def _custom_fields(ctx: RepoContext, person: Record, values: dict, allowed: set[str], purposes: str,
                   reported: set[str]) -> Iterator[Finding]:
    for name, value in values.items():
        if not isinstance(name, str) or not carries_data(value):
            continue
        definition = ctx.model.get("fields", name)
        if definition is None:
            continue  # S004
        category = definition.get("category")
        if not isinstance(category, str):
            yield RULE.finding(person.path, ctx.at(person, ("fields", name)),
                               _("The custom field '{field}' has no data category, so it cannot be checked "
                                 "against this person's purposes ({purposes}).").format(field=name, purposes=purposes),
                               _("Give the definition in records/fields/{field}.yaml a 'category' (for example "
                                 "contact or notes), the kind of personal data the field holds.").format(field=name))
            continue
        if category in allowed or category in reported:
            continue
        reported.add(category)
        yield RULE.finding(person.path, ctx.at(person, ("fields", name)),
                           _("This person carries {category} data (custom field '{field}'), which none of their "
                             "purposes ({purposes}) allows.").format(category=category, field=name, purposes=purposes),
                           _hint(category))


def _linked_records(ctx: RepoContext, person: Record, allowed: set[str], purposes: str) -> Iterator[Finding]:
    """Roles, contact moments and requests about the person: data about them in other files.

    Messages name the person by id only: the name is personal data of another file."""
    for role in ctx.model.roles_of(person.id):
        if "role" not in allowed:
            yield RULE.finding(role.path, ctx.at(role, ("person",)),
                               _("This role is data about person {person} (category role), which none of their "
                                 "purposes ({purposes}) allows.").format(person=person.id, purposes=purposes),
                               _hint("role"))
        if "party" not in allowed and carries_data(role.get("party")):
            yield RULE.finding(role.path, ctx.at(role, ("party",)),
                               _("This role records the party of person {person} (category party), which none of "
                                 "their purposes ({purposes}) allows.").format(person=person.id, purposes=purposes),
                               _hint("party"))
    if "interactions" not in allowed:
        names = {person.id, *(a for a in person.get("aliases") or [] if isinstance(a, str))}
        for interaction in {i.path: i for i in ctx.model.interactions_of(person.id)}.values():
            people = interaction.get("people")
            index = next((k for k, p in enumerate(people) if p in names), 0) if isinstance(people, list) else 0
            yield RULE.finding(interaction.path, ctx.at(interaction, ("people", index)),
                               _("This contact moment is data about person {person} (category interactions), which "
                                 "none of their purposes ({purposes}) allows.").format(person=person.id,
                                                                                      purposes=purposes),
                               _hint("interactions"))
    if "requests" not in allowed:
        for request in ctx.model.requests_from(person.id):
            yield RULE.finding(request.path, ctx.at(request, ("from", "person")),
                               _("This request is data about person {person} (category requests), which none of "
                                 "their purposes ({purposes}) allows.").format(person=person.id, purposes=purposes),
                               _hint("requests"))


def _hint(category: str) -> str:
    return _("Remove the data, or add '{category}' to the data_categories of one of these purposes if it is "
             "really needed for it.").format(category=category)
