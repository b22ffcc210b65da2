"""`crmtool codeowners`: write `.github/CODEOWNERS` from the records' owners."""
from __future__ import annotations

from pathlib import Path

import click

from ..i18n import _
from .options import resolve_repo, resolve_today, root_option


@click.command()
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 when the file is not up to date (for CI and pre-commit).")
@click.option("--dry-run", is_flag=True, help="Print the file that would be written; write nothing.")
@root_option
def codeowners(check_only: bool, dry_run: bool, root: Path | None) -> None:
    """Write .github/CODEOWNERS from each record's owner team and the teams in records/staff/.

    A pull request that changes a team's records then asks that team for a review. A team is
    its `github` handle in records/vocabularies/teams.yaml, else its active colleagues'
    GitHub names. Your own lines outside the generated block are kept: put them above it.
    """
    from ..load.atomic import AtomicError
    from ..load import load_model
    from ..domain.codeowners import GITHUB_LIMIT, PATH, update
    repo = resolve_repo(root)
    model = load_model(repo, resolve_today(None))
    try:
        outcome = update(repo.root, model, write=not (check_only or dry_run))
    except AtomicError as error:
        raise click.ClickException(str(error)) from error
    for team, count in outcome.unresolved.items():
        click.echo(_("Team '{team}' owns {count} record(s) but has no GitHub handle in "
                     "records/vocabularies/teams.yaml and no active colleague with a `github` name: "
                     "nobody is asked to review them.").format(team=team, count=count), err=True)
    if outcome.too_large:
        click.echo(_("{path} is larger than GitHub's limit of {limit} MB; GitHub will ignore it. "
                     "Give more records of a folder the same owner.").format(
                         path=PATH, limit=GITHUB_LIMIT // (1024 * 1024)), err=True)
    if dry_run:
        click.echo(outcome.text, nl=False)
    elif check_only:
        if outcome.changed:
            click.echo(_("{path} is out of date: run `crmtool codeowners` and commit it.").format(path=PATH))
            click.get_current_context().exit(1)
        click.echo(_("{path} is up to date.").format(path=PATH))
    elif outcome.written:
        click.echo(_("Wrote {path}: {lines} line(s) of owners.").format(path=PATH, lines=outcome.lines))
    else:
        click.echo(_("{path} is up to date.").format(path=PATH))
