"""`crmtool subject ...`: the rights of data subjects, one command each."""
from __future__ import annotations

import click

from .subject_erase import anonymise, erase, verify_erased
from .subject_export import export


@click.group()
def subject() -> None:
    """Data-subject rights: export (access, portability), erase, anonymise, verify-erased."""


subject.add_command(export)
subject.add_command(erase)
subject.add_command(anonymise)
subject.add_command(verify_erased)
