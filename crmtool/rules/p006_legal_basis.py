"""P006: a purpose states its legal basis, and the balancing test for legitimate interests.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P006", "error", N_("A purpose states its legal basis, and the balancing test for legitimate interests"), "repository", "Art. 6(1), 6(1)(f)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
