"""`crmtool new TYPE`: scaffold a record; in a terminal it asks for what it needs.

One subcommand per record type, built from `crmtool.edit.new.FIELDS`, so a flag, its help and
its question can never disagree. Without a terminal (a script, CI) only flags count and a
missing required value is a usage error naming its flag; the hidden `--interactive` /
`--no-interactive` overrides the terminal test, so tests can drive the questions through
stdin.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..i18n import _
from .options import resolve_repo, resolve_today, root_option, today_option

LISTED = 40
"""Choices up to this many are listed before the question; longer lists (all organisations
of a large network) would scroll the question away, so only a typed id or name is checked."""
METAVARS = {"date": "YYYY-MM-DD", "moment": "YYYY-MM-DDTHH:MM", "number": "N", "slug": "ID"}


KINDS = ("person", "organisation", "role", "request", "interaction", "breach")


class _Kinds(click.Group):
    """`new`'s subcommands, made the first time any is asked for: they are built from
    `edit.new.FIELDS`, whose module brings every rule and Jinja2 (40 ms), and every command
    line builds this group, a question too."""

    _made: dict[str, click.Command] | None = None

    @property  # type: ignore[override]
    def commands(self) -> dict[str, click.Command]:
        if self._made is None:
            self._made = {kind: _command(kind) for kind in KINDS}
        return self._made

    @commands.setter
    def commands(self, given: dict[str, click.Command]) -> None:
        assert not given  # click's constructor starts the group empty


@click.group("new", cls=_Kinds)
def new() -> None:
    """Make a new record from a template, with a free id, and check it at once.

    In a terminal, crmtool asks for what it needs and offers the choices of the vocabularies
    and existing records; otherwise give everything as options. --dry-run shows the file
    without writing it.
    """


def _command(kind: str) -> click.Command:
    from ..edit.new import FIELDS

    def run(record_id: str | None, dry_run: bool, interactive: bool | None, root: Path | None,
            today: str | None, **options) -> None:
        _run(kind, options, record_id, dry_run, interactive, root, today)

    params: list[click.Parameter] = []
    for spec in FIELDS[kind]:
        if spec.kind == "bool":
            params.append(click.Option([f"{spec.flag}/--not-{spec.flag[2:]}", spec.name], default=None,
                                       help=spec.help))
        else:
            params.append(click.Option([spec.flag, spec.name], multiple=spec.multiple, default=None,
                                       metavar=METAVARS.get(spec.kind, "TEXT"), help=spec.help))
    params += [
        click.Option(["--id", "record_id"], default=None, metavar="ID",
                     help="Use this id instead of the proposed one (refused when taken)."),
        click.Option(["--dry-run"], is_flag=True, help="Print the new file; write nothing."),
        click.Option(["--interactive/--no-interactive"], default=None, hidden=True,
                     help="Ask questions (default: when stdin is a terminal)."),
    ]
    command = click.Command(kind, callback=run, params=params,
                            help=f"Make a new {kind} record (records/{_folder(kind)}/).")
    return today_option(root_option(command))


def _folder(kind: str) -> str:
    from ..edit.new import FOLDER
    return FOLDER[kind]


def _run(kind: str, options: dict, record_id: str | None, dry_run: bool, interactive: bool | None,
         root: Path | None, today: str | None) -> None:
    from ..load.atomic import AtomicError
    from ..edit.new import Session, write
    from ..reporters import REPORTERS
    session = Session(resolve_repo(root), resolve_today(today))
    raw = {name: value for name, value in options.items() if value not in (None, ())}
    if sys.stdin.isatty() if interactive is None else interactive:
        raw = ask(session, kind, raw)
    draft = session.draft(kind, raw, record_id)
    if draft.proposal is not None:
        click.echo(_("Assignee: {reason}").format(reason=draft.proposal.reason), err=dry_run)
    if dry_run:
        click.echo(draft.text, nl=False)
        return
    try:
        written = write(session, draft)
    except AtomicError as error:
        raise click.ClickException(str(error)) from error
    click.echo(_("Written: {path}").format(path=written.path))
    if written.findings:
        summary = {"files": 1, "errors": written.errors,
                   "warnings": sum(f.severity == "warning" for f in written.findings),
                   "infos": sum(f.severity == "info" for f in written.findings)}
        click.echo(REPORTERS["text"](written.findings, summary), nl=False)
    if written.errors:
        click.echo(_("The file stays so that you can fix it: edit {path}, then run `crmtool check {path}`.").format(
            path=written.path), err=True)
        sys.exit(1)


def ask(session, kind: str, raw: dict) -> dict:
    """Ask for every value that is needed (or useful) and not given, in the order of the
    fields, so a later question can offer what an earlier answer allows (the sources of
    the chosen purpose; the colleague routing proposes for the topics)."""
    from ..edit.new import FIELDS
    from ..load.repo import UsageError
    values: dict = {}
    for spec in FIELDS[kind]:
        if spec.name in raw:
            values[spec.name] = session.value(kind, spec.name, raw[spec.name], values)
            continue
        if not (spec.ask or session.needs(kind, spec.name, values)):
            continue
        answer = _question(session, kind, spec, values)
        if answer not in (None, "", ()):
            raw[spec.name] = answer
            try:
                values[spec.name] = session.value(kind, spec.name, answer, values)
            except UsageError:
                pass
    return raw


def _question(session, kind: str, spec, values: dict):
    from ..load.repo import UsageError
    required = session.needs(kind, spec.name, values)
    if spec.kind == "bool":
        return click.confirm(_(spec.help), default=False)
    choices = session.choices(kind, spec.name, values)
    if kind == "request" and spec.name == "assignee":
        click.echo(_("Routing: {reason}").format(reason=session.propose(values).reason))
    if choices and len(choices) <= LISTED:
        for value, label in choices:
            click.echo(f"  {value}" + (f"  {label}" if label else ""))
    default = session.default(kind, spec.name, values)
    label = _(spec.help).rstrip(".") + (" " + _("(several: separate with commas)") if spec.multiple else "")
    while True:
        answer = click.prompt(label, default=default if default is not None else ("" if not required else None),
                              show_default=bool(default))
        answer = answer.strip()
        if not answer:
            if required:
                continue
            return None
        try:
            converted = session.value(kind, spec.name, answer.split(",") if spec.multiple else answer, values)
        except UsageError as error:
            click.echo(str(error), err=True)
            continue
        if required and converted in (None, []):
            continue
        return [part.strip() for part in answer.split(",") if part.strip()] if spec.multiple else answer
