"""`generate`: a complete synthetic records repository for N people, the same bytes (and the
same git commit) for the same people, seed and day.

Everything is drawn from one `random.Random(seed)` (each municipality from its own generator
seeded from it) and counted from `today`; nothing reads the clock, iterates a set, or uses
`hash()`, so two runs give identical trees. The steps: organisations in proportion to N, each
municipality's office holders and officials up to its share of the people, people outside the
municipalities, the roles in shared bodies, purpose labels and subscriptions, requests and
contact moments, contact details; then ids, files, the schemas and the static policy, and one
git commit with a fixed author and date.
"""
from __future__ import annotations

import datetime as dt
import os
import random
import shutil
from itertools import islice
from pathlib import Path

from ..git.run import checked as git
from ..load.repo import FOLDERS, UsageError
from ..load.repo import bundled_schema_dir
from . import activity, contacts, memberships, organisations, yaml_text
from .careers import Calendar, MunicipalHistory, Officials, Registry
from .entities import Person, Role
from .names import local_part
from .policy import write_policy

ID_ALPHABET = "23456789abcdefghijkmnpqrstuvwxyz"  # no 0/o, 1/l: ids are read aloud and typed
OUTSIDE_SHARE = 0.025
COMMIT_AUTHOR = ("crmtool demo", "demo@example.invalid")


