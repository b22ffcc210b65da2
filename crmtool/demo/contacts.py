"""What is held about each person besides their roles: purpose labels (why), contact details,
consents and subscriptions, a few staff notes and tags; and the people outside the
municipalities (staff of the safety regions and the G40, newsletter and event subscribers).

Every piece of data a person carries is one their purposes allow (P004): the office-holders
purpose for everyone with a municipal role, member services for contacts at partner
organisations and for everyone who asked a question, the newsletter and events purposes only
with a consent in the current wording. Emails and phone numbers are unique, so Q005 finds no
probable duplicates among the generated people.
"""
from __future__ import annotations

import datetime as dt
import random

from .careers import Calendar, Registry, add_role
from .dates import between, days_after, days_before
from .entities import Municipality, Person, Role
from ..domain.texts import slug
from .names import local_part
from .organisations import Landscape
from .policy import CURRENT_WORDINGS, STAFF, shifted

POLITICAL = frozenset({"burgemeester", "waarnemend-burgemeester", "wethouder", "raadslid"})
NEWSLETTER_SHARE = 0.10
EVENTS_SHARE = 0.03
PHONE_SHARE = 0.55
PRIVATE_DOMAINS = ("example.org", "example.com", "example.net")
MOBILE_FIRST, MOBILE_SPAN = 10_000_000, 50_000_000  # +31 6 1xxxxxxx .. +31 6 5xxxxxxx

TAGS = ("warmtenet", "woningbouw", "ravijnjaar", "energy-transition", "netcongestie", "omgevingswet",
        "regiodeal", "jeugd", "arbeidsmarkt", "digitale-weerbaarheid")
NOTES = (
    "Wil graag meedenken over de regionale energiestrategie.",
    "Voorkeur voor afspraken op maandag of vrijdag.",
    "Vraagt om de stukken vooraf digitaal toe te sturen.",
    "Spreker op het jaarcongres; contact via het bestuurssecretariaat.",
    "Interesse in de kennisbijeenkomsten over de Omgevingswet.",
    "Aanspreekpunt voor de regiodeal in de eigen regio.",
    "Ontvangt liever geen papieren uitnodigingen.",
    "Wil betrokken worden bij de pilot met netcongestie.",
    "Eerder lid van de klankbordgroep financiën.",
    "Neemt deel aan het netwerk van griffiers in de regio.",
)
STREETS = ("Voorbeeldlaan", "Dorpsstraat", "Kerkweg", "Molenstraat", "Stationsweg", "Schoolstraat",
           "Beukenlaan", "Julianastraat", "Nieuwstraat", "Zandweg")


