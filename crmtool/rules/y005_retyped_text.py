"""Y005: an unquoted value that YAML reads as a boolean or a number where text is meant.

YAML 1.1 reads `no`, `off`, `yes` and `on` as booleans and `012` as the octal number 10, so a
country code NO (Norway), a house number or a phone number changes silently. Reported where
the schema expects text (and for every key, which is always text); the fix is quotes.

Passing::

    addresses: [{country: "NO", number: "12"}]

Failing::

    addresses: [{country: NO, number: 12}]
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import FileContext, Rule, describe_value
from ..domain.texts import excerpt

RULE = Rule("Y005", "error", N_("An unquoted value is read as a boolean or number where text is meant"),
            "file", "YAML safety")


def check_file(ctx: FileContext) -> Iterator[Finding]:
    retyped = list(ctx.retyped_text.values()) + [r for r in ctx.doc.retyped if r.is_key]
    for item in sorted(retyped, key=lambda r: (r.line, r.column)):
        what = _("the boolean") if isinstance(item.value, bool) else _("the number")
        template = (_("The key '{text}' is read as {what} {value}; keys are text.") if item.is_key
                    else _("'{text}' is read as {what} {value}, but text is expected here."))
        yield RULE.finding(
            ctx.path, (item.line, item.column),
            template.format(text=excerpt(item.text), what=what, value=describe_value(item.value)),
            _('Put it in quotes: "{text}".').format(text=excerpt(item.text)))
