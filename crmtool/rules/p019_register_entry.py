"""P019: a purpose is a complete entry of the record of processing activities.

Art. 30(1) lists what the record of processing activities holds for every processing:
its purposes, the categories of data subjects and of personal data, the categories of
recipients and the time limits for erasure; the public register (`crmtool build`) also
shows where the data come from (Art. 14(2)(f)). Every purpose is one row of that record,
so it must fill in `description`, `data_subjects`, `data_categories`, `recipients`,
`retention` and `sources`. A field that is missing, null, an empty string (or a text map
with only empty strings), an empty list or an empty map counts as not filled in; a value of
the wrong shape counts as filled in (S001 reports its shape). All missing fields of one
purpose are named in one finding, at the first line of the file, so that they can be filled
in at once.

Passing::

    description: {en: Newsletter about the energy transition}
    data_subjects: [subscribers]
    data_categories: [name, contact]
    recipients: [{en: Staff of the association}]
    retention: {period: P1Y, after: consent-withdrawn, then: delete}
    sources: [self-registration]

Failing::

    description: {en: Newsletter about the energy transition}
    data_subjects: [subscribers]
    data_categories: [name, contact]
    recipients: []
    # no retention, no sources
"""
from __future__ import annotations

from typing import Any, Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P019", "error", N_("A purpose is a complete entry of the record of processing activities"),
            "repository", "Art. 30(1)")

REGISTER_FIELDS = ("description", "data_subjects", "data_categories", "recipients", "retention", "sources")


def check(ctx: RepoContext) -> Iterator[Finding]:
    for purpose in ctx.model.of("purposes"):
        missing = [name for name in REGISTER_FIELDS if _empty(purpose.get(name))]
        if missing:
            yield RULE.finding(
                purpose.path, (1, 1),
                _("The register entry of this purpose is incomplete: {fields} not filled in.").format(
                    fields=", ".join(missing)),
                _("These are columns of the record of processing activities (Art. 30(1)) that the "
                  "public register shows; an empty one shows as \"not filled in\". Fill in every one: "
                  "description (what is done and why), data_subjects, data_categories, recipients (also "
                  "internal ones, such as staff), retention (period, after, then) and sources."))


def _empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, dict):
        if not value:
            return True
        # a text map {nl: ..., en: ...}: empty when every language is empty; other maps
        # (retention) are judged by S001
        return all(isinstance(v, str) and not v.strip() for v in value.values())
    if isinstance(value, list):
        return not value
    return False
