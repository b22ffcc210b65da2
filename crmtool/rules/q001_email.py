"""Q001: an email address must be valid.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("Q001", "error", N_("An email address must be valid"), "repository", "Art. 5(1)(d)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
