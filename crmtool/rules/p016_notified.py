"""P016: data not obtained from the person needs a notification within one month.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P016", "error", N_("Data not obtained from the person needs a notification within one month"), "repository", "Art. 14(3)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
