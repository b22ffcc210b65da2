"""`crmtool diff REV`: what a change does to the records, in plain words."""
from __future__ import annotations

from pathlib import Path

import click

from .options import format_option, resolve_repo, resolve_today, root_option, today_option


@click.command()
@click.argument("rev", metavar="REV")
@root_option
@today_option
@format_option("text", "markdown", "json")
def diff(rev: str, root: Path | None, today: str | None, output_format: str) -> None:
    """What a change does, one line per event, grouped by record type: a person added, a role
    ended, a consent withdrawn, a purpose's retention changed.

    REV compares that commit (origin/main, HEAD~3, a tag) with the working tree, uncommitted
    and untracked files included; A..B compares two commits; A...B compares B with the commit
    where it branched off A. Text shows names next to person ids; markdown (for a
    pull-request comment) and json never show names, contact details or notes. Exit 0
    whatever changed.
    """
    from ..audit.diff import diff as compute
    from ..audit.diff_words import render_json, render_markdown, render_text
    from ..audit.history import GitFailed
    from .history import _printable
    day = resolve_today(today)
    repo = resolve_repo(root)
    try:
        result = compute(repo, rev, day, with_names=output_format == "text")
    except GitFailed as error:
        raise click.ClickException(str(error)) from error
    if output_format == "json":
        click.echo(render_json(result), nl=False)
    elif output_format == "markdown":
        click.echo(render_markdown(result, rev), nl=False)
    else:
        text = render_text(result)
        click.echo("\n".join(_printable(line) for line in text.split("\n")), nl=False)
