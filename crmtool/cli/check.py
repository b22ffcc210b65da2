"""`crmtool check` and `crmtool rules`."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..check import rule_table, run_check
from ..reporters import REPORTERS
from .options import format_option, resolve_repo, resolve_today, root_option, today_option


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@root_option
@today_option
@format_option("text", "json", "github", "sarif")
def check(paths: tuple[Path, ...], root: Path | None, today: str | None, output_format: str) -> None:
    """Validate the records and the data-protection rules.

    With PATHS, report only findings in those files or folders (every record is still read,
    so references into and out of them are checked).
    """
    day = resolve_today(today)
    repo = resolve_repo(root)
    relative = [_relative(repo.root, p) for p in paths]
    result = run_check(repo, day, relative or None)
    colour = output_format == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    click.echo(REPORTERS[output_format](result.findings, result.summary, colour=colour), nl=False)
    sys.exit(result.exit_code)


def _relative(root: Path, path: Path) -> str:
    absolute = path if path.is_absolute() else Path.cwd() / path
    try:
        return absolute.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise click.BadParameter(f"{path} lies outside the repository {root}", param_hint="PATHS")


@click.command()
@root_option
@format_option("text", "json", "markdown")
def rules(root: Path | None, output_format: str) -> None:
    """List every rule with its id, default severity and description."""
    from .. import i18n
    from ..check import load_config, load_schemas
    from ..repo import UsageError
    try:
        repo = resolve_repo(root)
        load_config(repo, load_schemas(repo))  # the language of the descriptions
    except UsageError:
        i18n.use("en")
    if output_format == "markdown":
        from ..check import rules_markdown
        click.echo(rules_markdown(), nl=False)
        return
    table = rule_table()
    if output_format == "json":
        import json
        click.echo(json.dumps(table, ensure_ascii=False, indent=2))
        return
    for row in table:
        click.echo(f"{row['id']}  {row['severity']:<8} {row['description']}")
