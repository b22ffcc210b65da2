"""`crmtool tag`: add tags to a record, or remove them, without writing YAML.

Tags are how a small organisation finds its partners, volunteers and press contacts again;
a misspelt tag (`vrijwillger`) quietly drops someone from every list made with the right
one. So when the repository keeps a `tags` vocabulary (records/vocabularies/tags.yaml), a
tag that is not in it is refused with the nearest known ones, and nothing is written. Any
record type whose schema has `tags` can be tagged.

The file's own order is kept and new tags are appended; adding a tag that is already there,
or removing one that is not, is not an error: the result lists it as `unchanged`. When the
last tag goes, the `tags` key goes with it. Written through the shared round-trip edit
(`record_edit.py`) and `load/atomic.py`; the core returns values and never prints.
"""
from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import asdict, dataclass, field

from ruamel.yaml.comments import CommentedSeq

from . import record_edit
from ..load import atomic
from .base import Refused, settings
from .note import allowed, load_around
from ..domain.texts import localised
from ..i18n import _
from ..load.repo import Listing, Repository, UsageError

VOCABULARY = "tags"


@dataclass
class Tagged:
    record: str
    path: str
    remove: bool
    changed: list[str]     # added (or removed)
    unchanged: list[str]   # already there (or not there to remove)
    tags: list[str]        # the record's tags afterwards
    dry_run: bool
    new_text: str = field(default="", repr=False)
    recovered: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("new_text")
        return data


@atomic.serialised()
def tag(repo: Repository, record: str, tags: list[str], day: dt.date, *, remove: bool = False,
        dry_run: bool = False) -> Tagged:
    """Add `tags` to `record` (an id or a path), or remove them. UsageError (exit 2) for no
    tags, an unknown record, or a malformed tag where no vocabulary judges it; Refused (exit 1) for a tag the vocabulary
    does not know, or a person whose purposes do not allow tags. Nothing changes then, and
    nothing is written when no tag changes. `day` is today: whose purpose labels hold."""
    recovered = [] if dry_run else atomic.recover(repo.root)
    schemas, config = settings(repo)
    wanted = list(dict.fromkeys(t.strip() for t in tags if t.strip()))
    if not wanted:
        raise UsageError(_("TAG: name at least one tag."))
    listing = Listing(repo.root)
    target = record_edit.locate(repo, listing, record, record_edit.folders_with(schemas, "tags"), "tag")
    model = load_around(repo, listing, target, config)
    vocabulary = model.vocabulary(VOCABULARY)
    if vocabulary is not None and not remove:
        unknown = [name for name in wanted if name not in vocabulary]
        if unknown:
            raise Refused(_unknown(target.path, unknown, vocabulary, model.language))
    if not remove:
        for name in wanted:
            record_edit.slug(name, "TAG")
    document, data, old = record_edit.load(repo, target.path)
    present = data.get("tags")
    if present is not None and not isinstance(present, CommentedSeq):
        raise Refused(_("{path}: `tags` is not a list; correct it by hand first (crmtool check {path} says "
                        "how). Nothing was changed.").format(path=target.path))
    current = [str(t) for t in present] if present is not None else []
    changed = [t for t in wanted if (t in current) == remove]
    unchanged = [t for t in wanted if t not in changed]
    done = Tagged(target.id, target.path, remove, changed, unchanged, current, dry_run, recovered=recovered)
    if not changed:
        done.new_text = old
        return done
    if not remove:
        allowed(model, target, "tags", day)
    if remove:
        for name in changed:
            assert present is not None  # a tag to remove is present
            del present[current.index(name)]
            current.remove(name)
        if not present:
            record_edit.remove(data, "tags")
    elif present is not None:
        present.extend(changed)
        current += changed
    else:
        seq = CommentedSeq(changed)
        seq.fa.set_flow_style()
        record_edit.place(data, "tags", seq, record_edit.schema_order(schemas, target.type))
        current = list(changed)
    done.tags = current
    done.new_text = record_edit.finish(repo, schemas, config, target.path, target.type, document, old)
    if not dry_run:
        atomic.write_files(repo.root, {repo.root / target.path: done.new_text})
    return done


def _unknown(path: str, unknown: list[str], vocabulary: dict[str, dict], language: str) -> str:
    """Which tags records/vocabularies/tags.yaml does not know, each with the nearest known
    ones (by id and by label)."""
    names: dict[str, str] = {}
    for tag_id, value in vocabulary.items():
        label = localised(value.get("label"), language) if isinstance(value, dict) else None
        if label:
            names.setdefault(label.casefold(), tag_id)
        names[tag_id] = tag_id
    parts = []
    for name in unknown:
        close = list(dict.fromkeys(names[m] for m in difflib.get_close_matches(name.casefold(), list(names), n=5)))
        parts.append(_("'{tag}' (did you mean {close}?)").format(tag=name, close=", ".join(close[:3]))
                     if close else f"'{name}'")
    return _("{path}: {tags} not in the tags vocabulary (records/vocabularies/tags.yaml); nothing was changed. "
             "Use a known tag, or add the new one to that file first.").format(path=path, tags=", ".join(parts))
