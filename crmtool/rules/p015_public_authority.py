"""P015: a public authority cannot rely on legitimate interests.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P015", "error", N_("A public authority cannot rely on legitimate interests"), "repository", "Art. 6(1), last sentence")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