def generate(out: Path, people: int, seed: int, today: dt.date, git: bool = True) -> dict:
    """Write the repository to `out` (which must not exist or be empty); returns the number
    of records per record folder."""
    if people < 1:
        raise UsageError("--people must be at least 1")
    _refuse_non_empty(out)
    rng = random.Random(seed)
    landscape = organisations.build(random.Random(rng.getrandbits(64)), people)
    calendar = Calendar.of(today)
    registry = Registry()
    bodies = {"g40": landscape.g40, **landscape.safety_regions, **landscape.committees}

    outside_count = min(people // 10, round(people * OUTSIDE_SHARE) + len(landscape.safety_regions) + 1)
    municipal: list[Person] = []
    for municipality, quota in zip(landscape.municipalities,
                                   _shares(people - outside_count, [m.seats + 10 for m in landscape.municipalities])):
        local = random.Random(rng.getrandbits(64))
        chosen = MunicipalHistory(local, municipality, calendar, registry).office_holders()[:quota]
        chosen += islice(Officials(local, municipality, calendar, registry, bodies), quota - len(chosen))
        municipal += chosen
    memberships.safety_region_chairs(landscape, municipal, registry)
    memberships.committees(rng, landscape, municipal, calendar, registry)
    contacts.office_holder_labels(rng, municipal, today)
    everyone = municipal + contacts.outside_people(rng, outside_count, landscape, calendar, registry)
    contacts.subscriptions(rng, everyone, today)
    index = activity.RoleIndex(everyone)
    requests, about_requests = activity.requests(rng, everyone, index, landscape, today)
    moments = activity.interactions(rng, everyone, index, today) + about_requests
    contacts.details(rng, everyone, landscape, today)

    roles = [r for p in everyone for r in p.roles] + memberships.organisation_roles(landscape, today)
    _person_ids(rng, everyone)
    _role_ids(roles)
    _numbered(requests, lambda r: r.received, lambda r: "dsr" if r.kind not in ("question", "project") else "q")
    _interaction_ids(moments)

    existed = out.is_dir()
    try:
        written = _write_all(out, everyone, landscape, roles, requests, moments, today)
    except OSError as error:  # disk full, permissions: leave no half-written repository behind
        for child in out.iterdir() if existed else ():
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
        if not existed:
            shutil.rmtree(out, ignore_errors=True)
        raise UsageError(f"--out {out}: could not write the records ({error.strerror}); "
                         "nothing was left there") from error
    if git:
        try:
            _commit(out, people, seed, today)
        except Exception as error:  # no git, or git refused: the files are there, say so
            raise UsageError(f"the records were written to {out}, but git could not commit them "
                             f"({type(error).__name__}); install git or use --no-git") from error
    return written


def _write_all(out: Path, everyone, landscape, roles, requests, moments, today: dt.date) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    records = out / "records"
    written = {folder: 0 for folder in FOLDERS}
    written["people"] = _write(records / "people", ((p.id, yaml_text.person(p, today)) for p in everyone))
    written["organisations"] = _write(records / "organisations",
                                      ((o.id, yaml_text.organisation(o)) for o in landscape.all))
    written["roles"] = _write(records / "roles", ((r.id, yaml_text.role(r)) for r in roles))
    written["requests"] = _write(records / "requests", ((r.id, yaml_text.request(r)) for r in requests))
    for year in sorted({m.date.year for m in moments}):
        written["interactions"] += _write(records / "interactions" / str(year),
                                          ((m.id, yaml_text.interaction(m)) for m in moments if m.date.year == year))
    write_policy(out, today)
    for folder in ("purposes", "processors", "lists", "staff", "fields", "vocabularies"):
        written[folder] = len(list((records / folder).glob("*.yaml")))
    shutil.copytree(bundled_schema_dir(), out / "schemas", ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return written


def _refuse_non_empty(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()):
        raise UsageError(f"--out {out}: the folder is not empty; choose a new or empty folder")


def _shares(total: int, weights: list[int]) -> list[int]:
    """`total` split in proportion to `weights` (largest remainder; ties to the first)."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    shares = [int(e) for e in exact]
    for i in sorted(range(len(weights)), key=lambda i: (shares[i] - exact[i], i))[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _person_ids(rng: random.Random, people: list[Person]) -> None:
    """Opaque ids (`p-7k2m9q`), never containing a piece of the person's name (P020)."""
    used: set[str] = set()
    for person in people:
        pieces = [local_part(x) for x in (person.given, person.family, *person.family.split())]
        pieces = [x for x in pieces if len(x) >= 3]
        while True:
            code = "".join(rng.choice(ID_ALPHABET) for _ in range(6))
            if code not in used and not any(piece in code for piece in pieces):
                break
        used.add(code)
        person.id = f"p-{code}"


def _role_ids(roles: list[Role]) -> None:
    """`r-<body>-<function>[-<home municipality>]-<year>`, with a letter when several share it."""
    def base(role: Role) -> str:
        if role.member is not None:
            return f"r-{role.organisation.role_slug}-lid-{role.member.role_slug}"
        assert role.person is not None  # a role is held by a member organisation or by a person
        home = role.person.home
        shared = home if activity.municipality_of(role.organisation) is None else None
        return f"r-{role.organisation.role_slug}-{role.function}{'-' + shared.slug if shared else ''}-{role.start.year}"
    bases = [base(r) for r in roles]
    totals: dict[str, int] = {}
    for b in bases:
        totals[b] = totals.get(b, 0) + 1
    seen: dict[str, int] = {}
    for role, b in zip(roles, bases):
        if totals[b] == 1:
            role.id = b
        else:
            seen[b] = seen.get(b, 0) + 1
            role.id = f"{b}-{_letters(seen[b])}"


def _letters(number: int) -> str:
    """1 → a, 26 → z, 27 → aa (bijective base 26, like spreadsheet columns)."""
    text = ""
    while number:
        number, rest = divmod(number - 1, 26)
        text = chr(ord("a") + rest) + text
    return text


def _numbered(requests: list, received, prefix) -> None:
    """`q-2026-0007`, `dsr-2026-0002`: numbered per kind and year in order of receipt."""
    counters: dict[tuple, int] = {}
    for _index, request in sorted(enumerate(requests), key=lambda item: (received(item[1]), item[0])):
        key = (prefix(request), received(request).year)
        counters[key] = counters.get(key, 0) + 1
        request.id = f"{key[0]}-{key[1]}-{counters[key]:04d}"


def _interaction_ids(moments: list) -> None:
    """`i-2026-03-10-werkbezoek-almere`, with `-2`, `-3` for the same day and subject."""
    seen: dict[str, int] = {}
    for _index, moment in sorted(enumerate(moments), key=lambda item: (item[1].date, item[0])):
        base = f"i-{moment.date.isoformat()}-{moment.slug}"
        seen[base] = seen.get(base, 0) + 1
        moment.id = base if seen[base] == 1 else f"{base}-{seen[base]}"


def _write(folder: Path, items) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    prefix = str(folder) + os.sep
    count = 0
    for record_id, text in items:
        with open(prefix + record_id + ".yaml", "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        count += 1
    return count


def _commit(out: Path, people: int, seed: int, today: dt.date) -> None:
    """One commit of everything; fixed author, committer and date, so the hash is the same
    for the same inputs. The message holds no personal data (P021)."""
    git(out, "init", "-q", "--initial-branch=main")
    git(out, "config", "commit.gpgsign", "false")
    git(out, "config", "core.autocrlf", "false")
    moment = f"{today.isoformat()}T12:00:00+0000"
    name, email = COMMIT_AUTHOR
    env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": moment,
           "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email, "GIT_COMMITTER_DATE": moment}
    git(out, "add", "--all", "--force", env=env)
    git(out, "commit", "-q", "--no-verify", "-m", f"Synthetic records: {people} people, seed {seed} (crmtool demo)",
        env=env)
