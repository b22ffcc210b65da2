"""S007: a waiver names a known rule and a record, with a reason and an expiry date.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("S007", "error", N_("A waiver names a known rule and a record, with a reason and an expiry date"), "repository", "contract")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
