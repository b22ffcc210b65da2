"""Y006: an unquoted date where text is meant.

YAML reads `2026-03-31` (and `2026-03-31 10:00:00`) as a date or a moment, and crmtool then
writes it back in ISO form (`2026-03-31T10:00:00`), so a text that happens to look like a
date can change, and other tools may reformat it. Dates belong unquoted in date fields
only; anywhere else, quote them.

Passing::

    notes: [{date: 2026-03-31, by: anna, text: "2026-03-31"}]

Failing::

    notes: [{date: 2026-03-31, by: anna, text: 2026-03-31}]
"""
from __future__ import annotations

import datetime as dt
from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import FileContext, Rule
from ..domain.texts import excerpt

RULE = Rule("Y006", "warning", N_("An unquoted date stands where text is meant"), "file", "YAML safety")


def check_file(ctx: FileContext) -> Iterator[Finding]:
    if not ctx.schemas.has(ctx.record_type):
        return
    for item in ctx.doc.retyped:
        if item.is_key or not isinstance(item.value, (dt.date, dt.datetime)):
            continue
        expected = ctx.schemas.subschemas_at(ctx.record_type, item.pointer)
        if expected and not ctx.schemas.expects_date(ctx.record_type, item.pointer):
            yield RULE.finding(
                ctx.path, (item.line, item.column),
                _("'{text}' is read as a date, but text is meant here.").format(text=excerpt(item.text)),
                _('Put it in quotes: "{text}".').format(text=excerpt(item.text)))
