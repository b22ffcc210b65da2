"""Editing a record in a form, and making a new one (issue 18, items 2 and 4).

The form is the record type's JSON Schema made into fields (`serve/forms.py`): the schemas stay
the one source of truth. A submitted form becomes the file's new text through ruamel's round
trip (comments and the layout of untouched parts kept) and fmt's layout; `edit/save.py` then
judges it as the check would and writes it only when it adds no error. An error comes back at
its field, in the page's language with the rule's hint, and what was typed stays in the form;
warnings the change adds are shown and saved only when accepted.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Callable

from ...edit.base import Refused
from ...edit.save import Changed, Invalid, save, version
from ...i18n import _
from ...load import load_schemas
from ...domain import ids
from ...domain.ids import ID_PATTERN
from ...edit.new import request_prefix
from ...load.model import Model, parse_date
from ...load.repo import FOLDERS, RECORDS, UsageError, read_regular
from .. import forms, writes

if TYPE_CHECKING:
    from ..app import Page

ACCEPT = "accept_warnings"
NEW_ID = "new_id"
EDITABLE = tuple(folder for folder in FOLDERS if folder not in ("vocabularies",))
"""Every record folder has a form; vocabularies are lists kept by whoever keeps the settings."""


def _not_found() -> Exception:
    from ..app import NotFound  # app imports the pages: at call time, not at import
    return NotFound()


def _folder(page: Page) -> str:
    folder = str(page.request.path_params["folder"])
    if folder not in EDITABLE:
        raise _not_found()
    return folder


def _values(page: Page, folder: str, record_id: str | None, form: forms.Form, *, errors=None, warnings=(),
            version_: str = "", problem: str | None = None) -> dict:
    action = f"/{folder}/{record_id}/edit" if record_id else f"/new/{folder}"
    return {"form": form, "errors": errors or {}, "warnings": list(warnings), "problem": problem,
            "folder": folder, "record": record_id, "action": action,
            "cancel": f"/{folder}/{record_id}" if record_id and folder in CARDS else "/",
            "hidden": {writes.VERSION_FIELD: version_}, "new_id_field": NEW_ID, "accept_field": ACCEPT}


CARDS = ("people", "organisations", "roles", "requests", "interactions")


def edit_page(page: Page) -> tuple[str, dict]:
    """`/FOLDER/ID/edit`: the record in its form."""
    folder, record_id = _folder(page), str(page.request.path_params["id"])
    model = page.workspace.model(page.today)
    record = model.get(folder, record_id)
    if record is None or record.id != record_id:
        raise _not_found()
    schemas = load_schemas(page.workspace.repo)
    form = forms.form_of(schemas, FOLDERS[folder], record.data, model=model, language=page.language)
    return "edit.html", _values(page, folder, record_id, form, version_=version(page.workspace.repo, record.path))


def new_page(page: Page) -> tuple[str, dict]:
    """`/new/FOLDER`: an empty form of the record type, with a field for the new id."""
    folder = _folder(page)
    model = page.workspace.model(page.today)
    schemas = load_schemas(page.workspace.repo)
    form = forms.form_of(schemas, FOLDERS[folder], None, model=model, language=page.language)
    return "edit.html", _values(page, folder, None, form)


def _proposed_id(folder: str, data: dict, model: Model, today: dt.date) -> str | None:
    """The id `crmtool new` would give a record with this data (None: the form must say)."""
    taken = set(model.ids[folder]) | set(model.aliases(folder))
    found = data.get("name")
    name: dict = found if isinstance(found, dict) else {}
    if folder == "people":
        style = str(model.config.get("id_style") or "opaque")
        return ids.person_id(taken, str(name.get("given") or ""), str(name.get("family") or ""), style)
    if folder == "organisations" and isinstance(data.get("name"), str):
        return ids.readable(data["name"], taken)
    if folder == "requests" and isinstance(data.get("kind"), str):
        received = parse_date(data.get("received")) or today
        return ids.numbered(request_prefix(model, data["kind"]), received.year, taken)
    if folder == "interactions":
        return ids.dated("i", parse_date(data.get("date")) or today, taken)
    if folder == "breaches":  # the year of discovery, as `crmtool new breach` numbers them
        discovered = parse_date(str(data.get("discovered") or "")[:10])
        return ids.breach_id((discovered or today).year, taken)
    return None


def _path(folder: str, record_id: str, data: dict, model: Model) -> str:
    """Where a record lives: an existing one where it is; a new contact moment in its year's folder."""
    existing = model.get(folder, record_id)
    if existing is not None and existing.id == record_id:
        return existing.path
    day = parse_date(data.get("date")) if folder == "interactions" else None
    return f"{RECORDS}/{folder}/{day.year}/{record_id}.yaml" if day else f"{RECORDS}/{folder}/{record_id}.yaml"


