"""W002: a request moves only along the pipeline's transitions.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("W002", "error", N_("A request moves only along the pipeline's transitions"), "repository", "workflow")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
