"""Y007: unquoted text that other YAML readers take for a number.

PyYAML keeps `0612345678` and `1e3` as text, but YAML 1.2 readers (editors, other tools, a
colleague's script) read them as the numbers 612345678 and 1000. Quote them so that every
reader agrees.

Passing::

    phones: [{number: "0612345678"}]

Failing::

    phones: [{number: 0612345678}]
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import FileContext, Rule
from ..domain.texts import excerpt

RULE = Rule("Y007", "warning", N_("Unquoted text that other YAML readers take for a number"),
            "file", "YAML safety")


def check_file(ctx: FileContext) -> Iterator[Finding]:
    for item in ctx.doc.retyped:
        if not item.is_key and item.tag == "str":
            yield RULE.finding(
                ctx.path, (item.line, item.column),
                _("'{text}' is text here, but other YAML readers read it as a number.").format(text=excerpt(item.text)),
                _('Put it in quotes: "{text}".').format(text=excerpt(item.text)))
