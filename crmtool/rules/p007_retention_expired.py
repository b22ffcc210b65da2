"""P007: data whose retention period has ended must be erased or anonymised.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P007", "error", N_("Data whose retention period has ended must be erased or anonymised"), "repository", "Art. 5(1)(e)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
