"""`crmtool build`: the public transparency register as a static site."""
from __future__ import annotations

from pathlib import Path

import click

from ..i18n import _, ngettext
from .options import resolve_repo, resolve_today, root_option, today_option


@click.command()
@click.option("--out", type=click.Path(path_type=Path), default=None, metavar="DIR",
              help="Where to write the site (default: build/site in the repository). It must be new, "
                   "empty or an earlier build: the folder is replaced as a whole.")
@click.option("--lang", "language", type=click.Choice(["nl", "en"]), default=None,
              help="Build one language only (default: both).")
@click.option("--with-directory/--without-directory", "with_directory", default=None,
              help="Also publish the directory of public office holders (default: register.directory "
                   "in crmtool.yaml, else no).")
@today_option
@root_option
def build(out: Path | None, language: str | None, with_directory: bool | None, today: str | None,
          root: Path | None) -> None:
    """Render the transparency register: the controller, every purpose in plain words, the
    rights of data subjects, aggregate numbers, the history of the policy and the Art. 30
    record (register.csv, register.json).

    The build checks its own output for the names, email addresses, phone numbers and street
    addresses of everyone in records/people/ and fails (exit 1) naming file, line and person
    id when it finds any; the previous site is then left untouched.
    """
    from ..register.build import BuildFailed, PolicyUnreadable
    from ..register.build import build as compute
    day = resolve_today(today)
    repo = resolve_repo(root)
    try:
        built = compute(repo, day, out.absolute() if out else None, language, with_directory)
    except BuildFailed as failed:
        for hit in failed.hits:
            click.echo(hit.message(), err=True)
        raise click.ClickException(_(
            "The register was not written: its pages hold personal data in {count} places (listed above). "
            "Remove it from the records the pages show; the previous site is unchanged.").format(
                count=len(failed.hits))) from failed
    except PolicyUnreadable as unreadable:
        raise click.ClickException(_(
            "The register was not written: {paths} cannot be read, and the register would leave it out. "
            "Run crmtool check to see why.").format(paths=", ".join(unreadable.paths))) from unreadable
    except OSError as error:
        target = out or repo.root / "build" / "site"
        raise click.ClickException(_("The register cannot be written to {path}: {reason}").format(
            path=target, reason=error.strerror or error)) from error
    click.echo(_("Register written to {path}: {pages} pages in {languages}.").format(
        path=built.out, pages=built.pages, languages=", ".join(built.languages)))
    if built.listed is not None:
        click.echo(ngettext("The directory lists {count} public role.", "The directory lists {count} public roles.",
                            built.listed).format(count=built.listed))
    if built.withheld:
        click.echo(ngettext("Left out of the directory: {count} public role whose holder has a restriction in force.",
                            "Left out of the directory: {count} public roles whose holder has a restriction in force.",
                            built.withheld).format(count=built.withheld))
