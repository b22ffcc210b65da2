"""P021: a commit message must not contain a person's name or email address.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P021", "warning", N_("A commit message must not contain a person's name or email address"), "repository", "Art. 25(1)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
