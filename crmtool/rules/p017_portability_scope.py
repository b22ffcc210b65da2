"""P017: portability applies only to data processed on consent or contract.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P017", "warning", N_("Portability applies only to data processed on consent or contract"), "repository", "Art. 20(1)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
