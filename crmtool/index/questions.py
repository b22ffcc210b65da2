"""The questions staff ask, as SQL over the index: each returns an `Answer` (columns and rows
as plain values) that the CLI prints as a table, JSON or CSV.

"Current on day D" is the design's: start <= D and (no end or D <= end). A question about an
organisation covers what lies under it: the mayor of a municipality holds the role at its
college, a council member at its council. Values that name something in a vocabulary
(functions, portfolios, provinces, ...) may be given as the id or as a label in either
language; organisations and people by id or by their exact name.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any, Iterable

from .. import i18n
from ..i18n import N_, _
from ..domain.pipeline import Pipeline
from ..load.repo import UsageError
from ..domain.texts import localised

CURRENT = "(h.start IS NULL OR h.start <= :on) AND (h.\"end\" IS NULL OR h.\"end\" >= :on)"
BELOW = """WITH RECURSIVE below(id) AS (
  SELECT :organisation UNION SELECT o.id FROM organisations o JOIN below b ON o.parent = b.id)"""
HEAD_FUNCTIONS = ("burgemeester", "waarnemend-burgemeester")
"""Who heads a municipality on a day: the mayor, or the acting mayor while there is none."""
CHAIR = "voorzitter"


@dataclass
class Answer:
    """Rows of one question. `columns` names the keys in display order; list values (a role's
    qualifiers) stay lists for JSON and are joined for tables and CSV."""

    columns: list[str]
    rows: list[dict[str, Any]]
    title: str = ""
    values: dict[str, str] = field(default_factory=dict)
    """What the title's placeholders stand for."""
    headings: bool = True
    """Translate the column names into headings (not for `crmtool sql`, whose columns are the user's)."""


def rows_of(db: sqlite3.Connection, sql: str, parameters: dict | tuple = ()) -> list[dict[str, Any]]:
    cursor = db.execute(sql, parameters)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


# --- resolving what staff type ----------------------------------------------------------

def _suggest(word: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=3, cutoff=0.6)
    return " " + _("Did you mean {candidates}?").format(candidates=", ".join(close)) if close else ""


def organisation_id(db: sqlite3.Connection, text: str, kind: str | None = None) -> str:
    """The id of the organisation named `text`: its id, its name or short name exactly (case
    ignored) or an identifier (CBS code GM0034, KvK number); with `kind`, among organisations
    of that kind first."""
    if db.execute("SELECT 1 FROM organisations WHERE id = ?", (text,)).fetchone():
        return text
    found = [r for r, in db.execute(
        "SELECT id FROM organisations WHERE lower(name) = lower(:t) OR lower(short_name) = lower(:t) "
        "UNION SELECT organisation FROM identifiers WHERE upper(value) = upper(:t) ORDER BY 1", {"t": text})]
    if kind and len(found) > 1:
        of_kind = [r for r in found
                   if db.execute("SELECT kind FROM organisations WHERE id = ?", (r,)).fetchone()[0] == kind]
        found = of_kind or found
    if len(found) == 1:
        return found[0]
    if found:
        raise UsageError(_("'{text}' names several organisations: {ids}; give the id").format(
            text=text, ids=", ".join(found)))
    ids = [r for r, in db.execute("SELECT id FROM organisations")]
    raise UsageError(_("There is no organisation '{text}'.").format(text=text) + _suggest(text, ids))


def person_id(db: sqlite3.Connection, text: str) -> str:
    """The id of the person `text`: the id, or the full name exactly (case ignored)."""
    if db.execute("SELECT 1 FROM people WHERE id = ?", (text,)).fetchone():
        return text
    found = [r for r, in db.execute("SELECT id FROM people WHERE lower(name) = lower(?) ORDER BY id", (text,))]
    if len(found) == 1:
        return found[0]
    if found:
        raise UsageError(_("'{text}' names several people: {ids}; give the id").format(text=text, ids=", ".join(found)))
    raise UsageError(_("There is no person '{text}'; give the id (`crmtool search` finds it).").format(text=text))


