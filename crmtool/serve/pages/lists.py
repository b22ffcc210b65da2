"""The lists: people, organisations, requests and contact moments, filtered, sorted, paged;
and the people as the export commands write them (CSV, vCard, xlsx).

The rows and the choices of the filters come from the index (`index/lists.py`), so a list of
100,000 people costs one page of rows; this module only puts them into cells (links to the
cards, ids next to names, codes in words). A filter is a GET form, a sort a link on a column
heading, so everything works without JavaScript.

A download is `crmtool export` for the same purpose: without a purpose it is refused as the
command refuses it, and with one it carries only the people held for it on the day and only
the data it covers, in the repository's language, whatever language the page is in (the
file is the command's, for the spreadsheet of the organisation). The list's other filters
narrow who is in it, never what it carries.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from starlette.responses import Response

from ... import i18n
from ...domain.pipeline import pipeline_of
from ...exchange.exporting import Selection, select, to_csv, to_vcard, to_xlsx
from ...i18n import N_, _
from ...index import lists, questions
from ...index.model import people_model
from ...load import repository_language
from ...load.repo import UsageError
from ...subject.export_render import CODES

if TYPE_CHECKING:
    from ..app import Page

TITLES = {"people": N_("People"), "organisations": N_("Organisations"), "requests": N_("Requests"),
          "interactions": N_("Contact moments")}
FILTERS = {"tag": N_("Tag"), "purpose": N_("Purpose"), "owner": N_("Team"), "kind": N_("Kind"),
           "province": N_("Province"), "stage": N_("Stage"), "assignee": N_("Assignee"),
           "organisation": N_("Organisation")}
"""The label of each filter's control."""

COLUMNS: dict[str, list[tuple[str, str | None]]] = {
    "people": [(N_("Name"), "name"), (N_("Email"), None), (N_("Phone"), None), (N_("Team"), "owner"),
               (N_("Status"), "status")],
    "organisations": [(N_("Name"), "name"), (N_("Kind"), "kind"), (N_("Province"), "province"),
                      (N_("Part of"), None), (N_("Team"), "owner")],
    "requests": [(N_("Received"), "received"), (N_("Request"), "title"), (N_("Kind"), "kind"),
                 (N_("Stage"), "stage"), (N_("Assignee"), "assignee"), (N_("From"), None),
                 (N_("Follow-up"), "follow_up"), (N_("Team"), "owner")],
    "interactions": [(N_("Date"), "date"), (N_("Contact moment"), None), (N_("Kind"), "kind"),
                     (N_("With"), None), (N_("Purpose"), "purpose"), (N_("Team"), "owner")],
}
"""Each list's headings and the sort a heading's link asks for (None: not sortable)."""

