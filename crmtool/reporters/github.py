"""GitHub Actions workflow commands: each finding becomes an annotation on its line.

Only what the finding says is sent; messages carry no more of a file than the file itself.
A workflow command is one line: CR and LF are percent-encoded (GitHub's own escaping), and
control characters that come from a file name are shown as escapes in the text.
"""
from __future__ import annotations

from ..findings import Finding
from .visible import visible

_LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(findings: list[Finding], summary: dict, colour: bool = False) -> str:
    lines = []
    for f in findings:
        # the file property keeps the real name (percent-encoded, so the annotation lands on
        # the file); in the text a control character from a name is shown as an escape
        message = visible(f.message) + (f"\n{visible(f.hint)}" if f.hint else "")
        lines.append(f"::{_LEVELS[f.severity]} file={_escape_property(f.path)},line={f.line},col={f.column},"
                     f"title={_escape_property(visible(f.rule))}::{_escape_data(message)}")
    lines.append(f"{summary['files']} files checked: {summary['errors']} errors, "
                 f"{summary['warnings']} warnings, {summary['infos']} notes.")
    return "\n".join(lines) + "\n"
