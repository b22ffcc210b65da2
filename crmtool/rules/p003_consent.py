"""P003: a consent-based purpose needs a valid, unwithdrawn consent in a known wording.

Not yet written.
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from .base import RepoContext, Rule

RULE = Rule("P003", "error", N_("A consent-based purpose needs a valid, unwithdrawn consent in a known wording"), "repository", "Art. 6(1)(a), 7(1), 7(3)")


def check(ctx: RepoContext) -> Iterator[Finding]:
    return iter(())
