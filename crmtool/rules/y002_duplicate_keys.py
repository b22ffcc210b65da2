"""Y002: a key may appear only once in a mapping.

YAML readers silently keep one of two equal keys (PyYAML the last), so half of what staff
typed would vanish without a word. crmtool never chooses: it reports the second key.

Passing::

    emails: [{address: a@example.org}]

Failing::

    emails: [{address: a@example.org}]
    emails: [{address: b@example.org}]
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import FileContext, Rule
from ..domain.texts import excerpt

RULE = Rule("Y002", "error", N_("A key appears twice in one mapping"), "file", "YAML safety")


def check_file(ctx: FileContext) -> Iterator[Finding]:
    for problem in ctx.doc.problems:
        if problem.kind == "duplicate-key":
            yield RULE.finding(
                ctx.path, (problem.line, problem.column),
                _("The key '{key}' appears twice in this mapping (first on line {first_line}).").format(
                    key=excerpt(problem.detail["key"]), first_line=problem.detail["first_line"]),
                _("Keep one of them: remove the other, or merge the two values into one."))
