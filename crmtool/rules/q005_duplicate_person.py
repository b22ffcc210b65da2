"""Q005: probable duplicate people.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("Q005", "warning", N_("Probable duplicate people"), "repository", "Art. 5(1)(d)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
