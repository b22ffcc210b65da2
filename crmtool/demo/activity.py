"""Contact moments and requests: about one contact moment per two people and one request per
fifty, spread over the last two years.

A contact moment is built around a role its holder held on that day (a committee meeting
with fellow members, a working visit to an alderman, a call with a registrar), kept under the
office-holders purpose, which keeps it two years: dates stay inside that window, beyond
P008's warning. Requests move through the default pipeline with a history that only takes
allowed steps (W002); open ones have an active assignee (W003) and a follow-up date that has
not passed (W004); open data-subject requests are recent enough that their deadline is more
than a week away (P012, P013). Whoever asks gets the purpose label that allows holding the
request (P004).
"""
from __future__ import annotations

import datetime as dt
import random

from .contacts import label
from .dates import between, days_after, days_before
from .entities import Interaction, Org, Person, Request, Role
from ..domain.texts import slug
from .organisations import Landscape

INTERACTIONS_PER_PERSON = 0.5
PEOPLE_PER_REQUEST = 50
WINDOW_DAYS = 690  # office-holders keeps a contact moment two years (P2Y), minus P008's 30 days

# Topic (vocabulary `topics`) → the active colleagues who take it (records/staff/*.yaml).
ROUTING = {"energy-transition": ("anna", "chantal"), "climate": ("anna",), "housing": ("chantal",),
           "digitalisation": ("bram",), "finances": ("bram",), "safety": ("anna",), "care": ("bram",),
           "education": ("daan",), "mobility": ("chantal",), "economy": ("chantal",),
           "governance": ("anna", "daan"), "privacy": ("eline",)}
TEAM = {"anna": "public-affairs", "bram": "member-services", "chantal": "projects", "daan": "communications",
        "eline": "privacy"}
PORTFOLIO_TOPIC = {"financien": "finances", "economie": "economy", "wonen": "housing", "zorg": "care",
                   "jeugd": "care", "onderwijs": "education", "milieu": "climate", "energie": "energy-transition",
                   "klimaat": "climate", "werk-en-inkomen": "economy", "mobiliteit": "mobility",
                   "ruimtelijke-ordening": "housing", "cultuur": "education", "sport": "education",
                   "digitalisering": "digitalisation", "personeel-en-organisatie": "governance",
                   "veiligheid": "safety"}
SUBJECTS = {
    "finances": ("de meicirculaire en de gevolgen voor de begroting", "de verdeling van het gemeentefonds",
                 "de meerjarenbegroting en het ravijnjaar"),
    "economy": ("de regionale arbeidsmarkt", "ondernemersloketten en bedrijventerreinen"),
    "housing": ("de woningbouwopgave", "de regionale woondeal", "de invoering van de Omgevingswet"),
    "care": ("de inkoop van jeugdhulp", "de uitvoering van de Wmo", "wijkteams en preventie"),
    "education": ("onderwijshuisvesting", "laaggeletterdheid", "het lokale sportakkoord"),
    "climate": ("klimaatadaptatie en hittestress", "de circulaire economie", "de regionale energiestrategie"),
    "energy-transition": ("de warmtetransitie in de wijken", "netcongestie op bedrijventerreinen",
                          "de regionale energiestrategie"),
    "mobility": ("laadpalen en deelmobiliteit", "het regionale openbaar vervoer"),
    "digitalisation": ("raadsinformatiesystemen", "digitale weerbaarheid", "de inkoop van cloudsoftware"),
    "safety": ("de regionale crisisoefening", "ondermijning en weerbaar bestuur", "evenementenveiligheid"),
    "governance": ("het inwerkprogramma voor nieuwe raadsleden", "de samenwerking in de regio",
                   "de positie van de griffie"),
    "privacy": ("een verzoek van een inwoner om inzage",),
}
QUESTIONS = ("Vraag over {subject}", "Verzoek om een voorbeeld over {subject}",
             "Ervaringen van andere gemeenten met {subject}", "Spreker gezocht over {subject}")
PROJECTS = ("Gezamenlijke aanpak van {subject}", "Regionale pilot rond {subject}", "Benchmark over {subject}")