def _save(page: Page, posted: writes.Form, folder: str, record_id: str | None, original: dict | None) -> Any:
    repo = page.workspace.repo
    model = page.workspace.model(page.today)
    schemas = load_schemas(repo)
    submission = forms.read_form(posted.items, schemas, FOLDERS[folder], original, model=model, language=page.language)
    if record_id is None:
        record_id = _proposed_id(folder, submission.data, model, page.today)
        if record_id is None:
            return "edit.html", {**_values(page, folder, None, submission.form, problem=_(
                "Give the new record an id: lower-case letters, digits and hyphens.")), "typed_id": ""}, 400
    path = _path(folder, record_id, submission.data, model)
    expected = posted.get(writes.VERSION_FIELD)
    shown = record_id if original is not None else None

    def again(status: int, **more) -> tuple[str, dict, int]:
        return "edit.html", {**_values(page, folder, shown, submission.form, version_=expected, **more),
                             "typed_id": record_id}, status
    try:
        original_text = read_regular(repo.root, path).decode("utf-8") if original is not None else None
    except OSError:
        return again(409, problem=_("This record is gone since the form was made; nothing was saved."))
    try:
        text = forms.text_for(path, original_text, submission.data, schemas=schemas, repo=repo)
    except (forms.FormError, Refused) as error:
        return again(400, problem=str(error))
    if original_text is not None and text == original_text:
        return writes.Done(f"/{folder}/{record_id}", "saved", [])
    try:
        writes.prepare(page.workspace, page.colleague)
        saved = save(repo, path, text, page.today, expected=expected, model=model,
                     accept_warnings=bool(posted.get(ACCEPT)))
    except Changed:
        return again(409, problem=_("This record was changed since you opened it (in another tab, in an editor or "
                                    "by a pull). Nothing was saved; what you typed is still in the form: open the "
                                    "record again to see the change, then make yours."))
    except Invalid as error:
        mine = [f for f in error.findings if f.path == path]
        others = [f for f in error.findings if f.path != path]
        errors = forms.field_errors(text, mine, submission.form, submission.paths)
        if others:
            errors.setdefault("", []).extend(others)
        return again(422, errors=errors, problem=str(error))
    except (writes.NotKept, Refused, UsageError) as error:
        return again(409, problem=str(error))
    if not saved.written:
        return again(200, warnings=saved.warnings, problem=_("The change adds warnings; read them and save again "
                                                             "to accept them."))
    done = writes.Done(f"/{folder}/{record_id}" if folder in CARDS else "/", "created" if saved.created else "saved",
                       [path], subject=f"{'Add' if saved.created else 'Edit'} {record_id}")
    try:
        return writes.keep(page, done)
    except writes.NotKept as error:
        return again(409, problem=_("The change is written in the working tree but was not kept as a commit: "
                                    "{reason}").format(reason=error))


def edit_post(page: Page, posted: writes.Form) -> Any:
    folder, record_id = _folder(page), str(page.request.path_params["id"])
    record = page.workspace.model(page.today).get(folder, record_id)
    if record is None or record.id != record_id:
        raise _not_found()
    return _save(page, posted, folder, record_id, record.data)


def new_post(page: Page, posted: writes.Form) -> Any:
    folder = _folder(page)
    record_id = posted.get(NEW_ID)
    model = page.workspace.model(page.today)
    if not record_id:
        return _save(page, posted, folder, None, None)  # the id crmtool new would give it
    if not ID_PATTERN.match(record_id):
        schemas = load_schemas(page.workspace.repo)
        form = forms.read_form(posted.items, schemas, FOLDERS[folder], None, model=model, language=page.language).form
        return "edit.html", {**_values(page, folder, None, form, problem=_("Give the new record an id: lower-case "
                                                                            "letters, digits and hyphens.")),
                             "typed_id": record_id}, 400
    if model.exists(folder, record_id):
        schemas = load_schemas(page.workspace.repo)
        form = forms.read_form(posted.items, schemas, FOLDERS[folder], None, model=model, language=page.language).form
        return "edit.html", {**_values(page, folder, None, form, problem=_("There is already a record with the id "
                                                                            "{id}; choose another.").format(
                                                                                id=record_id)),
                             "typed_id": record_id}, 409
    return _save(page, posted, folder, record_id, None)


PAGES: list[tuple[str, Callable[["Page"], tuple[str, dict]]]] = [
    ("/new/{folder}", new_page),
    ("/{folder}/{id}/edit", edit_page),
]
ACTIONS: list[tuple[str, Callable[["Page", writes.Form], Any]]] = [
    ("/new/{folder}", new_post),
    ("/{folder}/{id}/edit", edit_post),
]
