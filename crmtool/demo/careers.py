"""The people of each municipality and the roles they hold over the last three election
periods: the mayor (six-year terms, sometimes an acting mayor in between), the council elected
every four years (members re-elected, resigning and replaced by the next on the list), the
aldermen of each college (from the council, whose seat then goes to a successor, or from
outside), the registrar and the municipal secretary, and as many officials as the
municipality's share of people still leaves room for.

A person is generated only when the data may still be kept on `today`: the office-holders
purpose keeps data two years after the last role ends, so someone who left the council in an
earlier period than that is not in the records any more (P007), and neither is someone whose
period runs out within the warning window (P008). The people of a municipality come out in
order of importance (mayor, aldermen, council, registrar, former office holders, officials),
so that a small repository still holds the mayor and the council rather than only officials.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Iterator

from . import catalogue
from .dates import DAY, add_years, between, days_after, days_before
from .entities import Municipality, Org, Person, Role
from .names import draw_name

RE_ELECTED = 0.6
RESIGNS = 0.06
ALDERMAN_FROM_COUNCIL = 0.7
ALDERMAN_RETURNS = 0.5
MAYOR_TERM_YEARS = 6
RETENTION_YEARS = 2  # office-holders: `retention: {period: P2Y, after: last-role-end}`
RETENTION_MARGIN_DAYS = 45  # beyond P008's 30-day warning window
PORTFOLIOS = ("financien", "economie", "wonen", "zorg", "jeugd", "onderwijs", "milieu", "energie", "klimaat",
              "werk-en-inkomen", "mobiliteit", "ruimtelijke-ordening", "cultuur", "sport", "digitalisering",
              "personeel-en-organisatie")

# Priority of a role when a municipality's share of people is smaller than its office holders.
_PRIORITY = {"burgemeester": 0, "wethouder": 1, "raadslid": 2, "griffier": 3, "gemeentesecretaris": 3,
             "waarnemend-burgemeester": 4}


@dataclass
class Term:
    election: dt.date
    start: dt.date  # installation of the new council
    end: dt.date | None  # the day before the next installation; None while it runs


@dataclass
class Calendar:
    """The dates every municipality shares."""

    today: dt.date
    terms: list[Term]
    keep_from: dt.date  # a role ending before this day is past retention (or close to it)

    @classmethod
    def of(cls, today: dt.date) -> "Calendar":
        elections = catalogue.municipal_elections(today)
        starts = [catalogue.installation(e) for e in elections]
        terms = [Term(e, s, starts[i + 1] - DAY if i + 1 < len(starts) else None)
                 for i, (e, s) in enumerate(zip(elections, starts))]
        keep_from = add_years(today, -RETENTION_YEARS) + dt.timedelta(days=RETENTION_MARGIN_DAYS)
        return cls(today, terms, keep_from)


@dataclass
class Registry:
    """Names in use, so that no two people of one municipality, nor two current members of
    one shared body (a committee, the G40), share a full name (Q005 would flag them)."""

    by_municipality: dict = field(default_factory=dict)
    by_body: dict = field(default_factory=dict)

    def new_person(self, rng: random.Random, home: Municipality | None, owner: str) -> Person:
        taken = self.by_municipality.setdefault(home.slug if home else "", set())
        while True:
            given, prefix, family = draw_name(rng)
            if (given, prefix, family) not in taken:
                taken.add((given, prefix, family))
                return Person(given, prefix, family, owner, home)

    def may_join(self, body: Org, person: Person) -> bool:
        members = self.by_body.setdefault(body.id, set())
        if person.name_key in members:
            return False
        members.add(person.name_key)
        return True


def add_role(person: Person, role: Role) -> Role:
    role.person = person
    person.roles.append(role)
    return role


class MunicipalHistory:
    """Everything that happened in one municipality's administration within the window."""

    def __init__(self, rng: random.Random, municipality: Municipality, calendar: Calendar, registry: Registry):
        self.rng, self.m, self.cal, self.registry = rng, municipality, calendar, registry
        self.people: list[Person] = []
        self.strength = self._party_strength()

    def office_holders(self) -> list[Person]:
        """Every office holder still within retention, most important first."""
        self._mayors()
        self._council_and_colleges()
        self._official("griffier", self.m.registry, 200, 5500)
        self._official("gemeentesecretaris", self.m.org, 200, 4500)
        kept = [p for p in self.people if (last := p.last_role_end()) is None or last >= self.cal.keep_from]
        order = {id(p): i for i, p in enumerate(kept)}
        return sorted(kept, key=lambda p: (self._priority(p), order[id(p)]))

    def _priority(self, person: Person) -> int:
        today = self.cal.today
        current = [_PRIORITY.get(r.function, 4) for r in person.roles if r.holds_on(today)]
        return min(current) if current else 5

    def _person(self, owner: str = "public-affairs") -> Person:
        person = self.registry.new_person(self.rng, self.m, owner)
        self.people.append(person)
        return person

    # -- mayors ----------------------------------------------------------------------------

    def _mayors(self) -> None:
        rng, today = self.rng, self.cal.today
        start = days_before(today, rng.randint(30, 3650))
        mayor = self._person()
        self._mayor_terms(mayor, start, None, None)
        if rng.random() < 0.6:
            mayor.fields["voorkeur-aanhef"] = "edelachtbare"
        before = start - DAY
        if rng.random() < 0.25:  # an acting mayor bridged the months until the appointment
            acting_start = days_before(before, rng.randint(90, 300))
            acting = self._person()
            add_role(acting, Role(self.m.college, "waarnemend-burgemeester", acting_start, before, "term-ended"))
            before = acting_start - DAY
        previous = self._person()
        self._mayor_terms(previous, days_before(before, rng.randint(4 * 365, 12 * 365)), before,
                          rng.choice(("term-ended", "term-ended", "appointed-elsewhere")))

    def _mayor_terms(self, person: Person, start: dt.date, end: dt.date | None, reason: str | None) -> None:
        """Six-year terms from `start`: a reappointment is a new role, as in the examples."""
        while True:
            next_start = add_years(start, MAYOR_TERM_YEARS)
            last = end if end is not None else self.cal.today
            if next_start > last:
                add_role(person, Role(self.m.college, "burgemeester", start, end, reason if end else None))
                return
            add_role(person, Role(self.m.college, "burgemeester", start, next_start - DAY, "term-ended"))
            start = next_start

    # -- council and colleges ----------------------------------------------------------------

    def _party_strength(self) -> dict[str, float]:
        rng = self.rng
        strength = {pid: spec[2] * rng.gammavariate(2, 1) for pid, spec in catalogue.NATIONAL_PARTIES.items()}
        strength["partij-groenlinks-pvda"] = strength["partij-groenlinks"] + strength["partij-pvda"]
        share = catalogue.LOCAL_PARTY_SHARE / len(self.m.local_parties)
        for party in self.m.local_parties:
            strength[party.id] = share * rng.gammavariate(2, 1)
        return strength

    def _seats(self, year: int) -> list[tuple[str, int]]:
        """Seats per party after one election, largest first (largest-remainder method)."""
        rng = self.rng
        running = [pid for pid, spec in catalogue.NATIONAL_PARTIES.items() if spec[3] <= year <= spec[4]]
        running += [p.id for p in self.m.local_parties]
        votes = {pid: self.strength[pid] * rng.gammavariate(8, 1 / 8) for pid in running}
        total = sum(votes.values())
        quota = {pid: self.m.seats * v / total for pid, v in votes.items()}
        seats = {pid: int(q) for pid, q in quota.items()}
        for pid in sorted(running, key=lambda p: (seats[p] - quota[p], p))[: self.m.seats - sum(seats.values())]:
            seats[pid] += 1
        return sorted(((pid, n) for pid, n in seats.items() if n), key=lambda item: (-item[1], item[0]))

    def _council_and_colleges(self) -> None:
        rng, today = self.rng, self.cal.today
        colleges = [days_after(t.start, rng.randint(35, 70)) for t in self.cal.terms]
        colleges = [c for c in colleges if c <= today]
        previous_members: dict[str, list[Person]] = {}
        previous_aldermen: dict[str, list[Person]] = {}
        for k, term in enumerate(self.cal.terms):
            seats = self._seats(term.election.year)
            members = self._elect(term, seats, previous_members)
            if k < len(colleges):
                end = colleges[k + 1] - DAY if k + 1 < len(colleges) else None
                aldermen = self._college(term, seats, members, previous_aldermen, colleges[k], end)
            else:
                aldermen = []
            previous_members = {}
            for role in members:
                if role.end == term.end and role.end_reason == "term-ended":
                    assert role.party is not None and role.person is not None  # a party's seat, held by a person
                    previous_members.setdefault(role.party, []).append(role.person)
            previous_aldermen = {}
            for role in aldermen:
                if role.end_reason == "term-ended":
                    assert role.party is not None and role.person is not None  # a party's alderman, a person
                    previous_aldermen.setdefault(role.party, []).append(role.person)

    def _elect(self, term: Term, seats: list[tuple[str, int]],
               previous: dict[str, list[Person]]) -> list[Role]:
        rng = self.rng
        roles: list[Role] = []
        for party, count in seats:
            returning = [p for p in previous.get(party, []) + self._merged_into(party, previous)
                         if rng.random() < RE_ELECTED][:count]
            elected = returning + [self._person() for _ in range(count - len(returning))]
            for i, person in enumerate(elected):
                roles.append(add_role(person, Role(self.m.council, "raadslid", term.start, term.end,
                                                   "term-ended" if term.end else None, party=party,
                                                   qualifiers=["fractievoorzitter"] if i == 0 else [])))
        for role in list(roles):
            if rng.random() < RESIGNS:
                last = (term.end or self.cal.today) - dt.timedelta(days=30)
                first = term.start + dt.timedelta(days=90)
                if first < last:
                    day = between(rng, first, last)
                    role.close(day, "resigned")
                    roles.append(self._successor(role, day + DAY, term))
        return roles

    @staticmethod
    def _merged_into(party: str, previous: dict[str, list[Person]]) -> list[Person]:
        return [p for old, new in catalogue.MERGED_INTO.items() if new == party for p in previous.get(old, [])]

    def _successor(self, role: Role, start: dt.date, term: Term) -> Role:
        """The next candidate on the party's list takes the seat."""
        return add_role(self._person(), Role(self.m.council, "raadslid", start, term.end,
                                             "term-ended" if term.end else None, party=role.party))

    def _college(self, term: Term, seats: list[tuple[str, int]], council: list[Role],
                 previous: dict[str, list[Person]], start: dt.date, end: dt.date | None) -> list[Role]:
        rng = self.rng
        size = max(2, min(7, round(self.m.seats * 0.14)))
        coalition, total = [], 0
        for party, count in seats:
            if total * 2 > self.m.seats:
                break
            coalition.append((party, count))
            total += count
        shares = {party: 0 for party, _count in coalition}
        for _ in range(size):  # D'Hondt over the coalition parties
            party = max(coalition, key=lambda pc: (pc[1] / (shares[pc[0]] + 1), pc[0]))[0]
            shares[party] += 1
        deck = list(PORTFOLIOS)
        rng.shuffle(deck)
        deck.remove("financien")
        deck.insert(0, "financien")
        roles: list[Role] = []
        reason = "term-ended" if end else None
        for party, count in ((p, shares[p]) for p, _c in coalition):
            for _ in range(count):
                person = self._alderman(party, council, previous, start, term)
                i = len(roles)
                portfolio = deck[:rng.choice((2, 2, 3))]
                deck = deck[len(portfolio):] + portfolio
                qualifiers = (["loco-burgemeester"] if i == 0 else
                              ["tweede-loco-burgemeester"] if i == 1 and size >= 4 else [])
                roles.append(add_role(person, Role(self.m.college, "wethouder", start, end, reason,
                                                   qualifiers=qualifiers, portfolio=portfolio, party=party)))
        for role in list(roles):
            if rng.random() < RESIGNS:
                last = (end or self.cal.today) - dt.timedelta(days=30)
                first = start + dt.timedelta(days=120)
                if first < last:
                    day = between(rng, first, last)
                    role.close(day, "resigned")
                    roles.append(add_role(self._person(), Role(self.m.college, "wethouder", day + DAY, end, reason,
                                                               portfolio=list(role.portfolio), party=role.party)))
        return roles

    def _alderman(self, party: str, council: list[Role], previous: dict[str, list[Person]],
                  start: dt.date, term: Term) -> Person:
        """A returning alderman, a council member (whose seat goes to a successor), or someone
        from outside the council."""
        rng = self.rng
        returning = [p for p in previous.get(party, []) + self._merged_into(party, previous)
                     if not any(r.function == "wethouder" and r.start == start for r in p.roles)]
        if returning and rng.random() < ALDERMAN_RETURNS:
            person = returning[0]
        else:
            members = [r for r in council
                       if r.party == party and r.start < start and r.holds_on(start) and not r.qualifiers]
            if members and rng.random() < ALDERMAN_FROM_COUNCIL:
                member = rng.choice(members).person
                assert member is not None  # council seats are held by people
                person = member
            else:
                return self._person()
        for seat in council:
            if seat.person is person and seat.start < start and seat.holds_on(start):
                seat.close(start - DAY, "appointed-elsewhere")
                council.append(self._successor(seat, start, term))
        return person

    # -- registrar and secretary ------------------------------------------------------------

    def _official(self, function: str, organisation: Org, min_days: int, max_days: int) -> None:
        rng, today = self.rng, self.cal.today
        start = days_before(today, rng.randint(min_days, max_days))
        add_role(self._person("member-services"), Role(organisation, function, start))
        if rng.random() < 0.35:
            previous = self._person("member-services")
            add_role(previous, Role(organisation, function, days_before(start, rng.randint(3 * 365, 12 * 365)),
                                    start - DAY, "appointed-elsewhere"))


