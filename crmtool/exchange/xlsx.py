"""A table as an Excel workbook (.xlsx): what Excel users open by default.

Cells are typed by their Python value, never by what their text looks like: a date is a date
cell shown as YYYY-MM-DD, an int or float a number, and every str a text cell with the text
number format "@". So a phone number keeps its `+`, a postcode or an id its leading zero, and
"1-2" never becomes a date; a column is a number only where the caller put numbers in it.

Nothing becomes a formula. openpyxl writes a str that starts with "=" as a formula unless the
cell is told otherwise, so every str cell is set to the string type after its value: the
spreadsheet shows `=HYPERLINK(...)` typed into a record as text and runs nothing. Unlike the
CSV writer (`csvsafe`), no apostrophe is needed: a text cell is text by its type.

The file is the same bytes for the same table: the document's dates are the export's day and
every member of the zip carries a fixed time, so a download and `crmtool export xlsx` of the
same selection are one file, and no module here reads the clock.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

TEXT = "@"
DATE = "yyyy-mm-dd"
WIDTH_MIN, WIDTH_MAX = 6, 60
"""Column widths in characters: the longest value, within these bounds."""
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""The time every member of the zip carries (the earliest a zip can hold)."""


def workbook(header: Sequence[str], rows: Sequence[Sequence[Any]], day: dt.date, title: str = "crmtool") -> bytes:
    """The header (bold, frozen) and rows as the bytes of an .xlsx file, dated `day`."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = _sheet_title(title)
    widths = [len(str(text)) for text in header]
    for column, text in enumerate(header, start=1):
        cell = sheet.cell(row=1, column=column)
        _put(cell, str(text))
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            _put(sheet.cell(row=number, column=column), value)
            if column > len(widths):
                widths.append(0)
            widths[column - 1] = max(widths[column - 1], _width(value))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width, WIDTH_MIN), WIDTH_MAX) + 2
    sheet.freeze_panes = "A2"
    if header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    moment = dt.datetime.combine(day, dt.time())
    book.properties.creator = "crmtool"
    book.properties.created = book.properties.modified = moment
    return _fixed_times(_save(book))


def _put(cell, value: Any) -> None:
    """One cell by the type of its value; a str is a text cell whatever it starts with."""
    if value is None or value == "":
        return
    if isinstance(value, bool):
        cell.value = value
    elif isinstance(value, (int, float)):
        cell.value = value
    elif isinstance(value, dt.datetime):
        cell.value = value
        cell.number_format = DATE + " hh:mm"
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = DATE
    else:
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", str(value))  # control characters a file may not hold
        cell.data_type = "s"  # never a formula, even when it starts with = + - @
        cell.number_format = TEXT


def _width(value: Any) -> int:
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0) if value is not None else 0


def _sheet_title(title: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title).strip()
    return cleaned[:31] or "crmtool"


def _save(book: Workbook) -> bytes:
    """The workbook's bytes, written without `save_workbook` (which stamps the time of now)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(book, archive).save()
    return out.getvalue()


def _fixed_times(data: bytes) -> bytes:
    """The same zip with every member dated ZIP_TIME, so equal tables give equal files."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = info.external_attr
            target.writestr(member, source.read(info.filename))
    return out.getvalue()
