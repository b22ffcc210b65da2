"""Help text in the repository's language.

Click takes a command's help and its options' help once, when the module is imported, in
the message ids' English; the language of a run is known only when the command line is
read (`cli/language.py`). A command made with `Command` looks its help, and every option's,
up in the catalogue at the moment it shows them, so `crmtool stage --help` in a Dutch
repository is Dutch. The texts are marked with `N_` where they are written, so that
`pybabel extract` finds them; a text the catalogue does not know is shown as written.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import click

from ..i18n import _


@contextmanager
def _translated(command: click.Command, ctx: click.Context) -> Iterator[None]:
    """The command's and its options' help translated for the duration of the block."""
    kept: list[tuple[Any, str | None, str | None]] = [(command, command.help, command.short_help)]
    kept += [(param, param.help, None) for param in command.get_params(ctx) if isinstance(param, click.Option)]
    try:
        for item, text, short in kept:
            if text:
                item.help = _(text)
            if short:
                item.short_help = _(short)
        yield
    finally:
        for item, text, short in kept:
            item.help = text
            if short:
                item.short_help = short


class Command(click.Command):
    """A click command whose help speaks the language of the run."""

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated(self, ctx):
            super().format_help(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        kept = self.help, self.short_help
        try:
            self.help = _(self.help) if self.help else self.help
            self.short_help = _(self.short_help) if self.short_help else self.short_help
            return super().get_short_help_str(limit)
        finally:
            self.help, self.short_help = kept
