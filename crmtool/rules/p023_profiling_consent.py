"""P023: a purpose that profiles people must rest on explicit consent.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P023", "error", N_("A purpose that profiles people must rest on explicit consent"), "repository", "Art. 22(2)(c), 9(2)(a) (own policy)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
