"""S006: an id is used by one record of a type only.

File names make ids unique within a folder, but interactions may sit in sub-folders
(`2025/`, `2026/`), and a merged record keeps its old id as an alias: both can collide.

Passing: ``records/interactions/2025/i-kickoff.yaml`` and ``records/interactions/2026/i-review.yaml``

Failing: ``records/interactions/2025/i-kickoff.yaml`` and ``records/interactions/2026/i-kickoff.yaml``
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("S006", "error", N_("An id may be used by one record of a type only"), "repository", "contract")


def check(ctx: RepoContext) -> Iterator[Finding]:
    first: dict[tuple[str, str], str] = {}
    for file in ctx.files:
        key = (file.folder, file.id)
        if key in first:
            yield RULE.finding(file.path, (1, 1),
                               _("The id '{id}' is already used by {other}.").format(id=file.id, other=first[key]),
                               _("Rename one of the two files, and update the references to it."))
        else:
            first[key] = file.path
    for folder in ctx.model.records:
        for record in ctx.model.of(folder):
            for index, alias in enumerate(record.get("aliases") or []):
                other = first.get((folder, alias))
                if other and other != record.path:
                    yield RULE.finding(record.path, ctx.at(record, ("aliases", index)),
                                       _("The alias '{id}' is also the id of {other}.").format(id=alias, other=other),
                                       _("An alias is the id of a record merged into this one; "
                                         "remove it or the other record."))
