"""The records the index holds, as a Model: for a long-running reader of a fresh index.

The workspace (`crmtool serve`) answers most pages from the index's tables, but the review
and the charts that follow it run over a Model, as `crmtool review` does. Loading that model
from the files means looking at every file once more and parsing or decoding each; the index
has just looked at them and holds every record's data as loaded (`records.data`, the same
JSON the check cache keeps). So the model is taken from there, and after a refresh that read
a few files it follows the index for those files only (`follow`) instead of being loaded again.

The model agrees with the index, not with the order of a walk: where two files claim one id
(an error the check reports, S006), the record is the one the index answers with (its first
path), so the review and the cards of one page never speak of two different records.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Iterable

from ..load.cache import decoded_together
from ..load.model import Model, Record
from ..load.pool import without_gc
from ..load.repo import record_of

_DECODER = json.JSONDecoder()
BATCH = 1000
_ROWS = "SELECT folder, id, path, data, indexed FROM records"


def model_of(db: sqlite3.Connection, config: dict, today: dt.date) -> Model:
    """Every record in the index, as `load_model` gives them (existence from the file
    listing, data for the files that loaded). Rows are decoded a thousand at a time, as the
    check cache's are (`cache.decoded_together`: one copy of each key, short texts shared)."""
    model = Model(config=config, today=today)
    rows = db.execute(_ROWS)
    with without_gc():  # tens of thousands of new dicts, none in a cycle
        while batch := rows.fetchmany(BATCH):
            values = decoded_together([row[3] for row in batch if row[4] and row[3] is not None])
            if values is None:
                for row in batch:
                    _take(model, *row)
                continue
            taken = iter(values)
            for folder, rid, path, data, indexed in batch:
                _take(model, folder, rid, path, None, indexed, next(taken) if indexed and data is not None else None)
    return model


def people_model(db: sqlite3.Connection, ids: list[str], config: dict, today: dt.date) -> Model:
    """A model holding the purposes and the people `ids` only: what a download of a list of
    people needs (`exchange.exporting.select`), without the rest of the records."""
    model = Model(config=config, today=today)
    for row in db.execute(_ROWS + " WHERE folder = 'purposes' OR (folder = 'people' AND id IN "
                          "(SELECT value FROM json_each(?)))", (json.dumps(ids),)):
        _take(model, *row)
    return model


def follow(model: Model, db: sqlite3.Connection | None, paths: Iterable[str], today: dt.date | None = None) -> Model:
    """A new model: `model` with the records of `paths` (relative to the root: changed,
    added or removed files) as the index holds them now, and `today` when given. The old
    model is left as it was, for a page that is still reading it; what was worked out from
    it (`Model._derived`) is not carried over."""
    touched: set[tuple[str, str]] = set()
    for path in paths:
        folder, rid = record_of(path)
        if folder is not None:
            touched.add((folder, rid))
    new = Model(config=model.config, today=today or model.today)
    new.records = {folder: dict(records) for folder, records in model.records.items()}
    new.ids = {folder: set(ids) for folder, ids in model.ids.items()}
    for folder, rid in touched:
        assert db is not None, "changed paths are read from the index"
        new.records[folder].pop(rid, None)
        new.ids[folder].discard(rid)
        for row in db.execute(_ROWS + " WHERE folder = ? AND id = ?", (folder, rid)):
            _take(new, *row)
    return new


def with_today(model: Model, today: dt.date) -> Model:
    """The same records seen on another day (the day turned while the server ran)."""
    return follow(model, None, (), today)


def _take(model: Model, folder: str, rid: str, path: str, data: str | None, indexed: int,
          decoded: object = None) -> None:
    """One row into `model`: its data as stored (`data`) or as already `decoded`."""
    if folder not in model.ids:
        return  # a folder this crmtool does not know (an index of another version is rebuilt anyway)
    model.ids[folder].add(rid)
    if indexed and data is not None:
        decoded, _end = _DECODER.raw_decode(data)  # what json.loads does, less its checks of the ends
    if isinstance(decoded, dict):
        model.add(Record(folder, rid, path, decoded))

