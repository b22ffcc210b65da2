"""`crmtool fmt`: rewrite records in the one canonical layout, or (`--check`) list those that are not."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..i18n import _
from .options import format_option, resolve_repo, root_option


@click.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--check", "check", is_flag=True,
              help="Write nothing; list the files that are not canonical and exit 1 if there are any.")
@root_option
@format_option("text", "json")
def fmt(paths: tuple[Path, ...], check: bool, root: Path | None, output_format: str) -> None:
    """Lay out record files in the canonical layout (docs/fmt.md): keys in the schema's order,
    comments kept with their key, quotes where YAML needs them, dates unquoted in date fields.

    PATHS are record files or folders (default: every record under records/). The data never
    changes: each new text is read back and compared before anything is written, and all files
    are written at once or none. A file the check refuses (a syntax error, duplicate keys,
    anchors, tags) is reported and left alone; the others are still formatted.
    """
    from ..load.atomic import AtomicError
    from ..edit.base import settings
    from ..edit.fmt import fmt as run
    repo = resolve_repo(root)
    schemas, config = settings(repo)  # also the language of the messages
    try:
        outcome = run(repo, list(paths), check=check, schemas=schemas, config=config)
    except AtomicError as error:
        raise click.ClickException(str(error)) from error
    if output_format == "json":
        click.echo(json.dumps(outcome.as_dict(), indent=2, ensure_ascii=False))
    else:
        text = render_text(outcome)
        if text:
            click.echo(text, nl=False)
    if outcome.failed:
        sys.exit(1)


def render_text(outcome) -> str:
    """A file a line: `path:line:column: message`, as the check reports, so editors jump there."""
    lines = []
    for finding in outcome.broken:
        lines.append(f"{finding.path}:{finding.line}:{finding.column}: {finding.severity} {finding.rule} "
                     + finding.message + " " + _("(not formatted)"))
    for difference in outcome.differences:
        where = f"{difference.path}:{difference.line}:{difference.column}: "
        if outcome.check:
            lines.append(where + _("not in the canonical layout (run crmtool fmt {path})").format(path=difference.path))
        else:
            lines.append(where + _("formatted"))
    return "\n".join(lines) + "\n" if lines else ""
