"""`crmtool note`: add a dated note to a person, an organisation or a request."""
from __future__ import annotations

from pathlib import Path

import click

from ..i18n import N_, _
from .helptext import Command
from .options import format_option, parse_day, resolve_repo, resolve_today, root_option, today_option
from .output import changed, edit_shown


@click.command("note", cls=Command, help=N_(
    "Add a dated note with TEXT to RECORD: a person, an organisation or a request (an id or a path).\n\n"
    "Appends {date, by, text} to the record's notes; comments and layout of the file stay. Refused (nothing "
    "changes) for a person none of whose purposes allows notes. Never write special-category data (health, "
    "religion, ...) in a note."))
@click.argument("record")
@click.argument("text")
@click.option("--by", default=None, metavar="STAFF",
              help=N_("Who writes the note (staff id; default: the colleague whose email is git's user.email)."))
@click.option("--on", "on", default=None, metavar="YYYY-MM-DD", help=N_("The day of the note (default: today)."))
@click.option("--dry-run", is_flag=True, help=N_("Show the new file; write nothing."))
@root_option
@today_option
@format_option("text", "json")
def note(record: str, text: str, by: str | None, on: str | None, dry_run: bool, root: Path | None,
         today: str | None, output_format: str) -> None:
    from ..edit.note import note as add_note
    day = resolve_today(today) if on is None else parse_day(on, "--on")
    done = changed(lambda: add_note(resolve_repo(root), record, text, day, by=by, dry_run=dry_run))
    if edit_shown(done, output_format, dry_run, done.new_text):
        return
    click.echo(_("Note added to {record} on {day}.").format(record=done.record, day=done.day.isoformat()))
    click.echo(_("Written: {path}").format(path=done.path))
