"""SARIF 2.1.0, for code-scanning dashboards."""
from __future__ import annotations

import json
from urllib.parse import quote

from .. import __version__
from ..findings import Finding

_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def render(findings: list[Finding], summary: dict, colour: bool = False, catalogue: list[dict] | None = None) -> str:
    """The report; `catalogue` (the check's `rule_table()`: id, severity, description) fills
    the tool's rule section, which dashboards show next to each result."""
    rules = [{"id": r["id"], "shortDescription": {"text": r["description"]},
              "defaultConfiguration": {"level": _LEVELS[r["severity"]]}} for r in catalogue or []]
    results = [{
        "ruleId": f.rule,
        "level": _LEVELS[f.severity],
        "message": {"text": f.message + (f" {f.hint}" if f.hint else "")},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": quote(f.path)},  # a URI: spaces, newlines percent-encoded
            "region": {"startLine": f.line, "startColumn": f.column}}}],
    } for f in findings]
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "crmtool", "version": __version__,
                                      "informationUri": "https://github.com/crmtool/crmtool",
                                      "rules": rules}},
                  "results": results}],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"
