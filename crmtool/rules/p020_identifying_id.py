"""P020: a person's id must not contain their name or email address.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P020", "warning", N_("A person's id must not contain their name or email address"), "repository", "Art. 25(1)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
