"""S002: a record's file name is its id, and ids have one form.

Ids are lowercase letters a-z, digits and single hyphens (`^[a-z0-9]+(-[a-z0-9]+)*$`), so
they are the same on every operating system, in URLs and in references. Some folders name
their records in a form of their own (`crmtool.domain.ids.FOLDER_IDS`): a breach is
`b-YYYY-NNN`, the year of discovery and a number, because the register and the letters to the
supervisory authority refer to it by number, and a file name made of what happened
(`laptop-gestolen`, or worse, a name) stays in the git history for good.

Passing: ``records/organisations/gemeente-almere.yaml``, ``records/breaches/b-2026-001.yaml``

Failing: ``records/organisations/Gemeente Almere.yaml``, ``records/breaches/laptop-gestolen.yaml``
"""
from __future__ import annotations

import re
from typing import Iterator

from ..domain.ids import FOLDER_IDS
from ..findings import Finding
from ..i18n import N_, _
from ..load.repo import ID_PATTERN
from .base import FileContext, Rule

RULE = Rule("S002", "error", N_("The file name must be a valid id"), "file", "contract")


def check_file(ctx: FileContext) -> Iterator[Finding]:
    if ctx.file is None:
        return
    if not ID_PATTERN.fullmatch(ctx.file.id):
        suggestion = "-".join("".join(c if c.isalnum() and c.isascii() else " " for c in ctx.file.id.lower()).split())
        yield RULE.finding(
            ctx.path, (1, 1),
            _("The file name '{name}' is not a valid id.").format(name=ctx.file.id),
            _("Rename the file to lowercase letters a-z, digits and single hyphens, "
              "such as '{suggestion}.yaml'.").format(
                suggestion=suggestion or "new-id"))
        return
    form = FOLDER_IDS.get(ctx.file.folder)
    if form is not None and not form[0].fullmatch(ctx.file.id):
        yield RULE.finding(
            ctx.path, (1, 1),
            _("The file name '{name}' is not a valid id for this folder: its records are named {form}.").format(
                name=ctx.file.id, form=form[1]),
            _("Rename the file to {example}.yaml, with the next free number of its year for NNN (`crmtool new` "
              "proposes such ids), and change any references to it.").format(example=_example(ctx, form[1])))


def _example(ctx: FileContext, form: str) -> str:
    """The form with the year filled in from the record's `discovered` (a breach's id has its
    year of discovery), when it has one."""
    data = ctx.doc.data if ctx.doc.loaded and isinstance(ctx.doc.data, dict) else {}
    found = re.match(r"(\d{4})-\d{2}-\d{2}", str(data.get("discovered") or ""))
    return form.replace("YYYY", found.group(1)) if found else form
