"""Writing a command's output to `--out`: exports of personal data, so never half a file and
never a file under records/."""
from __future__ import annotations

import json
import os
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import Callable, TypeVar

import click

from ..i18n import _
from ..load.repo import Repository

T = TypeVar("T")


def refuse_under_records(repo: Repository, out: Path | None) -> None:
    """A copy under records/ would be a stray record file, and committed personal data."""
    if out is not None and out.resolve().is_relative_to((repo.root / "records").resolve()):
        raise click.UsageError(_("--out {path}: an export must not be written under records/").format(path=out))


RESOLVING = frozenset({
    ("check",), ("recover",), ("rules",), ("demo",),  # S010 reports it; recover resolves it
    ("new",), ("assign",), ("end-role",), ("merge",), ("fmt",), ("import",), ("codeowners",),
    ("stage",), ("note",), ("tag",),
    ("address", "fill"), ("places", "sync"), ("subject", "erase"), ("subject", "anonymise"),
})
"""The commands that run over an interrupted change: the writers roll it back first (their
dry runs name what that would restore), `check` reports it (S010), `recover` resolves it.
Every other command reads records, and refuses (exit 1) while a change is interrupted: its
answer would come from a mix of old and new files (a half-erased person in an export, the
index or the register)."""


def refuse_interrupted(repo: Repository) -> None:
    """Exit 1 with S010's message when a change is interrupted and the running command is
    not one of RESOLVING."""
    from ..load.atomic import describe, interrupted
    context = click.get_current_context(silent=True)
    names = []
    while context is not None and context.parent is not None:
        names.append(context.info_name)
        context = context.parent
    if tuple(reversed(names)) in RESOLVING:
        return
    found = interrupted(repo.root)
    if found is not None:
        message, hint = describe(found)
        raise click.ClickException(f"{message}\n{hint}")


def write_out(repo: Repository, out: Path, content: str | bytes) -> None:
    """Text inside the repository through the journal of `atomic` (one writer, rollback);
    outside it (the usual place for a copy to send), and a binary file (a spreadsheet)
    anywhere, a temporary file renamed over the target: one file needs no journal to be
    whole or absent, and a reader never sees half an export."""
    from ..load.atomic import AtomicError, write_files
    refuse_under_records(repo, out)
    target = out.resolve()
    try:
        if isinstance(content, str) and target.is_relative_to(repo.root.resolve()):
            write_files(repo.root, {target: content})
        else:
            _write_outside(target, content.encode("utf-8") if isinstance(content, str) else content)
    except (AtomicError, OSError) as error:
        raise click.ClickException(_("could not write {path}: {error}").format(path=out, error=error)) from error


def _write_outside(target: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise


def interrupted(outcome) -> list[str]:
    """The lines about an earlier change that was rolled back first (`outcome.recovered`) or,
    in a dry run, would be (`outcome.pending`): what every command that writes records says
    before its own report."""
    lines = []
    if getattr(outcome, "recovered", None):
        lines.append(_("An earlier change was interrupted; it was rolled back first. Restored:"))
        lines += [f"  {path}" for path in outcome.recovered] + [""]
    if getattr(outcome, "pending", None):
        lines.append(_("An earlier change was interrupted; a run without --dry-run rolls it back first. "
                       "This preview reads the files as they are now. To be restored:"))
        lines += [f"  {path}" for path in outcome.pending] + [""]
    return lines


def edit_shown(done, output_format: str, dry_run: bool, text: str) -> bool:
    """What every command that edits one record shows before its own report: the outcome as
    JSON, or the dry run's new text (True: nothing more to say), else the lines about an
    interrupted earlier change (False: the command says what it did next)."""
    if output_format == "json":
        click.echo(json.dumps(done.as_dict(), indent=2, ensure_ascii=False))
        return True
    if dry_run:
        click.echo(text, nl=False)
        return True
    for line in interrupted(done):
        click.echo(line)
    return False


def changed(compute: Callable[[], T]) -> T:
    """Run a command's change of the records: a refusal or a failed write is exit 1 with its
    message (nothing was changed then)."""
    from ..load.atomic import AtomicError
    from ..edit.base import Refused
    try:
        return compute()
    except (Refused, AtomicError) as error:
        raise click.ClickException(str(error)) from error


def show(outcome, output_format: str, render: Callable[[object], str]) -> None:
    """The outcome as JSON (its `as_dict()`) or as the command's text."""
    if output_format == "json":
        click.echo(json.dumps(outcome.as_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(render(outcome), nl=False)

