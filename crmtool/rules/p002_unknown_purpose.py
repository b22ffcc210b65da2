"""P002: a purpose named on a record must exist in records/purposes/.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P002", "error", N_("A purpose named on a record must exist in records/purposes/"), "repository", "Art. 5(1)(b), 30(1)(b)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
