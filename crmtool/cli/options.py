"""Option sets shared by commands, as decorators."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from ..i18n import N_, _
from ..load.model import parse_date
from ..load.repo import Repository, find_root


def root_option(command):
    return click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
                        help=N_("The records repository (default: found upwards from here)."))(command)


def today_option(command):
    return click.option("--today", "today", metavar="YYYY-MM-DD", default=None,
                        help=N_("Take this day as today for every date rule (also CRMTOOL_TODAY)."))(command)


def format_option(*choices: str, default: str = "text"):
    return click.option("--format", "output_format", type=click.Choice(choices), default=default,
                        show_default=True, help=N_("Output format."))


def today_from(option: str | None) -> dt.date:
    """`--today`, else `CRMTOOL_TODAY`, else the real date. The only place crmtool reads the
    clock: the core takes "today" as an argument, so every date rule is reproducible."""
    value = option or os.environ.get("CRMTOOL_TODAY")
    if not value:
        return dt.date.today()
    day = parse_date(value)
    if day is None:
        raise ValueError(value)
    return day


def resolve_today(value: str | None, option: str = "--today") -> dt.date:
    """`today_from`, with a bad date as a usage error (exit 2) naming `option`."""
    try:
        return today_from(value)
    except ValueError as error:
        raise click.BadParameter(_("'{value}' is not a date; use YYYY-MM-DD").format(value=error),
                                 param_hint=option) from error


def parse_day(value: str, option: str) -> dt.date:
    """A date an option gives (`--on`): the one parser of dates on the command line, so every
    command says a bad one in the same words (exit 2)."""
    day = parse_date(value)
    if day is None:
        raise click.BadParameter(_("'{value}' is not a date; use YYYY-MM-DD").format(value=value), param_hint=option)
    return day


def resolve_repo(root: Path | None) -> Repository:
    from .output import refuse_interrupted
    repo = find_root(Path.cwd(), root)
    refuse_interrupted(repo)  # a command that only reads does not answer from a half-changed repository
    return repo
