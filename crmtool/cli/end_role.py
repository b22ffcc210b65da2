"""`crmtool end-role`: end a role and every role held on its behalf, in one change."""
from __future__ import annotations

from pathlib import Path

import click

from ..i18n import _
from ..domain.texts import labelled
from .options import format_option, parse_day, resolve_repo, root_option
from .output import changed, interrupted, show


@click.command("end-role")
@click.argument("role")
@click.option("--on", "on", metavar="YYYY-MM-DD", required=True,
              help="The last day the role holds (inclusive), e.g. the day before the new council is installed.")
@click.option("--reason", required=True, metavar="REASON",
              help="Why it ends: a value of records/vocabularies/end-reasons.yaml, such as not-re-elected.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@root_option
@format_option("text", "json")
def end_role(role: str, on: str, reason: str, dry_run: bool, root: Path | None, output_format: str) -> None:
    """End ROLE on a day, and every role held on its behalf, in one change of the files.

    Roles held on behalf of ROLE (a committee seat held as alderman), and on behalf of those,
    end on the same day with the reason derived-role-ended; roles that had already ended are
    left alone. Only the end and end_reason lines change; comments stay. All files are written
    at once, or none: an interrupted run is rolled back by the next one. --on and --reason are
    required, because an end date typed by mistake is the typical error.
    """
    from ..edit.end_role import end_role as compute
    day = parse_day(on, "--on")
    outcome = changed(lambda: compute(resolve_repo(root), role, day, reason, dry_run=dry_run))
    show(outcome, output_format, render_text)


def render_text(outcome) -> str:
    """What changed (or would change), a role a line with the holder's name next to the id."""
    lines = interrupted(outcome)
    day = outcome.day.isoformat()
    if not outcome.endings:
        lines.append(_("Nothing to change: {role} and the roles held on its behalf already end on {day}.").format(
            role=outcome.role, day=day))
    else:
        heading = _("Roles that would end on {day}:") if outcome.dry_run else _("Roles ended on {day}:")
        lines.append(heading.format(day=day))
        for ending in outcome.endings:
            who = labelled(ending.holder, ending.holder_name)
            lines.append(f"  {ending.role}: {who}, " + _("{function} at {organisation}").format(
                function=ending.function, organisation=ending.organisation))
            detail = _("end {old} -> {new}, reason {reason}").format(
                old=ending.old_end or _("open"), new=ending.new_end, reason=ending.reason)
            if ending.on_behalf_of:
                detail += "; " + _("held on behalf of {role}").format(role=ending.on_behalf_of)
            lines.append(f"    {detail}")
    if outcome.left_alone:
        lines += ["", _("Left alone (held on behalf of an ending role, but already ended):")]
        lines += [f"  {item.role}: " + _("ended {day}").format(day=item.end) for item in outcome.left_alone]
    if outcome.written:
        lines += ["", _("Would write:") if outcome.dry_run else _("Written:")]
        lines += [f"  {path}" for path in outcome.written]
    return "\n".join(lines) + "\n"
