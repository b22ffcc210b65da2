"""Y004: no custom or language-specific tags.

A tag such as `!python/object` or `!!binary` asks the reader to build something other than
text, numbers, booleans, dates, lists and mappings. crmtool reads none of them.

Passing::

    notes: [{date: 2026-10-01, by: anna, text: Called back.}]

Failing::

    notes: !include notes.yaml
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import FileContext, Rule
from ..domain.texts import excerpt

RULE = Rule("Y004", "error", N_("Custom tags are not allowed"), "file", "YAML safety")


def check_file(ctx: FileContext) -> Iterator[Finding]:
    for problem in ctx.doc.problems:
        if problem.kind == "tag":
            yield RULE.finding(
                ctx.path, (problem.line, problem.column),
                _("The tag '{tag}' is not allowed in records.").format(
                    tag=excerpt(problem.detail["tag"].replace("tag:yaml.org,2002:", "!!"))),
                _("Remove the tag and write the value as text, a number, true/false, a date, a list or a mapping."))
