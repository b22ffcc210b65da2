"""Y003: no anchors, aliases or merge keys.

Anchors (`&name`) and aliases (`*name`) share one value between places, hidden from a
reviewer who reads a diff, and nested aliases can expand into gigabytes (an "alias bomb").
Records are small: write every value out.

Passing::

    tags: [energy-transition]

Failing::

    tags: &t [energy-transition]
    notes: *t
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import FileContext, Rule

RULE = Rule("Y003", "error", N_("Anchors, aliases and merge keys are not allowed"), "file", "YAML safety")

_MESSAGES = {
    "anchor": N_("The anchor '&{name}' is not allowed in records."),
    "alias": N_("The alias '*{name}' is not allowed in records."),
    "merge-key": N_("The merge key '<<' is not allowed in records."),
}


def check_file(ctx: FileContext) -> Iterator[Finding]:
    for problem in ctx.doc.problems:
        if problem.kind in _MESSAGES:
            yield RULE.finding(
                ctx.path, (problem.line, problem.column),
                _(_MESSAGES[problem.kind]).format(**problem.detail),
                _("Write the value out in full where it is used: a reviewer must see every value in the file itself."))
