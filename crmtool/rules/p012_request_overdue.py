"""P012: a data-subject request must be answered within its deadline.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P012", "error", N_("A data-subject request must be answered within its deadline"), "repository", "Art. 12(3)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