def value_id(db: sqlite3.Connection, vocabulary: str, text: str, option: str) -> str:
    """The value id in `vocabulary` that `text` names (id or label, case ignored). Without the
    vocabulary in the repository, the text is taken as it is."""
    known = rows_of(db, "SELECT value, label_nl, label_en FROM vocabulary_values WHERE vocabulary = ?", (vocabulary,))
    if not known:
        return text
    wanted = text.casefold()
    for row in known:
        if wanted in (str(row["value"]).casefold(), str(row["label_nl"] or "").casefold(),
                      str(row["label_en"] or "").casefold()):
            return row["value"]
    raise UsageError(_("{option} {text}: not in the vocabulary {vocabulary}.").format(
        option=option, text=text, vocabulary=vocabulary) + _suggest(text, [r["value"] for r in known]))


def labels(db: sqlite3.Connection, vocabulary: str) -> dict[str, str]:
    return {v: label or v for v, label in db.execute(
        "SELECT value, label FROM vocabulary_values WHERE vocabulary = ?", (vocabulary,))}


def _positions(db: sqlite3.Connection, vocabulary: str) -> dict[str, int]:
    return {v: n for v, n in db.execute("SELECT value, position FROM vocabulary_values WHERE vocabulary = ?",
                                        (vocabulary,))}


# --- role holders ------------------------------------------------------------------------

@dataclass
class Filters:
    """The filters of `crmtool who`: every one given must match."""

    functions: tuple[str, ...] = ()
    organisation: str | None = None
    portfolio: str | None = None
    party: str | None = None
    province: str | None = None
    region: str | None = None
    person: str | None = None
    qualifier: str | None = None


ROLE_COLUMNS = ["role", "person", "name", "function", "function_label", "qualifiers", "portfolio",
                "organisation", "organisation_name", "party", "party_name", "municipality", "start", "end"]


def resolve(db: sqlite3.Connection, functions=(), organisation=None, portfolio=None, party=None,
            province=None, region=None, person=None, qualifier=None) -> Filters:
    """Filters from what was typed: names and labels become ids; unknown ones are usage errors."""
    return Filters(
        tuple(value_id(db, "functions", f, "--function") for f in functions),
        organisation_id(db, organisation) if organisation else None,
        value_id(db, "portfolios", portfolio, "--portfolio") if portfolio else None,
        organisation_id(db, party, "political-party") if party else None,
        value_id(db, "provinces", province, "--province") if province else None,
        value_id(db, "regions", region, "--region") if region else None,
        person_id(db, person) if person else None,
        value_id(db, "role-qualifiers", qualifier, "--qualifier") if qualifier else None)


def who(db: sqlite3.Connection, filters: Filters, on: dt.date) -> Answer:
    """Role holders on day `on` matching every filter."""
    where, parameters = [CURRENT], {"on": on.isoformat()}
    prefix = ""
    if filters.functions:
        marks = ", ".join(f":f{n}" for n in range(len(filters.functions)))
        where.append(f"h.function IN ({marks})")
        parameters.update({f"f{n}": f for n, f in enumerate(filters.functions)})
    if filters.organisation:
        prefix = BELOW
        where.append("h.organisation IN (SELECT id FROM below)")
        parameters["organisation"] = filters.organisation
    for name, column in (("party", "h.party"), ("province", "h.province"), ("region", "h.region"),
                         ("person", "h.person")):
        if getattr(filters, name):
            where.append(f"{column} = :{name}")
            parameters[name] = getattr(filters, name)
    if filters.portfolio:
        where.append("EXISTS (SELECT 1 FROM role_portfolios x WHERE x.role = h.role AND x.portfolio = :portfolio)")
        parameters["portfolio"] = filters.portfolio
    if filters.qualifier:
        where.append("EXISTS (SELECT 1 FROM role_qualifiers x WHERE x.role = h.role AND x.qualifier = :qualifier)")
        parameters["qualifier"] = filters.qualifier
    found = rows_of(db, f"{prefix} SELECT h.* FROM role_holders h WHERE {' AND '.join(where)}", parameters)
    return Answer(ROLE_COLUMNS, _role_rows(db, found))


