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
from .check import check, rules
from .demo import demo
from .review import review


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="crmtool")
def cli() -> None:
    """A CRM that lives in git: check records and the data-protection rules."""


cli.add_command(check)
cli.add_command(rules)
cli.add_command(review)
cli.add_command(demo)


def main() -> None:
    """Entry point: no traceback reaches a user (set CRMTOOL_DEBUG=1 to see one)."""
    try:
        cli.main(standalone_mode=False)
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
