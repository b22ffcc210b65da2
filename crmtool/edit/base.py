"""What every command that edits records shares: the settings it works under, the check of
the text it is about to write, and the refusal that leaves every file as it was.

A command that writes records (end-role, assign, merge, address fill, places sync) must never
write what `crmtool check` would reject: the edited text is checked with the check's own
per-file and per-record rules before anything is written, and an edit may not add an error
the file did not have. Rules across records stay `crmtool check`'s (merge adds its own).
"""
from __future__ import annotations

from ..check import check_config as load_config
from ..load import config_errors_refused, load_schemas
from ..check import check_text
from ..i18n import _
from ..load.repo import Repository
from ..load.schema import SchemaSet


class Refused(Exception):
    """The change cannot be made as asked (exit 1); nothing was changed. The message says why
    and how to fix it."""


def settings(repo: Repository) -> tuple[SchemaSet, dict]:
    """The schemas and crmtool.yaml; a broken crmtool.yaml is a usage error (exit 2),
    explained by `crmtool check`."""
    schemas = load_schemas(repo)
    config, findings = load_config(repo, schemas)
    if any(f.severity == "error" for f in findings):
        raise config_errors_refused()
    return schemas, config


def errors(repo: Repository, schemas: SchemaSet, config: dict, path: str,
           text: str | None = None) -> set[tuple[str, str]]:
    """(rule, message) of every error the file and record rules find in `text` as the file at
    `path` (None: the file as it is on disk)."""
    entry = check_text(repo.root, path, schemas, config, None if text is None else text.encode("utf-8"))
    return {(f.rule, f.message) for f in entry.findings if f.severity == "error"}


def verify(repo: Repository, schemas: SchemaSet, config: dict, path: str, old: str, new: str) -> None:
    """Refuse an edit of `path` from `old` to `new` that adds an error."""
    added = errors(repo, schemas, config, path, new) - errors(repo, schemas, config, path, old)
    if added:
        rule, message = sorted(added)[0]
        raise Refused(_("The edited {path} would not pass the check ({rule}: {message}); nothing was "
                        "changed. Please report this as a bug in crmtool.").format(
                            path=path, rule=rule, message=message))
