"""`crmtool note`: a dated note on a person, an organisation, a request (or any record whose
schema has `notes`), without writing YAML.

What a colleague learned on the phone belongs next to the record, with the day and who wrote
it; hand-editing a flow map into `notes:` is where staff give up and keep notes in their
mailbox instead. The note is appended as `{date, by, text}` (the shape of `note` in
schemas/defs.schema.json), in the style of the notes already there, through the shared
round-trip edit (`record_edit.py`) and `load/atomic.py`.

Refused, with nothing changed (exit 1): a person none of whose purposes allows notes (the
check's P004 would turn red: data minimisation), and a file that cannot be edited. Usage
errors (exit 2): empty text, an unknown record or colleague, an id two folders hold. The
core returns values and never prints.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from ruamel.yaml.comments import CommentedSeq

from . import record_edit
from ..load import atomic, read_records
from .assign import staff_of_git_user
from .base import Refused, settings
from ..domain.policy import PERSON_FIELD_CATEGORY, allowed_categories, current_labels, labels
from ..i18n import _
from ..load.model import Model, Record
from ..load.repo import FOLDERS, Listing, RecordFile, Repository, UsageError


@dataclass
class Noted:
    record: str
    path: str
    day: dt.date
    by: str | None
    text: str
    dry_run: bool
    new_text: str = field(default="", repr=False)
    recovered: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("new_text")
        data["day"] = self.day.isoformat()
        return data


@atomic.serialised()
def note(repo: Repository, record: str, text: str, day: dt.date, *, by: str | None = None,
         dry_run: bool = False) -> Noted:
    """Append a note with `text` to `record` (an id or a path) on `day`. UsageError (exit 2)
    for empty text and unknown ids, Refused (exit 1) when it cannot be done; in both cases
    nothing changes."""
    recovered = [] if dry_run else atomic.recover(repo.root)
    schemas, config = settings(repo)
    if not text.strip():
        raise UsageError(_("TEXT: the note is empty; write what you want to keep, in quotes."))
    listing = Listing(repo.root)
    target = record_edit.locate(repo, listing, record, record_edit.folders_with(schemas, "notes"), "note")
    model = load_around(repo, listing, target, config)
    record_edit.known_staff(listing, by, "--by")
    by = by if by is not None else staff_of_git_user(repo, model)
    allowed(model, target, "notes", day)
    document, data, old = record_edit.load(repo, target.path)
    order = record_edit.schema_order(schemas, target.type)
    notes = data.get("notes")
    item = record_edit.entry({"date": day, "by": by, "text": text.strip()},
                             notes if isinstance(notes, CommentedSeq) else None)
    record_edit.append(data, "notes", item, order)
    done = Noted(target.id, target.path, day, by, text.strip(), dry_run, recovered=recovered)
    done.new_text = record_edit.finish(repo, schemas, config, target.path, target.type, document, old)
    if not dry_run:
        atomic.write_files(repo.root, {repo.root / target.path: done.new_text})
    return done


def load_around(repo: Repository, listing: Listing, target: RecordFile, config: dict) -> Model:
    """The model a note or tag needs: the record itself, the staff (who writes), and for a
    person the purposes (what their labels allow)."""
    model = Model(config=config)
    files = [file for folder in ("staff", "purposes", "vocabularies") for rid in sorted(listing.ids[folder])
             for file in [listing.file(folder, rid)] if file] + [target]
    for file, entry in zip(files, read_records(repo.root, files)):
        if entry.loaded and isinstance(entry.data, dict):
            model.add(Record(file.folder, file.id, file.path, entry.data))
    if model.get(target.folder, target.id) is None:
        raise Refused(_("{path} cannot be read as a record; run `crmtool check {path}` to see why.").format(
            path=target.path))
    return model


def allowed(model: Model, target: RecordFile, key: str, day: dt.date) -> None:
    """Refuse a note or tag on a person whose purposes do not allow that category of data
    (P004: data minimisation). Judged only when the person holds a label today and every
    purpose is known; any label (also an ended one) that allows it is enough, so this never
    refuses what the check would accept."""
    if FOLDERS.get(target.folder) != "person":
        return
    person = model.get(target.folder, target.id)
    category = PERSON_FIELD_CATEGORY.get(key)
    if person is None or category is None or not current_labels(person, day):
        return
    every = labels(person)
    if any(model.get("purposes", label.purpose) is None for label in every):
        return
    if category in allowed_categories(model, every):
        return
    purposes = ", ".join(dict.fromkeys(label.purpose for label in every))
    raise Refused(_("{path}: none of this person's purposes ({purposes}) allows {category}, so they are not "
                    "kept (data minimisation, P004). Add '{category}' to a purpose's data_categories in "
                    "records/purposes/ if it is needed there; nothing was changed.").format(
                        path=target.path, purposes=purposes, category=category))
