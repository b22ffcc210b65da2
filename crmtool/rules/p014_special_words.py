"""P014: free text that looks like special-category data.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P014", "warning", N_("Free text that looks like special-category data"), "repository", "Art. 9(1), 10")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
