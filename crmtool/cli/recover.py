"""`crmtool recover`: finish or roll back a change that a crash interrupted (rule S010)."""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..i18n import _
from .options import format_option, resolve_repo, root_option


@click.command()
@click.option("--finish", "finish_it", is_flag=True,
              help="Complete the interrupted change instead of rolling it back.")
@root_option
@format_option("text", "json")
def recover(finish_it: bool, root: Path | None, output_format: str) -> None:
    """Resolve a change of the records that a crash, kill or power cut interrupted.

    Commands that change several records at once (subject erase, merge, end-role, fmt,
    import --apply) keep a journal and backups in build/ while they write. When one is
    interrupted, `crmtool check` reports S010 and commands that only read refuse to answer.
    By default this rolls the change back: every file as it was before the command ran, so
    run that command again. With --finish the change is completed instead: every file as the
    command meant to write it (possible only when it had begun writing; otherwise nothing had
    changed, and it is cleaned up). Without an interrupted change it does nothing. A change
    that is still running is waited for, never undone.
    """
    from ..load.atomic import DONE, STAGING, AtomicError, finish, interrupted
    from ..load.atomic import recover as roll_back
    repo = resolve_repo(root)
    found = interrupted(repo.root)
    try:
        paths = (finish if finish_it else roll_back)(repo.root)
    except AtomicError as error:
        raise click.ClickException(str(error)) from error
    if found is not None and found.phase == DONE:
        paths = found.paths  # every file was already new; only the backups were left
    if found is None:
        action = "none"
    elif found.phase == STAGING:
        action = "cleaned-up"  # nothing had changed: there is nothing to finish or roll back
    elif found.phase == DONE or finish_it:
        action = "finished"
    else:
        action = "rolled-back"
    if output_format == "json":
        click.echo(json.dumps({"action": action, "paths": paths}, indent=2))
        return
    click.echo({
        "none": _("No interrupted change; nothing to do."),
        "cleaned-up": _("The interrupted change had not changed any record yet; its temporary files are removed."),
        "finished": _("The interrupted change is finished; these files hold what it meant to write:"),
        "rolled-back": _("The interrupted change is rolled back; these files are as they were before it:"),
    }[action])
    for path in paths:
        click.echo(f"  {path}")