def _role_rows(db: sqlite3.Connection, found: list[dict]) -> list[dict]:
    """Rows of role_holders as answers: with labels, qualifiers and portfolios, in the order
    staff read them (organisation, the function's place in its vocabulary, name)."""
    function_labels, order = labels(db, "functions"), _positions(db, "functions")
    municipality_names = dict(db.execute("SELECT id, name FROM organisations WHERE kind = 'municipality'"))
    extra: dict[str, dict[str, list[str]]] = {}
    for table, column in (("role_qualifiers", "qualifier"), ("role_portfolios", "portfolio")):
        for role, item in db.execute(f"SELECT role, {column} FROM {table} ORDER BY rowid"):
            extra.setdefault(role, {}).setdefault(column, []).append(item)
    result = []
    for row in found:
        more = extra.get(row["role"], {})
        result.append({
            "role": row["role"], "person": row["person"],
            "name": row["person_name"] or row["member_organisation_name"] or row["member_organisation"] or "",
            "member_organisation": row["member_organisation"],
            "function": row["function"], "function_label": function_labels.get(row["function"], row["function"]),
            "qualifiers": more.get("qualifier", []), "portfolio": more.get("portfolio", []),
            "organisation": row["organisation"], "organisation_name": row["organisation_name"],
            "party": row["party"], "party_name": row["party_name"],
            "municipality": row["municipality"], "municipality_name": municipality_names.get(row["municipality"]),
            "province": row["province"], "region": row["region"], "on_behalf_of": row["on_behalf_of"],
            "start": row["start"], "end": row["end"],
            "public": bool(row["public"]) if row["public"] is not None else None})
    result.sort(key=lambda r: (r["municipality_name"] or r["organisation_name"] or "", r["organisation_name"] or "",
                               order.get(r["function"], 999), r["name"].casefold(), r["role"]))
    return result


# --- the named questions ----------------------------------------------------------------

def mayor(db: sqlite3.Connection, municipality: str, on: dt.date) -> Answer:
    """Who heads the municipality: the mayor, or the acting mayor."""
    found = organisation_id(db, municipality, "municipality")
    answer = who(db, Filters(functions=HEAD_FUNCTIONS, organisation=found), on)
    answer.title, answer.values = N_("Mayor of {organisation} on {on}"), {"organisation": _name(db, found),
                                                                          "on": on.isoformat()}
    return answer


def aldermen(db: sqlite3.Connection, on: dt.date, portfolio: str | None = None, province: str | None = None,
             municipality: str | None = None) -> Answer:
    filters = resolve(db, functions=("wethouder",), portfolio=portfolio, province=province, organisation=municipality)
    answer = who(db, filters, on)
    answer.title, answer.values = N_("Aldermen on {on}"), {"on": on.isoformat()}
    return answer


def seats(db: sqlite3.Connection, municipality: str, on: dt.date) -> Answer:
    """The seats of the municipality's council by party: council members on the day."""
    found = organisation_id(db, municipality, "municipality")
    rows = rows_of(db, f"""
        SELECT h.party, coalesce(party.short_name, party.name, h.party) AS party_name, count(*) AS seats
        FROM role_holders h JOIN organisations o ON o.id = h.organisation
        LEFT JOIN organisations party ON party.id = h.party
        WHERE {CURRENT} AND h.function = 'raadslid' AND o.kind = 'council' AND h.municipality = :m
        GROUP BY h.party ORDER BY seats DESC, party_name""", {"on": on.isoformat(), "m": found})
    return Answer(["party", "party_name", "seats"], rows, N_("Seats in the council of {organisation} on {on}"),
                  {"organisation": _name(db, found), "on": on.isoformat()})


