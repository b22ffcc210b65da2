"""P030: a role at an organisation that reveals a special category needs a purpose that allows it.

Some organisations say something about everyone who belongs to them: a board seat at a trade
union is trade-union membership, a role at a mosque foundation or a parish reveals a religious
belief, a volunteer at a patients' association often their health (Art. 9(1)); an
association of former prisoners reveals criminal data (Art. 10). Such an organisation carries
`special_category` (the purposes' vocabulary: trade-union, religious-belief, health, ...).

This extends P005's reasoning on a role's `party` to the organisation itself: a person who
holds (or held) a role at such an organisation, or at a part of one (through `parent`), is
allowed only when one of their purpose labels in force has a purpose that lists that category
with its exception: an Art. 9(2) exception for the categories of Art. 9, an Art. 10 basis
(`article10_basis`) for `criminal`. Otherwise the role is reported on its `organisation`. As
in P005, roles held by a member organisation are not about a person, a holder without any
label in force is left to P001 and one whose labels name an unknown purpose to P002.

Passing (the holder's purpose lists `trade-union` with `article9_exception: manifestly-made-public`)::

    # organisation vakbond-abvv-gent: {name: ABVV Gent, kind: trade-union, special_category: trade-union}
    person: p-aaaaaa
    organisation: vakbond-abvv-gent
    function: bestuurslid

Failing (the holder's only purpose lists no special category)::

    person: p-aaaaaa
    organisation: vakbond-abvv-gent
    function: bestuurslid
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..load.model import Model
from ..domain import words
from ..domain.policy import special_categories
from ..domain.retention import holder_labels
from .base import RepoContext, Rule

RULE = Rule("P030", "error", N_("A role at an organisation that reveals a special category needs a purpose that "
                                "allows it"), "repository", "Art. 9(1), 9(2), 10", dated=True)


def revealed(model: Model, organisation_id: str) -> str | None:
    """The special category an organisation, or the nearest organisation it is part of,
    reveals; None when none does (a cycle of `parent` is R002's and ends the search)."""
    seen: set[str] = set()
    current = model.get("organisations", organisation_id)
    while current is not None and current.id not in seen:
        seen.add(current.id)
        category = current.get("special_category")
        if isinstance(category, str) and category:
            return category
        parent = current.get("parent")
        current = model.get("organisations", parent) if isinstance(parent, str) else None
    return None



def check(ctx: RepoContext) -> Iterator[Finding]:
    for role in ctx.model.of("roles"):
        organisation, holder = role.get("organisation"), role.get("person")
        if not isinstance(organisation, str) or not isinstance(holder, str):
            continue
        category = revealed(ctx.model, organisation)
        if category is None:
            continue
        in_force = holder_labels(ctx.model, holder, ctx.today)
        if in_force is None:
            continue  # R001, S001, P001, P002
        if category in special_categories(ctx.model, in_force):
            continue
        purposes = ", ".join(dict.fromkeys(label.purpose for label in in_force))
        described = words.label(_, words.SPECIAL_CATEGORIES, category)
        yield RULE.finding(role.path, ctx.at(role, ("organisation",)),
                           _("A role at {organisation} reveals {words} of person {person} (special category "
                             "'{category}'), but none of their purposes ({purposes}) allows '{category}' with its "
                             "exception.").format(organisation=organisation, words=described, category=category,
                                                  person=holder, purposes=purposes),
                           _("Hold the person under a purpose that lists this category in special_categories with "
                             "its Art. 9(2) exception (for criminal: an article10_basis), or do not record the "
                             "role."))
