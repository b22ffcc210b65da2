"""The lists of the workspace (`/people`, `/organisations`, `/requests`, `/interactions`) as
values from the index: one page of rows, filtered, sorted, counted.

Every filter and sort a request may name is listed here, each with its own SQL (a filter on
what a record is linked to is `id IN (...)`, so SQLite starts from the filter's index rather
than looking at every record); what staff
put in the address only ever reaches the database as a bound parameter, and a sort or filter
that is not listed is ignored (the default applies). Sorting always ends with the id, so a
page boundary never falls between rows of equal value.

A person filtered by purpose is one with a label for it holding on the day, as `crmtool
export` chooses people; `people_model` gives the export those people from the index's copy
of their records, so a download need not read every file.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..domain.pipeline import Pipeline
from ..domain.texts import localised

PER_PAGE = 50

HELD = "(x.since IS NULL OR x.since <= :today) AND (x.until IS NULL OR x.until >= :today)"
BELOW = ("(WITH RECURSIVE below(id) AS (SELECT :organisation UNION "
         "SELECT o2.id FROM organisations o2 JOIN below b ON o2.parent = b.id) SELECT id FROM below)")
"""The organisation of the `organisation` filter and everything under it (a college, a council)."""
CURRENT_ROLE = '(r.start IS NULL OR r.start <= :today) AND (r."end" IS NULL OR r."end" >= :today)'


def _tag(folder: str, alias: str) -> str:
    return f"{alias}.id IN (SELECT t.record FROM tags t WHERE t.folder = '{folder}' AND t.tag = :tag)"


@dataclass(frozen=True)
class Spec:
    """One list: its rows' SELECT, the filters it takes and the sorts it offers."""

    folder: str
    select: str
    """SELECT ... FROM ...: the columns of a row, then (after its last FROM) the tables."""
    filters: dict[str, str]
    sorts: dict[str, tuple[str, ...]]
    """A sort's name → its ORDER BY terms, ascending; the id is added last."""
    default: tuple[str, str]  # (sort, order)

    @property
    def source(self) -> str:
        """The tables (what follows the last FROM), for counting without the row's columns."""
        return self.select.rsplit(" FROM ", 1)[1]

    @property
    def alias(self) -> str:
        return self.source.split()[1]


SPECS = {
    "people": Spec(
        "people",
        "SELECT p.id, p.name, p.owner, p.status, "
        "(SELECT address FROM emails e WHERE e.folder = 'people' AND e.record = p.id ORDER BY e.rowid LIMIT 1) "
        "AS email, "
        "(SELECT number FROM phones f WHERE f.folder = 'people' AND f.record = p.id ORDER BY f.rowid LIMIT 1) "
        "AS phone FROM people p",
        {"tag": _tag("people", "p"),
         "purpose": f"p.id IN (SELECT x.person FROM person_purposes x WHERE x.purpose = :purpose AND {HELD})",
         "owner": "p.owner = :owner",
         "organisation": f"p.id IN (SELECT r.person FROM roles r WHERE r.organisation IN {BELOW} "
                         f"AND {CURRENT_ROLE})"},
        {"name": ("lower(coalesce(p.family, p.name, ''))", "lower(coalesce(p.given, ''))"), "id": (),
         "owner": ("coalesce(p.owner, '')",), "status": ("coalesce(p.status, '')",)},
        ("name", "asc")),
    "organisations": Spec(
        "organisations",
        "SELECT o.id, o.name, o.short_name, o.kind, cx.province, o.parent, parent.name AS parent_name, o.owner, "
        "o.\"end\" FROM organisations o LEFT JOIN organisation_context cx ON cx.organisation = o.id "
        "LEFT JOIN organisations parent ON parent.id = o.parent",
        {"tag": _tag("organisations", "o"), "owner": "o.owner = :owner", "kind": "o.kind = :kind",
         "province": "cx.province = :province",
         "organisation": f"o.id != :organisation AND o.id IN {BELOW}"},
        {"name": ("lower(coalesce(o.name, ''))",), "id": (), "kind": ("coalesce(o.kind, '')",),
         "province": ("coalesce(cx.province, '')",), "owner": ("coalesce(o.owner, '')",)},
        ("name", "asc")),
    "requests": Spec(
        "requests",
        "SELECT q.id, q.title, q.kind, q.received, q.stage, q.assignee, s.name AS assignee_name, q.from_person, "
        "fp.name AS from_person_name, q.from_organisation, fo.name AS from_organisation_name, q.follow_up, "
        "q.closed, q.owner FROM requests q LEFT JOIN staff s ON s.id = q.assignee "
        "LEFT JOIN people fp ON fp.id = q.from_person LEFT JOIN organisations fo ON fo.id = q.from_organisation",
        {"tag": _tag("requests", "q"), "owner": "q.owner = :owner", "kind": "q.kind = :kind",
         "stage": "q.stage = :stage", "assignee": "q.assignee = :assignee",
         "organisation": f"q.from_organisation IN {BELOW}"},
        {"received": ("coalesce(q.received, '')",), "id": (), "title": ("lower(coalesce(q.title, ''))",),
         "kind": ("coalesce(q.kind, '')",), "stage": ("coalesce(q.stage, '')",),
         "assignee": ("coalesce(q.assignee, '')",), "follow_up": ("coalesce(q.follow_up, '9999')",)},
        ("received", "desc")),
    "interactions": Spec(
        "interactions",
        "SELECT i.id, i.date, i.kind, i.summary, i.purpose, i.request, i.owner FROM interactions i",
        {"tag": _tag("interactions", "i"), "owner": "i.owner = :owner", "kind": "i.kind = :kind",
         "purpose": "i.purpose = :purpose",
         "organisation": "i.id IN (SELECT l.interaction FROM interaction_links l WHERE l.type = 'organisation' "
                         f"AND l.ref IN {BELOW})"},
        {"date": ("i.date",), "id": (), "kind": ("coalesce(i.kind, '')",),
         "owner": ("coalesce(i.owner, '')",),
         "purpose": ("coalesce(i.purpose, '')",)},
        ("date", "desc")),
}