def committee(db: sqlite3.Connection, name: str, on: dt.date) -> Answer:
    """The members of a committee (or any body) on the day, the chair first, each with the
    municipality they sit for (through the role they sit on behalf of)."""
    found = organisation_id(db, name)
    answer = who(db, Filters(organisation=found), on)
    for row in answer.rows:
        row["chair"] = row["function"] == CHAIR or CHAIR in row["qualifiers"]
        found_for = db.execute("SELECT m.name FROM roles r "
                               "JOIN organisation_context x ON x.organisation = r.organisation "
                               "JOIN organisations m ON m.id = x.municipality WHERE r.id = ?",
                               (row["on_behalf_of"],)).fetchone()
        row["for_municipality"] = found_for[0] if found_for else None
    answer.rows.sort(key=lambda r: not r["chair"])
    answer.columns = ["role", "person", "name", "function", "function_label", "chair", "qualifiers",
                      "on_behalf_of", "for_municipality", "start", "end"]
    answer.title, answer.values = N_("Members of {organisation} on {on}"), {"organisation": _name(db, found),
                                                                            "on": on.isoformat()}
    return answer


def group_leaders(db: sqlite3.Connection, on: dt.date, municipality: str | None = None,
                  province: str | None = None) -> Answer:
    filters = resolve(db, organisation=municipality, province=province, qualifier="fractievoorzitter")
    answer = who(db, filters, on)
    answer.columns = ["role", "person", "name", "party", "party_name", "organisation", "organisation_name",
                      "municipality", "start", "end"]
    answer.title, answer.values = N_("Party group leaders on {on}"), {"on": on.isoformat()}
    return answer


def regional(db: sqlite3.Connection, functions: tuple[str, ...], on: dt.date, province: str | None = None,
             region: str | None = None) -> Answer:
    """Whom to invite for a regional meeting: holders of the functions in the province or region."""
    if not functions or not (province or region):
        raise UsageError(_("Give at least one --function, and --province or --region."))
    answer = who(db, resolve(db, functions=functions, province=province, region=region), on)
    answer.title, answer.values = N_("Invitations for a regional meeting on {on}"), {"on": on.isoformat()}
    return answer


def partnership(db: sqlite3.Connection, name: str, on: dt.date) -> Answer:
    """The member organisations of a partnership on the day and their contact persons there: a
    contact counts for the member whose organisation holds the role they act on behalf of."""
    found = organisation_id(db, name)
    parameters = {"on": on.isoformat(), "organisation": found}
    members = rows_of(db, f"""{BELOW}
        SELECT h.member_organisation AS member, h.member_organisation_name AS member_name, h.start, h.role
        FROM role_holders h WHERE {CURRENT} AND h.organisation IN (SELECT id FROM below)
        AND h.member_organisation IS NOT NULL ORDER BY member_name, member""", parameters)
    contacts = rows_of(db, f"""{BELOW}
        SELECT h.role, h.person, h.person_name AS name, x.municipality AS member
        FROM role_holders h LEFT JOIN roles b ON b.id = h.on_behalf_of
        LEFT JOIN organisation_context x ON x.organisation = b.organisation
        WHERE {CURRENT} AND h.organisation IN (SELECT id FROM below) AND h.function = 'contactpersoon'
        ORDER BY h.person_name, h.role""", parameters)
    rows = []
    for member in members:
        mine = [c for c in contacts if c["member"] == member["member"]]
        rows.append({**member, "contacts": [c["name"] or c["person"] for c in mine],
                     "contact_people": [c["person"] for c in mine], "contact_roles": [c["role"] for c in mine]})
    known = {m["member"] for m in members}
    for contact in contacts:
        if contact["member"] not in known:
            rows.append({"member": None, "member_name": None, "start": None, "role": None,
                         "contacts": [contact["name"] or contact["person"]], "contact_people": [contact["person"]],
                         "contact_roles": [contact["role"]]})
    return Answer(["member", "member_name", "start", "contacts", "contact_people", "contact_roles"], rows,
                  N_("Members of {organisation} on {on} and their contact persons"),
                  {"organisation": _name(db, found), "on": on.isoformat()})


