"""`crmtool subject export`: everything held about one person (Art. 15 access, Art. 20 portability)."""
from __future__ import annotations

import os
import tempfile
from contextlib import suppress
from pathlib import Path

import click

from ..i18n import _
from .options import format_option, resolve_repo, resolve_today, root_option, today_option


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
    from ..atomic import AtomicError, write_files
    from ..check import load_model
    from ..subject.export import export as compute
    from ..subject.export_render import render
    repo = resolve_repo(root)
    if out is not None and out.resolve().is_relative_to((repo.root / "records").resolve()):
        # A copy there would be a stray record file, and committed personal data.
        raise click.UsageError(_("--out {path}: an export must not be written under records/").format(path=out))
    model = load_model(repo, resolve_today(today))
    text = render(compute(model, person, model.today), output_format, repo.root)
    if out is None:
        click.echo(text, nl=False)
        return
    target = out.resolve()
    try:
        if target.is_relative_to(repo.root.resolve()):
            write_files(repo.root, {target: text})
        else:
            _write_outside(target, text)
    except (AtomicError, OSError) as error:
        raise click.ClickException(_("could not write {path}: {error}").format(path=out, error=error)) from error
    click.echo(_("Written: {path}").format(path=out), err=True)


def _write_outside(target: Path, text: str) -> None:
    """A file outside the repository (the usual place for a copy to send): a temporary file
    next to it, renamed over it, so a reader never sees half an export."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8"))
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise
