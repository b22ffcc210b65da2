"""The data protection impact assessment of a purpose (Art. 35): when one is required, and
when it falls due for review. P034, P035, `crmtool review` and the register ask here, so they
never disagree.
"""
from __future__ import annotations

import datetime as dt

from ..load.model import Record, parse_date

CHILD_SUBJECTS = frozenset({"children", "minors", "pupils", "young-people"})
"""Data-subject categories that are children (Art. 8, recital 38; the Dutch and Belgian
supervisors' lists of processing that needs a DPIA name large-scale processing of children's
data). The categories are free slugs; these are the ones that mean children."""

PROFILING, SPECIAL, CRIMINAL, CHILDREN = "profiling", "special-categories", "criminal", "children"


def reasons(purpose: Record) -> list[str]:
    """Why this purpose needs a DPIA (codes: profiling, special-categories, criminal,
    children), empty when nothing requires one."""
    found = []
    if purpose.get("profiling") is True:
        found.append(PROFILING)
    special = purpose.get("special_categories")
    special = {c for c in special if isinstance(c, str)} if isinstance(special, list) else set()
    if special - {"criminal"}:
        found.append(SPECIAL)
    if "criminal" in special:
        found.append(CRIMINAL)
    subjects = purpose.get("data_subjects")
    if isinstance(subjects, list) and CHILD_SUBJECTS & {s for s in subjects if isinstance(s, str)}:
        found.append(CHILDREN)
    return found


def assessment(purpose: Record) -> dict | None:
    dpia = purpose.get("dpia")
    return dpia if isinstance(dpia, dict) else None


def done(purpose: Record) -> dt.date | None:
    """When the DPIA was completed; None when none is recorded or the date is unreadable."""
    dpia = assessment(purpose)
    return parse_date(dpia.get("done")) if dpia else None


def next_review(purpose: Record) -> dt.date | None:
    dpia = assessment(purpose)
    return parse_date(dpia.get("next_review")) if dpia else None
