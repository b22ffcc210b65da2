"""How much an import reads: a file from outside must not cost unbounded memory or time.

An import file comes from someone else (a web form's export, a phone, another CRM) and is
read whole into memory to be parsed, so its size is checked before a byte is read; a file
that is not a regular file (a FIFO, a device) is refused before it is opened, since opening
one can block for ever. The number of rows (CSV) or cards (vCard) and the length of one value
are bounded as well: no person has a 10,000-character name, and a list of more than 50,000
people is a migration, to be split into parts and reviewed part by part.
"""
from __future__ import annotations

import stat
from pathlib import Path

from ..i18n import _
from ..load.repo import UsageError

MAX_FILE_BYTES = 20 * 1024 * 1024
"""20 MiB: about 150,000 CSV rows of ordinary contact data, or 40,000 vCards with a photo."""
MAX_ROWS = 50_000
"""Rows of a CSV file or cards of a vCard file in one import."""
MAX_FIELD_CHARS = 10_000
"""Characters in one value (a cell, a vCard property): a long note fits, a pasted document does not."""


def check_file(path: Path, shown: str) -> None:
    """Refuse (UsageError, exit 2) a file that is not a regular file or is larger than
    MAX_FILE_BYTES, from its metadata alone."""
    try:
        info = path.stat()
    except OSError as error:
        raise UsageError(_("{file}: cannot be read ({error})").format(
            file=shown, error=error.strerror or error)) from error
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(_("{file}: not a regular file; give a CSV or vCard file").format(file=shown))
    if info.st_size > MAX_FILE_BYTES:
        raise UsageError(_("{file}: the file is {size} MB; an import reads at most {limit} MB. Split it into "
                           "smaller files and import them one by one.").format(
                               file=shown, size=_megabytes(info.st_size), limit=_megabytes(MAX_FILE_BYTES)))


def too_many_rows(shown: str, what: str) -> UsageError:
    """The error for a file with more than MAX_ROWS rows or cards (`what` says which)."""
    message = (_("{file}: more than {limit} rows; an import takes at most {limit}. Split the file and import "
                 "the parts one by one.") if what == "rows" else
               _("{file}: more than {limit} cards; an import takes at most {limit}. Split the file and import "
                 "the parts one by one."))
    return UsageError(message.format(file=shown, limit=f"{MAX_ROWS:,}"))


def long_value(column: str, length: int) -> str:
    """The problem of a row with a value longer than MAX_FIELD_CHARS (never the value itself)."""
    return _("the value of {column} is {length} characters long; at most {limit} are imported. Shorten it in "
             "the file.").format(column=column, length=f"{length:,}", limit=f"{MAX_FIELD_CHARS:,}")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}" if size >= 10 * 1024 * 1024 else f"{size / (1024 * 1024):.1f}"
