"""P011: a subscription needs consent (or a label) for the list's purpose.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P011", "error", N_("A subscription needs consent (or a label) for the list's purpose"), "repository", "Art. 6(1)(a), 7")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
