"""`crmtool check` and `crmtool rules`."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .options import format_option, resolve_repo, resolve_today, root_option, today_option

PROGRESS_FROM = 2000
"""Files to read: below this a check takes about a second and a bar would only flicker."""


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@root_option
@today_option
@format_option("text", "json", "github", "sarif")
@click.option("--changed-since", "base", metavar="REV", default=None,
              help="Check what changed since this git revision and the records it reaches; "
                   "date-caused errors on untouched records become warnings.")
@click.option("--no-cache", is_flag=True, help="Read every file again instead of using build/check-cache.sqlite.")
def check(paths: tuple[Path, ...], root: Path | None, today: str | None, output_format: str,
          base: str | None, no_cache: bool) -> None:
    """Validate the records and the data-protection rules.

    With PATHS, report only findings in those files or folders (every record is still read,
    so references into and out of them are checked). With --changed-since, read only what the
    change touched and what it reaches: the mode for pull requests.
    """
    from ..check.run import rule_table, run_check  # the rules and their libraries: only when checking
    from ..check.partial import run_changed
    from ..reporters import REPORTERS
    day = resolve_today(today)
    repo = resolve_repo(root)
    relative = [_relative(repo.root, p) for p in paths]
    progress = progress_bar if output_format == "text" and _interactive() else None
    if base is not None:
        result = run_changed(repo, day, base, relative or None, use_cache=not no_cache, progress=progress)
    else:
        result = run_check(repo, day, relative or None, use_cache=not no_cache, progress=progress)
    colour = output_format == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    catalogue = {"catalogue": rule_table()} if output_format == "sarif" else {}  # SARIF names every rule
    click.echo(REPORTERS[output_format](result.findings, result.summary, colour=colour, **catalogue), nl=False)
    sys.exit(result.exit_code)


def _interactive() -> bool:
    """A person watching a terminal, not a CI log."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def progress_bar(total: int):
    """A progress bar on stderr for a long read; nothing for a short one."""
    if total < PROGRESS_FROM:
        return None
    bar = click.progressbar(length=total, label="Reading records", file=sys.stderr, show_pos=True)
    bar.__enter__()

    def advance(done: int) -> None:
        bar.update(done)
        if bar.pos >= total:
            bar.__exit__(None, None, None)
    return advance


def _relative(root: Path, path: Path) -> str:
    absolute = path if path.is_absolute() else Path.cwd() / path
    try:
        return absolute.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise click.BadParameter(f"{path} lies outside the repository {root}", param_hint="PATHS") from None


@click.command()
@root_option
@format_option("text", "json", "markdown")
def rules(root: Path | None, output_format: str) -> None:
    """List every rule with its id, default severity and description (in the language of the
    repository at --root or here, if any)."""
    if output_format == "markdown":
        from ..check.run import rules_markdown
        click.echo(rules_markdown(), nl=False)
        return
    if output_format == "json":
        import json
        from ..check.run import rule_table
        click.echo(json.dumps(rule_table(), ensure_ascii=False, indent=2))
        return
    from ..check.run import rules_text
    click.echo(rules_text(), nl=False)
