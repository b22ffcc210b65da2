"""Q004: organisation identifiers (CBS, KvK, KBO) must be valid.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("Q004", "error", N_("Organisation identifiers (CBS, KvK, KBO) must be valid"), "repository", "Art. 5(1)(d)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
