"""P005: special-category data needs an Art. 9(2) exception in the purpose.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P005", "error", N_("Special-category data needs an Art. 9(2) exception in the purpose"), "repository", "Art. 9(1), 9(2)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
