"""W001: a request's stage must be a stage of the pipeline.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("W001", "error", N_("A request's stage must be a stage of the pipeline"), "repository", "workflow")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
