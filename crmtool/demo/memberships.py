"""Roles in the bodies municipalities share, given once every municipality's people are
known: membership of the safety region and the G40 (held by the municipality itself), the
chair of each safety region (the mayor of its largest municipality, on behalf of the mayor's
role), and per election period the association's committees (aldermen with a matching
portfolio, mayors on the safety committee), their chairs, and the board (the committee
chairs, on behalf of their chair, and a mayor as its chair).

A role held on behalf of another ends when that role ends (T002), and a single-seat function
is held by one person at a time (T003): every period here lies within the role it derives
from and within its own election period.
"""
from __future__ import annotations

import datetime as dt
import random

from . import catalogue
from .careers import Calendar, Registry, add_role
from .dates import DAY
from .entities import Person, Role
from .organisations import Landscape

COMMITTEE_DELAY_DAYS = 180  # committees are formed about half a year after the elections
MAX_COMMITTEES_PER_PERSON = 2


def committee_size(municipalities: int) -> int:
    return max(3, min(25, 2 + municipalities // 16))


def organisation_roles(landscape: Landscape, today: dt.date) -> list[Role]:
    """Membership of the safety regions and the G40, held by the municipalities."""
    roles = []
    vr_start = min(dt.date(2010, 10, 1), today - dt.timedelta(days=365))
    g40_start = min(dt.date(2015, 1, 1), today - dt.timedelta(days=365))
    for m in landscape.municipalities:
        roles.append(Role(landscape.safety_regions[m.safety_region], "lid", vr_start, member=m.org))
        if m.g40:
            roles.append(Role(landscape.g40, "lid", g40_start, member=m.org))
    return roles


def safety_region_chairs(landscape: Landscape, people: list[Person], registry: Registry) -> None:
    """Each safety region is chaired by the mayor of its largest member municipality."""
    mayors: dict[str, list[Role]] = {}
    for person in people:
        for role in person.roles:
            if role.function == "burgemeester":
                mayors.setdefault(role.organisation.id, []).append(role)
    for vr, region in landscape.safety_regions.items():
        members = [m for m in landscape.municipalities if m.safety_region == vr]
        largest = max(members, key=lambda m: (m.inwoners, m.slug))
        for base in mayors.get(largest.college.id, []):
            assert base.person is not None  # roles of people
            if registry.may_join(region, base.person):
                    add_role(base.person, Role(region, "voorzitter", base.start, base.end,
                                           "derived-role-ended" if base.end else None, on_behalf_of=base))


def committees(rng: random.Random, landscape: Landscape, people: list[Person], calendar: Calendar,
               registry: Registry) -> None:
    """Per election period: committee members, their chairs, the board and its chair."""
    today = calendar.today
    starts = [t.election + dt.timedelta(days=COMMITTEE_DELAY_DAYS) for t in calendar.terms]
    starts = [s for s in starts if s <= today]
    aldermen = [r for p in people for r in p.roles if r.function == "wethouder"]
    mayors = [r for p in people for r in p.roles if r.function == "burgemeester"]
    size = committee_size(len(landscape.municipalities))
    for k, start in enumerate(starts):
        until = starts[k + 1] - DAY if k + 1 < len(starts) else None
        seats: dict[int, int] = {}
        chairs: list[Role] = []
        for cid, (_nl, _en, _short, portfolios) in catalogue.COMMITTEES.items():
            body = landscape.committees[cid]
            pool = mayors if cid == catalogue.SAFETY_COMMITTEE else [
                r for r in aldermen if set(r.portfolio) & set(portfolios)]
            candidates = [r for r in pool if r.holds_on(start)]
            chosen: list[Role] = []
            for base in rng.sample(candidates, min(len(candidates), 2 * size)):
                person = base.person
                if len(chosen) < size and seats.get(id(person), 0) < MAX_COMMITTEES_PER_PERSON \
                        and registry.may_join(body, person):
                    seats[id(person)] = seats.get(id(person), 0) + 1
                    chosen.append(_derived(base, body, "commissielid", start, until))
            if chosen:
                first = chosen[0]
                assert first.on_behalf_of is not None  # _derived made it on behalf of a base role
                chairs.append(_derived(first.on_behalf_of, body, "voorzitter", start, until))
        for chair in chairs:
            assert chair.person is not None  # _derived gave it the person of its base role
            if registry.may_join(landscape.board, chair.person):
                _derived(chair, landscape.board, "bestuurslid", start, until)
        candidates = [r for r in mayors if r.holds_on(start)]
        for base in rng.sample(candidates, len(candidates)):
            if registry.may_join(landscape.board, base.person):
                _derived(base, landscape.board, "voorzitter", start, until)
                break


def _derived(base: Role, body, function: str, start: dt.date, until: dt.date | None) -> Role:
    """A role held on behalf of `base`, from `start` until `base` or the period ends."""
    ends = [d for d in (base.end, until) if d is not None]
    end = min(ends) if ends else None
    if end is None:
        reason = None
    elif base.end is not None and base.end == end:
        reason = "derived-role-ended"
    else:
        reason = "term-ended"
    assert base.person is not None  # derived roles stand on a person's role
    return add_role(base.person, Role(body, function, start, end, reason, on_behalf_of=base))
