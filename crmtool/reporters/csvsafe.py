"""The one CSV writer: every CSV crmtool writes goes through here, so no cell can become a
formula in the spreadsheet that opens it.

A cell whose text starts with `=`, `+`, `-` or `@` is a formula to Excel, LibreOffice and
Google Sheets, and a leading tab or carriage return is dropped by some of them, bringing such
a character to the front. Records are typed by anyone with write access, and `sql` answers
echo whatever a query selects, so any such cell gets a leading apostrophe, as the OWASP
guidance on CSV injection advises: the spreadsheet shows the text and runs nothing.
`crmtool import` takes the apostrophe off again (exchange/read_csv.py). Numbers (not text)
are written as they are: a number cell is never a formula.

The files are what Excel opens without asking: UTF-8 with a byte-order mark, `;` between
cells in Dutch (Excel's list separator in a Dutch locale), `,` otherwise, CRLF line ends.
"""
from __future__ import annotations

import csv
import io
from typing import Any, Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may read as the start of a formula (OWASP: CSV injection)."""


def defuse(cell: Any) -> Any:
    """The cell as written: text that a spreadsheet would run gets a leading apostrophe;
    numbers and empty cells stay as they are."""
    if isinstance(cell, str) and cell[:1] in FORMULA_START and cell:
        return "'" + cell
    return cell


def delimiter(language: str) -> str:
    """`;` for Dutch (Excel's list separator there), `,` otherwise."""
    return ";" if language == "nl" else ","


class Writer:
    """csv.writer with every cell defused: `writerow` and `writerows` as csv's own."""

    def __init__(self, out: io.TextIOBase, language: str = "en") -> None:
        self._writer = csv.writer(out, delimiter=delimiter(language), lineterminator="\r\n")

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([defuse(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def to_text(rows: Iterable[Iterable[Any]], language: str = "en") -> str:
    """Header and rows as one CSV text, with the byte-order mark Excel needs to read UTF-8."""
    out = io.StringIO()
    Writer(out, language).writerows(rows)
    return "\ufeff" + out.getvalue()
