"""Q003: a postcode must be valid for its country.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("Q003", "error", N_("A postcode must be valid for its country"), "repository", "Art. 5(1)(d)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
