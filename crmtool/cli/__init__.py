"""The command line: click commands that parse options, call the core and pick a reporter.

Nothing below `crmtool.cli` imports click. Exit statuses everywhere: 0 success (warnings
allowed), 1 findings of severity error or a failed operation, 2 bad usage or configuration.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Sequence

import click

from .. import __version__
from .. import i18n
from ..i18n import _
from ..load.repo import UsageError
from .address import address, places
from .assign import assign
from .build import build
from .check import check, rules
from .codeowners import codeowners
from .demo import demo
from .diff import diff
from .end_role import end_role
from .exchange import export, import_
from .fmt import fmt
from .history import history
from .index import index, query, search, sql, who
from .language import command_line_language, speak_for_click
from .merge import merge
from .new import new
from .note import note
from .recover import recover
from .review import review
from .serve import serve
from .stage import stage
from .subject import subject
from .tag import tag


class BadUsage(click.ClickException):
    """A usage error from the core, shown as `Error: ...` with exit status 2."""

    exit_code = 2


class Group(click.Group):
    """The command group: the core's UsageError becomes a click error here, so CliRunner and
    the entry point report it the same way, and one command speaks one language."""

    def main(self, args: Sequence[str] | None = None, *rest, **options):
        """Run one command in the language of its repository, from parsing its command line to
        its last word (click's own "Error:" included); the language ends with the command."""
        words = list(sys.argv[1:] if args is None else args)
        with i18n.speaking(command_line_language(words, Path.cwd())):
            return super().main(words, *rest, **options)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UsageError as error:
            raise BadUsage(str(error)) from error


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="crmtool")
def cli() -> None:
    """A CRM that lives in git: check records and the data-protection rules."""


for command in (
    check, rules, review, demo,                           # the check and the weekly review
    new, assign, import_, export, merge, fmt, diff,       # daily work on records
    stage, note, tag,
    address, places, codeowners,
    index, who, query, search, sql,                       # questions
    end_role, history, subject, build,                    # changes, audit trail, rights, register
    recover,                                              # after a crash: finish or roll back
    serve,                                                # the staff workspace in the browser
):
    cli.add_command(command)


def main() -> None:
    """Entry point: the process exits with the status the command gave, and no traceback
    reaches a user (set CRMTOOL_DEBUG=1 to see one).

    Click runs without its standalone mode so that the errors below are ours to report; in
    that mode `ctx.exit(1)` and `raise Exit(1)` do not end the process but come back as
    click's return value, so that value is the exit status (a command's other return
    values, and None, mean success)."""
    speak_for_click()
    with i18n.speaking(command_line_language(sys.argv[1:], Path.cwd())):  # for the words below
        status = _run()
    sys.exit(exit_status(status))


def _run() -> object:
    """What `cli.main` gives back, or the status of the error it raised, reported here."""
    try:
        status = cli.main(standalone_mode=False)
    except click.exceptions.Exit as done:  # not raised by click 8.1+, kept for older releases
        status = done.exit_code
    except click.ClickException as error:
        error.show()
        status = error.exit_code
    except click.exceptions.Abort:
        click.echo(_("Aborted."), err=True)
        status = 1
    except UsageError as error:
        click.echo(_("Error: {message}").format(message=error), err=True)
        status = 2
    except KeyboardInterrupt:
        status = 130
    except BrokenPipeError:  # the reader of our output went away (`crmtool who | head -1`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = 1
    except Exception as error:  # a bug of ours: say so plainly, without personal data
        if os.environ.get("CRMTOOL_DEBUG"):
            raise
        click.echo(_("crmtool: internal error ({kind}). Nothing was changed. "
                     "Run again with CRMTOOL_DEBUG=1 and report the traceback.").format(kind=type(error).__name__),
                   err=True)
        status = 1
    return status


def exit_status(value: object) -> int:
    """The process status for what `cli.main` gave back: an int is a status (bool is not),
    anything else is success."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
