"""`crmtool stage`: move a request to another stage of the pipeline; the step is kept in its
history. Closing a data-subject request asks for its outcome in a terminal; the hidden
`--interactive` / `--no-interactive` overrides the terminal test (as `crmtool new` does), so
tests can answer through stdin."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..i18n import N_, _
from .helptext import Command
from .options import format_option, parse_day, resolve_repo, resolve_today, root_option, today_option
from .output import changed, edit_shown


@click.command("stage", cls=Command, help=N_(
    "Move REQUEST to STAGE of the pipeline, and keep the step in its history.\n\n"
    "Sets stage and appends {date, stage, by, note} to the history; comments and layout of the file stay. "
    "A final stage closes the request (closed: DATE; a data-subject request also records its outcome), and "
    "leaving one reopens it. Refused (nothing changes) for a move the pipeline does not allow, an unknown "
    "stage, or a day before the request's last step."))
@click.argument("request")
@click.argument("stage")
@click.option("--note", default=None, metavar="TEXT", help=N_("What was done, or why; kept in the history."))
@click.option("--by", default=None, metavar="STAFF",
              help=N_("Who moves it (staff id; default: the colleague whose email is git's user.email)."))
@click.option("--on", "on", default=None, metavar="YYYY-MM-DD", help=N_("The day of the move (default: today)."))
@click.option("--outcome", default=None, metavar="DECISION",
              help=N_("When closing: the decision (granted, partly-granted, refused, withdrawn); needed for a "
                      "data-subject request without an outcome."))
@click.option("--ground", default=None, metavar="GROUND",
              help=N_("The legal ground of a refusal, such as art-17-3-b (with --outcome refused or "
                      "partly-granted)."))
@click.option("--dry-run", is_flag=True, help=N_("Show the new file; write nothing."))
@click.option("--interactive/--no-interactive", default=None, hidden=True,
              help="Ask for a missing outcome (default: when stdin is a terminal).")
@root_option
@today_option
@format_option("text", "json")
def stage(request: str, stage: str, note: str | None, by: str | None, on: str | None, outcome: str | None,
          ground: str | None, dry_run: bool, interactive: bool | None, root: Path | None, today: str | None,
          output_format: str) -> None:
    from ..edit.stage import GROUNDED, OutcomeNeeded
    from ..edit.stage import stage as move
    day = resolve_today(today) if on is None else parse_day(on, "--on")
    repo = resolve_repo(root)

    def run(decision: str | None, legal_ground: str | None):
        return changed(lambda: move(repo, request, stage, day, by=by, note=note, outcome=decision,
                                    ground=legal_ground, dry_run=dry_run))
    try:
        done = run(outcome, ground)
    except OutcomeNeeded as needed:
        if not (sys.stdin.isatty() if interactive is None else interactive):
            raise  # a script or CI: the usage error names --outcome (exit 2)
        click.echo(str(needed).split(": ", 1)[-1], err=True)
        decision = click.prompt(_("Outcome"), type=click.Choice(needed.choices), err=True)
        if decision in GROUNDED and ground is None:
            ground = click.prompt(_("Legal ground, such as art-17-3-b (empty: none)"), default="",
                                  show_default=False, err=True).strip() or None
        done = run(decision, ground)
    if edit_shown(done, output_format, dry_run, done.text):
        return
    click.echo(_("{request} moved from {before} to {stage} ({label}) on {day}.").format(
        request=done.request, before=done.before, stage=done.stage, label=done.label, day=done.day.isoformat()))
    if done.closed:
        click.echo(_("The request is closed (closed: {day}).").format(day=done.day.isoformat())
                   + (" " + _("Outcome: {outcome}.").format(outcome=done.outcome) if done.outcome else ""))
    if done.reopened:
        click.echo(_("The request is open again; its closed date was removed."))
    click.echo(_("Written: {path}").format(path=done.path))
