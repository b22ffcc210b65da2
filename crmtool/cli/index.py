"""`crmtool index`, `who`, `query ...`, `search` and `sql`: the index and the questions.

Every question first brings the index up to date (only changed files are read), so an
answer is never older than the records on disk.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

import click

from .options import resolve_repo, resolve_today, root_option

ANSWER_FORMATS = ("table", "json", "csv")


def on_option(command):
    return click.option("--on", "on", metavar="YYYY-MM-DD", default=None,
                        help="Answer for this day (default: today, or CRMTOOL_TODAY).")(command)


def answer_format(command):
    return click.option("--format", "output_format", type=click.Choice(ANSWER_FORMATS), default="table",
                        show_default=True, help="Output format.")(command)


class IndexSession:
    """The repository and a read-only connection to a fresh index, for one question."""

    def __init__(self, root: Path | None) -> None:
        from .. import i18n
        from ..index.build import open_index
        self.repo = resolve_repo(root)
        result = refresh(self.repo)
        if result.skipped:
            click.echo(i18n._("Note: {count} record files are left out of the answer (unreadable or a "
                              "duplicate id); `crmtool check` says why.").format(count=len(result.skipped)),
                       err=True)
        self.db = open_index(result.path)

    def pipeline(self):
        from ..index.build import repository_config
        from ..domain.pipeline import pipeline_of
        return pipeline_of(repository_config(self.repo))


def refresh(repo, out: Path | None = None, progress=None):
    """Build or update the index; a file system that refuses it is a failed operation (exit 1)
    with the reason, not an internal error."""
    import sqlite3

    from ..index.build import build_index
    try:
        return build_index(repo, out, progress)
    except (OSError, sqlite3.Error) as error:
        from ..i18n import _
        target = out or repo.root / "build" / "index.sqlite"
        raise click.ClickException(_("The index {path} cannot be written: {reason}").format(
            path=target, reason=getattr(error, "strerror", None) or error)) from error


def show(answer, output_format: str, columns: list[str] | None = None) -> None:
    from ..reporters.answer import RENDERERS
    click.echo(RENDERERS[output_format](answer, columns), nl=False)


@click.command()
@root_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the index (default: build/index.sqlite).")
def index(root: Path | None, out: Path | None) -> None:
    """Build or update the SQLite index of the records (build/index.sqlite).

    Only records that changed since the last build are read again. The file opens in
    Datasette and plain sqlite3; docs/index.md describes its tables.
    """
    from .. import i18n
    from .check import _interactive, progress_bar
    repo = resolve_repo(root)
    result = refresh(repo, out.resolve() if out else None, progress_bar if _interactive() else None)
    _ = i18n._
    what = _("built anew") if result.whole else _("updated")
    click.echo(_("Index {path} {what}: {records} records, {read} files read, {removed} removed.").format(
        path=_shown(repo.root, result.path), what=what, records=result.records, read=result.read,
        removed=result.removed))
    for path, reason in result.skipped:
        click.echo(_("  left out: {path} ({reason})").format(path=path, reason=_(reason)), err=True)


def _shown(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


ROLE_TABLE = ["name", "person", "function_label", "qualifiers", "portfolio", "organisation_name", "party_name",
              "start", "end", "role"]


@click.command()
@root_option
@click.option("--function", "functions", multiple=True, help="Function id or label (repeat for several).")
@click.option("--organisation", help="Organisation id or name; roles at the organisations under it count too.")
@click.option("--portfolio", help="Portfolio id or label.")
@click.option("--party", help="Party id or name.")
@click.option("--province", help="Province id or label (of the organisation or the one it belongs to).")
@click.option("--region", help="Region id or label.")
@click.option("--qualifier", help="Qualifier id or label, e.g. fractievoorzitter.")
@click.option("--person", help="Person id or full name.")
@on_option
@answer_format
def who(root, functions, organisation, portfolio, party, province, region, qualifier, person, on, output_format):
    """Who holds which role: current (or on day --on) role holders matching every filter."""
    from ..i18n import N_
    from ..index import questions
    day = resolve_today(on, "--on")
    session = IndexSession(root)
    filters = questions.resolve(session.db, functions, organisation, portfolio, party, province, region,
                                person, qualifier)
    answer = questions.who(session.db, filters, day)
    answer.title, answer.values = N_("Role holders on {on}"), {"on": day.isoformat()}
    show(answer, output_format, ROLE_TABLE)


@click.group(invoke_without_command=True)
@click.pass_context
def query(context: click.Context) -> None:
    """The questions staff ask most, by name (see the list below)."""
    if context.invoked_subcommand is None:
        click.echo(context.get_help())


def _question(name: str, columns: list[str] | None = None):
    """A `query` sub-command from a function of (session, day, **its own parameters), declared
    with click's decorators: the shared options, a fresh index, the answer printed."""
    def wrap(function: Callable) -> click.Command:
        def command(root, on, output_format, **arguments):
            session = IndexSession(root)
            show(function(session, resolve_today(on, "--on"), **arguments), output_format, columns)
        command.__doc__ = function.__doc__
        command = answer_format(on_option(root_option(command)))
        command.__click_params__.extend(  # type: ignore[attr-defined]  # click's option store, untyped
            getattr(function, "__click_params__", []))
        return query.command(name)(command)
    return wrap


