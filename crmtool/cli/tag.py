"""`crmtool tag`: add tags to a record, or remove them (`--remove`)."""
from __future__ import annotations

from pathlib import Path

import click

from ..i18n import N_, _
from .helptext import Command
from .options import format_option, resolve_repo, resolve_today, root_option, today_option
from .output import changed, edit_shown


@click.command("tag", cls=Command, help=N_(
    "Add the tags TAG... to RECORD (an id or a path), or remove them with --remove.\n\n"
    "New tags are appended; the file's own order, comments and layout stay. A tag the tags vocabulary "
    "(records/vocabularies/tags.yaml) does not know is refused with the nearest known ones, and nothing "
    "changes. Adding a tag that is there, or removing one that is not, changes nothing and is no error."))
@click.argument("record")
@click.argument("tags", metavar="TAG...", nargs=-1, required=True)
@click.option("--remove", is_flag=True, help=N_("Remove the tags instead of adding them."))
@click.option("--dry-run", is_flag=True, help=N_("Show the new file; write nothing."))
@root_option
@today_option
@format_option("text", "json")
def tag(record: str, tags: tuple[str, ...], remove: bool, dry_run: bool, root: Path | None, today: str | None,
        output_format: str) -> None:
    from ..edit.tag import tag as change_tags
    day = resolve_today(today)
    done = changed(lambda: change_tags(resolve_repo(root), record, list(tags), day, remove=remove, dry_run=dry_run))
    if edit_shown(done, output_format, dry_run, done.new_text):
        return
    if done.changed:
        click.echo((_("Removed from {record}: {tags}.") if remove else _("Added to {record}: {tags}.")).format(
            record=done.record, tags=", ".join(done.changed)))
    if done.unchanged:
        click.echo((_("Not there, so unchanged: {tags}.") if remove else _("Already there, so unchanged: {tags}."))
                   .format(tags=", ".join(done.unchanged)))
    if done.changed:
        click.echo(_("Written: {path}").format(path=done.path))
    else:
        click.echo(_("Nothing was written."))