def places(db: sqlite3.Connection, municipality: str) -> Answer:
    found = organisation_id(db, municipality, "municipality")
    rows = rows_of(db, "SELECT place FROM places WHERE organisation = ? ORDER BY position", (found,))
    return Answer(["place"], rows, N_("Place names of {organisation}"), {"organisation": _name(db, found)})


def person_now(db: sqlite3.Connection, text: str, on: dt.date, pipeline: Pipeline) -> Answer:
    """Everything one person does on the day: roles held, lists subscribed to, open requests."""
    found = person_id(db, text)
    roles = who(db, Filters(person=found), on).rows
    rows = [{"kind": "role", "id": r["role"], "what": r["function_label"], "where": r["organisation_name"],
             "start": r["start"], "end": r["end"]} for r in roles]
    rows += [{"kind": "list", "id": r["list"], "what": r["title"] or r["list"], "where": None,
              "start": None, "end": None}
             for r in rows_of(db, "SELECT s.list, l.title FROM subscriptions s LEFT JOIN lists l ON l.id = s.list "
                                  "WHERE s.person = ? ORDER BY s.rowid", (found,))]
    rows += [{"kind": "request", "id": r["request"], "what": r["title"], "where": r["stage_label"],
              "start": r["received"], "end": None}
             for r in _requests_on(db, on, pipeline, open_only=True) if r["from_person"] == found]
    name = db.execute("SELECT name FROM people WHERE id = ?", (found,)).fetchone()[0]
    return Answer(["kind", "id", "what", "where", "start", "end"], rows, N_("{person} on {on}"),
                  {"person": f"{name or ''} ({found})".strip(), "on": on.isoformat()})


def _requests_on(db: sqlite3.Connection, on: dt.date, pipeline: Pipeline, open_only: bool) -> list[dict]:
    """Every request received by `on` with its stage and assignee on that day (from its
    history; the recorded ones when the history says nothing by then)."""
    found = rows_of(db, """
        SELECT r.id AS request, r.kind, r.title, r.received, r.follow_up, r.closed, r.owner, r.from_person,
          p.name AS from_name,
          coalesce((SELECT h.stage FROM request_history h WHERE h.request = r.id AND h.date <= :on
                    ORDER BY h.date DESC, h.position DESC LIMIT 1), r.stage) AS stage,
          coalesce((SELECT h.assignee FROM request_history h WHERE h.request = r.id AND h.date <= :on
                    AND h.assignee IS NOT NULL ORDER BY h.date DESC, h.position DESC LIMIT 1), r.assignee) AS assignee
        FROM requests r LEFT JOIN people p ON p.id = r.from_person
        WHERE r.received IS NULL OR r.received <= :on""", {"on": on.isoformat()})
    staff = dict(db.execute("SELECT id, name FROM staff"))
    stages = list(pipeline.stages)
    for row in found:
        row["assignee_name"] = staff.get(row["assignee"])
        row["stage_label"] = _label(pipeline.stages.get(row["stage"] or "", {}).get("label")) or row["stage"]
        row["open"] = (not (row["closed"] and row["closed"] <= on.isoformat())
                       and not pipeline.is_final(row["stage"] or ""))
        row["overdue"] = bool(row["open"] and row["follow_up"] and row["follow_up"] < on.isoformat())
        row["_order"] = stages.index(row["stage"]) if row["stage"] in stages else len(stages)
    if open_only:
        found = [r for r in found if r["open"]]
    return found