@dataclass
class Listing:
    """One page of a list: its rows (dicts, labels already in the language) and where it is."""

    folder: str
    rows: list[dict[str, Any]]
    total: int
    page: int
    pages: int
    sort: str
    order: str  # "asc" or "desc"
    filters: dict[str, str] = field(default_factory=dict)
    """The filters that applied (known names with a value)."""

    @property
    def first(self) -> int:
        """The number of the page's first row (1-based); 0 when the page is empty."""
        return (self.page - 1) * PER_PAGE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return (self.page - 1) * PER_PAGE + len(self.rows)


def applied(folder: str, filters: Mapping[str, str]) -> dict[str, str]:
    """The filters of `filters` this list takes, without empty values."""
    return {name: str(filters[name]).strip() for name in SPECS[folder].filters
            if str(filters.get(name) or "").strip()}


def _where(folder: str, filters: dict[str, str], today: dt.date) -> tuple[str, dict[str, Any]]:
    spec = SPECS[folder]
    clauses = [spec.filters[name] for name in filters]
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), {**filters, "today": today.isoformat()}


def listing(db: sqlite3.Connection, folder: str, filters: Mapping[str, str], today: dt.date, *,
            sort: str = "", order: str = "", page: int = 1, language: str = "en",
            pipeline: Pipeline | None = None) -> Listing:
    """One page of the list of `folder` (people, organisations, requests, interactions): the
    rows matching every filter on `today`, in the order asked for when it is one the list
    offers (else its default), page `page` (clamped to the pages there are)."""
    spec = SPECS[folder]
    chosen = applied(folder, filters)
    where, parameters = _where(folder, chosen, today)
    if sort not in spec.sorts:
        sort, order = spec.default
    elif order not in ("asc", "desc"):
        order = "asc"
    direction = "DESC" if order == "desc" else "ASC"
    terms = [*spec.sorts[sort], f"{spec.alias}.id"]
    total = db.execute(f"SELECT count(*) FROM {spec.source}{where}", parameters).fetchone()[0]
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    ordered = (f"SELECT {spec.alias}.id FROM {spec.source}{where} "
               f"ORDER BY {', '.join(f'{term} {direction}' for term in terms)} LIMIT :limit OFFSET :offset")
    ids = [row[0] for row in db.execute(ordered, {**parameters, "limit": PER_PAGE, "offset": (page - 1) * PER_PAGE})]
    # the row's columns (a person's first email address, ...) only for the page's rows, not for every one sorted
    cursor = db.execute(f"{spec.select} WHERE {spec.alias}.id IN ({','.join('?' * len(ids))})", ids)
    names = [d[0] for d in cursor.description]
    found = {row[0]: dict(zip(names, row)) for row in cursor}
    rows = [found[rid] for rid in ids if rid in found]
    _label(db, folder, rows, language, pipeline)
    return Listing(folder, rows, total, page, pages, sort, order, chosen)


def matching_ids(db: sqlite3.Connection, folder: str, filters: Mapping[str, str], today: dt.date) -> list[str]:
    """The ids of every record of the list that matches the filters, in no particular order."""
    spec = SPECS[folder]
    where, parameters = _where(folder, applied(folder, filters), today)
    return [row[0] for row in db.execute(f"SELECT {spec.alias}.id FROM {spec.source}{where}", parameters)]


