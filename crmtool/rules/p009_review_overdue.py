"""P009: a purpose's periodic review is overdue.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P009", "warning", N_("A purpose's periodic review is overdue"), "repository", "Art. 5(2), 24(1)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
