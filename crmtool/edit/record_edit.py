"""What the everyday edits (`stage`, `note`, `tag`) share: finding the record a colleague
names, loading it for a round-trip edit, putting a new key where the schema puts it,
removing a key without losing the comment lines around it, and finishing the new text.

A colleague names a record by its id (`p-7k2m9q`, `rq-2026-042`) or by its path; the folder
follows from the id, and an id that two folders hold is a usage error that asks for the
path, never a guess. The edit itself goes through `roundtrip.py`, so comments and layout of
the untouched parts stay; a key the file lacks goes where `crmtool fmt` would put it (the
schema's order), and when the file was already as fmt lays it out, the new text is too: a
pull request shows the changed lines and nothing else, and `fmt --check` stays green. The
result passes `verify` (no error the file did not have) before anything is written.

ruamel.yaml keeps a comment line with the value above it, not with the key below it; adding
or removing a key moves those lines along with the key that was there, so `place` and
`remove` hand them on to the line they describe. The core returns values and never prints.
"""
from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path
from typing import Any, Sequence

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from . import roundtrip
from .base import Refused, verify
from ..i18n import _
from ..load.repo import FOLDERS, ID_PATTERN, Listing, RecordFile, Repository, UsageError
from ..load.scalars import plain_ok
from ..load.schema import SchemaSet

_EOL = "\n"


def folders_with(schemas: SchemaSet, key: str) -> list[str]:
    """The record folders whose schema has `key` at the top (`notes`, `tags`): what the
    schemas allow is what the commands offer, so a repository's own schema decides."""
    return [folder for folder, record_type in FOLDERS.items()
            if key in schema_order(schemas, record_type)]


def schema_order(schemas: SchemaSet, record_type: str, pointer: tuple = ()) -> list[str]:
    """The properties the schema lists for the mapping at `pointer`, in its order (fmt's)."""
    keys: list[str] = []
    if schemas.has(record_type):
        for schema in schemas.subschemas_at(record_type, pointer):
            keys += [k for k in schema.get("properties", {}) if k not in keys]
    return keys


def locate(repo: Repository, listing: Listing, given: str, folders: Sequence[str], command: str,
           what: str = "RECORD") -> RecordFile:
    """The record `given` names (an id or a path) among `folders`; UsageError (exit 2) when
    there is none, when it is of a type `command` does not edit, or when the id is ambiguous."""
    kinds = ", ".join(folders)
    if "/" in given or given.endswith(".yaml"):
        rel = _relative(repo, given)
        found = listing.at(rel) if rel else None
        if found is None:
            raise UsageError(_("{what}: there is no record file at {path}; give an id or a path under "
                               "records/.").format(what=what, path=given))
        if found.folder not in folders:
            raise UsageError(_("{what}: {path} is not a record `crmtool {command}` changes; it changes records "
                               "in: {folders}.").format(what=what, path=found.path, command=command, folders=kinds))
        return found
    found_in = [file for folder in folders if given in listing.ids.get(folder, ())
                for file in [listing.file(folder, given)] if file]
    if len(found_in) == 1:
        return found_in[0]
    if len(found_in) > 1:
        raise UsageError(_("{what}: '{id}' is the id of more than one record ({paths}); give the path of the "
                           "one you mean instead.").format(what=what, id=given,
                                                           paths=", ".join(f.path for f in found_in)))
    message = _("{what}: there is no '{id}' in records/ ({folders}).").format(what=what, id=given, folders=kinds)
    known = sorted({rid for folder in folders for rid in listing.ids.get(folder, ())})
    close = difflib.get_close_matches(given, known, n=3)
    if close:
        message += " " + _("Did you mean {ids}?").format(ids=", ".join(close))
    raise UsageError(message)


def _relative(repo: Repository, given: str) -> str | None:
    """A path as the repository names it: relative to the working folder when it exists
    there, else relative to the root. None for a path outside the repository."""
    path = Path(given)
    if not path.is_absolute():
        path = Path.cwd() / path if (Path.cwd() / path).exists() else repo.root / path
    try:
        return path.resolve().relative_to(repo.root.resolve()).as_posix()
    except ValueError:
        return None


