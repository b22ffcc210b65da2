"""The actions on cards (issue 18, item 3): each a form on its card that POSTs here.

Every action is the command line's own core, called with the colleague who is signed in and
today: `crmtool assign`, `crmtool end-role`, `crmtool stage`, `crmtool note`, `crmtool tag`,
`crmtool subject export` and `crmtool subject erase`. What the core refuses (exit 1 or 2 on the
command line) comes back as the card with the core's own message at the top and what was
typed still in the form; a record changed since the card was shown is not written at all
(`writes.Stale`). What the core wrote is kept as one commit on the work branch
(`writes.keep`), and the browser goes back to the card (303) with a sentence saying it was done.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from dataclasses import asdict

from ...domain.texts import localised
from ...edit.assign import assign as assign_request
from ...edit.base import Refused
from ...edit.save import version
from ...edit.end_role import DERIVED_REASON, REASONS, end_role
from ...edit.note import note as add_note
from ...edit.stage import stage as stage_request
from ...edit.tag import tag as tag_record
from ...load.model import parse_date
from ...subject.erase import Refused as ErasureRefused
from ...subject.erase import erase
from ...subject.export import export as subject_export
from ...subject.export_render import render as render_export
from ... import i18n
from ...i18n import _
from ...load.repo import UsageError
from .. import writes
from . import cards

from starlette.responses import Response

if TYPE_CHECKING:
    from ..app import Page

Handler = Callable[["Page", writes.Form], Any]


def refused_on(view: Callable[["Page"], tuple[str, dict]], page: Page, form: writes.Form, problem: str,
               status: int) -> tuple[str, dict, int]:
    """The card again, as it is now, with the problem at the top and the form as it was typed."""
    name, values = view(page)
    return name, {**values, "problem": problem, "typed": dict(form.items)}, status


def stale_message() -> str:
    return _("This record was changed since you opened it (in another tab, in an editor or by a pull). "
             "It is shown below as it is now and nothing was written; what you typed is still in the form: "
             "check it and send it again.")


def guarded(view: Callable[["Page"], tuple[str, dict]], path_of: Callable[["Page"], str],
            write: Callable[["Page", writes.Form], writes.Done]) -> Handler:
    """An action on the card `view` shows: the record at `path_of(page)` must be as the card
    showed it; the core's refusals come back on the card."""
    def handle(page: Page, form: writes.Form) -> Any:
        try:
            writes.check_version(page.workspace.repo, path_of(page), form)
            writes.prepare(page.workspace, page.colleague)
            done = write(page, form)
        except writes.Stale:
            return refused_on(view, page, form, stale_message(), 409)
        except writes.NotKept as error:
            return refused_on(view, page, form, str(error), 409)
        except (Refused, UsageError) as error:
            return refused_on(view, page, form, str(error), 409 if isinstance(error, Refused) else 400)
        return kept(view, page, form, done)
    return handle


def kept(view: Callable[["Page"], tuple[str, dict]], page: Page, form: writes.Form, done: writes.Done) -> Any:
    """The write kept as a commit; when git refuses the commit (a hook), the card says that the
    change is written in the working tree but not yet kept, and why."""
    try:
        return writes.keep(page, done)
    except writes.NotKept as error:
        return refused_on(view, page, form, _("The change is written in the working tree but was not kept as a "
                                              "commit: {reason}").format(reason=error), 409)


def record_path(folder: str) -> Callable[["Page"], str]:
    def path(page: Page) -> str:
        found = page.db.execute("SELECT path FROM records WHERE folder = ? AND id = ?",
                                (folder, page.request.path_params["id"])).fetchone()
        if found is None:
            from ..app import NotFound  # app imports the pages: at call time, not at import
            raise NotFound()
        return str(found[0])
    return path


def _assign(page: Page, form: writes.Form) -> writes.Done:
    request_id = str(page.request.path_params["id"])
    staff = form.get("assignee")
    if not staff:
        raise UsageError(_("Choose the colleague to hand the request to."))
    handover = assign_request(page.workspace.repo, request_id, staff, page.today, by=page.colleague,
                              note=form.get("note") or None)
    return writes.Done(f"/requests/{request_id}", "assign", [handover.path],
                       subject=f"Hand {request_id} over to {staff}")


