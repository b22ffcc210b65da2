"""The postcode table: which street, place and municipality a Dutch postcode and house number
belong to.

Staff type addresses by hand and the check cannot tell "Stationsplein 1, 1315 NT Almere" from
"Stationsplein 1, 1351 NT Almere" without knowing the country's postcodes. The Dutch
postcode tables derived from the BAG (the national register of addresses and buildings)
give, per postcode, house-number ranges with the street, the place (*woonplaats*) and the
municipality's CBS code. With such a table `crmtool address fill` completes addresses, Q007
flags addresses that disagree with it and `crmtool places sync` keeps municipalities' place
names current.

The table is a CSV file (`postcodes` in crmtool.yaml, relative to the repository; default
`data/postcodes.csv` when that file exists) with a header naming the columns
`postcode;from;to;parity;street;place;municipality` in any order (more columns are ignored),
separated by `;` or `,` (whichever the header uses), UTF-8 with or without a byte-order mark.
A national table has about 470,000 rows: it is streamed with `csv` once per run into a dict
keyed by postcode, with repeated names shared, so loading stays around a second.

Postcodes are normalised as Q003 does (python-stdnum: "1315nt" is "1315 NT"); names are
compared by `same_name`, which ignores case, accents, spacing, punctuation and the
abbreviation "str." for "straat". The core returns values and never prints.
"""
from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from ..i18n import _
from ..load.repo import UsageError

CONFIG_KEY = "postcodes"
DEFAULT_TABLE = "data/postcodes.csv"
COLUMNS = ("postcode", "from", "to", "parity", "street", "place", "municipality")
PARITIES = {"odd": "odd", "even": "even", "all": "all", "mixed": "all"}
"""Parity as the tables write it; "mixed" (postcode.nl's word) means every number."""
_PARITY = {spelt: value for word, value in PARITIES.items() for spelt in (word, word.upper(), word.title())}

_MUNICIPALITY = re.compile(r"GM[0-9]{4}")
_NUMBER = re.compile(r"\s*([0-9]+)")
_USUAL = re.compile(r"[1-9][0-9]{3} [A-Z]{2}")
_UNUSED_LETTERS = frozenset({"SA", "SD", "SS"})

PLACE_ALIASES = {"sgravenhage": "denhaag", "shertogenbosch": "denbosch"}
"""Official place names and the names everyone writes: PostNL delivers to both, so neither is
a mistake. Keys and values are folded (`fold`)."""


class TableError(UsageError):
    """The table cannot be used. `detail` says what is wrong and how to fix it; the message
    puts the file and line (1-based; 0 when the problem is not on one line) in front."""

    def __init__(self, detail: str, path: str, line: int = 0) -> None:
        super().__init__(f"{path}:{line}: {detail}" if line else f"{path}: {detail}")
        self.detail, self.path, self.line = detail, path, line


class Range(NamedTuple):
    """One row of the table: the house numbers `start`..`end` (inclusive, of `parity`) of a
    postcode, and the street, place and municipality code they lie in. A tuple, because a
    national table has half a million of them."""

    start: int
    end: int
    parity: str  # "odd", "even" or "all"
    street: str
    place: str
    municipality: str

    def holds(self, number: int) -> bool:
        if not self.start <= number <= self.end:
            return False
        return self.parity == "all" or (number % 2 == 1) == (self.parity == "odd")

    def describe(self) -> str:
        """The range as staff read it: "1-99 (odd)"."""
        span = str(self.start) if self.start == self.end else f"{self.start}-{self.end}"
        if self.parity == "all":
            return span
        parity = _("odd") if self.parity == "odd" else _("even")
        return f"{span} ({parity})"


