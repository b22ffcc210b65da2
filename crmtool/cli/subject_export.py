"""`crmtool subject export`: everything held about one person (Art. 15 access, Art. 20 portability)."""
from __future__ import annotations

from pathlib import Path

import click

from ..i18n import _
from .options import format_option, resolve_repo, resolve_today, root_option, today_option
from .output import refuse_under_records, write_out


@click.command("export")
@click.argument("person")
@format_option("json", "html", "vcard", default="json")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (all at once) instead of standard output.")
@root_option
@today_option
def export(person: str, output_format: str, out: Path | None, root: Path | None, today: str | None) -> None:
    """Everything held about PERSON (an id, or the full name), with the purposes, legal
    bases, retention, recipients and rights: json for portability, html to send as a copy,
    vcard for the contact details. Other people in shared contact moments are counted, never
    named. Check the output before you send it: free text written by staff may still say
    more than it should.
    """
    from ..load import load_model
    from ..subject.export import BrokenRecord
    from ..subject.export import export as compute
    from ..subject.export_render import render
    repo = resolve_repo(root)
    refuse_under_records(repo, out)
    day = resolve_today(today)
    model = load_model(repo, day)
    try:
        result = compute(model, person, day)
    except BrokenRecord as error:
        from ..check import explain_unreadable
        raise click.ClickException(explain_unreadable(repo.root, error.path)) from error
    text = render(result, output_format, repo.root)
    if out is None:
        click.echo(text, nl=False)
        return
    write_out(repo, out, text)
    click.echo(_("Written: {path}").format(path=out), err=True)