def _stage(page: Page, form: writes.Form) -> writes.Done:
    request_id = str(page.request.path_params["id"])
    wanted = form.get("stage")
    if not wanted:
        raise UsageError(_("Choose the stage to move the request to."))
    moved = stage_request(page.workspace.repo, request_id, wanted, page.today, by=page.colleague,
                          note=form.get("note") or None, outcome=form.get("outcome") or None,
                          ground=form.get("ground") or None)
    return writes.Done(f"/requests/{request_id}", "stage", [moved.path], subject=f"Move {request_id} to {wanted}")


FOLDER_PAGES = {"people": cards.person, "organisations": cards.organisation, "requests": cards.request}
"""The cards with a note and a tag form."""


def _absolute(page: Page, folder: str, record_id: str) -> str:
    """The record's file as an absolute path: the cores read a relative path against the
    working folder, which for a server is wherever it was started."""
    return str(page.workspace.repo.root / record_path(folder)(page))


def _note(folder: str) -> Callable[["Page", writes.Form], writes.Done]:
    def write(page: Page, form: writes.Form) -> writes.Done:
        record_id = str(page.request.path_params["id"])
        noted = add_note(page.workspace.repo, _absolute(page, folder, record_id), form.get("text"), page.today,
                         by=page.colleague)
        return writes.Done(f"/{folder}/{record_id}", "note", [noted.path], subject=f"Note on {record_id}")
    return write


def _tags(folder: str) -> Callable[["Page", writes.Form], writes.Done]:
    def write(page: Page, form: writes.Form) -> writes.Done:
        record_id = str(page.request.path_params["id"])
        removing = form.all("remove")
        wanted = removing or [t for text in form.all("tag") for t in text.replace(",", " ").split()]
        tagged = tag_record(page.workspace.repo, _absolute(page, folder, record_id), wanted, page.today,
                            remove=bool(removing))
        return writes.Done(f"/{folder}/{record_id}", "tags", [tagged.path],
                           subject=f"{'Untag' if removing else 'Tag'} {record_id}")  # a tag may say much of a person
    return write


# --- ending a role: first what would end with it, then the confirmation ----------------------

def _end_values(page: Page, day_text: str, reason: str) -> dict:
    """The ending as `crmtool end-role --dry-run` plans it, for the page that asks to confirm."""
    role_id = str(page.request.path_params["id"])
    model = page.workspace.model(page.today)
    reasons = [{"id": key, "label": localised(value.get("label"), page.language) or key}
               for key, value in (model.vocabulary(REASONS) or {}).items() if key != DERIVED_REASON]
    values: dict = {"role": role_id, "on": day_text or page.today.isoformat(), "reason": reason,
                    "reasons": reasons, "plan": None, "version": ""}
    if not reason:
        return values
    day = parse_date(values["on"])
    if day is None:
        raise UsageError(_("'{value}' is not a date; use YYYY-MM-DD").format(value=values["on"]))
    plan = end_role(page.workspace.repo, role_id, day, reason, dry_run=True)
    values["plan"] = {"endings": [asdict(e) for e in plan.endings], "left_alone": [asdict(e) for e in plan.left_alone]}
    values["version"] = _versions(page, plan.written)
    return values


def _versions(page: Page, paths: list[str]) -> str:
    """One version for several files: the hashes of each, joined (the confirmation is stale
    when any of them changed)."""
    return ",".join(f"{path}={version(page.workspace.repo, path)}" for path in sorted(paths))


def end_preview(page: Page) -> tuple[str, dict]:
    """`/roles/ID/end?on=DAY&reason=R`: what ending the role would end with it, to confirm."""
    try:
        values = _end_values(page, page.arg("on"), page.arg("reason"))
    except (Refused, UsageError) as error:
        values = {**_end_values(page, page.arg("on"), ""), "problem": str(error)}
    return "role_end.html", values


def _end_role(page: Page, form: writes.Form) -> Any:
    day_text, reason = form.get("on"), form.get("reason")
    try:
        values = _end_values(page, day_text, reason)
        if values["plan"] is None:
            raise UsageError(_("Choose why the role ends."))
        if form.get(writes.VERSION_FIELD) != values["version"]:
            return "role_end.html", {**values, "problem": stale_message()}, 409
        writes.prepare(page.workspace, page.colleague)
        day = parse_date(day_text)
        assert day is not None  # _end_values refused anything else
        outcome = end_role(page.workspace.repo, values["role"], day, reason)
    except writes.NotKept as error:
        return "role_end.html", {**_end_values(page, day_text, ""), "problem": str(error)}, 409
    except (Refused, UsageError) as error:
        return "role_end.html", {**_end_values(page, day_text, ""), "reason": reason, "problem": str(error)}, 400
    done = writes.Done(f"/roles/{outcome.role}", "end-role", outcome.written,
                       subject=f"End {outcome.role} on {outcome.day.isoformat()} ({reason})")
    try:
        return writes.keep(page, done)
    except writes.NotKept as error:
        return "role_end.html", {**_end_values(page, day_text, ""), "problem": _(
            "The change is written in the working tree but was not kept as a commit: {reason}").format(
                reason=error)}, 409


