"""The one value type every check produces.

Rules yield findings; reporters format them. Nothing in between prints, so the same findings
can become a terminal listing, JSON, GitHub annotations or SARIF.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True, order=True)
class Finding:
    """One thing wrong (or worth knowing) at one place in one file.

    `path` is relative to the repository root, with forward slashes; `line` and `column`
    are 1-based, as editors count.
    """

    path: str
    line: int
    column: int
    rule: str
    severity: str
    message: str
    hint: str = ""

    def with_severity(self, severity: str) -> "Finding":
        return replace(self, severity=severity)

    def as_dict(self) -> dict:
        return asdict(self)


def summarise(findings: list[Finding], files: int) -> dict:
    """Counts per severity, as the JSON reporter and the exit status need them."""
    counts = {severity: 0 for severity in SEVERITIES}
    for finding in findings:
        counts[finding.severity] += 1
    return {"files": files, "errors": counts["error"], "warnings": counts["warning"],
            "infos": counts["info"]}
