"""P010: a processor needs a current data-processing agreement.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P010", "error", N_("A processor needs a current data-processing agreement"), "repository", "Art. 28(3)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
