"""`crmtool history RECORD`: who changed which fields of a record, and when, from git."""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..domain.texts import labelled
from .options import format_option, resolve_repo, root_option


@click.command()
@click.argument("record")
@root_option
@click.option("--values", "show_values", is_flag=True,
              help="Also show old and new values (off by default, so a shared screen or a pasted "
                   "log shows field names only).")
@format_option("text", "json")
def history(record: str, root: Path | None, show_values: bool, output_format: str) -> None:
    """The audit trail of one record: every commit that changed it, newest first, with who,
    when, the subject and which fields were added, removed or changed.

    RECORD is an id (p-r5epc6, gemeente-almere) or a path (records/roles/x.yaml). Renames are
    followed; a deleted record is found by its old id; uncommitted changes come first.
    """
    from ..audit.history import GitFailed
    from ..audit.history import history as trail
    from ..load.repo import UsageError
    try:
        repo = resolve_repo(root)
        result = trail(repo, record)
    except UsageError as error:
        raise click.UsageError(str(error)) from error
    except GitFailed as error:
        raise click.ClickException(str(error)) from error
    if output_format == "json":
        if result.shallow:
            click.echo(_shallow_note(), err=True)
        click.echo(json.dumps([e.as_dict(show_values) for e in result.entries], ensure_ascii=False, indent=2))
        return
    click.echo(render_text(result, show_values), nl=False)


def _shallow_note() -> str:
    from ..i18n import _
    return _("This clone is shallow: older commits are not here, so the oldest entry may not be "
             "the record's beginning (git fetch --unshallow).")


def render_text(result, show_values: bool) -> str:
    """The trail for a terminal. A person's header shows the current name next to the id;
    field values appear only with `show_values`."""
    from ..audit.history import ADDED, REMOVED, person_name
    from ..i18n import _
    name = person_name(result.current) if result.folder == "people" else ""
    record = labelled(result.record_id, name)
    lines = [_("History of {record}, {path}").format(record=record, path=result.path)
             if result.present else
             _("History of {record}, {path} (no longer in the working tree)").format(record=record, path=result.path)]
    if not show_values:
        lines.append(_("Field names only; add --values to see old and new values."))
    if result.shallow:
        lines.append(_shallow_note())
    words = _change_words()
    for entry in result.entries:
        lines.append("")
        if entry.working_tree:
            lines.append(_("working tree (not committed)") + f": {words[entry.change]}")
        else:
            lines.append(f"{entry.commit}  {entry.date}  {entry.author}: {words[entry.change]}")
            lines.append(f"    {entry.subject}")
        if entry.old_path:
            lines.append("    " + _("renamed from {old} to {new}").format(old=entry.old_path, new=entry.path))
        if entry.unreadable is not None:
            lines.append("    " + _unreadable(entry.unreadable))
            continue
        if not entry.fields:
            lines.append("    " + _("no field changed (layout or comments only)"))
        width = max((len(words[f.change]) for f in entry.fields), default=0)
        for change in entry.fields:
            text = f"    {words[change.change]:<{width}}  {change.field}"
            if show_values:
                if change.change == ADDED:
                    text += f": {_value(change.new)}"
                elif change.change == REMOVED:
                    text += f": {_value(change.old)}"
                else:
                    text += f": {_value(change.old)} → {_value(change.new)}"
            lines.append(text)
    if not result.entries:
        lines += ["", _("No changes found.")]
    return "\n".join(_printable(line) for line in lines) + "\n"


def _change_words() -> dict[str, str]:
    from ..i18n import _
    return {"added": _("added"), "modified": _("modified"), "renamed": _("renamed"),
            "deleted": _("deleted"), "changed": _("changed"), "removed": _("removed")}


def _unreadable(problem) -> str:
    from ..i18n import _
    reasons = {
        "syntax": _("a YAML syntax error"), "encoding": _("text that is not UTF-8"),
        "binary": _("binary content"), "too-large": _("a file over 1 MiB"),
        "too-deep": _("nesting too deep"), "alias": _("a YAML alias"),
        "duplicate-key": _("a duplicate key"), "merge-key": _("a YAML merge key"),
        "complex-key": _("a key that is not text"), "not-a-mapping": _("no mapping of fields"),
        "missing": _("this clone does not have that version"),
    }
    reason = reasons.get(problem.reason, problem.reason)
    if problem.line is None:
        return _("could not be read at this version: {reason}").format(reason=reason)
    return _("could not be read at this version: {reason} at line {line}, column {column}").format(
        reason=reason, line=problem.line, column=problem.column)


def _value(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _printable(text: str) -> str:
    """Subjects, names and values come from anyone who could commit: escape control
    characters so none of them can move the cursor or recolour the terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
                   for c in text)
