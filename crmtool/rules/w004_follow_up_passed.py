"""W004: an open request's follow-up date has passed.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("W004", "warning", N_("An open request's follow-up date has passed"), "repository", "workflow")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
