"""`{"findings": [...], "summary": {...}}`, one object per finding, as the design specifies."""
from __future__ import annotations

import json

from ..findings import Finding


def render(findings: list[Finding], summary: dict, colour: bool = False) -> str:
    return json.dumps({"findings": [f.as_dict() for f in findings], "summary": summary},
                      ensure_ascii=False, indent=2) + "\n"
