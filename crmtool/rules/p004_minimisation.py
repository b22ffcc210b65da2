"""P004: a person carries only data that one of their purposes allows.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P004", "error", N_("A person carries only data that one of their purposes allows"), "repository", "Art. 5(1)(c)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
