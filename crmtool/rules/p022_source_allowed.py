"""P022: a person's recorded source must be one the purpose allows.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P022", "error", N_("A person's recorded source must be one the purpose allows"), "repository", "Art. 5(1)(a), 5(1)(b) (own policy)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
