"""R002: organisation parents form no cycle.

`parent` says which organisation one is part of (a council is part of its municipality). A
cycle (A part of B, B part of A) has no top and breaks every question that walks upwards.

Passing::

    # gemeente-almere-raad.yaml
    parent: gemeente-almere

Failing::

    # gemeente-almere.yaml
    parent: gemeente-almere-raad
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("R002", "error", N_("Organisation parents must not form a cycle"), "repository", "contract")


def check(ctx: RepoContext) -> Iterator[Finding]:
    parents = {r.id: r.get("parent") for r in ctx.model.of("organisations") if isinstance(r.get("parent"), str)}
    for start in sorted(parents):
        chain, current = [], start
        while current in parents and current not in chain:
            chain.append(current)
            current = parents[current]
        if current == start:  # back where it began: every member of the cycle is reported
            record = ctx.model.get("organisations", start)
            assert record is not None  # start is the id of an organisation read above
            yield RULE.finding(record.path, ctx.at(record, ("parent",)),
                               _("The parents of '{id}' lead back to it: {cycle}.").format(
                                   id=start, cycle=" → ".join(chain + [start])),
                               _("Remove or correct one 'parent' in this cycle."))