def known_staff(listing: Listing, staff: str | None, option: str) -> None:
    """A staff id given on the command line must exist (exit 2, with the nearest ones)."""
    if staff is None or staff in listing.ids["staff"]:
        return
    message = _("{what}: there is no '{id}' in records/{folder}/.").format(what=option, id=staff, folder="staff")
    close = difflib.get_close_matches(staff, sorted(listing.ids["staff"]), n=3)
    if close:
        message += " " + _("Did you mean {ids}?").format(ids=", ".join(close))
    raise UsageError(message)


def slug(value: str, what: str) -> str:
    """A value that must be an id-like slug (a tag, a legal ground): UsageError otherwise."""
    if ID_PATTERN.match(value):
        return value
    raise UsageError(_("{what}: '{value}' is not valid here: use lower-case letters, digits and single hyphens, "
                       "such as {example}.").format(what=what, value=value, example="art-17-3-b"
                                                    if what == "--ground" else "energy-transition"))


def load(repo: Repository, path: str) -> tuple[roundtrip.Document, CommentedMap, str]:
    """The record at `path` loaded for editing, its mapping and its text; Refused (exit 1)
    for a file that cannot be edited."""
    try:
        document, old = roundtrip.load(repo.root / path)
    except roundtrip.RoundTripError as error:
        raise Refused(_("{error}; the file cannot be edited, so nothing was changed. Run `crmtool check {path}` "
                        "to see why.").format(error=str(error).replace(str(repo.root) + "/", ""),
                                              path=path)) from error
    if not isinstance(document.data, CommentedMap):
        raise Refused(_("{path} does not hold a mapping; nothing was changed.").format(path=path))
    return document, document.data, old


def text(value: str) -> str:
    """A string as fmt writes it: plain where every YAML reader takes it as that text, else
    in double quotes."""
    return value if plain_ok(value) else DoubleQuotedScalarString(value)


def day(value: dt.date) -> dt.date:
    """A date of its own: ruamel writes one object met twice as an anchor and an alias,
    which the check refuses (Y003), so every date written is a separate object."""
    return dt.date.fromordinal(value.toordinal())


def entry(values: dict[str, Any], like: CommentedSeq | None) -> CommentedMap:
    """A new list item (a history step, a note) in the style of the items already there: a
    flow map, as staff write them, unless the last item is a block mapping."""
    item = CommentedMap()
    for key, value in values.items():
        if value is not None:
            item[key] = text(value) if isinstance(value, str) else day(value) if isinstance(value, dt.date) else value
    previous = like[-1] if like is not None and len(like) else None
    if not isinstance(previous, CommentedMap) or previous.fa.flow_style():
        item.fa.set_flow_style()
    return item


def append(mapping: CommentedMap, key: str, item: Any, order: list[str]) -> None:
    """Append `item` to the list at `key`, making a block list when there is none."""
    found = mapping.get(key)
    if isinstance(found, CommentedSeq):
        if len(found) and not found.fa.flow_style():
            lines = _take_after(mapping, key)  # the comment lines below the list
            found.append(item)
            if lines:
                _give_lines(*_slot(found, len(found) - 1), lines)
        else:
            found.append(item)
        return
    place(mapping, key, CommentedSeq([item]), order)


def place(mapping: CommentedMap, key: str, value: Any, order: list[str]) -> None:
    """Set `key`; a new key goes after the last key present that the schema lists before it
    (first when there is none), and the comment lines that stood above the next key stay
    above it."""
    if key in mapping:
        mapping[key] = value
        return
    rank = {name: index for index, name in enumerate(order)}
    before = [name for name in mapping if name in rank and key in rank and rank[name] < rank[key]]
    if not before:
        mapping.insert(0, key, value)
        return
    anchor = before[-1]
    lines = _take_after(mapping, anchor)
    mapping.insert(list(mapping).index(anchor) + 1, key, value)
    if lines:
        _give_lines(*_slot(mapping, key), lines)


