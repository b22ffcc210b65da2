"""The tables of the index, described once: the DDL, the documentation (docs/index.md) and the
incremental build all read this list, so they cannot disagree.

Every table that holds rows of records names its *owner* columns: the record the row came
from. When a record file changes, the rows it owns are deleted and written again; nothing
else is touched. References between records are declared as foreign keys, so Datasette and
other browsers link them, but not enforced: a role that points to a missing person stays in
the index (the check reports it), because the index answers questions about the records as
they are.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    doc: str
    references: str | None = None  # "table(column)"


@dataclass(frozen=True)
class Table:
    name: str
    doc: str
    columns: tuple[Column, ...]
    folder: str | None = None
    """The record folder whose files fill this table; None for tables filled otherwise."""
    owner: tuple[str, ...] = ()
    """The columns naming the record a row came from (deleted together when it changes)."""
    primary: tuple[str, ...] = ()
    indexes: tuple[tuple[str, ...], ...] = field(default=())


def C(name: str, type_: str, doc: str, references: str | None = None) -> Column:
    return Column(name, type_, doc, references)


ID = "TEXT"
DATE = "TEXT"  # ISO YYYY-MM-DD: compares as text
TEXT = "TEXT"
INT = "INTEGER"

_PATH = C("path", TEXT, "the record's file, relative to the repository root")


def _record(folder: str, name: str, doc: str, *columns: Column, indexes=()) -> Table:
    return Table(name, doc, (C("id", ID, "the record id (its file name)"), _PATH, *columns),
                 folder=folder, owner=("id",), primary=("id",), indexes=indexes)


def _child(folder: str, name: str, doc: str, owner: Column, *columns: Column, indexes=()) -> Table:
    return Table(name, doc, (owner, *columns), folder=folder, owner=(owner.name,),
                 indexes=((owner.name,), *indexes))


def _shared(name: str, doc: str, *columns: Column, indexes=()) -> Table:
    """A table that several record types fill (emails of people and of roles, tags, notes)."""
    return Table(name, doc, (C("folder", TEXT, "the record's folder: people, organisations, roles, ..."),
                             C("record", ID, "the record's id"), *columns),
                 owner=("folder", "record"), indexes=(("folder", "record"), *indexes))


TABLES: tuple[Table, ...] = (
    Table("records", "Every record file under records/: the bookkeeping of the incremental build, and "
          "each record as JSON, so `json_extract(data, '$.field')` reaches any field, custom ones too.",
          (C("rowid", INT, "row number; also the row of the record in `search`"),
           C("folder", TEXT, "people, organisations, roles, requests, interactions, ..."),
           C("id", ID, "the record id"), _PATH,
           C("blob", TEXT, "git's hash of the file's bytes, to see what changed"),
           C("stat", TEXT, "size, inode and times of the file when it was read"),
           C("data", TEXT, "the record as JSON; NULL when the file could not be read"),
           C("indexed", INT, "1 when the record is in the tables below; 0 when it could not be read "
                             "or its id is already taken by another file")),
          indexes=(("folder", "id"), ("indexed", "path"), ("path", "blob", "stat"))),
    _record("people", "people", "One row per person.",
            C("name", TEXT, "the full name: given, prefix, family"),
            C("given", TEXT, "given name"), C("prefix", TEXT, "family-name prefix (van, de)"),
            C("family", TEXT, "family name"), C("language", TEXT, "preferred language"),
            C("owner", TEXT, "the team that maintains the record"),
            C("status", TEXT, "active or inactive"), C("inactive_since", DATE, "since when inactive")),
    _record("organisations", "organisations", "One row per organisation, sub-organisation or party.",
            C("name", TEXT, "the name, in the repository's language"),
            C("short_name", TEXT, "the short name"), C("kind", TEXT, "organisation kind (vocabulary)"),
            C("parent", ID, "the organisation this one belongs to", "organisations(id)"),
            C("province", TEXT, "province as recorded on this organisation"),
            C("region", TEXT, "region as recorded on this organisation"),
            C("website", TEXT, "website"), C("start", DATE, "founded"), C("end", DATE, "dissolved"),
            C("successor", ID, "the organisation that took over", "organisations(id)"),
            C("owner", TEXT, "the team that maintains the record"),
            indexes=(("parent",), ("kind",))),
    Table("organisation_context", "Derived for every organisation from its parents: the municipality it "
          "belongs to and the province and region that apply (the nearest one recorded, itself first). "
          "A college or council thus has its municipality's province.",
          (C("organisation", ID, "the organisation", "organisations(id)"),
           C("municipality", ID, "the nearest municipality, itself included", "organisations(id)"),
           C("province", TEXT, "the nearest recorded province"),
           C("region", TEXT, "the nearest recorded region"),
           C("top", ID, "the outermost parent", "organisations(id)")),
          primary=("organisation",), indexes=(("municipality",), ("province",), ("region",))),
    _child("organisations", "identifiers", "Identifiers of organisations (cbs, kvk, kbo, oin, ...).",
           C("organisation", ID, "the organisation", "organisations(id)"),
           C("scheme", TEXT, "cbs, kvk, kbo, vat, oin, ..."), C("value", TEXT, "the identifier"),
           indexes=(("value",),)),
    _child("organisations", "places", "The place names that belong to a municipality.",
           C("organisation", ID, "the municipality", "organisations(id)"),
           C("position", INT, "order in the record"), C("place", TEXT, "place name"),
           indexes=(("place",),)),
    _record("roles", "roles", "One row per role: a holder at an organisation, in a function, for a period "
            "(start and end inclusive; no end: still holds).",
            C("person", ID, "the holder, when a person", "people(id)"),
            C("member_organisation", ID, "the holder, when an organisation (membership of a partnership)",
              "organisations(id)"),
            C("organisation", ID, "where the role is held", "organisations(id)"),
            C("function", TEXT, "function (vocabulary functions)"),
            C("party", ID, "the party the holder represents", "organisations(id)"),
            C("start", DATE, "first day"), C("end", DATE, "last day; NULL while it holds"),
            C("end_reason", TEXT, "why it ended (vocabulary end-reasons)"),
            C("on_behalf_of", ID, "the role this one is held because of", "roles(id)"),
            C("public", INT, "1 when it may appear in the public directory"),
            indexes=(("person",), ("organisation", "function"), ("function",), ("on_behalf_of",),
                     ("member_organisation",), ("party",))),
    _child("roles", "role_qualifiers", "Qualifiers of a role (loco-burgemeester, fractievoorzitter, ...).",
           C("role", ID, "the role", "roles(id)"), C("qualifier", TEXT, "qualifier (vocabulary role-qualifiers)"),
           indexes=(("qualifier",),)),
    _child("roles", "role_portfolios", "The portfolios of a role (an alderman's).",
           C("role", ID, "the role", "roles(id)"), C("portfolio", TEXT, "portfolio (vocabulary portfolios)"),
           indexes=(("portfolio",),)),
    _record("requests", "requests", "Questions, projects and data-subject requests.",
            C("kind", TEXT, "question, project, access, erasure, ..."), C("title", TEXT, "title"),
            C("received", DATE, "day received"), C("channel", TEXT, "how it came in"),
            C("from_person", ID, "who asked", "people(id)"),
            C("from_organisation", ID, "on behalf of which organisation", "organisations(id)"),
            C("assignee", ID, "the colleague handling it", "staff(id)"),
            C("stage", TEXT, "current stage of the pipeline"), C("follow_up", DATE, "next follow-up"),
            C("closed", DATE, "day closed"), C("outcome", TEXT, "decision, for data-subject requests"),
            C("owner", TEXT, "the team that owns it"),
            indexes=(("assignee", "stage"), ("stage",), ("from_person",))),
    _child("requests", "request_history", "The stage changes of a request, in order.",
           C("request", ID, "the request", "requests(id)"), C("position", INT, "order in the record"),
           C("date", DATE, "day of the change"), C("stage", TEXT, "the stage entered"),
           C("by", ID, "who made the change", "staff(id)"),
           C("assignee", ID, "who it was handed to, if it was", "staff(id)"), C("note", TEXT, "note")),
    _child("requests", "request_topics", "The topics of a request.",
           C("request", ID, "the request", "requests(id)"), C("topic", TEXT, "topic (vocabulary topics)")),
    _record("interactions", "interactions", "Contact moments.",
            C("date", DATE, "the day"), C("kind", TEXT, "meeting, call, email, ..."),
            C("summary", TEXT, "what it was about"), C("purpose", ID, "why it is kept", "purposes(id)"),
            C("request", ID, "the request it belongs to", "requests(id)"),
            C("follow_up", DATE, "next follow-up"), C("owner", TEXT, "the team that owns it"),
            indexes=(("date",),)),
    _child("interactions", "interaction_links", "Who and what took part in a contact moment.",
           C("interaction", ID, "the contact moment", "interactions(id)"),
           C("type", TEXT, "person, organisation, role or staff"), C("ref", ID, "the id of that record"),
           indexes=(("type", "ref"),)),
    _child("people", "person_purposes", "The purposes a person's data is held for.",
           C("person", ID, "the person", "people(id)"), C("purpose", ID, "the purpose", "purposes(id)"),
           C("since", DATE, "since"), C("source", TEXT, "where the data came from"),
           C("notified", DATE, "when the person was told (Art. 14)"), C("until", DATE, "until"),
           indexes=(("purpose",),)),
    _child("people", "consents", "Consents a person gave (and withdrew).",
           C("person", ID, "the person", "people(id)"), C("purpose", ID, "the purpose", "purposes(id)"),
           C("given", DATE, "day given"), C("withdrawn", DATE, "day withdrawn"),
           C("channel", TEXT, "how it was given"), C("wording", TEXT, "the wording consented to")),
    _child("people", "subscriptions", "Mailing lists a person is subscribed to.",
           C("person", ID, "the person", "people(id)"), C("list", ID, "the list", "lists(id)"),
           indexes=(("list",),)),
    _shared("emails", "Email addresses of people, organisations and roles.",
            C("address", TEXT, "the address"), C("kind", TEXT, "work, private, ..."), indexes=(("address",),)),
    _shared("phones", "Phone numbers of people, organisations and roles.",
            C("number", TEXT, "the number as recorded"), C("kind", TEXT, "work, mobile, ...")),
    _shared("addresses", "Postal and visiting addresses of people and organisations.",
            C("kind", TEXT, "postal, visit, ..."), C("street", TEXT, "street"), C("number", TEXT, "house number"),
            C("postcode", TEXT, "postcode"), C("city", TEXT, "place"), C("country", TEXT, "country code"),
            indexes=(("postcode",),)),
    _shared("tags", "Tags of any record.", C("tag", TEXT, "the tag"), indexes=(("tag",),)),
    _shared("notes", "Notes on any record.", C("position", INT, "order in the record"),
            C("date", DATE, "day written"), C("by", ID, "who wrote it", "staff(id)"), C("text", TEXT, "the note")),
    _shared("field_values", "Custom fields (records/fields/) of any record, one row per field.",
            C("field", TEXT, "the field id"), C("value", TEXT, "the value as JSON"), indexes=(("field",),)),
    _record("purposes", "purposes", "The processing purposes: the data policy.",
            C("title", TEXT, "title in the repository's language"),
            C("legal_basis", TEXT, "Art. 6(1) basis"), C("retention_period", TEXT, "ISO 8601 duration"),
            C("retention_after", TEXT, "the event the period runs from"),
            C("retention_then", TEXT, "delete, anonymise or review"), C("profiling", INT, "1 when it profiles"),
            C("review_last", DATE, "last review"), C("review_every", TEXT, "review interval"),
            C("owner", TEXT, "the team that owns it")),
    _child("purposes", "purpose_items", "The lists of a purpose, one row per item: who it concerns, what data, "
           "where the data comes from and who receives it.",
           C("purpose", ID, "the purpose", "purposes(id)"),
           C("list", TEXT, "data_subjects, data_categories, special_categories, sources, recipients or processors"),
           C("position", INT, "order in the list"), C("item", TEXT, "the item (a processor's id for processors)"),
           indexes=(("list", "item"),)),
    _record("fields", "field_definitions", "Custom fields (records/fields/): what a record's `fields` may hold.",
            C("label", TEXT, "label in the repository's language"), C("type", TEXT, "text, number, date, ..."),
            C("vocabulary", ID, "the vocabulary its values come from"), C("multiple", INT, "1 when it holds a list"),
            C("required", INT, "1 when required"), C("category", TEXT, "the data category it belongs to")),
    _child("fields", "field_applies_to", "The record types a custom field is for.",
           C("field", ID, "the field", "field_definitions(id)"), C("type", TEXT, "person, organisation, role, ...")),
    _record("processors", "processors", "Processors and their agreements.",
            C("name", TEXT, "name"), C("country", TEXT, "country"),
            C("agreement_signed", DATE, "agreement signed"), C("agreement_start", DATE, "agreement start"),
            C("agreement_end", DATE, "agreement end"), C("owner", TEXT, "the team that owns it")),
    _record("lists", "lists", "Mailing lists.",
            C("title", TEXT, "title"), C("purpose", ID, "the purpose it serves", "purposes(id)"),
            C("channel", TEXT, "channel"), C("owner", TEXT, "the team that owns it")),
    _record("staff", "staff", "Colleagues.",
            C("name", TEXT, "name"), C("email", TEXT, "work address"), C("github", TEXT, "GitHub account"),
            C("active", INT, "0 when no longer active")),
    _child("staff", "staff_teams", "The teams of a colleague.",
           C("staff", ID, "the colleague", "staff(id)"), C("team", TEXT, "team (vocabulary teams)"),
           indexes=(("team",),)),
    _child("staff", "staff_topics", "The topics a colleague handles (routing).",
           C("staff", ID, "the colleague", "staff(id)"), C("topic", TEXT, "topic (vocabulary topics)")),
    _child("vocabularies", "vocabulary_values", "The values of every vocabulary, with their labels.",
           C("vocabulary", ID, "the vocabulary (its file name)"), C("position", INT, "order in the list"),
           C("value", TEXT, "the value id"), C("label", TEXT, "label in the repository's language"),
           C("label_nl", TEXT, "Dutch label"), C("label_en", TEXT, "English label"),
           indexes=(("vocabulary", "value"),)),
)

SEARCH_DOC = ("Full-text search (FTS5, accents and case ignored) over people, organisations, requests and "
              "contact moments: their names, tags, notes, summaries and titles. Its rowid is the rowid "
              "in `records`.")
SEARCH_DDL = ("CREATE VIRTUAL TABLE search USING fts5(folder UNINDEXED, record UNINDEXED, name, text, "
              "tokenize = 'unicode61 remove_diacritics 2')")

VIEWS = {
    "role_holders": ("Roles with the names of their holder, organisation and party and the municipality, "
                     "province and region they fall under.",
                     """CREATE VIEW role_holders AS
