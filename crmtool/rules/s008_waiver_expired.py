"""S008: an expired waiver.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("S008", "warning", N_("An expired waiver"), "repository", "contract")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