@_question("mayor", ROLE_TABLE)
@click.argument("municipality")
def _mayor(session, day, municipality):
    """Who heads MUNICIPALITY: the mayor (or the acting mayor)."""
    from ..index.questions import mayor
    return mayor(session.db, municipality, day)


@_question("aldermen", ROLE_TABLE)
@click.option("--portfolio", help="Portfolio id or label, e.g. milieu.")
@click.option("--province", help="Only in this province.")
@click.option("--municipality", help="Only in this municipality.")
def _aldermen(session, day, portfolio, province, municipality):
    """Aldermen, with a given portfolio, across all municipalities or one province."""
    from ..index.questions import aldermen
    return aldermen(session.db, day, portfolio, province, municipality)


@_question("seats")
@click.argument("municipality")
def _seats(session, day, municipality):
    """The seats in the council of MUNICIPALITY by party."""
    from ..index.questions import seats
    return seats(session.db, municipality, day)


@_question("committee", ["name", "person", "function_label", "chair", "for_municipality", "start", "end", "role"])
@click.argument("committee")
def _committee(session, day, committee):
    """The members of COMMITTEE (or any body) and who chairs it."""
    from ..index.questions import committee as members
    return members(session.db, committee, day)


@_question("group-leaders", ["name", "person", "party_name", "organisation_name", "start", "role"])
@click.option("--municipality", help="Only in this municipality.")
@click.option("--province", help="Only in this province.")
def _group_leaders(session, day, municipality, province):
    """Party group leaders (fractievoorzitters) in councils."""
    from ..index.questions import group_leaders
    return group_leaders(session.db, day, municipality, province)


@_question("regional-meeting", ROLE_TABLE)
@click.option("--function", "functions", multiple=True, help="Function id or label (repeat for several).")
@click.option("--province", help="Province id or label.")
@click.option("--region", help="Region id or label.")
def _regional(session, day, functions, province, region):
    """Whom to invite for a regional meeting: holders of the functions in a province or region."""
    from ..index.questions import regional
    return regional(session.db, functions, day, province, region)


@_question("partnership", ["member_name", "member", "start", "contacts", "contact_people"])
@click.argument("partnership")
def _partnership(session, day, partnership):
    """The members of PARTNERSHIP (e.g. G40) and their contact persons."""
    from ..index.questions import partnership as members
    return members(session.db, partnership, day)


@_question("places")
@click.argument("municipality")
def _places(session, day, municipality):
    """The place names of MUNICIPALITY."""
    from ..index.questions import places
    return places(session.db, municipality)


@_question("person")
@click.argument("person")
def _person(session, day, person):
    """Everything PERSON does: current roles, mailing lists and open requests."""
    from ..index.questions import person_now
    return person_now(session.db, person, day, session.pipeline())


@_question("follow-up", ["assignee_name", "stage_label", "request", "title", "from_name", "received",
                         "follow_up", "overdue"])
@click.option("--assignee", help="Only this colleague's requests (staff id).")
@click.option("--stage", help="Only requests in this stage.")
@click.option("--kind", help="Only requests of this kind (question, project, access, ...).")
def _follow_up(session, day, assignee, stage, kind):
    """Open requests by assignee and stage: the follow-up view."""
    from ..index.questions import follow_up
    return follow_up(session.db, day, session.pipeline(), assignee, stage, kind)


@_question("pipeline")
@click.option("--kind", help="Only requests of this kind.")
def _pipeline(session, day, kind):
    """How many requests are in each stage of the pipeline."""
    from ..index.questions import pipeline_counts
    return pipeline_counts(session.db, day, session.pipeline(), kind)


@click.command()
@click.argument("text")
@root_option
@click.option("--type", "folder", type=click.Choice(["people", "organisations", "requests", "interactions"]),
              default=None, help="Only records of this type.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@answer_format
def search(text: str, root: Path | None, folder: str | None, limit: int, output_format: str) -> None:
    """Full-text search over names, tags, notes and summaries (accents and case ignored)."""
    from ..index.questions import search as find
    session = IndexSession(root)
    show(find(session.db, text, folder, limit), output_format)


@click.command()
@click.argument("statement")
@root_option
@click.option("--max-steps", type=click.IntRange(min=1), default=None,
              help="Stop the statement after this many SQLite steps (default 500,000,000).")
@answer_format
def sql(statement: str, root: Path | None, max_steps: int | None, output_format: str) -> None:
    """Run a read-only SQL statement over the index (docs/index.md lists the tables, docs/questions.md
    the functions it may call). A statement that runs past its step limit stops with exit 1."""
    from ..index.questions import SQL_MAX_STEPS, SqlLimit
    from ..index.questions import sql as run
    session = IndexSession(root)
    try:
        answer = run(session.db, statement, max_steps or SQL_MAX_STEPS)
    except SqlLimit as error:
        raise click.ClickException(str(error)) from error
    show(answer, output_format)
    sys.stdout.flush()