def follow_up(db: sqlite3.Connection, on: dt.date, pipeline: Pipeline, assignee: str | None = None,
              stage: str | None = None, kind: str | None = None) -> Answer:
    """Open requests by assignee and stage: the follow-up view."""
    rows = [r for r in _requests_on(db, on, pipeline, open_only=True)
            if (assignee is None or r["assignee"] == assignee) and (stage is None or r["stage"] == stage)
            and (kind is None or r["kind"] == kind)]
    rows.sort(key=lambda r: (r["assignee"] or "~", r["_order"], r["follow_up"] or "9999", r["request"]))
    return Answer(["assignee", "assignee_name", "stage", "stage_label", "request", "kind", "title", "from_name",
                   "received", "follow_up", "overdue"], rows, N_("Open requests on {on}"), {"on": on.isoformat()})


def pipeline_counts(db: sqlite3.Connection, on: dt.date, pipeline: Pipeline, kind: str | None = None) -> Answer:
    """How many requests are in each stage on the day, in the pipeline's order."""
    counts: dict[str, int] = {}
    for row in _requests_on(db, on, pipeline, open_only=False):
        if kind is None or row["kind"] == kind:
            counts[row["stage"]] = counts.get(row["stage"], 0) + 1
    rows = [{"stage": s, "stage_label": _label(d.get("label")) or s, "requests": counts.pop(s, 0)}
            for s, d in pipeline.stages.items()]
    rows += [{"stage": s, "stage_label": s, "requests": n} for s, n in sorted(counts.items(), key=lambda i: str(i[0]))]
    return Answer(["stage", "stage_label", "requests"], rows, N_("Requests per stage on {on}"), {"on": on.isoformat()})


def search(db: sqlite3.Connection, text: str, folder: str | None = None, limit: int = 50) -> Answer:
    """Full-text search over the address book: every word must occur (as a word or the start of
    one), accents and case ignored; the best matches first."""
    words = re.findall(r"\w+", text)
    if not words:
        raise UsageError(_("Give at least one word to search for."))
    query = " ".join(f'"{w}"*' for w in words)
    where = "search MATCH :q" + (" AND folder = :folder" if folder else "")
    rows = rows_of(db, f"""SELECT folder AS type, record AS id, name,
                             snippet(search, 3, '[', ']', '…', 10) AS found
                           FROM search WHERE {where} ORDER BY rank, record LIMIT :limit""",
                   {"q": query, "folder": folder, "limit": limit})
    return Answer(["type", "id", "name", "found"], rows, N_("Found for {text}"), {"text": text})


SQL_MAX_STEPS = 500_000_000
"""How many SQLite virtual-machine steps one `crmtool sql` statement may take (a few seconds
of work on an ordinary machine; every question of `crmtool query` takes far fewer). Counted,
not timed, so the limit is the same on every machine and in every test."""
SQL_MAX_LENGTH = 10_000_000
"""The longest text or blob a statement may build (zeroblob(1e9), printf('%.*c', ...))."""
SQL_MAX_ROWS = 1_000_000
"""The most rows one answer may hold: they are kept in memory to be printed."""
_STEPS_PER_CALL = 10_000

SQL_FUNCTIONS = frozenset({
    # core scalar functions
    "abs", "char", "coalesce", "format", "glob", "hex", "ifnull", "iif", "instr", "length", "like",
    "likelihood", "likely", "lower", "ltrim", "max", "min", "nullif", "printf", "quote", "random",
    "replace", "round", "rtrim", "sign", "soundex", "substr", "substring", "trim", "typeof",
    "unicode", "unlikely", "upper", "sqlite_version",
    # aggregates and window functions
    "avg", "count", "group_concat", "sum", "total", "cume_dist", "dense_rank", "first_value", "lag",
    "last_value", "lead", "nth_value", "ntile", "percent_rank", "rank", "row_number",
    # dates
    "date", "time", "datetime", "julianday", "unixepoch", "strftime", "current_date", "current_time",
    "current_timestamp",
    # mathematics
    "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "ceiling", "cos", "cosh",
    "degrees", "exp", "floor", "ln", "log", "log10", "log2", "mod", "pi", "pow", "power", "radians",
    "sin", "sinh", "sqrt", "tan", "tanh", "trunc",
    # JSON
    "json", "json_array", "json_array_length", "json_extract", "json_group_array", "json_group_object",
    "json_insert", "json_object", "json_patch", "json_quote", "json_remove", "json_replace", "json_set",
    "json_type", "json_valid", "->", "->>",
    # full-text search over the `search` table (FTS5)
    "match", "bm25", "highlight", "snippet",
})
"""The functions `crmtool sql` may call: what a question over the records needs. Everything
else is refused when the statement is prepared, in particular fts3_tokenizer (which hands out
C pointers), load_extension, the FTS3/R-tree internals, sqlite_log, and functions that only
make large blobs (zeroblob, randomblob). readfile/writefile/edit belong to the sqlite3 shell
and are not defined here, and would be refused as well."""


