"""W003: an open request needs an assignee who still works here.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("W003", "warning", N_("An open request needs an assignee who still works here"), "repository", "workflow")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