def vocabulary_labels(db: sqlite3.Connection, vocabulary: str, language: str) -> dict[str, str]:
    """A vocabulary's values → their label in `language` (the value itself without one), in order."""
    found = db.execute("SELECT value, label_nl, label_en, label FROM vocabulary_values WHERE vocabulary = ? "
                       "ORDER BY position", (vocabulary,))
    return {value: (nl if language == "nl" else en) or label or value for value, nl, en, label in found}


def stage_labels(pipeline: Pipeline | None, language: str) -> dict[str, str]:
    if pipeline is None:
        return {}
    return {stage: localised(data.get("label"), language) or stage for stage, data in pipeline.stages.items()}


def _label(db: sqlite3.Connection, folder: str, rows: list[dict], language: str, pipeline: Pipeline | None) -> None:
    """Vocabulary values by their label next to the value: the owner (a team), an
    organisation's kind and province, a request's stage; a contact moment's purpose title and
    the people and organisations that took part."""
    teams = vocabulary_labels(db, "teams", language)
    for row in rows:
        row["owner_label"] = teams.get(row.get("owner") or "", row.get("owner"))
    if folder == "organisations":
        kinds = vocabulary_labels(db, "organisation-kinds", language)
        provinces = vocabulary_labels(db, "provinces", language)
        for row in rows:
            row["kind_label"] = kinds.get(row["kind"] or "", row["kind"])
            row["province_label"] = provinces.get(row["province"] or "", row["province"])
    elif folder == "requests":
        stages = stage_labels(pipeline, language)
        for row in rows:
            row["stage_label"] = stages.get(row["stage"] or "", row["stage"])
    elif folder == "interactions" and rows:
        titles = purpose_titles(db, language)
        ids = [row["id"] for row in rows]
        marks = ",".join("?" * len(ids))
        links: dict[str, list[dict]] = {}
        for interaction, kind, ref, name in db.execute(
                "SELECT l.interaction, l.type, l.ref, coalesce(p.name, o.name) FROM interaction_links l "
                "LEFT JOIN people p ON l.type = 'person' AND p.id = l.ref "
                "LEFT JOIN organisations o ON l.type = 'organisation' AND o.id = l.ref "
                f"WHERE l.interaction IN ({marks}) AND l.type IN ('person', 'organisation') ORDER BY l.rowid", ids):
            links.setdefault(interaction, []).append({"type": kind, "id": ref, "name": name})
        for row in rows:
            row["purpose_title"] = titles.get(row["purpose"] or "")
            row["with"] = links.get(row["id"], [])


def purpose_titles(db: sqlite3.Connection, language: str) -> dict[str, str]:
    """Each purpose's title in `language` when its record has one in it (the index keeps the
    repository's language), else the index's title, else its id."""
    result = {}
    for pid, title, data in db.execute(
            "SELECT p.id, p.title, r.data FROM purposes p LEFT JOIN records r ON r.folder = 'purposes' "
            "AND r.id = p.id AND r.indexed = 1"):
        record = json.loads(data) if data else {}
        result[pid] = localised(record.get("title") if isinstance(record, dict) else None, language) or title or pid
    return result


def options(db: sqlite3.Connection, folder: str, language: str, pipeline: Pipeline | None = None
            ) -> dict[str, list[tuple[str, str]]]:
    """The choices of each filter of a list as (value, label), for its select controls: the
    vocabularies' values with their labels, the purposes with their titles, the colleagues
    with their names, and the tags and kinds the records use."""
    spec = SPECS[folder]
    result: dict[str, list[tuple[str, str]]] = {}
    for name in spec.filters:
        if name == "tag":
            labels = vocabulary_labels(db, "tags", language)
            result[name] = [(t, labels.get(t, t)) for t, in db.execute(
                "SELECT DISTINCT tag FROM tags WHERE folder = ? ORDER BY tag", (folder,))]
        elif name == "purpose":
            result[name] = sorted(purpose_titles(db, language).items())
        elif name == "owner":
            teams = vocabulary_labels(db, "teams", language)
            used: set[str] = {row[0] for row in db.execute(  # folder: one of SPECS, never the request's
                f"SELECT DISTINCT owner FROM {spec.folder} WHERE owner IS NOT NULL")}
            result[name] = [(t, label) for t, label in teams.items()] + [(o, o) for o in sorted(used - set(teams))]
        elif name == "kind" and folder == "organisations":
            result[name] = list(vocabulary_labels(db, "organisation-kinds", language).items())
        elif name == "kind":
            result[name] = [(k, k) for k, in db.execute(f"SELECT DISTINCT kind FROM {folder} WHERE kind IS NOT NULL "
                                                         "ORDER BY kind")]
        elif name == "province":
            result[name] = list(vocabulary_labels(db, "provinces", language).items())
        elif name == "stage":
            result[name] = list(stage_labels(pipeline, language).items())
        elif name == "assignee":
            result[name] = [(sid, sname or sid)
                            for sid, sname in db.execute("SELECT id, name FROM staff ORDER BY name, id")]
    return result
