"""`crmtool places sync`: each municipality's place names, kept current from the postcode table.

"Which place names belong to a municipality" is one of the questions staff ask (`crmtool
query places`), and the answer is the `places` list of the municipality's record. Places
move between municipalities when municipalities merge, and a list typed by hand misses
villages. The postcode table knows, for every municipality code, the places its addresses
lie in; this brings the `places` of every organisation of kind `municipality` with a CBS
code (`identifiers.cbs`) up to the table's.

Places are only ever added: a place in the record that the table does not have is kept and
reported as "not in the table", for a person to judge (a sample table, a hamlet the table
files under its village, or a real mistake). When places are added the list becomes the
sorted union of both; when nothing is added the file is not touched, whatever the order of
its list, so running the command twice changes nothing the second time. Names are compared
as Q007 compares them (`postcodes.same_name`). Every file is verified and all are written as
one change, like `address fill`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ruamel.yaml.comments import CommentedSeq

from . import roundtrip
from ..load import atomic
from .address_fill import TableChange, begin, display_name, load_for_edit, selected_files
from .base import verify
from ..load.document import load_document
from ..load.model import Record
from ..domain.postcodes import fold, same_name
from ..load.repo import Repository

MUNICIPALITY = "municipality"
PLACES_AFTER = ("region", "province", "identifiers", "parent", "kind", "short_name", "name")
"""Where a new `places` key goes: after the first of these the record has (schema order)."""


@dataclass(frozen=True)
class PlaceChange:
    """What the table says of one municipality's places."""

    path: str
    organisation: str
    name: str
    code: str
    added: list[str]
    not_in_table: list[str]
    code_unknown: bool  # the table has no place under this code at all


@dataclass
class Outcome(TableChange):
    municipalities: list[PlaceChange] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {**super().as_dict(), "municipalities": [asdict(m) for m in self.municipalities]}


@atomic.serialised()
def sync_places(repo: Repository, *, dry_run: bool = False) -> Outcome:
    """Add the table's place names to every municipality's `places`, as one change.

    Raises UsageError (exit 2) without a table, address_fill.Refused or atomic.AtomicError
    (exit 1) when the files cannot be written; nothing has changed then.
    """
    schemas, config, table, start = begin(repo, dry_run)
    outcome = Outcome(**start)
    by_code = table.places()
    for file in selected_files(repo, None, ("organisations",)):
        try:
            document = load_document(file.path, (repo.root / file.path).read_bytes())
        except OSError:
            continue  # unreadable: `crmtool check` reports it
        if not document.loaded or not isinstance(document.data, dict):
            continue
        record = Record(file.folder, file.id, file.path, document.data)
        identifiers = record.get("identifiers")
        code = identifiers.get("cbs") if isinstance(identifiers, dict) else None
        places = record.get("places", [])
        if record.get("kind") != MUNICIPALITY or not isinstance(code, str) or not isinstance(places, list):
            continue  # not a municipality with a code, or places that are no list (S001 reports those)
        change = _compare(record, code, by_code.get(code, set()))
        outcome.municipalities.append(change)
        if change.added:
            outcome.texts[file.path] = _edited(repo, schemas, config, record, change.added)
    outcome.write(repo)
    return outcome


def _compare(record: Record, code: str, known: set[str]) -> PlaceChange:
    current = [p for p in record.get("places", []) if isinstance(p, str)]
    added = sorted((p for p in known if not any(same_name(c, p) for c in current)), key=_order)
    missing = [c for c in current if not any(same_name(c, p) for p in known)]
    return PlaceChange(record.path, record.id, display_name(record), code, added, missing, not known)


def _order(place: str) -> tuple[str, str]:
    """Sorted as a reader expects: "De Meern" by d, "'s-Gravenhage" by s, case and accents
    ignored (the name itself breaks ties)."""
    return fold(place), place


def _edited(repo: Repository, schemas, config: dict, record: Record, added: list[str]) -> str:
    document, text = load_for_edit(repo, record)
    current = document.data.get("places")
    union = sorted([p for p in (current or []) if isinstance(p, str)] + added, key=_order)
    union += [p for p in (current or []) if not isinstance(p, str)]  # S001's to report; never dropped
    if isinstance(current, CommentedSeq):
        current[:] = union  # the same list: flow or block style, and the comment after it, stay
    else:
        places = CommentedSeq(union)
        places.fa.set_flow_style()
        after = next((key for key in PLACES_AFTER if key in document.data), None)
        if after is None:
            document.data.insert(0, "places", places)
        else:
            roundtrip.set_after(document.data, "places", places, after)
    new_text = roundtrip.dump(document)
    verify(repo, schemas, config, record.path, text, new_text)
    return new_text
