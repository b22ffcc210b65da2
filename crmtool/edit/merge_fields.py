"""Combining the fields of two records of one person (or one organisation) into the kept one.

Two records of one person hold two halves of what is known: the work address on one, the
private one on the other; a consent given on one, withdrawn on the other. Merging must lose
none of it, and must never decide silently between two different values of one fact:

- a list is a set of facts, so both lists are united, without an entry twice. What counts as
  "the same entry" is what a person would say: an email address whatever its case, a phone
  number whatever its notation (compared as a number, as Q005 does), a purpose label by its
  purpose and start, a consent by its purpose and the day it was given. When the two records
  hold the same entry with different details (the work address marked `private` on one), the
  kept record's details win and the difference is a conflict; details only the duplicate has
  (a consent's `withdrawn` date) are added, because dropping a withdrawal would turn a
  withdrawn consent into a given one;
- a single value (an owner, a status, a name) is one fact: the kept record's value stays, the
  duplicate's fills a gap, and two different values are a conflict, shown to the user and
  taken from the duplicate only when asked (`--prefer duplicate`, `--take FIELD`);
- a map of independent values (custom `fields`, an organisation's `identifiers`) is merged
  key by key in the same way; a conflict is named `fields.KEY`. A name is one value, never
  a mix of two people's given and family names.

The records are edited as ruamel round-trip data (`roundtrip.py`), so the kept record's
comments and layout survive; nothing here reads or writes files.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from . import roundtrip

WHOLE = frozenset({"name"})
"""Maps compared as one value: a name's parts belong together."""

NOT_MERGED = frozenset({"aliases"})
"""Handled by the merge itself (`merge.py`): the kept record absorbs the duplicate's ids."""

KEEP, DUPLICATE = "keep", "duplicate"

IDENTIFYING = {"emails": ("address",), "phones": ("number",), "purposes": ("purpose", "since"),
               "consents": ("purpose", "given")}
"""The details that make two entries of a list one entry (see `same_entry`): written in two
notations ("06 12345678", "+31 6 12345678") they are still the same, not a conflict."""


@dataclass
class Conflict:
    """One fact the two records hold differently, and whose value the merged record has."""

    field: str
    kept: Any
    duplicate: Any
    taken: str  # KEEP or DUPLICATE

    def as_dict(self) -> dict:
        return {"field": self.field, "kept": plain(self.kept), "duplicate": plain(self.duplicate),
                "taken": self.taken}


@dataclass
class Combination:
    """What the duplicate added to the kept record, and where the two disagreed."""

    added: dict[str, list[Any]] = field(default_factory=dict)  # field → the values taken over
    conflicts: list[Conflict] = field(default_factory=list)


DEPENDENT = {"inactive_since": ("status", "inactive")}
"""Fields that only mean something when another field has a value: taken over from the
duplicate only if the merged record has it (an active person has no `inactive_since`)."""


def combine(kept: Any, duplicate: Any, order: list[str], same: dict[str, Callable[[Any], Any]],
            take: Callable[[str], bool], defaults: dict[str, Any] | None = None) -> Combination:
    """Merge the ruamel mapping `duplicate` into `kept`, in place.

    `order` is the schema's order of the fields (new fields go where the schema lists them);
    `same[field]` gives, for an item of a list, what identifies it (items with equal keys
    are one entry); `take(name)` says whether a conflict on `name` takes the duplicate's
    value. `defaults` are the schema's defaults: a field the kept record leaves out has
    that value (no `status` is `active`), so a different value is a conflict, not a gap.
    """
    result = Combination()
    defaults = defaults or {}
    for key in [k for k in duplicate if k not in NOT_MERGED]:
        theirs = duplicate[key]
        if key not in kept and key in defaults:
            if plain(theirs) != defaults[key]:
                chosen = DUPLICATE if take(key) else KEEP
                result.conflicts.append(Conflict(key, defaults[key], plain(theirs), chosen))
                if chosen == DUPLICATE:
                    _insert(kept, key, theirs, order)
        elif key not in kept:
            _insert(kept, key, theirs, order)
            result.added[key] = list(theirs) if isinstance(theirs, list) else [theirs]
        elif isinstance(kept[key], list) and isinstance(theirs, list):
            _unite(kept[key], theirs, key, same.get(key, identity), take, result)
        elif isinstance(kept[key], dict) and isinstance(theirs, dict) and key not in WHOLE:
            _merge_map(kept[key], theirs, key, take, result)
        elif plain(kept[key]) != plain(theirs):
            _conflict(kept, key, theirs, key, take, result)
    for key, (governor, value) in DEPENDENT.items():
        if key in result.added and plain(kept.get(governor, defaults.get(governor))) != value:
            del kept[key]  # taken over for nothing: the merged record is not in that state
            del result.added[key]
    return result