class RoleIndex:
    """Roles of people, to pick one that holds on a day and the colleagues in the same body."""

    def __init__(self, people: list[Person]):
        self.roles = [r for p in people for r in p.roles]
        self.by_org: dict[str, list[Role]] = {}
        for role in self.roles:
            self.by_org.setdefault(role.organisation.id, []).append(role)

    def pick(self, rng: random.Random, first: dt.date, last: dt.date,
             wanted=lambda role: True) -> tuple[Role, dt.date] | None:
        """A random role and a day within [first, last] on which it holds."""
        for _ in range(50):
            role = rng.choice(self.roles)
            low, high = max(role.start, first), min(role.end or last, last)
            if low <= high and wanted(role):
                return role, _working_day(between(rng, low, high), low, high)
        return None

    def colleagues(self, rng: random.Random, role: Role, day: dt.date, count: int) -> list[Role]:
        pool = self.by_org.get(role.organisation.id, [])
        found: list[Role] = []
        for other in rng.sample(pool, min(len(pool), 3 * count)):
            if other is not role and other.holds_on(day) and other.person not in [r.person for r in found] \
                    and other.person is not role.person and len(found) < count:
                found.append(other)
        return found


def _working_day(day: dt.date, low: dt.date, high: dt.date) -> dt.date:
    """Contact moments and requests happen on working days: a weekend or New Year's Day moves
    to the nearest working day within [low, high], if there is one."""
    for shift in (0, -1, 1, -2, 2, -3, 3):
        moved = day + dt.timedelta(days=shift)
        if low <= moved <= high and moved.weekday() < 5 and (moved.month, moved.day) != (1, 1):
            return moved
    return day


def municipality_of(org: Org | None) -> Org | None:
    while org is not None and org.kind != "municipality":
        org = org.parent
    return org


def topic_of(rng: random.Random, role: Role) -> str:
    if role.portfolio:
        return PORTFOLIO_TOPIC[rng.choice(role.portfolio)]
    if role.function in ("burgemeester", "waarnemend-burgemeester"):
        return rng.choice(("safety", "governance"))
    if role.organisation.kind == "committee":
        return rng.choice(("governance", "finances", "housing", "care", "climate"))
    return rng.choice(("governance", "digitalisation", "finances", "energy-transition", "housing"))


def interactions(rng: random.Random, people: list[Person], index: RoleIndex, today: dt.date) -> list[Interaction]:
    result: list[Interaction] = []
    first = days_before(today, WINDOW_DAYS)
    for _ in range(round(INTERACTIONS_PER_PERSON * len(people))):
        picked = index.pick(rng, first, today)
        if picked is None:
            continue
        role, day = picked
        result.append(_scene(rng, index, role, day))
    return result


def _scene(rng: random.Random, index: RoleIndex, role: Role, day: dt.date) -> Interaction:
    body = role.organisation
    topic = topic_of(rng, role)
    subject = rng.choice(SUBJECTS[topic])
    staff = rng.sample(ROUTING[topic] + ("anna", "daan"), rng.choice((1, 1, 2)))
    staff = sorted(set(staff), key=staff.index)
    town = municipality_of(body)
    if body.kind in ("committee", "board", "partnership", "safety-region"):
        roles = [role] + index.colleagues(rng, role, day, rng.randint(1, 3))
        name = body.short_name or (body.name["nl"] if isinstance(body.name, dict) else str(body.name))
        return Interaction(day, "meeting", [r.person for r in roles], [body], roles, staff,
                           f"Overleg van {name} over {subject}.", "office-holders", "public-affairs",
                           slug(name) if len(slug(name)) <= 30 else body.role_slug)
    if role.function in ("burgemeester", "waarnemend-burgemeester", "wethouder"):
        kind = rng.choice(("visit", "meeting", "call", "video-call"))
        what = {"visit": "Werkbezoek", "meeting": "Gesprek", "call": "Telefoongesprek",
                "video-call": "Videogesprek"}[kind]
        title = "de burgemeester" if role.function != "wethouder" else "de wethouder"
        assert town is not None  # a mayor's or alderman's college is part of a municipality
        return Interaction(day, kind, [role.person], [town], [role], staff,
                           f"{what} met {title} van {town.short_name} over {subject}.", "office-holders",
                           "public-affairs", f"{slug(what)}-{town.role_slug}")
    if role.function == "raadslid":
        assert town is not None  # a council is part of a municipality
        roles = [role] + index.colleagues(rng, role, day, rng.randint(0, 2))
        kind = rng.choice(("event", "meeting", "email"))
        return Interaction(day, kind, [r.person for r in roles], [town], roles, staff,
                           f"Raadsleden van {town.short_name} geïnformeerd over {subject}.", "office-holders",
                           "public-affairs", f"raadsleden-{town.role_slug}")
    kind = rng.choice(("email", "call", "video-call"))
    orgs = [town] if town is not None else [body]
    place = town.short_name if town is not None else (body.short_name or body.name)
    return Interaction(day, kind, [role.person], orgs, [role], staff,
                       f"Contact met {body.name if isinstance(body.name, str) else place} over {subject}.",
                       "office-holders", TEAM[staff[0]], f"contact-{orgs[0].role_slug}")