class Officials:
    """An endless supply of municipal officials: staff of the municipality, its registry
    office and its executive secretariat, some of them contact person for a shared body on
    behalf of their post (as in r-g40-contactpersoon-almere-2023)."""

    def __init__(self, rng: random.Random, municipality: Municipality, calendar: Calendar,
                 registry: Registry, bodies: dict[str, Org]):
        self.rng, self.m, self.cal, self.registry, self.bodies = rng, municipality, calendar, registry, bodies
        self.posts = (municipality.org, municipality.secretariat, municipality.registry)
        self.contacts_given: set[str] = set()

    def __iter__(self) -> Iterator[Person]:
        rng, today = self.rng, self.cal.today
        while True:
            person = self.registry.new_person(rng, self.m, "member-services")
            post = rng.choices(self.posts, weights=(45, 35, 20))[0]
            start = days_before(today, rng.randint(30, 4000))
            earlier_posts: list[Role] = []
            for chance in (0.6, 0.3):  # earlier posts in the same municipality, newest first
                if rng.random() >= chance:
                    break
                end = (earlier_posts[-1].start if earlier_posts else start) - DAY
                previous = earlier_posts[-1].organisation if earlier_posts else post
                earlier = rng.choice([p for p in self.posts if p is not previous])
                earlier_posts.append(Role(earlier, "medewerker", days_before(end, rng.randint(365, 2500)), end,
                                          "appointed-elsewhere", public=False))
            for role in reversed(earlier_posts):
                add_role(person, role)
            current = add_role(person, Role(post, "medewerker", start, public=False))
            for chance in (0.6, 0.3):
                if rng.random() < chance:
                    body = self._body()
                    if body is not None and self.registry.may_join(body, person):
                        add_role(person, Role(body, "contactpersoon", between(rng, start, today),
                                              on_behalf_of=current, public=False))
            yield person

    def _body(self) -> Org | None:
        """The G40 and the safety region get one contact person per municipality first."""
        for key in ("g40", self.m.safety_region):
            if key not in self.contacts_given and (key != "g40" or self.m.g40):
                self.contacts_given.add(key)
                return self.bodies[key]
        committees = [b for k, b in self.bodies.items() if k.startswith("vgn-commissie-")]
        return self.rng.choice(committees)
