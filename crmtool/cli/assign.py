"""`crmtool assign`: hand a request to a colleague; the hand-over is kept in its history."""
from __future__ import annotations

from pathlib import Path

import click

from ..i18n import _
from .options import format_option, parse_day, resolve_repo, resolve_today, root_option, today_option
from .output import changed, edit_shown


@click.command("assign")
@click.argument("request")
@click.argument("staff")
@click.option("--note", default=None, metavar="TEXT",
              help="Why, or what the colleague should know; kept in the history.")
@click.option("--on", "on", default=None, metavar="YYYY-MM-DD", help="The day of the hand-over (default: today).")
@click.option("--by", default=None, metavar="STAFF",
              help="Who hands it over (staff id; default: the colleague whose email is git's user.email).")
@click.option("--dry-run", is_flag=True, help="Show the new file; write nothing.")
@root_option
@today_option
@format_option("text", "json")
def assign(request: str, staff: str, note: str | None, on: str | None, by: str | None, dry_run: bool,
           root: Path | None, today: str | None, output_format: str) -> None:
    """Hand REQUEST to the colleague STAFF, and keep the hand-over in its history.

    Sets assignee and appends {date, stage, by, note, assignee} to the history; comments and
    layout of the file stay. Refused (nothing changes) for a closed request, a colleague who
    is not active, or the colleague who already has it.
    """
    from ..edit.assign import assign as hand_over
    day = resolve_today(today) if on is None else parse_day(on, "--on")
    done = changed(lambda: hand_over(resolve_repo(root), request, staff, day, by=by, note=note, dry_run=dry_run))
    if edit_shown(done, output_format, dry_run, done.text):
        return
    target = f"{done.assignee_name} ({done.assignee})" if done.assignee_name else done.assignee
    click.echo(_("{request} handed over to {staff} on {day}.").format(
        request=done.request, staff=target, day=done.day.isoformat()))
    if done.stage_set:
        click.echo(_("It had no stage; it now stands at {stage}, the start of the pipeline.").format(stage=done.stage))
    click.echo(_("Written: {path}").format(path=done.path))