def requests(rng: random.Random, people: list[Person], index: RoleIndex, landscape: Landscape,
             today: dt.date) -> tuple[list[Request], list[Interaction]]:
    """Questions, projects and data-subject requests, with a contact moment for some."""
    made: list[Request] = []
    moments: list[Interaction] = []
    municipal = lambda r: municipality_of(r.organisation) is not None  # noqa: E731
    for _ in range(round(len(people) / PEOPLE_PER_REQUEST)):
        kind = rng.choices(("question", "project", "access", "rectification", "objection", "erasure"),
                           weights=(65, 18, 8, 4, 2, 3))[0]
        if kind == "erasure":
            made.append(_erasure(rng, landscape, today))
            continue
        subject_rights = kind != "question" and kind != "project"
        first = days_before(today, 20) if subject_rights and rng.random() < 0.3 else days_before(today, WINDOW_DAYS)
        picked = index.pick(rng, first, today, municipal)
        if picked is None:
            continue
        role, received = picked
        request = (_subject_request if subject_rights else _question)(rng, kind, role, received, today)
        person = role.person
        assert person is not None  # the index holds the roles of people
        purpose = "data-subject-rights" if subject_rights else "member-services"
        if not person.has_purpose(purpose):
            label(person, purpose, received, "contact-request", today)
        made.append(request)
        if not subject_rights and rng.random() < 0.3:
            moments.append(_about(rng, request, role, today))
    return made, moments


def _question(rng: random.Random, kind: str, role: Role, received: dt.date, today: dt.date) -> Request:
    topic = topic_of(rng, role)
    subject = rng.choice(SUBJECTS[topic])
    title = rng.choice(QUESTIONS if kind == "question" else PROJECTS).format(subject=subject)
    assignee = rng.choice(ROUTING[topic])
    steps = ["received", "triage", "in-progress", "closed"] if kind == "question" else \
        ["received", "triage", "in-progress", "proposal", rng.choice(("approved", "rejected"))]
    if kind == "project" and steps[-1] == "approved" and rng.random() < 0.5:
        steps.append("closed")
    history, day = [], received
    for i, stage in enumerate(steps):
        if i:
            day = days_after(day, rng.randint(1, 4) if i < 3 else rng.randint(7, 40))
        if day > today:
            break
        entry: dict = {"date": day, "stage": stage, "by": "bram" if i < 2 else assignee}
        if i == 1:
            entry["assignee"] = assignee
        history.append(entry)
    stage = history[-1]["stage"]
    closed = history[-1]["date"] if stage in ("closed", "rejected") else None
    follow_up = None if closed else days_after(today, rng.randint(0, 30))
    if not closed and stage == "received":
        history[0]["assignee"] = assignee
    town = municipality_of(role.organisation)
    return Request(kind, title, received, rng.choice(("email", "phone", "web-form")), role.person, town, [topic],
                   assignee, stage, history, TEAM[assignee], follow_up, closed)


