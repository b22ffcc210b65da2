"""`path:line:column: SEVERITY RULE message`, with the hint indented below it.

Coloured on a terminal; plain when NO_COLOR is set or the output is not a terminal. Control
characters in paths and messages are shown as escapes (`visible.py`): one finding, one line.
"""
from __future__ import annotations

from ..findings import Finding
from ..i18n import _, ngettext
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
    lines.append(summary_line(summary))
    return "\n".join(lines) + "\n"


def summary_line(summary: dict) -> str:
    """`14 files checked: 1 error, 2 warnings, 0 notes.`, each count in its own plural form
    (Dutch `1 fout`, `2 fouten`), since a sentence with a number is read by a person."""
    files, errors, warnings, infos = (summary[k] for k in ("files", "errors", "warnings", "infos"))
    return _("{files} checked: {errors}, {warnings}, {infos}.").format(
        files=ngettext("{count} file", "{count} files", files).format(count=files),
        errors=ngettext("{count} error", "{count} errors", errors).format(count=errors),
        warnings=ngettext("{count} warning", "{count} warnings", warnings).format(count=warnings),
        infos=ngettext("{count} note", "{count} notes", infos).format(count=infos))
