"""P001: a person must hold a current purpose label.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P001", "error", N_("A person must hold a current purpose label"), "repository", "Art. 5(1)(b), 6(1)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
