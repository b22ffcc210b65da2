"""P008: retention periods that end soon.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P008", "warning", N_("Retention periods that end soon"), "repository", "Art. 5(1)(e)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