SELECT r.id AS role, r.person, p.name AS person_name, r.member_organisation,
       m.name AS member_organisation_name, r.organisation, o.name AS organisation_name,
       r.function, r.party, coalesce(party.short_name, party.name) AS party_name, r.start, r."end", r.end_reason,
       r.on_behalf_of, r.public, x.municipality, x.province, x.region
FROM roles r
LEFT JOIN people p ON p.id = r.person
LEFT JOIN organisations m ON m.id = r.member_organisation
LEFT JOIN organisations o ON o.id = r.organisation
LEFT JOIN organisations party ON party.id = r.party
LEFT JOIN organisation_context x ON x.organisation = r.organisation"""),
}


def ddl() -> tuple[list[str], list[str]]:
    """The CREATE statements of the index: tables and views, and the indexes apart (a whole
    build creates those after the rows are in, which is several times faster)."""
    statements, indexes = [], []
    for table in TABLES:
        if table.name == "records":
            statements.append("CREATE TABLE records (rowid INTEGER PRIMARY KEY, folder TEXT NOT NULL, "
                              "id TEXT NOT NULL, path TEXT NOT NULL UNIQUE, blob TEXT, stat TEXT, "
                              "data TEXT, indexed INTEGER NOT NULL)")
        else:
            columns = []
            for column in table.columns:
                text = f'"{column.name}" {column.type}'
                if table.primary == (column.name,):
                    text += " PRIMARY KEY"
                if column.references:
                    text += f" REFERENCES {column.references}"
                columns.append(text)
            statements.append(f"CREATE TABLE {table.name} ({', '.join(columns)})")
        for number, indexed in enumerate(table.indexes):
            quoted = ", ".join(f'"{c}"' for c in indexed)
            indexes.append(f"CREATE INDEX {table.name}_{number} ON {table.name} ({quoted})")
    statements.append(SEARCH_DDL)
    statements.extend(sql for _doc, sql in VIEWS.values())
    return statements, indexes


def by_folder() -> dict[str, list[Table]]:
    """The tables each record folder fills (shared tables are filled by every folder)."""
    result: dict[str, list[Table]] = {}
    for table in TABLES:
        if table.folder:
            result.setdefault(table.folder, []).append(table)
    return result


SHARED = tuple(t for t in TABLES if t.owner == ("folder", "record"))


def markdown() -> str:
    """docs/index.md: the tables and their columns, generated from the list above (a test
    compares the committed file with this, so the reference cannot drift)."""
    out = ["# The index: tables and columns", "",
           "Generated from `crmtool/index/tables.py`; do not edit by hand. `crmtool index` writes",
           "`build/index.sqlite`; `crmtool sql`, Datasette (`datasette build/index.sqlite`) and plain",
           "`sqlite3` read it. Dates are ISO text (`YYYY-MM-DD`), so they compare as text; a role is",
           "current on day D when `start <= D AND (\"end\" IS NULL OR \"end\" >= D)` (quote `end`: it is an",
           "SQL keyword). References are declared as foreign keys (Datasette links them) but not enforced:",
           "a reference to a missing record stays, and `crmtool check` reports it. Texts that a record",
           "keeps in two languages are in the repository's language (`language:` in crmtool.yaml); the",
           "whole record is in `records.data` as JSON for anything else (`json_extract`).", ""]
    for table in TABLES:
        out += [f"## {table.name}", "", table.doc, "", "| column | type | meaning |", "| --- | --- | --- |"]
        for column in table.columns:
            meaning = column.doc + (f" → `{column.references}`" if column.references else "")
            out.append(f"| `{column.name}` | {column.type} | {meaning} |")
        out.append("")
    out += ["## search", "", SEARCH_DOC, "",
            "| column | meaning |", "| --- | --- |",
            "| `folder` | people, organisations, requests or interactions |", "| `record` | the record id |",
            "| `name` | the name or title |", "| `text` | tags, notes, email addresses, places, summary |", "",
            "Example: `SELECT record, name FROM search WHERE search MATCH 'jans*' ORDER BY rank`.", ""]
    for name, (doc, sql) in VIEWS.items():
        out += [f"## {name} (view)", "", doc, "", "```sql", sql + ";", "```", ""]
    return "\n".join(out)
