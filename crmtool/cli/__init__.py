"""The command line: click commands that parse options, call the core and pick a reporter.

Nothing below `crmtool.cli` imports click. Exit statuses everywhere: 0 success (warnings
allowed), 1 findings of severity error or a failed operation, 2 bad usage or configuration.
"""
from __future__ import annotations

import os
import sys

import click

from .. import __version__
from ..repo import UsageError
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
from .merge import merge
from .new import new
from .review import review
from .subject import subject


class BadUsage(click.ClickException):
    """A usage error from the core, shown as `Error: ...` with exit status 2."""

    exit_code = 2


class Group(click.Group):
    """The command group: the core's UsageError becomes a click error here, so CliRunner and
    the entry point report it the same way."""

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
    address, places, codeowners,
    index, who, query, search, sql,                       # questions
    end_role, history, subject, build,                    # changes, audit trail, rights, register
):
    cli.add_command(command)


def main() -> None:
    """Entry point: no traceback reaches a user (set CRMTOOL_DEBUG=1 to see one)."""
    try:
        code = cli.main(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except UsageError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:  # a bug of ours: say so plainly, without personal data
        if os.environ.get("CRMTOOL_DEBUG"):
            raise
        click.echo(f"crmtool: internal error ({type(error).__name__}). Nothing was changed. "
                   "Run again with CRMTOOL_DEBUG=1 and report the traceback.", err=True)
        sys.exit(1)