@dataclass
class PostcodeTable:
    """The loaded table: `path` as shown to staff (relative to the repository when inside it)."""

    path: str
    ranges: dict[str, list[Range]] = field(default_factory=dict)

    def covers(self, postcode: str) -> bool:
        """Whether the table has any row for this (normalised) postcode."""
        return postcode in self.ranges

    def lookup(self, postcode: str, number: int) -> Range | None:
        """The row holding `number` under the (normalised) `postcode`; the first when rows
        overlap, as the table lists them."""
        return next((r for r in self.ranges.get(postcode, ()) if r.holds(number)), None)

    def places(self) -> dict[str, set[str]]:
        """Municipality code → the place names the table has under it."""
        found: dict[str, set[str]] = {}
        for ranges in self.ranges.values():
            for row in ranges:
                found.setdefault(row.municipality, set()).add(row.place)
        return found


def normalise(postcode: object) -> str | None:
    """A Dutch postcode in its usual form ("1315 NT"), or None when it is not one. The same
    python-stdnum validation as Q003, with a fast path for postcodes already written usually
    (a national table has half a million of them)."""
    if not isinstance(postcode, str):
        return None
    if _USUAL.fullmatch(postcode):
        return postcode if postcode[5:] not in _UNUSED_LETTERS else None
    from stdnum.exceptions import ValidationError
    from stdnum.nl import postcode as nl_postcode
    try:
        return nl_postcode.validate(postcode)
    except ValidationError:
        return None


def house_number(number: object) -> int | None:
    """The number part of a house number: "12a", "12-2" and "12 bis" are 12; None without
    digits at the start."""
    if isinstance(number, int) and not isinstance(number, bool):
        return number
    match = _NUMBER.match(number) if isinstance(number, str) else None
    return int(match.group(1)) if match else None


def fold(text: str) -> str:
    """A name reduced to what decides whether two spellings mean the same: lower case,
    without accents, spaces and punctuation, with a word ending in "str" read as "straat"."""
    text = unicodedata.normalize("NFKD", text)
    words = re.findall(r"[a-z0-9]+", "".join(c for c in text if not unicodedata.combining(c)).casefold())
    return "".join(w[:-3] + "straat" if w.endswith("str") else w for w in words)


def same_name(written: str, table: str) -> bool:
    """Whether a street or place as written is the table's, spelt another way."""
    a, b = fold(written), fold(table)
    return a == b or PLACE_ALIASES.get(a, a) == PLACE_ALIASES.get(b, b)


def configured_path(root: Path, config: dict) -> tuple[Path, str] | None:
    """The table's file and how to show it; None when no table is configured and the default
    file does not exist. A configured file that does not exist is a TableError."""
    value = config.get(CONFIG_KEY) if isinstance(config, dict) else None
    if value is None:
        default = root / DEFAULT_TABLE
        return (default, DEFAULT_TABLE) if default.is_file() else None
    if not isinstance(value, str) or not value.strip():
        raise TableError(_("'postcodes' must name a CSV file, such as {default}.").format(
            default=DEFAULT_TABLE), "crmtool.yaml")
    path = root / value
    if not path.is_file():
        raise TableError(_("'postcodes' names the table {path}, but there is no such file; "
                           "put the table there or correct 'postcodes'.").format(path=value), "crmtool.yaml")
    return path, value


_loaded: dict[tuple, PostcodeTable] = {}


def load_table(root: Path, config: dict) -> PostcodeTable | None:
    """The repository's table, or None when it has none. Read once per process and file
    version (one entry is kept: a national table is large)."""
    found = configured_path(root, config)
    if found is None:
        return None
    path, shown = found
    try:
        stat = path.stat()
    except OSError as error:
        raise TableError(_("The table cannot be read: {reason}.").format(reason=error.strerror), shown) from error
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _loaded:
        _loaded.clear()
        _loaded[key] = read_table(path, shown)
    return _loaded[key]


def fingerprint(root: Path, config: dict) -> bytes:
    """What the check cache must be keyed on besides the records: the table's name and bytes
    (Q007's findings change when the table does). Empty without a table."""
    try:
        found = configured_path(root, config)
    except TableError:
        return b"missing"
    if found is None:
        return b""
    try:
        with open(found[0], "rb") as stream:
            return found[1].encode() + b"\0" + hashlib.file_digest(stream, "sha256").digest()
    except OSError:
        return b"unreadable"


