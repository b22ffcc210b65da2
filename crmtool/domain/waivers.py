"""Waivers: findings the organisation has decided to accept for a while, with a reason.

A waiver in crmtool.yaml names a rule and a record (a path relative to the repository root,
or a record id) and must carry a reason and an expiry date. Only a complete waiver that has
not expired silences findings; S007 reports an incomplete one and S008 an expired one, so a
waiver can never silently become permanent.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..findings import Finding
from ..load.model import parse_date

CONFIG_FILE = "crmtool.yaml"


@dataclass(frozen=True)
class Waiver:
    index: int
    rule: str | None
    record: str | None
    reason: str
    expires: dt.date | None

    @property
    def complete(self) -> bool:
        return bool(self.rule and self.record and self.reason.strip() and self.expires)

    def active_on(self, day: dt.date) -> bool:
        return self.complete and self.expires is not None and day <= self.expires

    def covers(self, finding: Finding) -> bool:
        if finding.rule != self.rule or finding.path == CONFIG_FILE:
            return False
        record = (self.record or "").strip("/")
        path = PurePosixPath(finding.path)
        return finding.path == record or (path.suffix == ".yaml" and path.stem == record)


def waivers_of(config: dict) -> list[Waiver]:
    result = []
    for index, item in enumerate(config.get("waivers") or [] if isinstance(config.get("waivers"), list) else []):
        if not isinstance(item, dict):
            continue
        text = lambda key, item=item: item.get(key) if isinstance(item.get(key), str) else None  # noqa: E731
        result.append(Waiver(index, text("rule"), text("record"), text("reason") or "",
                             parse_date(item.get("expires"))))
    return result


def apply(findings: list[Finding], config: dict, today: dt.date) -> tuple[list[Finding], int]:
    """The findings no active waiver covers, and how many were waived. Findings about the
    waivers themselves (S007, S008) cannot be waived."""
    active = [w for w in waivers_of(config) if w.active_on(today) and w.rule not in ("S007", "S008")]
    if not active:
        return findings, 0
    kept = [f for f in findings if not any(w.covers(f) for w in active)]
    return kept, len(findings) - len(kept)
