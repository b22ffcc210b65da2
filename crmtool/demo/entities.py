"""The records of the synthetic repository while they are being made: plain objects that
point at each other (a role at its person and organisation), turned into YAML text only at
the end (`yaml_text`).

Ids of people and roles are given at the end too, once it is known which people are kept:
person ids are drawn from the seeded random generator, role ids are numbered per
organisation, function and year, as in the example records.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(eq=False)
class Org:
    id: str
    name: object  # str, or {nl: ..., en: ...}
    kind: str
    role_slug: str  # the organisation's part of role ids: `almere`, `g40`, `vgn-commissie-milieu`
    owner: str = "public-affairs"
    short_name: str | None = None
    parent: "Org | None" = None
    identifiers: dict = field(default_factory=dict)
    province: str | None = None
    region: str | None = None
    places: list = field(default_factory=list)
    emails: list = field(default_factory=list)  # (address, kind)
    phones: list = field(default_factory=list)  # (number, kind)
    addresses: list = field(default_factory=list)  # (kind, street, number, postcode, city)
    website: str | None = None
    start: str | None = None
    tags: list = field(default_factory=list)
    fields: dict = field(default_factory=dict)


@dataclass(eq=False)
class Municipality:
    """A municipality with its parts, as the generator works with it."""

    org: Org
    name: str
    slug: str
    inwoners: int
    seats: int
    province: str
    safety_region: str
    council: Org
    college: Org
    registry: Org  # griffie
    secretariat: Org  # bestuurssecretariaat
    local_parties: list  # [Org]
    domain: str  # email domain of its staff
    g40: bool = False


@dataclass(eq=False)
class Person:
    given: str
    prefix: str
    family: str
    owner: str
    home: Municipality | None = None
    id: str = ""
    emails: list = field(default_factory=list)  # (address, kind)
    phones: list = field(default_factory=list)  # (number, kind)
    addresses: list = field(default_factory=list)  # (kind, street, number, postcode, city)
    purposes: list = field(default_factory=list)  # dicts: purpose, since, source, notified
    consents: list = field(default_factory=list)  # dicts: purpose, given, channel, wording
    subscriptions: list = field(default_factory=list)
    objections: list = field(default_factory=list)  # (scope, date, request): granted objections (Art. 21)
    tags: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # (date, staff, text)
    fields: dict = field(default_factory=dict)
    language: str | None = None
    roles: list = field(default_factory=list)

    @property
    def name_key(self) -> tuple[str, str, str]:
        return (self.given, self.prefix, self.family)

    def has_purpose(self, purpose: str) -> bool:
        return any(p["purpose"] == purpose for p in self.purposes)

    def open_role(self, day: dt.date) -> bool:
        return any(r.start <= day and (r.end is None or r.end >= day) for r in self.roles)

    def last_role_end(self) -> dt.date | None:
        """None while a role is open (or when there are no roles)."""
        if not self.roles or any(r.end is None for r in self.roles):
            return None
        return max(r.end for r in self.roles)


@dataclass(eq=False)
class Role:
    organisation: Org
    function: str
    start: dt.date
    end: dt.date | None = None
    end_reason: str | None = None
    person: Person | None = None
    member: Org | None = None
    qualifiers: list = field(default_factory=list)
    portfolio: list = field(default_factory=list)
    party: str | None = None
    on_behalf_of: "Role | None" = None
    public: bool = True
    id: str = ""

    def holds_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def close(self, day: dt.date, reason: str) -> None:
        self.end, self.end_reason = day, reason


@dataclass(eq=False)
class Request:
    kind: str
    title: str
    received: dt.date
    channel: str
    person: Person | None
    organisation: Org | None
    topics: list
    assignee: str
    stage: str
    history: list  # dicts: date, stage, by, assignee?, note?
    owner: str
    follow_up: dt.date | None = None
    closed: dt.date | None = None
    identity_verified: dt.date | None = None
    outcome: tuple | None = None  # (date, decision, note, ground or None)
    recipients_notified: list | None = None  # (recipient, date): rectification and erasure, once closed
    id: str = ""


@dataclass(eq=False)
class Interaction:
    date: dt.date
    kind: str
    people: list  # [Person]
    organisations: list  # [Org]
    roles: list  # [Role]
    staff: list  # [str]
    summary: str
    purpose: str
    owner: str
    slug: str  # the descriptive part of the id
    request: Request | None = None
    id: str = ""