# --- the rights of the person: a copy of their data, and erasure --------------------------

EXPORTS = {"json": "application/json", "html": "text/html; charset=utf-8", "vcard": "text/vcard; charset=utf-8"}
SUFFIX = {"json": "json", "html": "html", "vcard": "vcf"}


def _export(page: Page, form: writes.Form) -> Any:
    """`crmtool subject export` as a download (POST, so the copy of a person's data is never an
    address in the browser's history). The file is named by id and day, never by name."""
    person_id = str(page.request.path_params["id"])
    kind = form.get("format", "json")
    if kind not in EXPORTS:
        raise UsageError(_("Choose json, html or vcard."))
    model = page.workspace.model(page.today)
    if model.get("people", person_id) is None:
        from ..app import NotFound
        raise NotFound()
    with i18n.speaking(model.language):  # the copy is the command's, in the repository's language
        result = subject_export(model, person_id, page.today)
        text = render_export(result, kind, page.workspace.repo.root)
    name = f"subject-export-{person_id}-{page.today.isoformat()}.{SUFFIX[kind]}"
    return Response(text.encode("utf-8"), media_type=EXPORTS[kind],
                    headers={"content-disposition": f'attachment; filename="{name}"'})


def _erase_values(page: Page) -> dict:
    person_id = str(page.request.path_params["id"])
    plan = erase(page.workspace.repo, person_id, page.today, dry_run=True)
    return {"person": plan.person, "name": plan.name,
            "changes": [asdict(change) for change in plan.changes],
            "version": _versions(page, plan.written)}


def erase_preview(page: Page) -> tuple[str, dict]:
    """`/people/ID/erase`: what erasing the person would change, file by file, to confirm."""
    try:
        return "erase.html", _erase_values(page)
    except (Refused, ErasureRefused, UsageError) as error:
        return "problem.html", {"problem": str(error)}


def _erase(page: Page, form: writes.Form) -> Any:
    try:
        values = _erase_values(page)
        if form.get(writes.VERSION_FIELD) != values["version"]:
            return "erase.html", {**values, "problem": stale_message()}, 409
        if form.get("confirm") != values["person"]:
            return "erase.html", {**values, "problem": _("Type the id {id} to confirm.").format(
                id=values["person"])}, 400
        writes.prepare(page.workspace, page.colleague)
        outcome = erase(page.workspace.repo, values["person"], page.today, by=page.colleague)
    except writes.NotKept as error:
        return "problem.html", {"problem": str(error)}, 409
    except (Refused, ErasureRefused, UsageError) as error:
        return "problem.html", {"problem": str(error)}, 400
    done = writes.Done("/people", "erased", outcome.written, subject=f"Erase {outcome.person}")
    try:
        return writes.keep(page, done)
    except writes.NotKept as error:
        return "problem.html", {"problem": _("The change is written in the working tree but was not kept as a "
                                             "commit: {reason}").format(reason=error)}, 409


ACTIONS: list[tuple[str, Handler]] = [
    ("/requests/{id}/stage", guarded(cards.request, record_path("requests"), _stage)),
    *[(f"/{folder}/{{id}}/note", guarded(view, record_path(folder), _note(folder)))
      for folder, view in FOLDER_PAGES.items()],
    *[(f"/{folder}/{{id}}/tags", guarded(view, record_path(folder), _tags(folder)))
      for folder, view in FOLDER_PAGES.items()],
    ("/people/{id}/export", _export),
    ("/people/{id}/erase", _erase),
    ("/requests/{id}/assign", guarded(cards.request, record_path("requests"), _assign)),
    ("/roles/{id}/end", _end_role),
]

PAGES: list[tuple[str, Callable[["Page"], tuple[str, dict]]]] = [
    ("/roles/{id}/end", end_preview),
    ("/people/{id}/erase", erase_preview),
]
