"""P013: data-subject requests whose deadline is near.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P013", "warning", N_("Data-subject requests whose deadline is near"), "repository", "Art. 12(3)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
