"""R003: a role held on behalf of another role belongs to the same holder.

`on_behalf_of` says that a role exists because of another one (a committee seat held because
one is an alderman). Such a chain only makes sense for one and the same person or member
organisation.

Passing::

    # r-lelystad-commissie-milieu.yaml
    person: p-4hz8wd
    on_behalf_of: r-lelystad-wethouder-2022   # also held by p-4hz8wd

Failing::

    person: p-4hz8wd
    on_behalf_of: r-almere-burgemeester        # held by someone else
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("R003", "error", N_("A role held on behalf of another role must have the same holder"),
            "repository", "contract")


def holder(role) -> tuple[str, str]:
    if role.get("person"):
        return ("person", role.get("person"))
    return ("member_organisation", role.get("member_organisation"))


def check(ctx: RepoContext) -> Iterator[Finding]:
    for role in ctx.model.of("roles"):
        parent_id = role.get("on_behalf_of")
        parent = ctx.model.get("roles", parent_id) if isinstance(parent_id, str) else None
        if parent is None:
            continue  # a dangling reference is R001's
        if parent.id == role.id:
            yield RULE.finding(role.path, ctx.at(role, ("on_behalf_of",)),
                               _("The role is held on behalf of itself."),
                               _("Point 'on_behalf_of' to the role this one derives from, or remove it."))
        elif holder(parent) != holder(role):
            yield RULE.finding(role.path, ctx.at(role, ("on_behalf_of",)),
                               _("The role '{parent}' is held by {other}, not by the holder of this role.").format(
                                   parent=parent.id, other=holder(parent)[1]),
                               _("A role held on behalf of another belongs to the same holder: "
                                 "correct 'on_behalf_of' or the holder."))
