"""Cards: one record with everything linked to it, read from the index (issue 17, item 3).

A card is plain data (dicts, lists, ISO dates, labels already in the language being spoken)
that the workspace lays out as a page and the terminal as tables (`crmtool query person`,
`crmtool query organisation`), so both show the same values. Everything comes from the index,
which the caller has just refreshed: lists and counts from its tables, and the few computations
that need whole records (the day retention ends, a data-subject request's deadline) from the
records' JSON in `records.data`, never from reading every file.

A card is "on" a day: a role is current on that day, a council is the one sitting that day
(DESIGN.md's "current on day D"). A card for an id that does not exist is None.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any

from .. import i18n
from ..domain import retention as retention_of
from ..domain import words
from ..domain.objections import DIRECT_MARKETING, objections, restrictions
from ..domain.deadlines import deadline
from ..domain.pipeline import Pipeline
from ..domain.texts import localised
from ..i18n import N_, _
from ..load.model import Model, Record
from . import questions
from .questions import BELOW, Filters, rows_of

INTERACTION_KINDS = {
    "meeting": N_("meeting"), "call": N_("call"), "video-call": N_("video call"), "email": N_("email"),
    "letter": N_("letter"), "event": N_("event"), "visit": N_("visit"), "other": N_("other"),
}
"""What a contact moment's `kind` is called (the schema's list; another value shows as it is)."""

REQUEST_KINDS = {
    "question": N_("question"), "project": N_("project"), "access": N_("access"),
    "rectification": N_("rectification"), "erasure": N_("erasure"), "portability": N_("portability"),
    "objection": N_("objection"), "restriction": N_("restriction"), "complaint": N_("complaint"),
    "other": N_("other"),
}
"""What one request of each kind is called (the schema's list)."""

BODY_ORDER = ("executive-board", "council", "registry-office", "secretariat")
"""The sub-organisations of a municipality in the order seed 003 reads them: the executive
board, the council, the registry office (griffie), the secretariat; any other kind after them."""


# --- small helpers ----------------------------------------------------------------------

def vocabulary(db: sqlite3.Connection, name: str) -> dict[str, str]:
    """The labels of a vocabulary's values in the language being spoken (the value itself
    when the vocabulary gives no label)."""
    language = i18n.language()
    return {value: localised({"nl": nl, "en": en}, language) or label or value
            for value, label, nl, en in db.execute(
                "SELECT value, label, label_nl, label_en FROM vocabulary_values WHERE vocabulary = ? "
                "ORDER BY position", (name,))}


def _word(table: dict[str, str], value: str | None) -> str:
    if not value:
        return ""
    return _(table[value]) if value in table else value.replace("-", " ")


def _data(db: sqlite3.Connection, folder: str, record_id: str) -> dict | None:
    """A record as the index keeps it (the file's data as JSON)."""
    found = db.execute("SELECT data FROM records WHERE folder = ? AND id = ? AND indexed = 1",
                       (folder, record_id)).fetchone()
    return json.loads(found[0]) if found and found[0] else None


def _records(db: sqlite3.Connection, folder: str, ids: list[str] | None = None) -> list[Record]:
    """Records of a small folder (purposes, fields), or only `ids` of any folder (looked up one
    by one: a card must not read every role of a large repository), rebuilt from the index's JSON."""
    sql = "SELECT id, path, data FROM records WHERE folder = ? AND indexed = 1 AND data IS NOT NULL"
    if ids is None:
        rows = db.execute(sql, (folder,)).fetchall()
    else:
        rows = [row for rid in dict.fromkeys(ids) for row in db.execute(sql + " AND id = ?", (folder, rid))]
    return [Record(folder, rid, path, json.loads(data)) for rid, path, data in rows]


def _names(db: sqlite3.Connection, table: str, ids: list[str | None] | None = None) -> dict[str, str]:
    """Names by id: of every row (staff, a small table) or of the `ids` given."""
    if ids is None:
        return {rid: name for rid, name in db.execute(f"SELECT id, name FROM {table}") if name}
    found = {}
    for rid in dict.fromkeys(i for i in ids if i):
        row = db.execute(f"SELECT name FROM {table} WHERE id = ?", (rid,)).fetchone()
        if row and row[0]:
            found[rid] = row[0]
    return found


def _contact(db: sqlite3.Connection, folder: str, record_id: str) -> dict[str, list[dict]]:
    key = {"folder": folder, "record": record_id}
    return {
        "emails": rows_of(db, "SELECT address, kind FROM emails WHERE folder = :folder AND record = :record "
                              "ORDER BY rowid", key),
        "phones": rows_of(db, "SELECT number, kind FROM phones WHERE folder = :folder AND record = :record "
                              "ORDER BY rowid", key),
        "addresses": rows_of(db, "SELECT kind, street, number, postcode, city, country FROM addresses "
                                 "WHERE folder = :folder AND record = :record ORDER BY rowid", key),
    }


def _tags_notes(db: sqlite3.Connection, folder: str, record_id: str, staff: dict[str, str]) -> dict[str, list]:
    key = {"folder": folder, "record": record_id}
    notes = rows_of(db, 'SELECT date, "by", text FROM notes WHERE folder = :folder AND record = :record '
                        "ORDER BY date DESC, position DESC", key)
    for note in notes:
        note["by_name"] = staff.get(note["by"] or "")
    tags = [t for t, in db.execute("SELECT tag FROM tags WHERE folder = :folder AND record = :record ORDER BY rowid",
                                   key)]
    return {"tags": tags, "notes": notes}


def _fields(db: sqlite3.Connection, folder: str, record_id: str) -> list[dict]:
    """Custom fields with their labels in the language spoken, in the order of their definitions."""
    language = i18n.language()
    definitions = {r.id: r.data for r in _records(db, "fields")}
    order = list(definitions)
    found = []
    for name, value in db.execute("SELECT field, value FROM field_values WHERE folder = ? AND record = ?",
                                  (folder, record_id)):
        definition = definitions.get(name, {})
        found.append({"field": name, "label": localised(definition.get("label"), language) or name,
                      "type": definition.get("type"), "value": json.loads(value)})
    found.sort(key=lambda f: (order.index(f["field"]) if f["field"] in order else len(order), f["field"]))
    return found


def _purpose_titles(db: sqlite3.Connection) -> dict[str, str]:
    language = i18n.language()
    return {r.id: localised(r.get("title"), language) or r.id for r in _records(db, "purposes")}


def _role_rows(db: sqlite3.Connection, where: str, parameters: dict, on: dt.date) -> list[dict]:
    """Rows of `role_holders` as the questions give them, with the labels of function,
    qualifiers, portfolios and end reason in the language spoken and whether each is current."""
    found = rows_of(db, f"SELECT h.* FROM role_holders h WHERE {where}", parameters)
    reasons, day = vocabulary(db, "end-reasons"), on.isoformat()
    rows = []
    for holder in found:  # the row `questions.who` gives, for these roles only (not a pass over them all)
        role = holder["role"]
        municipality = _names(db, "organisations", [holder["municipality"]]).get(holder["municipality"] or "")
        rows.append({
            "role": role, "person": holder["person"],
            "name": holder["person_name"] or holder["member_organisation_name"] or holder["member_organisation"] or "",
            "member_organisation": holder["member_organisation"], "function": holder["function"],
            "qualifiers": [q for q, in db.execute("SELECT qualifier FROM role_qualifiers WHERE role = ? ORDER BY rowid",
                                                  (role,))],
            "portfolio": [p for p, in db.execute("SELECT portfolio FROM role_portfolios WHERE role = ? ORDER BY rowid",
                                                 (role,))],
            "organisation": holder["organisation"], "organisation_name": holder["organisation_name"],
            "party": holder["party"], "party_name": holder["party_name"], "municipality": holder["municipality"],
            "municipality_name": municipality, "province": holder["province"], "region": holder["region"],
            "on_behalf_of": holder["on_behalf_of"], "start": holder["start"], "end": holder["end"],
            "public": bool(holder["public"]) if holder["public"] is not None else None})
    _label_roles(db, rows)
    for row, holder in zip(rows, found):
        reason = row["end_reason"] = holder["end_reason"]
        row["end_reason_label"] = reasons.get(reason, reason) if reason else None
        row["current"] = (row["start"] or "") <= day and (row["end"] is None or day <= row["end"])
    return rows


def _role_summary(db: sqlite3.Connection, role_id: str | None, on: dt.date) -> dict | None:
    if not role_id:
        return None
    rows = _role_rows(db, "h.role = :role", {"role": role_id}, on)
    if rows:
        return rows[0]
    return {"role": role_id, "missing": True, "person": None, "member_organisation": None, "name": None,
            "function_label": None, "organisation": None, "organisation_name": None, "start": None, "end": None}


def _interactions(db: sqlite3.Connection, where: str, parameters: dict, staff: dict[str, str]) -> list[dict]:
    """Contact moments, newest first, with their kind in words and the colleagues present."""
    found = rows_of(db, f"SELECT i.id, i.date, i.kind, i.summary, i.purpose, i.request FROM interactions i "
                        f"WHERE {where} ORDER BY i.date DESC, i.id DESC", parameters)
    for row in found:
        row["kind_label"] = _word(INTERACTION_KINDS, row["kind"])
        row["staff"] = [{"id": s, "name": staff.get(s)} for s, in db.execute(
            "SELECT ref FROM interaction_links WHERE interaction = ? AND type = 'staff' ORDER BY rowid", (row["id"],))]
    return found


def _model_for(db: sqlite3.Connection, person_id: str, data: dict) -> Model:
    """The part of the model the retention of one person reads: the person, their roles,
    contact moments and requests, and the purposes."""
    model = Model()
    model.add(Record("people", person_id, "", data))
    roles = [r for r, in db.execute("SELECT id FROM roles WHERE person = ?", (person_id,))]
    moments = [r for r, in db.execute("SELECT interaction FROM interaction_links WHERE type = 'person' AND ref = ?",
                                      (person_id,))]
    asked = [r for r, in db.execute("SELECT id FROM requests WHERE from_person = ?", (person_id,))]
    for folder, ids in (("roles", roles), ("interactions", moments), ("requests", asked), ("purposes", None)):
        for record in _records(db, folder, ids):
            model.add(record)
    return model


# --- the person -------------------------------------------------------------------------

def person_card(db: sqlite3.Connection, person_id: str, on: dt.date, pipeline: Pipeline) -> dict | None:
    """Everything held about one person and linked to them (the office-holder perspective of
    seed 003): contact details, purposes with their legal basis and the day retention ends,
    consents, subscriptions, tags, notes, custom fields, every role current and past, contact
    moments newest first and requests."""
    row = db.execute("SELECT name, owner, status, inactive_since, language FROM people WHERE id = ?",
                     (person_id,)).fetchone()
    data = _data(db, "people", person_id)
    if row is None or data is None:
        return None
    staff = _names(db, "staff")
    titles = _purpose_titles(db)
    teams, sources = vocabulary(db, "teams"), vocabulary(db, "sources")
    model = _model_for(db, person_id, data)
    person = model.get("people", person_id)
    assert person is not None
    ends = {r.pointer[1]: r for r in retention_of.of_person(model, person, on)}
    purposes = []
    for n, label in enumerate(rows_of(db, "SELECT purpose, since, until, source, notified FROM person_purposes "
                                          "WHERE person = ? ORDER BY rowid", (person_id,))):
        policy = model.get("purposes", label["purpose"])
        basis = policy.get("legal_basis") if policy else None
        name, article, _meaning = words.legal_basis(_, basis)
        kept = ends.get(n)
        purposes.append({
            **label, "title": titles.get(label["purpose"], label["purpose"]), "source_label":
            sources.get(label["source"], label["source"]) if label["source"] else None,
            "legal_basis": basis, "legal_basis_label": name or basis, "article": article,
            "retention": words.retention(_, policy.get("retention")) if policy else "",
            "retention_ends": kept.ends.isoformat() if kept and kept.ends else None,
            "retention_running": bool(kept and kept.anchor), "expired": bool(kept and kept.expired(on))})
    consents = rows_of(db, "SELECT purpose, given, withdrawn, channel, wording FROM consents WHERE person = ? "
                           "ORDER BY given", (person_id,))
    for consent in consents:
        consent["title"] = titles.get(consent["purpose"], consent["purpose"])
        consent["valid"] = bool(consent["given"] and consent["given"] <= on.isoformat()
                                and not (consent["withdrawn"] and consent["withdrawn"] <= on.isoformat()))
    subscriptions = rows_of(db, "SELECT s.list, l.title FROM subscriptions s LEFT JOIN lists l ON l.id = s.list "
                                "WHERE s.person = ? ORDER BY s.rowid", (person_id,))
    roles = _role_rows(db, "h.person = :person", {"person": person_id}, on)
    for role in roles:
        role["on_behalf"] = _role_summary(db, role["on_behalf_of"], on)
    roles.sort(key=lambda r: (not r["current"], _reverse(r["start"]), r["role"]))
    requests = _requests(db, "r.from_person = :person", {"person": person_id}, pipeline, staff, on)
    return {
        "id": person_id, "name": row[0] or "", "owner": row[1], "owner_label": teams.get(row[1], row[1]),
        "status": row[2], "inactive_since": row[3], "language": row[4], "on": on.isoformat(),
        **_contact(db, "people", person_id), "purposes": purposes, "consents": consents,
        "subscriptions": subscriptions, **_tags_notes(db, "people", person_id, staff),
        "fields": _fields(db, "people", person_id), "roles": roles,
        "interactions": _interactions(db, "i.id IN (SELECT interaction FROM interaction_links "
                                          "WHERE type = 'person' AND ref = :person)", {"person": person_id}, staff),
        "requests": requests, **_objections(data, on, titles),
    }


def _objections(data: dict, on: dt.date, titles: dict[str, str]) -> dict:
    """The person's restriction in force on `on` and their objections, for the card to show
    first: staff must see at a glance that the data may be kept but not used (Art. 18) or not
    used for marketing or a purpose (Art. 21)."""
    current = [r for r in restrictions(data) if r.in_force_on(on)]
    restricted = None
    if current:
        item = data["restrictions"][current[0].index]
        restricted = {"since": item.get("since"), "until": item.get("until"), "ground": item.get("ground")}
    made = [{"scope": _("direct marketing") if o.scope == DIRECT_MARKETING else titles.get(o.scope, o.scope),
             "date": o.date.isoformat()} for o in objections(data) if o.date <= on]
    return {"restricted": restricted, "objections": made}


def _reverse(day: str | None) -> str:
    """A sort key that puts later days first (and a missing day last)."""
    return "".join(chr(0x7f - ord(c)) for c in day) if day else "~"


def _requests(db: sqlite3.Connection, where: str, parameters: dict, pipeline: Pipeline,
              staff: dict[str, str], on: dt.date) -> list[dict]:
    found = rows_of(db, f"SELECT r.id, r.kind, r.title, r.received, r.stage, r.assignee, r.follow_up, r.closed "
                        f"FROM requests r WHERE {where} ORDER BY r.received DESC, r.id", parameters)
    for row in found:
        row["kind_label"] = _word(REQUEST_KINDS, row["kind"])
        row["stage_label"] = _stage(pipeline, row["stage"])
        row["assignee_name"] = staff.get(row["assignee"] or "")
        row["open"] = not (row["closed"] and row["closed"] <= on.isoformat()) and not pipeline.is_final(
            row["stage"] or "")
    return found


def _stage(pipeline: Pipeline, stage: str | None) -> str:
    if not stage:
        return ""
    return localised(pipeline.stages.get(stage, {}).get("label"), i18n.language()) or stage


# --- the organisation -------------------------------------------------------------------

def organisation_card(db: sqlite3.Connection, organisation_id: str, on: dt.date) -> dict | None:
    """An organisation as seed 003's municipality perspective shows it, on day `on`: its fields
    grouped, its memberships and the participations its officials hold on its behalf, its
    executive board and council (seats by party), its registry office and secretariat with the
    people working there, the colleagues who had contact with it, its place names and its
    sub-organisations as a tree."""
    found = rows_of(db, "SELECT * FROM organisations WHERE id = ?", (organisation_id,))
    if not found:
        return None
    row = found[0]
    kinds, provinces = vocabulary(db, "organisation-kinds"), vocabulary(db, "provinces")
    regions, teams = vocabulary(db, "regions"), vocabulary(db, "teams")
    staff, names = _names(db, "staff"), _names(db, "organisations", [row["parent"], row["successor"]])
    parameters = {"organisation": organisation_id, "on": on.isoformat()}
    context = db.execute("SELECT province, region FROM organisation_context WHERE organisation = ?",
                         (organisation_id,)).fetchone() or (None, None)
    below = [r for r, in db.execute(f"{BELOW} SELECT id FROM below", parameters)]
    municipality = row["kind"] == "municipality"

    # everyone holding a role here or below on the day, grouped by where they hold it
    holders = questions.who(db, Filters(organisation=organisation_id), on).rows
    _label_roles(db, holders)
    by_body: dict[str, list[dict]] = {}
    for holder in holders:
        by_body.setdefault(holder["organisation"], []).append(holder)
    tree = _tree(db, organisation_id, kinds)
    bodies = []
    for node in _flatten(tree)[1:]:
        body_contact = _contact(db, "organisations", node["id"])
        bodies.append({**node, "children": None, "people": by_body.get(node["id"], []),
                       "emails": body_contact["emails"], "phones": body_contact["phones"]})
    bodies.sort(key=lambda b: (BODY_ORDER.index(b["kind"]) if b["kind"] in BODY_ORDER else len(BODY_ORDER)))

    card: dict[str, Any] = {
        "id": organisation_id, "name": row["name"] or organisation_id, "short_name": row["short_name"],
        "kind": row["kind"], "kind_label": kinds.get(row["kind"], row["kind"]) if row["kind"] else None,
        "parent": {"id": row["parent"], "name": names.get(row["parent"])} if row["parent"] else None,
        "province": context[0], "province_label": provinces.get(context[0], context[0]) if context[0] else None,
        "region": context[1], "region_label": regions.get(context[1], context[1]) if context[1] else None,
        "website": row["website"], "start": row["start"], "end": row["end"],
        "successor": {"id": row["successor"], "name": names.get(row["successor"])} if row["successor"] else None,
        "owner": row["owner"], "owner_label": teams.get(row["owner"], row["owner"]) if row["owner"] else None,
        "on": on.isoformat(), "municipality": municipality,
        "identifiers": rows_of(db, "SELECT scheme, value FROM identifiers WHERE organisation = ? ORDER BY rowid",
                               (organisation_id,)),
        **_contact(db, "organisations", organisation_id), **_tags_notes(db, "organisations", organisation_id, staff),
        "fields": _fields(db, "organisations", organisation_id),
        "places": [r["place"] for r in questions.places(db, organisation_id).rows] if municipality else
        [p for p, in db.execute("SELECT place FROM places WHERE organisation = ? ORDER BY position",
                                (organisation_id,))],
        "memberships": _memberships(db, organisation_id, on, kinds),
        "participations": _participations(db, organisation_id, on, kinds),
        "mayor": [], "aldermen": [], "executive": [], "seats": [], "council_size": 0, "council": [],
        "people": by_body.get(organisation_id, []), "bodies": bodies, "tree": tree,
        "members": [],
    }
    if municipality:
        # `query mayor` and `query aldermen` for this municipality, from the holders found above
        # (the same `who` rows), so the card asks the index once rather than three times
        card["mayor"] = [h for h in holders if h["function"] in questions.HEAD_FUNCTIONS]
        card["aldermen"] = [h for h in holders if h["function"] == "wethouder"]
        card["seats"] = questions.seats(db, organisation_id, on).rows
        card["council_size"] = sum(s["seats"] for s in card["seats"])
        shown = {r["role"] for r in card["mayor"] + card["aldermen"]}
        card["executive"] = card["mayor"] + card["aldermen"] + [
            p for b in bodies if b["kind"] == "executive-board" for p in b["people"] if p["role"] not in shown]
        card["council"] = [p for b in bodies if b["kind"] == "council" for p in b["people"]]
        card["bodies"] = [b for b in bodies if b["kind"] not in ("executive-board", "council")]
    if db.execute(f"{BELOW} SELECT 1 FROM roles WHERE member_organisation IS NOT NULL "
                  "AND organisation IN (SELECT id FROM below) LIMIT 1", parameters).fetchone():
        card["members"] = questions.partnership(db, organisation_id, on).rows
    marks = ", ".join(f":b{n}" for n in range(len(below)))
    where = (f"i.id IN (SELECT interaction FROM interaction_links WHERE type = 'organisation' AND ref IN ({marks}) "
             f"UNION SELECT l.interaction FROM roles r JOIN interaction_links l ON l.type = 'role' AND l.ref = r.id "
             f"WHERE r.organisation IN ({marks}))")
    moments = _interactions(db, where, {f"b{n}": b for n, b in enumerate(below)}, staff)
    card["interactions"] = moments
    card["colleagues"] = _colleagues(moments)
    return card


def _label_roles(db: sqlite3.Connection, rows: list[dict]) -> list[dict]:
    """Role rows of the questions with their labels in the language spoken."""
    functions, qualifiers, portfolios = (vocabulary(db, "functions"), vocabulary(db, "role-qualifiers"),
                                         vocabulary(db, "portfolios"))
    for row in rows:
        row["function_label"] = functions.get(row["function"], row["function"])
        row["qualifier_labels"] = [qualifiers.get(q, q) for q in row["qualifiers"]]
        row["portfolio_labels"] = [portfolios.get(p, p) for p in row["portfolio"]]
    return rows


def _tree(db: sqlite3.Connection, organisation_id: str, kinds: dict[str, str]) -> dict:
    """The organisation and everything under it as nested nodes, children by name."""
    rows = rows_of(db, f"""{BELOW} SELECT o.id, o.name, o.kind, o.parent FROM organisations o
                           WHERE o.id IN (SELECT id FROM below) ORDER BY o.name, o.id""",
                   {"organisation": organisation_id})
    nodes = {r["id"]: {"id": r["id"], "name": r["name"] or r["id"], "kind": r["kind"],
                       "kind_label": kinds.get(r["kind"], r["kind"]) if r["kind"] else None, "children": []}
             for r in rows}
    for r in rows:
        if r["id"] != organisation_id and r["parent"] in nodes:
            nodes[r["parent"]]["children"].append(nodes[r["id"]])
    return nodes[organisation_id]


def _flatten(node: dict) -> list[dict]:
    return [node, *(n for child in node["children"] for n in _flatten(child))]


def _memberships(db: sqlite3.Connection, organisation_id: str, on: dt.date, kinds: dict[str, str]) -> list[dict]:
    """The bodies the organisation itself is a member of on the day (roles with
    `member_organisation`): partnerships, safety regions, umbrella bodies."""
    rows = rows_of(db, f"""SELECT h.role, h.organisation, h.organisation_name, o.kind, h.function, h.start, h."end"
                           FROM role_holders h LEFT JOIN organisations o ON o.id = h.organisation
                           WHERE h.member_organisation = :organisation AND {questions.CURRENT}
                           ORDER BY h.organisation_name, h.organisation""",
                   {"organisation": organisation_id, "on": on.isoformat()})
    functions = vocabulary(db, "functions")
    for row in rows:
        row["kind_label"] = kinds.get(row["kind"], row["kind"]) if row["kind"] else None
        row["function_label"] = functions.get(row["function"], row["function"])
    return rows


def _participations(db: sqlite3.Connection, organisation_id: str, on: dt.date,
                    kinds: dict[str, str]) -> list[dict]:
    """Bodies elsewhere where the organisation takes part through its officials, as the records
    say so: a role held on behalf of a role here (or below), such as an alderman's seat on a
    committee of the association. Grouped by that body."""
    rows = rows_of(db, f"""{BELOW}
        SELECT h.organisation, h.organisation_name, o.kind, h.role, h.person, h.person_name, h.function,
               h.on_behalf_of, h.start, h."end"
        FROM role_holders h LEFT JOIN organisations o ON o.id = h.organisation
        WHERE h.role IN (SELECT r.id FROM roles b JOIN roles r ON r.on_behalf_of = b.id
                         WHERE b.organisation IN (SELECT id FROM below))
          AND {questions.CURRENT} AND h.organisation NOT IN (SELECT id FROM below)
        ORDER BY h.organisation_name, h.person_name, h.role""",
                   {"organisation": organisation_id, "on": on.isoformat()})
    functions = vocabulary(db, "functions")
    grouped: dict[str, dict] = {}
    for row in rows:
        body = grouped.setdefault(row["organisation"], {
            "organisation": row["organisation"], "organisation_name": row["organisation_name"],
            "kind_label": kinds.get(row["kind"], row["kind"]) if row["kind"] else None, "people": []})
        body["people"].append({"role": row["role"], "person": row["person"], "name": row["person_name"],
                               "function_label": functions.get(row["function"], row["function"]),
                               "on_behalf_of": row["on_behalf_of"], "start": row["start"], "end": row["end"]})
    return list(grouped.values())


def _colleagues(moments: list[dict]) -> list[dict]:
    """Which colleagues had contact, how often and when last (most recent first)."""
    seen: dict[str, dict] = {}
    for moment in moments:
        for person in moment["staff"]:
            entry = seen.setdefault(person["id"], {"id": person["id"], "name": person["name"], "count": 0,
                                                   "last": moment["date"]})
            entry["count"] += 1
            entry["last"] = max(entry["last"] or "", moment["date"] or "") or None
    return sorted(seen.values(), key=lambda c: (_reverse(c["last"]), c["name"] or c["id"]))


# --- the role, the request, the contact moment ------------------------------------------

def role_card(db: sqlite3.Connection, role_id: str, on: dt.date) -> dict | None:
    """A role: holder, organisation, function, period, qualifiers and portfolios, the role it is
    held on behalf of and the roles held on its behalf."""
    rows = _role_rows(db, "h.role = :role", {"role": role_id}, on)
    if not rows:
        return None
    role = rows[0]
    staff = _names(db, "staff")
    held = _role_rows(db, "h.on_behalf_of = :role", {"role": role_id}, on)
    held.sort(key=lambda r: (not r["current"], _reverse(r["start"]), r["role"]))
    return {**role, "on": on.isoformat(), "on_behalf": _role_summary(db, role["on_behalf_of"], on),
            "held_on_its_behalf": held, **_contact(db, "roles", role_id),
            **_tags_notes(db, "roles", role_id, staff), "fields": _fields(db, "roles", role_id),
            "interactions": _interactions(db, "i.id IN (SELECT interaction FROM interaction_links "
                                              "WHERE type = 'role' AND ref = :role)", {"role": role_id}, staff)}


def request_card(db: sqlite3.Connection, request_id: str, on: dt.date, pipeline: Pipeline) -> dict | None:
    """A request: kind, who asked, stages with their dates, assignee, the deadline of a
    data-subject request (computed, Art. 12(3)), the follow-up date, topics, notes and the
    contact moments that belong to it."""
    found = rows_of(db, "SELECT * FROM requests WHERE id = ?", (request_id,))
    data = _data(db, "requests", request_id)
    if not found or data is None:
        return None
    row = found[0]
    staff, topics = _names(db, "staff"), vocabulary(db, "topics")
    people = _names(db, "people", [row["from_person"]])
    organisations = _names(db, "organisations", [row["from_organisation"]])
    history = rows_of(db, 'SELECT date, stage, "by", assignee, note FROM request_history WHERE request = ? '
                          "ORDER BY position", (request_id,))
    for step in history:
        step["stage_label"] = _stage(pipeline, step["stage"])
        step["by_name"], step["assignee_name"] = staff.get(step["by"] or ""), staff.get(step["assignee"] or "")
    due = deadline(Record("requests", request_id, row["path"], data))
    day = on.isoformat()
    is_open = not (row["closed"] and row["closed"] <= day) and not pipeline.is_final(row["stage"] or "")
    return {
        "id": request_id, "title": row["title"], "kind": row["kind"], "kind_label": _word(REQUEST_KINDS, row["kind"]),
        "received": row["received"], "channel": row["channel"], "on": day, "open": is_open,
        "from_person": row["from_person"], "from_name": people.get(row["from_person"] or ""),
        "from_organisation": row["from_organisation"],
        "from_organisation_name": organisations.get(row["from_organisation"] or ""),
        "assignee": row["assignee"], "assignee_name": staff.get(row["assignee"] or ""),
        "stage": row["stage"], "stage_label": _stage(pipeline, row["stage"]),
        "follow_up": row["follow_up"],
        "follow_up_passed": bool(is_open and row["follow_up"] and row["follow_up"] < day),
        "closed": row["closed"], "outcome": row["outcome"], "owner": row["owner"],
        "topics": [{"id": t, "label": topics.get(t, t)} for t, in db.execute(
            "SELECT topic FROM request_topics WHERE request = ? ORDER BY rowid", (request_id,))],
        "history": history,
        "deadline": None if due is None else {
            "due": due.due.isoformat(), "extended": due.extended, "extension_late": due.extension_late,
            "answered": due.answered.isoformat() if due.answered else None,
            "late": (due.answered or on) > due.due, "days_left": (due.due - on).days if due.answered is None else None},
        **_tags_notes(db, "requests", request_id, staff),
        "interactions": _interactions(db, "i.request = :request", {"request": request_id}, staff),
    }


def interaction_card(db: sqlite3.Connection, interaction_id: str) -> dict | None:
    """A contact moment: date, kind, summary, who took part (people, organisations, roles),
    the colleagues present, the purpose it is kept under and the request it belongs to."""
    staff = _names(db, "staff")
    found = _interactions(db, "i.id = :id", {"id": interaction_id}, staff)
    if not found:
        return None
    moment = found[0]
    more = db.execute("SELECT follow_up, owner FROM interactions WHERE id = ?", (interaction_id,)).fetchone()
    links: dict[str, list[str]] = {}
    for kind, ref in db.execute("SELECT type, ref FROM interaction_links WHERE interaction = ? ORDER BY rowid",
                                (interaction_id,)):
        links.setdefault(kind, []).append(ref)
    people = _names(db, "people", list(links.get("person", [])))
    organisations = _names(db, "organisations", list(links.get("organisation", [])))
    roles = []
    for ref in links.get("role", []):
        summary = _role_summary(db, ref, dt.date.fromisoformat(moment["date"]) if moment["date"] else dt.date.min)
        roles.append(summary)
    request = db.execute("SELECT title FROM requests WHERE id = ?", (moment["request"],)).fetchone() \
        if moment["request"] else None
    return {
        **moment, "follow_up": more[0], "owner": more[1],
        "purpose_title": _purpose_titles(db).get(moment["purpose"] or "", moment["purpose"]),
        "request_title": request[0] if request else None,
        "people": [{"id": p, "name": people.get(p)} for p in links.get("person", [])],
        "organisations": [{"id": o, "name": organisations.get(o)} for o in links.get("organisation", [])],
        "roles": roles, **_tags_notes(db, "interactions", interaction_id, staff),
    }


# --- the same cards as tables, for the terminal ---------------------------------------------

MOMENT_COLUMNS = ["date", "kind_label", "id", "staff_names", "summary"]
ROLE_COLUMNS = ["name", "person", "function_label", "qualifier_labels", "portfolio_labels", "party_name",
                "start", "end", "role"]


def _moment_rows(moments: list[dict]) -> list[dict]:
    return [{**m, "staff_names": [s["name"] or s["id"] for s in m["staff"]]} for m in moments]


def _contact_rows(card: dict) -> list[dict]:
    rows = [{"type": _("Email"), "kind": e["kind"], "value": e["address"]} for e in card["emails"]]
    rows += [{"type": _("Phone"), "kind": p["kind"], "value": p["number"]} for p in card["phones"]]
    rows += [{"type": _("Address"), "kind": a["kind"], "value": _address(a)} for a in card["addresses"]]
    return rows


def _address(address: dict) -> str:
    street = " ".join(str(address[k]) for k in ("street", "number") if address.get(k))
    place = " ".join(str(address[k]) for k in ("postcode", "city") if address.get(k))
    return ", ".join(p for p in (street, place, address.get("country") or "") if p)


def _value(value: Any) -> str:
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def person_sections(card: dict) -> list[questions.Answer]:
    """What `crmtool query person` adds below its table: contact details, tags, notes and
    contact moments (newest first), from the person's card."""
    values = {"person": f"{card['name']} ({card['id']})"}
    Answer = questions.Answer
    return [
        Answer(["type", "kind", "value"], _contact_rows(card), N_("Contact details of {person}"), values),
        Answer(["tag"], [{"tag": t} for t in card["tags"]], N_("Tags of {person}"), values),
        Answer(["date", "by_name", "text"], card["notes"], N_("Notes on {person}"), values),
        Answer(MOMENT_COLUMNS, _moment_rows(card["interactions"]), N_("Contact moments of {person}"), values),
    ]


def organisation_sections(card: dict) -> list[questions.Answer]:
    """`crmtool query organisation` as tables: the same card as the workspace's page, one table
    per part (empty parts left out, except the ones a municipality always has)."""
    Answer = questions.Answer
    values = {"organisation": f"{card['name']} ({card['id']})", "on": card["on"]}
    details: list[tuple[str, Any]] = [
        (_("Kind"), card["kind_label"]), (_("Short name"), card["short_name"]),
        *((identifier["scheme"].upper(), identifier["value"]) for identifier in card["identifiers"]),
        (_("Part of"), f"{card['parent']['name'] or ''} ({card['parent']['id']})" if card["parent"] else None),
        (_("Province"), card["province_label"]), (_("Region"), card["region_label"]),
        (_("Website"), card["website"]), (_("Since"), card["start"]), (_("Until"), card["end"]),
        *((field["label"], _value(field["value"])) for field in card["fields"]),
        (_("Place names"), ", ".join(card["places"]) or None),
        *((row["type"] + (f" ({row['kind']})" if row["kind"] else ""), row["value"]) for row in _contact_rows(card)),
    ]
    sections = [Answer(["field", "value"], [{"field": f, "value": v} for f, v in details if v not in (None, "")],
                       N_("{organisation} on {on}"), values)]
    if card["municipality"]:
        sections.append(Answer(ROLE_COLUMNS, card["executive"], N_("Executive board"), values))
        sections.append(Answer(["party_name", "party", "seats"], card["seats"],
                               N_("Seats in the council ({count})"), {"count": str(card["council_size"])}))
        sections.append(Answer(ROLE_COLUMNS, card["council"], N_("Council members"), values))
    for body in card["bodies"]:
        sections.append(Answer(ROLE_COLUMNS, body["people"], N_("{body}: people"),
                               {"body": f"{body['name']} ({body['id']})"}))
    if card["people"]:
        sections.append(Answer(ROLE_COLUMNS, card["people"], N_("People"), values))
    if card["members"]:
        sections.append(Answer(["member_name", "member", "start", "contacts", "contact_people"], card["members"],
                               N_("Members and their contact persons"), values))
    sections.append(Answer(["organisation_name", "organisation", "kind_label", "function_label", "start"],
                           card["memberships"], N_("Memberships"), values))
    taking_part = [{**person, "organisation": body["organisation"], "organisation_name": body["organisation_name"]}
                   for body in card["participations"] for person in body["people"]]
    sections.append(Answer(["organisation_name", "organisation", "name", "person", "function_label", "on_behalf_of"],
                           taking_part, N_("Taking part through its officials"), values))
    tree = [{"name": "  " * depth + node["name"], "id": node["id"], "kind_label": node["kind_label"]}
            for node, depth in _walk(card["tree"], 0)]
    if len(tree) > 1:
        sections.append(Answer(["name", "id", "kind_label"], tree, N_("Organisation and sub-organisations"), values))
    sections.append(Answer(["name", "id", "count", "last"], card["colleagues"], N_("Colleagues in contact"), values))
    sections.append(Answer(MOMENT_COLUMNS, _moment_rows(card["interactions"]), N_("Contact moments"), values))
    return sections


def _walk(node: dict, depth: int):
    yield node, depth
    for child in node["children"]:
        yield from _walk(child, depth + 1)