class SqlLimit(Exception):
    """A statement ran past SQL_MAX_STEPS: a failed operation (exit 1), not bad usage."""


def sql(db: sqlite3.Connection, statement: str, max_steps: int = SQL_MAX_STEPS) -> Answer:
    """Any read-only statement over the index (the connection refuses writes), with bounded work:
    only the functions in SQL_FUNCTIONS, at most `max_steps` VM steps (a recursive CTE without
    an end stops instead of running forever), texts no longer than SQL_MAX_LENGTH."""
    from .build import _read_only

    refused: list[str] = []

    def authorise(action: int, first, second, *rest) -> int:
        if action == sqlite3.SQLITE_FUNCTION:
            name = str(second or "").lower()
            if name in SQL_FUNCTIONS:
                return sqlite3.SQLITE_OK
            refused.append(name)
            return sqlite3.SQLITE_DENY
        return _read_only(action, first, second, *rest)

    calls = 0
    budget = max(1, max_steps // _STEPS_PER_CALL)

    def progress() -> int:
        nonlocal calls
        calls += 1
        return 1 if calls > budget else 0

    db.set_authorizer(authorise)
    db.set_progress_handler(progress, _STEPS_PER_CALL)
    db.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, SQL_MAX_LENGTH)
    try:
        try:
            cursor = db.execute(statement)
            columns: list[str] = []
            seen: dict[str, int] = {}
            for name in (d[0] for d in cursor.description or []):  # `a.type, b.type`: keep both, as type and type_2
                seen[name] = seen.get(name, 0) + 1
                columns.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
            rows: list[dict[str, Any]] = []
            for row in cursor:
                if len(rows) == SQL_MAX_ROWS:
                    raise SqlLimit(_("SQL: the answer has more than {rows} rows; add a LIMIT or a narrower "
                                     "WHERE, or open the index in Datasette.").format(rows=f"{SQL_MAX_ROWS:,}"))
                rows.append(dict(zip(columns, row)))
            return Answer(columns, rows, headings=False)
        except sqlite3.DatabaseError as error:
            if calls > budget:
                raise SqlLimit(_("SQL: the statement was stopped after {steps} steps of work; it may run "
                                 "without end (a recursive WITH without a limit) or read far too much. "
                                 "Add a LIMIT or a narrower WHERE.").format(steps=f"{max_steps:,}")) from error
            message = str(error)
            if refused:
                message = _("the function {name}() is not allowed in crmtool sql; docs/questions.md "
                            "lists the functions that are").format(name=refused[0])
            elif "not authorized" in message or "readonly" in message:
                message = _("the index is read-only here: only SELECT (and WITH ... SELECT) statements may run")
            elif "too big" in message:
                message = _("a value would be longer than {length} characters").format(length=f"{SQL_MAX_LENGTH:,}")
            raise UsageError(f"SQL: {message}") from error
    finally:
        db.set_progress_handler(None, 0)
        db.set_authorizer(_read_only)


def _name(db: sqlite3.Connection, organisation_id: str) -> str:
    found = db.execute("SELECT name FROM organisations WHERE id = ?", (organisation_id,)).fetchone()
    return (found[0] if found else None) or organisation_id


def _label(label: Any) -> str | None:
    return localised(label, i18n.language())
