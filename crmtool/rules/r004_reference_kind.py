"""R004: a reference that asks for a kind of organisation gets one.

The schemas say with `x-kind` which kind a referenced organisation must be: a role's `party`
is an organisation of kind `political-party`.

Passing (with ``records/organisations/partij-groen-links-almere.yaml`` of kind political-party)::

    party: partij-groen-links-almere

Failing::

    party: gemeente-almere
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("R004", "error", N_("A referenced organisation must be of the kind the field asks for"),
            "repository", "contract")


def check(ctx: RepoContext) -> Iterator[Finding]:
    for record, annotation, pointer, value in ctx.annotated_values("x-ref"):
        expected = annotation.schema.get("x-kind")
        target = ctx.model.get(annotation.value, value) if expected and isinstance(value, str) else None
        if target is not None and target.get("kind") != expected:
            yield RULE.finding(record.path, ctx.at(record, pointer),
                               _("'{id}' is of kind '{kind}', but '{field}' needs one of kind '{expected}'.").format(
                                   id=value, kind=target.get("kind"), field=pointer[-1] if pointer else "",
                                   expected=expected),
                               _("Point it to an organisation of kind '{expected}'.").format(expected=expected))