def _subject_request(rng: random.Random, kind: str, role: Role, received: dt.date, today: dt.date) -> Request:
    """Answered within the month when received more than 20 days ago; still open otherwise,
    with more than a week left (P013 warns within 7 days)."""
    titles = {"access": "Verzoek om inzage", "rectification": "Verzoek om correctie van functiegegevens",
              "objection": "Bezwaar tegen het ontvangen van uitnodigingen"}
    history: list[dict] = [{"date": received, "stage": "received", "by": "eline", "assignee": "eline"}]
    verified = days_after(received, rng.randint(0, 2))
    if verified <= today:
        history.append({"date": verified, "stage": "triage", "by": "eline", "note": "Identiteit geverifieerd."})
    closed = outcome = follow_up = None
    if received < days_before(today, 20):
        closed = days_after(received, rng.randint(5, 20))
        history.append({"date": days_after(verified, 1), "stage": "in-progress", "by": "eline"})
        history.append({"date": closed, "stage": "closed", "by": "eline",
                        "note": "Afgehandeld binnen de termijn; verzoeker per e-mail geïnformeerd."})
        decision = rng.choice(("granted", "granted", "partly-granted")) if kind == "access" else "granted"
        outcome = (closed, decision, "Verzoek beantwoord met een overzicht van de vastgelegde gegevens.",
                   "art-15-4" if decision == "partly-granted" else None)  # a copy must not harm others' rights
    else:
        follow_up = max(today, days_after(received, 14))
    request = Request(kind, titles[kind], received, rng.choice(("email", "web-form")), role.person, None,
                      ["privacy"], "eline", history[-1]["stage"], history, "privacy", follow_up, closed,
                      verified if verified <= today else None, outcome)
    if closed is not None and kind == "rectification":  # Art. 19: the hosting holds the records
        request.recipients_notified = [("hosting", closed)]
    if closed is not None and kind == "objection" and role.person is not None:  # Art. 21: it acts on the person
        role.person.objections.append(("events", closed, request))
    return request


ERASED_NOTE = "Alle gegevens gewist; de verwijdering is vastgelegd zonder persoonsgegevens."


def _erasure(rng: random.Random, landscape: Landscape, today: dt.date) -> Request:
    """An erasure that was carried out: the person is gone, the request names only the
    organisation (as dsr-2026-0002 does)."""
    received = between(rng, days_before(today, WINDOW_DAYS), days_before(today, 30))
    closed = days_after(received, rng.randint(7, 20))
    town = rng.choice(landscape.municipalities).org
    history = [{"date": received, "stage": "received", "by": "eline", "assignee": "eline"},
               {"date": days_after(received, 1), "stage": "triage", "by": "eline", "note": "Identiteit gecontroleerd."},
               {"date": days_after(received, 2), "stage": "in-progress", "by": "eline"},
               {"date": closed, "stage": "closed", "by": "eline",
                "note": "Verwijderd met crmtool subject erase; verzoeker per e-mail geïnformeerd."}]
    request = Request("erasure", "Verzoek om verwijdering van alle gegevens", received, "web-form", None, town,
                      ["privacy"], "eline", "closed", history, "privacy", None, closed, days_after(received, 1),
                      (closed, "granted", ERASED_NOTE, None))
    request.recipients_notified = [("hosting", closed), ("mail-provider", closed)]
    return request


def _about(rng: random.Random, request: Request, role: Role, today: dt.date) -> Interaction:
    """A contact moment within a request, kept under member services like the request."""
    last = request.closed or today
    day = between(rng, request.received, last)
    roles = [role] if role.holds_on(day) else []
    town = request.organisation
    return Interaction(day, rng.choice(("call", "email", "video-call")), [role.person], [town] if town else [],
                       roles, [request.assignee],
                       f"Toelichting gegeven bij de vraag: {request.title[:1].lower()}{request.title[1:]}.",
                       "member-services", request.owner, f"vraag-{town.role_slug}" if town else "vraag", request)