def read_table(path: Path, shown: str | None = None) -> PostcodeTable:
    """Read a table file; every problem is a TableError naming the file and line."""
    shown = shown or str(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            return _read(stream, shown)
    except UnicodeDecodeError as error:
        raise TableError(_("The table is not UTF-8 text; save it as UTF-8 (CSV UTF-8 in Excel)."), shown) from error
    except OSError as error:
        raise TableError(_("The table cannot be read: {reason}.").format(reason=error.strerror), shown) from error


def _read(stream, shown: str) -> PostcodeTable:
    header_line = stream.readline()
    if not header_line.strip():
        raise TableError(_("The first line must name the columns {columns}.").format(
            columns=";".join(COLUMNS)), shown, 1)
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    header = [name.strip().casefold() for name in next(csv.reader([header_line], delimiter=delimiter))]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise TableError(_("The header lacks the columns {missing}; the first line must name "
                           "{columns} (separated by ; or ,).").format(
                               missing=", ".join(missing), columns=";".join(COLUMNS)), shown, 1)
    where = [header.index(name) for name in COLUMNS]
    width, columns = max(where) + 1, itemgetter(*where)
    table = PostcodeTable(shown)
    ranges = table.ranges
    names: dict[str, str] = {}  # one string object per distinct name: half a million rows share a few thousand
    codes: set[str] = set()  # municipality codes already found valid
    reader = csv.reader(stream, delimiter=delimiter)
    for row in reader:
        if len(row) < width:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            raise TableError(_("There are {count} columns where the header names {width}.").format(
                count=len(row), width=len(header)), shown, reader.line_num + 1)
        postcode, start, end, parity, street, place, municipality = map(str.strip, columns(row))
        try:
            first, last = int(start), int(end)
        except ValueError:
            first = last = -1
        if not 0 <= first <= last or municipality not in codes or not place or parity not in _PARITY:
            _refuse(postcode, start, end, parity, place, municipality, shown, reader.line_num + 1)
            codes.add(municipality)
        row_range = Range(first, last, _PARITY[parity], names.setdefault(street, street),
                          names.setdefault(place, place), names.setdefault(municipality, municipality))
        key = postcode if _USUAL.fullmatch(postcode) and postcode[5:] not in _UNUSED_LETTERS else _postcode(
            postcode, shown, reader.line_num + 1)
        found = ranges.get(key)
        if found is None:
            ranges[key] = [row_range]
        else:
            found.append(row_range)
    return table


def _postcode(text: str, shown: str, line: int) -> str:
    usual = normalise(text)
    if usual is None:
        raise TableError(_("The column 'postcode' holds '{postcode}', which is not a Dutch postcode (four "
                           "digits and two letters, such as 1315 NT).").format(postcode=text), shown, line)
    return usual


def _refuse(postcode: str, start: str, end: str, parity: str, place: str, municipality: str,
            shown: str, line: int) -> None:
    """Raise the TableError that explains a row the fast path of `_read` did not accept;
    return when the row is good after all (a municipality code seen for the first time)."""
    for column, text in (("from", start), ("to", end)):
        if not (text.isascii() and text.isdigit()):
            raise TableError(_("The column '{column}' holds '{value}', which is not a house number "
                               "(digits only).").format(value=text, column=column), shown, line)
    if int(start) > int(end):
        raise TableError(_("The column 'from' ({start}) is greater than 'to' ({end}).").format(
            start=start, end=end), shown, line)
    if parity not in _PARITY:
        raise TableError(_("The column 'parity' holds '{value}'; it must be odd, even or all.").format(
            value=parity), shown, line)
    if not place:
        raise TableError(_("The column 'place' is empty."), shown, line)
    if not _MUNICIPALITY.fullmatch(municipality):
        raise TableError(_("The column 'municipality' holds '{value}', which is not a CBS municipality "
                           "code (GM and four digits, such as GM0034).").format(value=municipality), shown, line)
    _postcode(postcode, shown, line)
