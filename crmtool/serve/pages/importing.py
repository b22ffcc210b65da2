"""Importing people from a CSV or vCard file through the page (issue 18, item 6).

The upload is the command's input, nothing more: `crmtool import`'s own core reads it, with the
same purpose and source rules, and first as a dry run whose plan the page shows (who would be
made, what is left out, which rows are refused and why). The file is kept under build/ (never
among the records, never committed) under a random name until the colleague confirms or
leaves; its size is limited by the form's limit (`writes.MAX_FORM_BYTES`).
"""
from __future__ import annotations

import re
import secrets
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from ...domain.texts import localised
from ...exchange.importing import import_people
from ...i18n import _
from ...load import atomic
from ...load.repo import UsageError
from .. import writes

if TYPE_CHECKING:
    from ..app import Page

UPLOADS = "build/workspace-uploads"
KINDS = {"csv": "csv", "vcf": "vcard", "vcard": "vcard"}
TOKEN = re.compile(r"^[a-f0-9]{32}\.(csv|vcf)$")


def _choices(page: Page) -> dict:
    model = page.workspace.model(page.today)
    purposes = [{"id": r.id, "label": localised(r.get("title") or r.get("name"), page.language) or r.id}
                for r in sorted(model.of("purposes"), key=lambda r: r.id)]
    sources = [{"id": key, "label": localised(value.get("label"), page.language) or key}
               for key, value in (model.vocabulary("sources") or {}).items()]
    return {"purposes": purposes, "sources": sources}


def import_page(page: Page) -> tuple[str, dict]:
    """`/import`: choose a file, its purpose and source."""
    return "import.html", {**_choices(page), "plan": None, "upload": "", "purpose": "", "source": ""}


def _upload_path(page: Page, upload: str) -> Path:
    if not TOKEN.match(upload):
        raise UsageError(_("The uploaded file is gone; choose it again."))
    path = page.workspace.repo.root / UPLOADS / upload
    if not path.is_file():
        raise UsageError(_("The uploaded file is gone; choose it again."))
    return path


def _plan(page: Page, upload: str, purpose: str, source: str, *, apply: bool = False, skip: bool = False):
    path = _upload_path(page, upload)
    return import_people(page.workspace.repo, KINDS[path.suffix[1:]], path, purpose or None, source or None,
                         page.today, apply=apply, skip_invalid=skip)


def preview(page: Page, form: writes.Form) -> Any:
    """POST `/import`: keep the upload under build/ and show the dry run."""
    values = {**_choices(page), "purpose": form.get("purpose"), "source": form.get("source")}
    upload = form.files.get("file")
    name = getattr(upload, "filename", "") or ""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if upload is None or suffix not in KINDS:
        return "import.html", {**values, "plan": None, "upload": "",
                               "problem": _("Choose a .csv or .vcf file.")}, 400
    token = f"{secrets.token_hex(16)}.{'csv' if KINDS[suffix] == 'csv' else 'vcf'}"
    folder = page.workspace.repo.root / UPLOADS
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / token
    target.write_bytes(upload.file.read())
    target.chmod(0o600)
    try:
        plan = _plan(page, token, values["purpose"], values["source"])
    except UsageError as error:
        target.unlink(missing_ok=True)
        return "import.html", {**values, "plan": None, "upload": "", "problem": str(error)}, 400
    return "import.html", {**values, "plan": _shown(plan), "upload": token}


def apply(page: Page, form: writes.Form) -> Any:
    """POST `/import/apply`: make the people of the plan shown, as one commit."""
    upload = form.get("upload")
    values = {**_choices(page), "purpose": form.get("purpose"), "source": form.get("source"), "upload": upload}
    try:
        writes.prepare(page.workspace, page.colleague)
        plan = _plan(page, upload, values["purpose"], values["source"], apply=True, skip=bool(form.get("skip")))
    except (writes.NotKept, UsageError, atomic.AtomicError) as error:
        return "import.html", {**values, "plan": None, "problem": str(error)}, 409
    if plan.blocked or not plan.written:
        return "import.html", {**values, "plan": _shown(plan), "problem": _(
            "Nothing was imported: some rows are refused. Fix the file, or import the others.")}, 409
    _upload_path(page, upload).unlink(missing_ok=True)
    done = writes.Done("/people", "imported", plan.written,
                       subject=f"Import {len(plan.written)} people ({values['purpose'] or 'purpose per row'})")
    try:
        return writes.keep(page, done)
    except writes.NotKept as error:
        return "problem.html", {"problem": _("The change is written in the working tree but was not kept as a "
                                             "commit: {reason}").format(reason=error)}, 409


def _shown(plan) -> dict:
    return {"proposals": [{k: v for k, v in asdict(p).items() if k != "text"} for p in plan.proposals],
            "refused": [asdict(r) for r in plan.refused], "warnings": plan.warnings}


PAGES: list[tuple[str, Callable[["Page"], tuple[str, dict]]]] = [("/import", import_page)]
ACTIONS: list[tuple[str, Callable[["Page", writes.Form], Any]]] = [("/import", preview), ("/import/apply", apply)]
