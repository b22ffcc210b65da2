"""Anonymising a person: the person goes, the counts stay.

Where the organisation must keep statistics (seats per function and organisation, contact
moments per kind) but not the person, `subject anonymise` removes the person's file and
their id and name everywhere, like an erasure, but keeps their roles with
`holder: anonymous` instead of `person`. A role without a person is no longer personal data,
so no retention rule fires for it; interactions keep their date, kind and purpose.
The erasure log gets an entry of kind `anonymised`.
"""
from __future__ import annotations

import datetime as dt

from ..load.repo import Repository
from .erase import ANONYMISE, Outcome, erase


def anonymise(repo: Repository, person_id: str, day: dt.date, *, dry_run: bool = False) -> Outcome:
    """Anonymise `person_id` as of `day` in one change of the files (see `erase.erase`)."""
    return erase(repo, person_id, day, dry_run=dry_run, mode=ANONYMISE)
