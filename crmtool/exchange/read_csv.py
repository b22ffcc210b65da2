"""A CSV file as staff get it: from Excel in a Dutch or English locale, from a web form, from
another CRM.

Excel writes `;` in a Dutch locale and `,` in an English one, UTF-8 with a byte-order mark
when asked for "CSV UTF-8" and Windows-1252 when not; `csv.Sniffer` tells the delimiter,
and a file that is not UTF-8 is read as Windows-1252 with a warning (names with accents
should be checked). A leading apostrophe before `=`, `+`, `-` or `@` is the guard
`crmtool export` puts before text a spreadsheet would run as a formula; it is taken off again.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from ..reporters.csvsafe import FORMULA_START  # what the one CSV writer defuses, taken off again here
from ..i18n import _
from ..load.repo import UsageError
from . import columns, limits
from .incoming import ReadFile, Values, build


def read(path: Path, shown: str, today: dt.date) -> ReadFile:
    """The rows of a CSV file; `shown` is how messages name the file. A file that cannot be
    read as a table of people is a UsageError (exit 2) naming the file and line."""
    warnings: list[str] = []
    limits.check_file(path, shown)
    text = _decode(path, shown, warnings)
    if not text.strip():
        raise UsageError(_("{file}: the file is empty; export the spreadsheet again with a header row").format(
            file=shown))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = next(reader)
    except csv.Error as error:
        raise UsageError(_("{file}: line 1: not a CSV header ({error})").format(file=shown, error=error)) from error
    keys = _header(header, shown, warnings)
    rows: list = []  # of Incoming (ReadFile.rows), a name this module does not import
    end = reader.line_num
    try:
        for cells in reader:
            start, end = end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == limits.MAX_ROWS:
                raise limits.too_many_rows(shown, "rows")
            values: Values = {}
            for index, cell in enumerate(cells):
                value = _unguard(cell.strip())
                key = keys[index] if index < len(keys) else None
                if key is not None and value:
                    values[key] = value
            row = build(start, values, today)
            if len(cells) > len(keys) and any(c.strip() for c in cells[len(keys):]):
                row.problems.append(_("the row has {count} cells but the header only {columns} columns; check for a "
                                      "delimiter inside a value that is not quoted").format(count=len(cells),
                                                                                           columns=len(keys)))
            rows.append(row)
    except csv.Error as error:
        raise UsageError(_("{file}: line {line}: the CSV cannot be read ({error})").format(
            file=shown, line=reader.line_num, error=error)) from error
    return ReadFile(rows, warnings)


def _decode(path: Path, shown: str, warnings: list[str]) -> str:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise UsageError(_("{file}: cannot be read ({error})").format(
            file=shown, error=error.strerror or error)) from error
    if b"\x00" in raw:
        raise UsageError(_("{file}: this is not a text file; save the spreadsheet as CSV (UTF-8)").format(file=shown))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        warnings.append(_("{file} is not UTF-8; it was read as Windows-1252 (Excel's older CSV). Check that names "
                          "with accents came through, or save it as \"CSV UTF-8\".").format(file=shown))
        return raw.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    """`;` or `,`, as csv.Sniffer judges the first lines; else whichever the header has most of."""
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,").delimiter
    except csv.Error:
        first = text.splitlines()[0]
        return ";" if first.count(";") > first.count(",") else ","


def _header(header: list[str], shown: str, warnings: list[str]) -> list[tuple[str, int] | None]:
    keys: list[tuple[str, int] | None] = []
    for number, text in enumerate(header, start=1):
        key = columns.header_key(text) if text.strip() else None
        if key is not None and key in keys:
            raise UsageError(_("{file}: line 1, column {column}: the column '{header}' appears twice; rename or "
                               "remove one").format(file=shown, column=number, header=text.strip()))
        if key is None and text.strip():
            warnings.append(_("{file}: column {column} '{header}' is not a column crmtool knows; it is not imported "
                              "(see docs/import-export.md for the columns)").format(
                                  file=shown, column=number, header=text.strip()))
        if key is not None and key[0] == "id":
            warnings.append(_("{file}: the id column is not used; every imported person gets a new id").format(
                file=shown))
            key = None
        keys.append(key)
    found = {key[0] for key in keys if key}
    if not found & {"family", "name"}:
        raise UsageError(_("{file}: line 1: no column with the family name; the header needs 'achternaam' or "
                           "'family' (or 'naam'/'name' with the full name)").format(file=shown))
    return keys


def _unguard(cell: str) -> str:
    """The cell without the apostrophe an export put before formula-like text."""
    return cell[1:] if cell.startswith("'") and cell[1:2] in FORMULA_START and cell[1:2] else cell
