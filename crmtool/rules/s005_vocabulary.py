"""S005: a value that comes from a vocabulary must be in it.

Functions, portfolios, organisation kinds, provinces, sources, teams and other lists of
values live in `records/vocabularies/`. The schemas mark such fields with `x-vocabulary`. A
vocabulary is enforced only when its file exists, so a small organisation need not keep
lists it does not use.

Passing (with ``burgemeester`` in ``records/vocabularies/functions.yaml``)::

    function: burgemeester

Failing::

    function: burgemeesster
"""
from __future__ import annotations

import difflib
from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule
from ..domain.texts import excerpt

RULE = Rule("S005", "error", N_("A value must be in its vocabulary"), "repository", "contract")


def check(ctx: RepoContext) -> Iterator[Finding]:
    for record, annotation, pointer, value in ctx.annotated_values("x-vocabulary"):
        vocabulary = ctx.model.vocabulary(annotation.value)
        if vocabulary is None or not isinstance(value, str) or value in vocabulary:
            continue
        close = difflib.get_close_matches(value, list(vocabulary), n=1)
        hint = (_("Did you mean '{close}'? ").format(close=close[0]) if close else "") + _(
            "Use a value from records/vocabularies/{name}.yaml, or add this one there.").format(name=annotation.value)
        yield RULE.finding(record.path, ctx.at(record, pointer),
                           _("'{value}' is not in the vocabulary '{name}'.").format(
                               value=excerpt(value), name=annotation.value),
                           hint)
