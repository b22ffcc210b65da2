"""`path:line:column: SEVERITY RULE message`, with the hint indented below it.

Coloured on a terminal; plain when NO_COLOR is set or the output is not a terminal. Control
characters in paths and messages are shown as escapes (`visible.py`): one finding, one line.
"""
from __future__ import annotations

from ..findings import Finding
from ..i18n import _
from .visible import visible

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_DIM, _RESET = "\033[2m", "\033[0m"


def render(findings: list[Finding], summary: dict, colour: bool = False) -> str:
    lines = []
    label = _("hint")
    for f in findings:
        severity = f.severity.upper()
        if colour:
            severity = f"{_COLOURS.get(f.severity, '')}{severity}{_RESET}"
        # a newline or escape sequence in a file name must not split or forge a line
        lines.append(f"{visible(f.path)}:{f.line}:{f.column}: {severity} {f.rule} {visible(f.message)}")
        if f.hint:
            hint = f"    {label}: {visible(f.hint)}"
            lines.append(f"{_DIM}{hint}{_RESET}" if colour else hint)
    lines.append(_("{files} files checked: {errors} errors, {warnings} warnings, {infos} notes.").format(**summary))
    return "\n".join(lines) + "\n"
