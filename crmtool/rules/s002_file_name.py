"""S002: a record's file name is its id, and ids have one form.

Ids are lowercase letters a-z, digits and single hyphens (`^[a-z0-9]+(-[a-z0-9]+)*$`), so
they are the same on every operating system, in URLs and in references.

Passing: ``records/organisations/gemeente-almere.yaml``

Failing: ``records/organisations/Gemeente Almere.yaml``
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..load.repo import ID_PATTERN
from .base import FileContext, Rule

RULE = Rule("S002", "error", N_("The file name must be a valid id"), "file", "contract")


def check_file(ctx: FileContext) -> Iterator[Finding]:
    if ctx.file is not None and not ID_PATTERN.fullmatch(ctx.file.id):
        suggestion = "-".join("".join(c if c.isalnum() and c.isascii() else " " for c in ctx.file.id.lower()).split())
        yield RULE.finding(
            ctx.path, (1, 1),
            _("The file name '{name}' is not a valid id.").format(name=ctx.file.id),
            _("Rename the file to lowercase letters a-z, digits and single hyphens, "
              "such as '{suggestion}.yaml'.").format(
                suggestion=suggestion or "new-id"))
