"""P002: a purpose named on a record must exist in records/purposes/.

The purposes in records/purposes/ are the data policy and the register of processing
activities (Art. 30(1)(b)): what a purpose is for, its legal basis, its retention. A purpose
label, a consent, a mailing list or a contact moment that names a purpose which is not in the
register holds data for a purpose nobody stated (Art. 5(1)(b)). Every value the schemas mark
as a reference to `purposes` (`x-ref: purposes`) is checked, so a new reference field needs no
new code; as for every reference, the file listing decides whether the purpose exists. R001
leaves purpose references to this rule, so an unknown purpose is reported once, here.

Passing (with ``records/purposes/office-holders.yaml``)::

    purposes:
      - {purpose: office-holders, since: 2022-06-01}

Failing::

    purposes:
      - {purpose: office-holder, since: 2022-06-01}
"""
from __future__ import annotations

import difflib
from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule
from ..domain.texts import excerpt

RULE = Rule("P002", "error", N_("A purpose named on a record must exist in records/purposes/"), "repository",
            "Art. 5(1)(b), 30(1)(b)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    for record, annotation, pointer, value in ctx.annotated_values("x-ref"):
        if annotation.value != "purposes" or not isinstance(value, str):
            continue
        if ctx.model.exists("purposes", value):
            continue
        close = difflib.get_close_matches(value, sorted(ctx.model.ids["purposes"]), n=1) if len(value) <= 100 else []
        hint = (_("Did you mean '{close}'?").format(close=close[0]) if close else
                _("Describe the purpose in records/purposes/{id}.yaml (legal basis, data categories, "
                  "retention), or correct the id.").format(id=excerpt(value)))
        yield RULE.finding(record.path, ctx.at(record, pointer),
                           _("There is no purpose '{id}' in records/purposes/.").format(id=excerpt(value)), hint)