def remove(mapping: CommentedMap, key: str) -> None:
    """Remove `key` and its end-of-line comment; the whole comment lines below it (about the
    next key) stay where they were, after the key before it."""
    if key not in mapping:
        return
    keys = list(mapping)
    lines = _take_after(mapping, key)
    del mapping[key]
    mapping.ca.items.pop(key, None)
    position = keys.index(key)
    if not lines:
        return
    if position > 0:
        _give_lines(*_slot(mapping, keys[position - 1]), lines)
    else:  # the first key: the lines join the comments that open the file
        start = mapping.ca.comment
        token = CommentToken(lines, CommentMark(0), None)
        if start is None:
            mapping.ca.comment = [None, [token]]
        else:
            while len(start) < 2:
                start.append(None)
            start[1] = [*(start[1] or []), token]


def _slot(container: CommentedMap | CommentedSeq, key: Any) -> tuple[CommentedMap | CommentedSeq, Any, int]:
    """Where comment lines after `container[key]`'s value can be kept: with the last item of
    a block list or mapping, else with the key (index 2 of a mapping's slot, 0 of a list's)."""
    value = container[key]
    if _block(value):
        return _slot(value, list(value)[-1] if isinstance(value, CommentedMap) else len(value) - 1)
    return container, key, 2 if isinstance(container, CommentedMap) else 0


def _block(value: Any) -> bool:
    return isinstance(value, (CommentedMap, CommentedSeq)) and bool(len(value)) and not value.fa.flow_style()


def _take_after(container: CommentedMap | CommentedSeq, key: Any) -> str:
    """Detach and return the whole comment lines that follow `container[key]`'s value (its
    own end-of-line comment stays). ruamel keeps them with the last item of a block value,
    or at the end of a block list whose last item is a flow map."""
    value = container[key]
    if _block(value):
        lines = _take_after(value, list(value)[-1] if isinstance(value, CommentedMap) else len(value) - 1)
        end = value.ca.end or []
        lines += "".join(" " * (token.column or 0) + token.value.lstrip(" ") for token in end
                         if isinstance(token, CommentToken))
        value.ca.end = []
        return lines
    return _take_lines(container, key, 2 if isinstance(container, CommentedMap) else 0)


def _take_lines(container: CommentedMap | CommentedSeq, key: Any, index: int) -> str:
    """Detach the whole comment lines kept with one key or item (its own end-of-line comment
    stays)."""
    slot = container.ca.items.get(key)
    token = slot[index] if slot and len(slot) > index else None
    if not isinstance(token, CommentToken) or _EOL not in token.value:
        return ""
    own, rest = token.value.split(_EOL, 1)
    if not rest:
        return ""
    if own:
        token.value = own + _EOL
    else:
        slot[index] = None
    return rest


def _give_lines(container: CommentedMap | CommentedSeq, key: Any, index: int, lines: str) -> None:
    """Attach whole comment lines after a value."""
    slot = container.ca.items.setdefault(key, [None, None, None, None])
    while len(slot) <= index:
        slot.append(None)
    token = slot[index]
    if isinstance(token, CommentToken):
        token.value = (token.value if token.value.endswith(_EOL) else token.value + _EOL) + lines
    else:
        slot[index] = CommentToken(_EOL + lines, CommentMark(0), None)


def finish(repo: Repository, schemas: SchemaSet, config: dict, path: str, record_type: str,
           document: roundtrip.Document, old: str) -> str:
    """The edited text, checked: laid out as `crmtool fmt` lays it out when the file already
    was (so fmt --check stays green and nothing else moves), else only the edit itself; an
    edit that would add an error is refused (`verify`)."""
    from .fmt import Refused as NotFormatted
    from .fmt import canonical, schema_ref
    new = roundtrip.dump(document)
    try:
        reference = schema_ref(repo, path, record_type)
        if canonical(old, path, record_type, schemas, reference) == old:
            new = canonical(new, path, record_type, schemas, reference)
    except NotFormatted:
        pass  # a file fmt leaves alone: the round-trip edit as it is
    verify(repo, schemas, config, path, old, new)
    return new
