"""T003: a single-seat function has one holder at a time at one organisation.

Functions marked `single_seat: true` in `records/vocabularies/functions.yaml` (mayor,
registry clerk, chair) cannot be held by two roles whose periods overlap at the same
organisation. Usually the old holder's role lacks its end date.

Passing::

    # r-almere-burgemeester-2015: end 2021-09-30
    # r-almere-burgemeester-2021: start 2021-10-01

Failing::

    # r-almere-burgemeester-2015: no end
    # r-almere-burgemeester-2021: start 2021-10-01
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..load.model import Period
from .base import RepoContext, Rule

RULE = Rule("T003", "error", N_("A single-seat function must not be held twice at once"),
            "repository", "contract")


def check(ctx: RepoContext) -> Iterator[Finding]:
    functions = ctx.model.vocabulary("functions") or {}
    seats = defaultdict(list)
    for role in ctx.model.of("roles"):
        function = role.get("function")
        if isinstance(function, str) and functions.get(function, {}).get("single_seat") is True:
            seats[(role.get("organisation"), function)].append(role)
    for (organisation, function), roles in sorted(seats.items(), key=lambda item: str(item[0])):
        roles.sort(key=lambda r: (r.get("start") or "", r.id))
        for index, later in enumerate(roles):
            for earlier in roles[:index]:
                if Period.of(earlier.data).overlaps(Period.of(later.data)):
                    yield RULE.finding(later.path, ctx.at(later, ("start",)),
                                       _("'{function}' at '{organisation}' has one seat, "
                                         "but this role overlaps '{other}'.").format(
                                           function=function, organisation=organisation, other=earlier.id),
                                       _("Give '{other}' an end date before this role starts, "
                                         "or correct the dates.").format(other=earlier.id))
