"""P005: special-category data needs an Art. 9(2) exception in the purpose.

Processing special categories of personal data (political opinions, health, religion, ...) is
forbidden (Art. 9(1)) unless one of the exceptions of Art. 9(2) applies. Two judgements:

- a purpose that lists `special_categories` must name its `article9_exception`; a purpose
  with special categories and no exception (missing or null) is reported on its
  `special_categories` key. `criminal` is not an Art. 9 category: it needs an Art. 10 basis
  instead (P031), so a purpose that lists only `criminal` needs no Art. 9(2) exception;
- a role that names a `party` records a political party membership of its holder, which is a
  political opinion. It is allowed only when one of the holder's purpose labels in force
  (holding today, or ended with its retention still running) has a purpose that lists
  `political-opinion` with an exception (for elected office holders typically
  `manifestly-made-public`). Otherwise the role's `party` is reported. Roles held by a member
  organisation are not about a person. A holder without any label in force is left to P001,
  and one whose labels name an unknown purpose to P002: their exceptions are not known.

Passing::

    # purpose office-holders
    special_categories: [political-opinion]
    article9_exception: manifestly-made-public

Failing::

    # purpose office-holders
    special_categories: [political-opinion]
    article9_exception: null
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..domain.policy import CRIMINAL, special_categories
from ..domain.retention import holder_labels
from .base import RepoContext, Rule

RULE = Rule("P005", "error", N_("Special-category data needs an Art. 9(2) exception in the purpose"), "repository",
            "Art. 9(1), 9(2)", dated=True)

POLITICAL_OPINION = "political-opinion"


def check(ctx: RepoContext) -> Iterator[Finding]:
    yield from _purposes(ctx)
    yield from _party_memberships(ctx)



def _purposes(ctx: RepoContext) -> Iterator[Finding]:
    for purpose in ctx.model.of("purposes"):
        categories = purpose.get("special_categories")
        if not isinstance(categories, list) or purpose.get("article9_exception"):
            continue
        categories = [c for c in categories if c != CRIMINAL]  # Art. 10, P031
        if not categories:
            continue
        yield RULE.finding(purpose.path, ctx.at(purpose, ("special_categories",), at_key=True),
                           _("This purpose processes special categories of data ({categories}) but names no "
                             "Art. 9(2) exception.").format(categories=", ".join(map(str, categories))),
                           _("Set 'article9_exception' to the Art. 9(2) exception that allows them (for example "
                             "explicit-consent, not-for-profit-members or manifestly-made-public), or remove the "
                             "special categories if the purpose does not need them."))


def _party_memberships(ctx: RepoContext) -> Iterator[Finding]:
    for role in ctx.model.of("roles"):
        party, holder = role.get("party"), role.get("person")
        if not isinstance(party, str) or not party or not isinstance(holder, str):
            continue
        in_force = holder_labels(ctx.model, holder, ctx.today)
        if in_force is None:
            continue  # R001, S001, P001, P002
        if POLITICAL_OPINION in special_categories(ctx.model, in_force):
            continue
        purposes = ", ".join(dict.fromkeys(label.purpose for label in in_force))
        yield RULE.finding(role.path, ctx.at(role, ("party",)),
                           _("The party on this role is a political opinion of person {person} (special category, "
                             "Art. 9), but none of their purposes ({purposes}) allows political-opinion with an "
                             "Art. 9(2) exception.").format(person=holder, purposes=purposes),
                           _("Remove the party, or hold the person under a purpose that lists political-opinion "
                             "with its Art. 9(2) exception (e.g. manifestly-made-public for elected office "
                             "holders)."))