DOWNLOADS_OF: dict[str, tuple[Callable[[Selection], str | bytes], str]] = {
    "csv": (to_csv, "text/csv; charset=utf-8"), "vcf": (to_vcard, "text/vcard; charset=utf-8"),
    "xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
"""The formats of a download: the export's writer and the content type."""


def _code(value: Any) -> str:
    """A record code (a request's kind, a status) in words, or as it is when it has none."""
    return _(CODES[value]) if isinstance(value, str) and value in CODES else str(value or "")


def _part(text: Any, href: str | None = None, record_id: str | None = None) -> dict:
    return {"text": "" if text is None else str(text), "href": href, "id": record_id}


def _named(folder: str, record_id: str | None, name: str | None) -> list[dict]:
    """A link to a record's card with its name and its id; nothing when there is no id."""
    if not record_id:
        return []
    return [_part(name or record_id, f"/{folder}/{record_id}", record_id)]


def _cells(folder: str, row: dict) -> list[list[dict]]:
    """A row as the cells of its table, each a list of parts (text, link, id)."""
    team = [_part(row.get("owner_label"))]
    if folder == "people":
        return [_named("people", row["id"], row["name"]), [_part(row["email"])], [_part(row["phone"])], team,
                [_part(_code(row["status"]))]]
    if folder == "organisations":
        return [_named("organisations", row["id"], row["name"]), [_part(row["kind_label"])],
                [_part(row["province_label"])], _named("organisations", row["parent"], row["parent_name"]), team]
    if folder == "requests":
        asker = (_named("people", row["from_person"], row["from_person_name"]) +
                 _named("organisations", row["from_organisation"], row["from_organisation_name"]))
        assignee = [_part(row["assignee_name"] or row["assignee"], None, row["assignee"])] if row["assignee"] else []
        return [[_part(row["received"])], _named("requests", row["id"], row["title"]), [_part(_code(row["kind"]))],
                [_part(row["stage_label"])], assignee, asker, [_part(row["follow_up"])], team]
    with_ = [part for link in row["with"] for part in _named(
        "people" if link["type"] == "person" else "organisations", link["id"], link["name"])]
    return [[_part(row["date"])], _named("interactions", row["id"], row["summary"]), [_part(_code(row["kind"]))],
            with_, [_part(row["purpose_title"], None, row["purpose"])] if row["purpose"] else [], team]


def _filters(page: Page, folder: str) -> dict[str, str]:
    """The list's filters from the address; an organisation may be named as staff know it
    (its name, short name or an identifier) and is then taken by its id."""
    chosen = lists.applied(folder, {name: page.arg(name) for name in lists.SPECS[folder].filters})
    text = chosen.get("organisation")
    if text and not page.db.execute("SELECT 1 FROM organisations WHERE id = ?", (text,)).fetchone():
        try:
            chosen["organisation"] = questions.organisation_id(page.db, text)
        except UsageError:
            pass  # an organisation nobody has: the list is empty, as it is for any other value
    return chosen


def _number(text: str) -> int:
    return int(text) if text.isdigit() and len(text) < 9 else 1


def _pipeline(page: Page):
    return pipeline_of(page.workspace.settings())


def list_page(folder: str) -> Callable[[Page], tuple[str, dict]]:
    def view(page: Page) -> tuple[str, dict]:
        pipeline = _pipeline(page)
        filters = _filters(page, folder)
        found = lists.listing(page.db, folder, filters, page.today, sort=page.arg("sort"), order=page.arg("order"),
                              page=_number(page.arg("page")), language=page.language, pipeline=pipeline)
        choices = lists.options(page.db, folder, page.language, pipeline)
        for name in ("kind",) if folder in ("requests", "interactions") else ():
            choices[name] = [(value, _code(value)) for value, _label in choices[name]]
        for name, value in found.filters.items():  # a value typed into the address stays visible
            if name in choices and value not in {v for v, _label in choices[name]}:
                choices[name] = [*choices[name], (value, value)]
        controls = [{"name": name, "label": FILTERS[name], "options": choices.get(name),
                     "value": filters.get(name, "")} for name in lists.SPECS[folder].filters]
        downloads = []
        if folder == "people" and found.filters.get("purpose"):
            downloads = [(kind.upper(), _link(f"/people.{kind}", found.filters)) for kind in DOWNLOADS_OF]
        return "list.html", {
            "folder": folder, "title": TITLES[folder], "listing": found, "controls": controls,
            "headings": [{"text": text, "sort": sort, "href": _sort_link(page, found, sort) if sort else None,
                          "current": found.sort == sort} for text, sort in COLUMNS[folder]],
            "rows": [_cells(folder, row) for row in found.rows], "downloads": downloads,
            "previous": _page_link(page, found.page - 1) if found.page > 1 else None,
            "next": _page_link(page, found.page + 1) if found.page < found.pages else None,
        }
    return view


def _link(path: str, query: dict[str, Any]) -> str:
    from ..app import link
    return link(path, **query)


def _query(page: Page) -> dict[str, str]:
    return {key: value for key, value in page.request.query_params.items() if key not in ("lang", "page")}


def _sort_link(page: Page, found: lists.Listing, sort: str) -> str:
    """The heading's link: this sort ascending, or the other way round when it is the current one."""
    order = "desc" if found.sort == sort and found.order == "asc" else "asc"
    return _link(page.request.url.path, {**_query(page), "sort": sort, "order": order})


def _page_link(page: Page, number: int) -> str:
    return _link(page.request.url.path, {**_query(page), "page": number if number > 1 else ""})


# -- downloads -------------------------------------------------------------------------------

def download(kind: str) -> Callable[[Page], Response]:
    """`/people.csv|vcf|xlsx`: the people of the list's filters as `crmtool export` writes
    them for the `purpose` (required), on the page's day, with `fields` as the command takes them."""
    def answer(page: Page) -> Response:
        body, count, purpose, left_out = export(page, kind)
        writer, media = DOWNLOADS_OF[kind]
        name = f"people-{purpose}-{page.today.isoformat()}.{kind}"  # the purpose's id, never a person's
        return Response(body, media_type=media, headers={
            "Content-Disposition": f'attachment; filename="{name}"', "X-Crmtool-People": str(count),
            "X-Crmtool-Left-Out": str(left_out)})
    return answer


def export(page: Page, kind: str) -> tuple[bytes, int, str, int]:
    """The bytes of the download, how many people it holds, its purpose and how many it left
    out (restricted or objecting, as `crmtool export` leaves them out). UsageError, as the
    command's, for no purpose, an unknown one, a field it does not cover or a broken crmtool.yaml."""
    purpose = page.arg("purpose")
    if not purpose:
        raise UsageError(_("A download needs a purpose: choose one, and the file holds only the people held "
                           "for it and only the data it covers."))
    repo = page.workspace.repo
    config = page.workspace.settings()
    filters = _filters(page, "people")
    ids = lists.matching_ids(page.db, "people", filters, page.today)
    model = people_model(page.db, ids, config, page.today)
    fields = page.request.query_params.get("fields")
    wanted = [f.strip() for f in fields.split(",") if f.strip()] if fields is not None else None
    selection = select(model, purpose, wanted, page.today)  # its refusals in the page's language
    with i18n.speaking(repository_language(repo)):  # the file is the command's, in the repository's language
        written = DOWNLOADS_OF[kind][0](selection)
    body = written.encode("utf-8") if isinstance(written, str) else written
    return body, len(selection.people), purpose, selection.left_out


PAGES: list[tuple[str, Callable[["Page"], tuple[str, dict]]]] = [
    (f"/{folder}", list_page(folder)) for folder in TITLES]
DOWNLOADS: list[tuple[str, Callable[["Page"], Response]]] = [
    (f"/people.{kind}", download(kind)) for kind in DOWNLOADS_OF]
"""The files a list offers; app.py routes them like the pages (UsageError → 400, NotFound → 404)."""
