"""R001: every reference points to an existing record of the right type.

References are ids; the schemas mark them with `x-ref` and the folder they point into. Since
ids are file names, the listing of the folder decides whether the record exists (a merged
record's old ids, its `aliases`, still resolve). References to purposes are left to P002.

Passing (with ``records/organisations/gemeente-almere.yaml``)::

    organisation: gemeente-almere

Failing::

    organisation: gemeente-almeer
"""
from __future__ import annotations

import difflib
from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..load.repo import FOLDERS
from .base import RepoContext, Rule
from ..domain.texts import excerpt

RULE = Rule("R001", "error", N_("A reference must point to an existing record of the right type"),
            "repository", "contract")


def check(ctx: RepoContext) -> Iterator[Finding]:
    for record, annotation, pointer, value in ctx.annotated_values("x-ref"):
        target = annotation.value
        if target == "purposes":
            continue  # an unknown purpose is a data-protection finding: P002 reports it
        if isinstance(value, str) and not ctx.model.exists(target, value):
            yield RULE.finding(record.path, ctx.at(record, pointer),
                               _("There is no record '{id}' in records/{folder}/.").format(
                                   id=excerpt(value), folder=target),
                               _hint(ctx, target, value))


def _hint(ctx: RepoContext, target: str, value: str) -> str:
    elsewhere = [f for f in FOLDERS if f != target and ctx.model.exists(f, value)]
    if elsewhere:
        return _("'{id}' is a record in records/{other}/, not in records/{folder}/.").format(
            id=excerpt(value), other=elsewhere[0], folder=target)
    close = difflib.get_close_matches(value, sorted(ctx.model.ids[target]), n=1) if len(value) <= 100 else []
    if close:
        return _("Did you mean '{close}'?").format(close=close[0])
    return _("Create records/{folder}/{id}.yaml, or correct the id.").format(folder=target, id=excerpt(value))
