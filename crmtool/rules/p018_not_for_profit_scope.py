"""P018: the not-for-profit exception covers members and regular contacts only.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P018", "error", N_("The not-for-profit exception covers members and regular contacts only"), "repository", "Art. 9(2)(d)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
