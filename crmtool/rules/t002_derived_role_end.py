"""T002: a role held on behalf of another ends no later than that role.

After an election an alderman's role ends; his committee seat, held on behalf of it, must
end then too (`crmtool end-role` does both in one change). A derived role that is still
open, or ends later, than the role it derives from is reported.

Passing::

    # r-lelystad-wethouder-2022: end 2026-05-01
    # r-lelystad-commissie-milieu: on_behalf_of r-lelystad-wethouder-2022, end 2026-05-01

Failing::

    # r-lelystad-commissie-milieu: on_behalf_of r-lelystad-wethouder-2022, no end
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..load.model import Period
from .base import RepoContext, Rule

RULE = Rule("T002", "error", N_("A role held on behalf of another must end no later than it"),
            "repository", "contract")


def check(ctx: RepoContext) -> Iterator[Finding]:
    for role in ctx.model.of("roles"):
        parent_id = role.get("on_behalf_of")
        parent = ctx.model.get("roles", parent_id) if isinstance(parent_id, str) else None
        if parent is None or parent.id == role.id:
            continue
        parent_end = Period.of(parent.data).end
        own_end = Period.of(role.data).end
        if parent_end is None or (own_end is not None and own_end <= parent_end):
            continue
        pointer = ("end",) if "end" in role.data else ()
        yield RULE.finding(role.path, ctx.at(role, pointer),
                           _("This role is held on behalf of '{parent}', which ended on {end}, but it {state}.").format(
                               parent=parent.id, end=parent_end.isoformat(),
                               state=_("is still open") if own_end is None else
                               _("ends later, on {day}").format(day=own_end.isoformat())),
                           _("End it on {end} at the latest: crmtool end-role {parent} --on {end} ends both.").format(
                               end=parent_end.isoformat(), parent=parent.id))
