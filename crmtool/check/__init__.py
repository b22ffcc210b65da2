"""The check: every rule over the model, the check of a change, its cache and its waivers.

Its public entry points are here; everything else in the package is the check's own:

- `run_check` (and `check.partial.run_changed` for a pull request): every rule, as findings;
- `check_text`: the rules that judge one file alone, on a file or on a text about to be
  written — how every writer verifies a change before it writes;
- `check_config`: crmtool.yaml checked like a record, for commands that need its settings;
- `yaml_findings`, `not_regular`: the YAML safety rules' words on a loaded document and S011's
  on a file that is not a regular file, for `fmt`, which refuses what the check would report;
- `repository_errors`: the rules across records of the given families on a model, for a
  writer (merge) that must not add an error the repository did not have;
- `explain_unreadable`: what is wrong with a record file, in the check's words, for a
  command that found it broken.

Nothing outside `check/` imports a rule module.
"""
from __future__ import annotations

from pathlib import Path

from ..findings import Finding
from ..i18n import _
from ..load import load_schemas
from ..load.cache import FileEntry
from ..load.document import Document
from ..load.model import Model
from ..load.repo import RecordFile, Repository, record_of
from ..load.schema import SchemaSet
from .run import CheckResult, run_check
from .run import load_config as check_config

__all__ = ["CheckResult", "FileEntry", "check_config", "check_text", "explain_unreadable", "not_regular",
           "repository_errors", "run_check", "yaml_findings"]

YAML_SAFETY = ("Y001", "Y002", "Y003", "Y004")
"""The rules a file that does not load breaks: syntax, duplicate keys, anchors, tags."""


def yaml_findings(path: str, doc: Document, schemas: SchemaSet | None, record_type: str = "") -> list[Finding]:
    """The YAML safety rules' findings on a loaded document, sorted."""
    from ..rules import RULES
    from ..rules.base import FileContext
    context = FileContext(path, record_type, doc, schemas or SchemaSet.__new__(SchemaSet))
    return sorted(f for rule_id in YAML_SAFETY for f in RULES[rule_id].check_file(context))


def not_regular(path: str, kind: str) -> Finding:
    """S011's finding on a link, pipe, device or folder where a record file should be."""
    from ..rules.s011_not_regular import finding
    return finding(path, kind)


def repository_errors(model: Model, schemas: SchemaSet, root: Path, docs: dict[str, Document] | None,
                      files: list, strays: list, families: tuple[str, ...]) -> set[tuple[str, str, str]]:
    """(path, rule, message) of every error the rules across records whose ids start with one
    of `families` find in `model` (`docs`: texts not on disk yet, for positions)."""
    from ..rules import REPOSITORY_RULES
    from ..rules.base import Locator, RepoContext
    context = RepoContext(model, schemas, Locator(root, docs or {}), files, strays)
    return {(f.path, f.rule, f.message) for rule in REPOSITORY_RULES if rule.RULE.id.startswith(families)
            for f in rule.check(context) if f.severity == "error"}


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
