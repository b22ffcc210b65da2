"""The static part of the synthetic repository: crmtool.yaml, purposes, processors, lists,
staff, custom fields and vocabularies, shipped as YAML under `crmtool/demo/policy/` and
adapted from the association's own example records.

Their dates (purpose reviews, consent wordings, processor agreements) are written as of
REFERENCE_DAY and moved by as many days as `today` lies after it, so a repository generated
for any day has reviews that are not overdue and agreements that hold, just as the files read
on the reference day.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

POLICY_DIR = Path(__file__).resolve().parent / "policy"
REFERENCE_DAY = dt.date(2026, 11, 24)
_ISO_DATE = re.compile(rb"\b(\d{4})-(\d{2})-(\d{2})\b")

# The consent wordings people agree to (records/purposes/*.yaml `consent_wordings`): the current
# one of each consent-based purpose, and the day it came into use on the reference day.
CURRENT_WORDINGS = {"newsletter": ("newsletter-v2", dt.date(2024, 3, 1)),
                    "events": ("events-v1", dt.date(2024, 1, 1))}
STAFF = ("anna", "bram", "chantal", "daan", "eline")  # active colleagues (gijs has left)


def shifted(day: dt.date, today: dt.date) -> dt.date:
    return day + (today - REFERENCE_DAY)


def policy_files() -> list[Path]:
    """Every static file, in a stable order."""
    return sorted(p for p in POLICY_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def write_policy(out: Path, today: dt.date) -> int:
    """Copy the static files to `out`, dates moved to `today`; returns how many were written."""
    delta = today - REFERENCE_DAY

    def move(match: re.Match) -> bytes:
        day = dt.date(*(int(g) for g in match.groups())) + delta
        return day.isoformat().encode()

    files = policy_files()
    for source in files:
        target = out / source.relative_to(POLICY_DIR)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_ISO_DATE.sub(move, source.read_bytes()) if delta else source.read_bytes())
    return len(files)
