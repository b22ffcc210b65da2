"""Q006: probable duplicate organisations.

Two records of one organisation split its roles, contacts and history: `crmtool who` then
misses people, and a contact's data is kept in two places (Art. 5(1)(d)). Two organisations
are probably the same when they share

- an identifier: the same CBS code, KvK number, OIN, VAT number or Belgian enterprise number
  (compared without spaces, dots and hyphens; a Belgian VAT number is "BE" and the enterprise
  number, so `vat: BE0207451227` on one and `kbo: "0207.451.227"` on the other match), or
- a name (a plain name, or any language of a `{nl: ..., en: ...}` name, compared with every
  name of the other), ignoring upper and lower case, accents, punctuation and extra spaces.

An organisation and its own parts (a council under its municipality, at any depth) are never
duplicates of each other: a department may carry its parent's number. Two parts with the same
name under different parents ("Griffie" under two municipalities) are different
organisations. Each pair is reported once, on the file that sorts later, at the shared value,
naming the earlier file's path; an identifier match is named before a name match.

Passing::

    # records/organisations/gemeente-almere.yaml
    name: Gemeente Almere
    identifiers: {cbs: GM0034}

Failing::

    # records/organisations/almere.yaml
    name: gemeente  Almere
    identifiers: {cbs: GM0034}
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..load.model import Record
from .base import RepoContext, Rule

RULE = Rule("Q006", "warning", N_("Probable duplicate organisations"), "repository", "Art. 5(1)(d)")

_IDENTIFIERS = {"cbs": N_("CBS code"), "kvk": N_("KvK number"), "kbo": N_("Belgian enterprise number"),
                "oin": N_("OIN"), "vat": N_("VAT number")}


def check(ctx: RepoContext) -> Iterator[Finding]:
    organisations = sorted(ctx.model.of("organisations"), key=lambda organisation: organisation.path)
    reported: set[tuple[str, str]] = set()
    for groups in (_by_identifier(organisations), _by_name(organisations)):
        for key, members in groups.items():
            for index, (later, pointer) in enumerate(members):
                for earlier, _pointer in members[:index]:
                    pair = (earlier.path, later.path)
                    if pair in reported or not _may_be_one(ctx, earlier, later, by_name=key[0] == "name"):
                        continue
                    reported.add(pair)
                    yield RULE.finding(later.path, ctx.at(later, pointer), *_explain(key, earlier, later))


def _explain(key: tuple, earlier: Record, later: Record) -> tuple[str, str]:
    merge = _("If this is one organisation, merge the two records (the first id is kept): "
              "crmtool merge {keep} {duplicate}.").format(keep=earlier.id, duplicate=later.id)
    if key[0] == "name":
        return (_("This organisation has the same name as {other}.").format(other=earlier.path),
                merge + " " + _("If they are different organisations, make their names tell them apart "
                                "(add the place), or set the parent of each."))
    return (_("This organisation has the same {identifier} as {other}.").format(
                identifier=_(_IDENTIFIERS[key[0]]), other=earlier.path),
            merge + " " + _("If they are different organisations, correct the number on the record where it is wrong."))


def _by_identifier(organisations: list[Record]) -> dict[tuple, list[tuple[Record, tuple]]]:
    groups: dict[tuple, list[tuple[Record, tuple]]] = {}
    for organisation in organisations:
        identifiers = organisation.get("identifiers")
        if not isinstance(identifiers, dict):
            continue
        for kind in _IDENTIFIERS:
            value = identifiers.get(kind)
            if isinstance(value, str) and value.strip():
                _add(groups, identifier_key(kind, value), organisation, ("identifiers", kind))
    return groups


def identifier_key(kind: str, value: str) -> tuple[str, str]:
    """What two identifiers are compared by: the kind of register and the bare number.
    A Belgian VAT number and a KBO number are the same register."""
    bare = re.sub(r"[\s./-]", "", value).upper()
    if kind == "kbo" or (kind == "vat" and bare.startswith("BE")):
        from stdnum.be import vat as be_vat

        return "kbo", be_vat.compact(bare)
    return kind, bare


def _by_name(organisations: list[Record]) -> dict[tuple, list[tuple[Record, tuple]]]:
    groups: dict[tuple, list[tuple[Record, tuple]]] = {}
    for organisation in organisations:
        name = organisation.get("name")
        if isinstance(name, str):
            texts: list[tuple[tuple, str]] = [((), name)]
        elif isinstance(name, dict):
            texts = [((language,), text) for language, text in name.items() if isinstance(text, str)]
        else:
            continue
        for where, text in texts:
            normal = normal_name(text)
            if normal:
                _add(groups, ("name", normal), organisation, ("name",) + where)
    return groups


def normal_name(text: str) -> str:
    """A name without case, accents, punctuation or extra spaces: "Stad Gent – Milieu" and
    "stad gent milieu" are one name."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.findall(r"\w+", text))


def _add(groups: dict, key: tuple, organisation: Record, pointer: tuple) -> None:
    members = groups.setdefault(key, [])
    if not any(member is organisation for member, _pointer in members):  # the first place in a file counts
        members.append((organisation, pointer))


def _may_be_one(ctx: RepoContext, one: Record, other: Record, by_name: bool) -> bool:
    """Whether the pair can be one organisation: not a part of the other, not named by the other
    as a merged alias, and (for a name match) not parts of two different parents."""
    if one.path == other.path or other.id in _ancestors(ctx, one) or one.id in _ancestors(ctx, other):
        return False
    if other.id in _aliases(one) or one.id in _aliases(other):
        return False
    if by_name:
        parents = (_parent(ctx, one), _parent(ctx, other))
        if parents[0] and parents[1] and parents[0] != parents[1]:
            return False
    return True


def _parent(ctx: RepoContext, organisation: Record) -> str | None:
    parent = organisation.get("parent")
    if not isinstance(parent, str):
        return None
    found = ctx.model.get("organisations", parent)
    return found.id if found else parent


def _ancestors(ctx: RepoContext, organisation: Record) -> set[str]:
    """The ids above an organisation (parent, its parent, ...); safe against cycles (R002's concern)."""
    seen: set[str] = set()
    current: Record | None = organisation
    while current is not None:
        parent = _parent(ctx, current)
        if parent is None or parent in seen:
            break
        seen.add(parent)
        current = ctx.model.get("organisations", parent)
    return seen


def _aliases(record: Record) -> list:
    value = record.get("aliases")
    return value if isinstance(value, list) else []