class Phones:
    """Unique mobile numbers: a seeded permutation of the person counter, so no two people
    share a number however many there are."""

    def __init__(self, rng: random.Random):
        self.step = rng.randrange(1, MOBILE_SPAN // 2) * 2 + 1
        while self.step % 5 == 0:
            self.step += 2
        self.offset = rng.randrange(MOBILE_SPAN)
        self.count = 0

    def next(self) -> str:
        digits = MOBILE_FIRST + (self.offset + self.step * self.count) % MOBILE_SPAN
        self.count += 1
        return f"+31 6 {digits}"


class Emails:
    def __init__(self) -> None:
        self.used: set[str] = set()

    def address(self, person: Person, domain: str) -> str:
        initials = "".join(part[:1] for part in person.given.split("-"))
        family = f"{person.prefix} {person.family}".strip()
        for local in (local_part(initials, family), local_part(person.given, family)):
            if f"{local}@{domain}" not in self.used:
                break
        else:
            number = 2
            while f"{local}{number}@{domain}" in self.used:
                number += 1
            local = f"{local}{number}"
        address = f"{local}@{domain}"
        self.used.add(address)
        return address


def label(person: Person, purpose: str, since: dt.date, source: str, today: dt.date,
          notify: bool = False, rng: random.Random | None = None) -> None:
    item: dict = {"purpose": purpose, "since": min(since, today), "source": source}
    if notify:
        assert rng is not None  # the callers that notify pass their generator
        item["notified"] = min(days_after(item["since"], rng.randint(5, 20)), today)
    person.purposes.append(item)


def office_holder_labels(rng: random.Random, people: list[Person], today: dt.date) -> None:
    """Office holders are taken from the public register, officials from the municipality's
    notification; both are told within a month (Art. 14, P016)."""
    for person in people:
        first = min(r.start for r in person.roles)
        political = any(r.function in POLITICAL for r in person.roles)
        label(person, "office-holders", days_after(first, rng.randint(2, 12)),
              "public-register" if political else "municipality-notification", today, True, rng)


def outside_people(rng: random.Random, count: int, landscape: Landscape, calendar: Calendar,
                   registry: Registry) -> list[Person]:
    """People outside the municipalities: the G40's secretary, a contact person at each safety
    region, and subscribers to the newsletter or the event invitations."""
    today = calendar.today
    people: list[Person] = []
    bodies = [(landscape.g40, "secretaris")] + [(vr, "contactpersoon") for vr in landscape.safety_regions.values()]
    for body, function in bodies[:count]:
        person = registry.new_person(rng, None, "member-services")
        while not registry.may_join(body, person):
            person = registry.new_person(rng, None, "member-services")
        start = days_before(today, rng.randint(100, 1400))
        add_role(person, Role(body, function, start, public=False))
        label(person, "member-services", days_after(start, rng.randint(0, 20)), "business-card", today)
        people.append(person)
    for _ in range(count - len(people)):
        person = registry.new_person(rng, None, "communications")
        if rng.random() < 0.7:
            subscribe_newsletter(rng, person, today)
            if rng.random() < 0.1:
                person.language = "en"
        else:
            join_events(rng, person, today, days_before(today, 300))
        people.append(person)
    return people


def subscribe_newsletter(rng: random.Random, person: Person, today: dt.date) -> None:
    wording, since = CURRENT_WORDINGS["newsletter"]
    day = between(rng, max(shifted(since, today), days_before(today, 3 * 365)), today)
    label(person, "newsletter", day, "self-registration", today)
    person.consents.append({"purpose": "newsletter", "given": day, "channel": rng.choice(("web-form", "email")),
                            "wording": wording})
    person.subscriptions.append("weekly-digest")


def join_events(rng: random.Random, person: Person, today: dt.date, earliest: dt.date) -> None:
    """Events keep data a year after the last activity: without an open role the sign-up must
    be recent, hence `earliest`."""
    wording, since = CURRENT_WORDINGS["events"]
    day = between(rng, max(shifted(since, today), earliest), today)
    label(person, "events", day, "event-registration", today)
    person.consents.append({"purpose": "events", "given": day, "channel": rng.choice(("event", "web-form")),
                            "wording": wording})
    person.subscriptions.append("events-invitations")


def subscriptions(rng: random.Random, people: list[Person], today: dt.date) -> None:
    """About one in ten people reads the newsletter; office holders sign up for events."""
    wanted = round(NEWSLETTER_SHARE * len(people)) - sum(p.has_purpose("newsletter") for p in people)
    eligible = [p for p in people if p.roles and not p.has_purpose("newsletter")]
    for person in rng.sample(eligible, max(0, min(wanted, len(eligible)))):
        subscribe_newsletter(rng, person, today)
    current = [p for p in people if p.roles and p.open_role(today) and not p.has_purpose("events")]
    for person in rng.sample(current, min(len(current), round(EVENTS_SHARE * len(people)))):
        join_events(rng, person, today, days_before(today, 700))


def details(rng: random.Random, people: list[Person], landscape: Landscape, today: dt.date) -> None:
    """Emails, phones, an occasional home address, notes and tags, in the order of `people`."""
    phones, emails = Phones(rng), Emails()
    for person in people:
        home = person.home
        former = bool(person.roles) and person.last_role_end() is not None
        if home is not None and not (former and rng.random() < 0.5) and rng.random() < 0.95:
            person.emails.append((emails.address(person, home.domain), "work"))
        elif person.roles and person.roles[0].organisation.kind in ("safety-region", "partnership"):
            domain = f"{slug(person.roles[0].organisation.id).replace('-', '')}.example.nl"
            person.emails.append((emails.address(person, domain), "work"))
        else:
            person.emails.append((emails.address(person, rng.choice(PRIVATE_DOMAINS)), "private"))
        keeps_notes = any(p["purpose"] in ("office-holders", "member-services") for p in person.purposes)
        if rng.random() < PHONE_SHARE and (person.roles or rng.random() < 0.3):
            person.phones.append((phones.next(), "mobile" if person.roles and person.roles[-1].public else "work"))
        if keeps_notes and home is not None and rng.random() < 0.02:
            person.addresses.append(_home_address(rng, home))
        if keeps_notes and rng.random() < 0.08:
            since = max(p["since"] for p in person.purposes)
            person.notes.append((between(rng, max(since, days_before(today, 400)), today),
                                 rng.choice(STAFF), rng.choice(NOTES)))
        if keeps_notes and rng.random() < 0.1:
            person.tags.append(rng.choice(TAGS))


def _home_address(rng: random.Random, home: Municipality) -> tuple:
    place = rng.choice(home.org.places) if home.org.places else home.name
    postcode = f"{rng.randint(1000, 9999)} {rng.choice('ABCDEGHJKLMNPRTVWXZ')}{rng.choice('ABCDEGHJKLMNPRTVWXZ')}"
    return ("home", rng.choice(STREETS), str(rng.randint(1, 180)), postcode, place)
