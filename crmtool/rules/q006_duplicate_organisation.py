"""Q006: probable duplicate organisations.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("Q006", "warning", N_("Probable duplicate organisations"), "repository", "Art. 5(1)(d)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
