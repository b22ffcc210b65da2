"""P019: a purpose is a complete entry of the record of processing activities.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P019", "error", N_("A purpose is a complete entry of the record of processing activities"), "repository", "Art. 30(1)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
