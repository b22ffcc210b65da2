"""The check: every rule over the model, the check of a change, its cache and its waivers.

Its public entry points are here; everything else in the package is the check's own:

- `run_check` (and `check.partial.run_changed` for a pull request): every rule, as findings;
- `check_text`: the rules that judge one file alone, on a file or on a text about to be
  written — how every writer verifies a change before it writes;
- `explain_unreadable`: what is wrong with a record file, in the check's words, for a
  command that found it broken.

Nothing outside `check/` imports a rule module.
"""
from __future__ import annotations

from pathlib import Path

from ..i18n import _
from ..load import load_schemas
from ..load.repo import RecordFile, Repository, record_of
from ..load.schema import SchemaSet
from .cache import FileEntry
from .run import CheckResult, run_check

__all__ = ["CheckResult", "FileEntry", "check_text", "explain_unreadable", "run_check"]


def check_text(root: Path, path: str, schemas: SchemaSet, config: dict, raw: bytes | None = None, *,
               record_rules: bool = True) -> FileEntry:
    """The findings of the file rules (and, with `record_rules`, the rules that judge one
    record alone under `config`) on `raw` as the file at `path` (None: the file on disk),
    with the data it loads as."""
    from ..rules import FILE_RULES, RECORD_RULES
    from .files import check_file
    folder, record_id = record_of(path)
    return check_file(root, RecordFile(path, folder or "", record_id), schemas, FILE_RULES, config,
                      RECORD_RULES if record_rules else [], raw=raw)


def explain_unreadable(root: Path, path: str) -> str:
    """What is wrong with a record file that did not load, in the check's own words (its
    first YAML error, with line and column)."""
    try:
        raw = (root / path).read_bytes()
    except OSError as error:
        return _("{path}: the person's file cannot be read ({error})").format(path=path, error=error.strerror)
    entry = check_text(root, path, load_schemas(Repository(root)), {}, raw, record_rules=False)
    found = [f for f in entry.findings if f.rule.startswith("Y") and f.severity == "error"]
    if not found:
        return _("{path}: the person's file cannot be read; run `crmtool check {path}` and fix it first").format(
            path=path)
    first = found[0]
    return _("{path}:{line}:{column}: the person's file is broken: {message} {hint} "
             "(crmtool check {path} lists every problem)").format(
        path=path, line=first.line, column=first.column, message=first.message, hint=first.hint)