def _unite(mine: list, theirs: list, name: str, key: Callable[[Any], Any], take, result: Combination) -> None:
    """Add the duplicate's entries that the kept list lacks; settle entries both hold."""
    index = {key(item): position for position, item in enumerate(mine)}
    for item in theirs:
        found = index.get(key(item))
        if found is None:
            index[key(item)] = len(mine)
            mine.append(item)
            result.added.setdefault(name, []).append(item)
            continue
        ours = mine[found]
        if isinstance(ours, dict) and isinstance(item, dict):
            missing = [d for d in item if d not in ours]
            for detail in missing:
                ours[detail] = item[detail]
            if missing:
                result.added.setdefault(name, []).append({d: item[d] for d in missing})
            differ = [d for d in item if d not in IDENTIFYING.get(name, ())
                      and _folded(plain(ours[d])) != _folded(plain(item[d]))]
            if differ:
                _conflict(mine, found, item, name, take, result)


def _merge_map(mine: dict, theirs: dict, name: str, take, result: Combination) -> None:
    for key in theirs:
        dotted = f"{name}.{key}"
        if key not in mine:
            mine[key] = theirs[key]
            result.added.setdefault(name, []).append({key: theirs[key]})
        elif plain(mine[key]) != plain(theirs[key]):
            _conflict(mine, key, theirs[key], dotted, take, result)


def _conflict(container: Any, slot: Any, theirs: Any, name: str, take, result: Combination) -> None:
    ours = container[slot]
    chosen = DUPLICATE if take(name) else KEEP
    result.conflicts.append(Conflict(name, plain(ours), plain(theirs), chosen))
    if chosen == DUPLICATE and isinstance(ours, dict) and isinstance(theirs, dict) and not isinstance(slot, str):
        # one entry of a list: the details from the duplicate, its comments and spelling kept
        ours.update({d: v for d, v in theirs.items() if d not in IDENTIFYING.get(name, ())})
    elif chosen == DUPLICATE:
        container[slot] = theirs


def _insert(mapping: Any, key: str, value: Any, order: list[str]) -> None:
    """A field the kept record lacks goes after the last field it has that the schema lists
    before it, so the merged file reads in the usual order."""
    before = order[:order.index(key)] if key in order else list(order)
    after = next((k for k in reversed(before) if k in mapping), None)
    if after is None and key in order and hasattr(mapping, "insert"):
        mapping.insert(0, key, value)
    elif after is None:
        mapping[key] = value
    else:
        roundtrip.set_after(mapping, key, value, after)


def plain(value: Any) -> Any:
    """A ruamel value as plain data (dates as ISO text): what is compared and shown."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)
    return value


def identity(item: Any) -> str:
    """An entry as a whole, ignoring case and spacing of its texts: two copies of one note,
    or one address typed twice, are one entry."""
    return json.dumps(_folded(plain(item)), sort_keys=True, ensure_ascii=False)


def _folded(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _folded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_folded(v) for v in value]
    if isinstance(value, str):
        return re.sub(r"\s+", " ", value).strip().casefold()
    return value


def keyed(*keys: str) -> Callable[[Any], Any]:
    """Entries identified by some of their fields (a purpose label by purpose and since)."""
    def key(item: Any) -> Any:
        if not isinstance(item, dict):
            return identity(item)
        return tuple(_folded(plain(item.get(k))) for k in keys)
    return key


def email_key(item: Any) -> Any:
    if isinstance(item, dict) and isinstance(item.get("address"), str):
        return ("email", item["address"].strip().casefold())
    return identity(item)


def phone_key(region: str) -> Callable[[Any], Any]:
    """Phone numbers compared as numbers (E.164), as Q005 compares them."""
    from ..domain.phones import e164

    def key(item: Any) -> Any:
        number = e164(str(item.get("number")), region) if isinstance(item, dict) and item.get("number") else None
        return ("phone", number) if number else identity(item)
    return key


def address_key(item: Any) -> Any:
    """An address without spaces in its postcode: "1315 NT" and "1315nt" are one postcode."""
    if isinstance(item, dict) and isinstance(item.get("postcode"), str):
        folded = dict(plain(item))
        folded["postcode"] = re.sub(r"\s+", "", folded["postcode"])
        return identity(folded)
    return identity(item)


def same_entry(region: str) -> dict[str, Callable[[Any], Any]]:
    """For each list field, what makes two entries one; other lists compare entries whole."""
    return {"emails": email_key, "phones": phone_key(region), "addresses": address_key,
            "purposes": keyed("purpose", "since"), "consents": keyed("purpose", "given")}
