"""T004: the roles of an inactive person are closed.

A person marked `status: inactive` with `inactive_since` holds no function after that day;
a role still open (or ending later) would make `crmtool who` name them.

Passing::

    # person: status inactive, inactive_since 2026-04-01
    # role of that person: end 2026-03-31

Failing::

    # role of that person: no end
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..load.model import Period, parse_date
from .base import RepoContext, Rule

RULE = Rule("T004", "error", N_("The roles of an inactive person must be closed"), "repository", "contract")


def check(ctx: RepoContext) -> Iterator[Finding]:
    for role in ctx.model.of("roles"):
        person = ctx.model.get("people", role.get("person")) if isinstance(role.get("person"), str) else None
        if person is None or person.get("status") != "inactive":
            continue
        since = parse_date(person.get("inactive_since"))
        end = Period.of(role.data).end
        if end is None or (since is not None and end >= since):
            state = (_("the role is still open") if end is None else
                     _("the role ends later, on {day}").format(day=end.isoformat()))
            yield RULE.finding(role.path, ctx.at(role, ("end",) if "end" in role.data else ()),
                               _("The holder of this role is inactive{since}, but {state}.").format(
                                   since=_(" since {day}").format(day=since.isoformat()) if since else "",
                                   state=state),
                               _("End the role on the day before the person became inactive (crmtool end-role)."))
