"""The loaded repository as rules, the index and the register see it: records by folder and
id, vocabularies, configuration and "today".

Existence is decided by the file listing, not by successful loading: a person whose file has
a syntax error still exists, so roles that point to it are not reported as dangling too.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterator

from ..i18n import known
from .repo import FOLDERS


def parse_date(value: Any) -> dt.date | None:
    """An ISO date string (as the loader produces) as a date; None when absent or invalid."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class Period:
    """`start` .. `end`, both inclusive; an open end holds forever."""

    start: dt.date | None
    end: dt.date | None

    @classmethod
    def of(cls, data: dict) -> "Period":
        return cls(parse_date(data.get("start")), parse_date(data.get("end")))

    def holds_on(self, day: dt.date) -> bool:
        """Current on `day`: start <= day and (no end or day <= end)."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def overlaps(self, other: "Period") -> bool:
        latest_start = max(self.start or dt.date.min, other.start or dt.date.min)
        earliest_end = min(self.end or dt.date.max, other.end or dt.date.max)
        return latest_start <= earliest_end


@dataclass(frozen=True)
class Record:
    folder: str
    id: str
    path: str
    data: dict

    @property
    def type(self) -> str:
        return FOLDERS[self.folder]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


@dataclass
class Model:
    """Everything a repository-wide rule may read. Rules never change it."""

    records: dict[str, dict[str, Record]] = field(default_factory=lambda: {f: {} for f in FOLDERS})
    ids: dict[str, set[str]] = field(default_factory=lambda: {f: set() for f in FOLDERS})
    config: dict = field(default_factory=dict)
    today: dt.date | None = None  # the command line resolves it (cli/options.py); never the clock here
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def language(self) -> str:
        """The language the organisation's people read (`language:` in crmtool.yaml; English
        without one): the language of labels taken from the records."""
        return known(self.config.get("language"))

    def add(self, record: Record) -> None:
        self.records[record.folder][record.id] = record

    def of(self, folder: str) -> Iterator[Record]:
        return iter(self.records[folder].values())

    def get(self, folder: str, record_id: str) -> Record | None:
        return self.records[folder].get(record_id) or self.records[folder].get(
            self.aliases(folder).get(record_id, ""))

    def exists(self, folder: str, record_id: str) -> bool:
        return record_id in self.ids[folder] or record_id in self.aliases(folder)

    def aliases(self, folder: str) -> dict[str, str]:
        """Old ids kept after a merge → the id of the record that absorbed them."""
        return self._derived(("aliases", folder), lambda: {
            alias: record.id for record in self.of(folder)
            for alias in (record.get("aliases") if isinstance(record.get("aliases"), list) else [])
            if isinstance(alias, str)})

    def vocabulary(self, name: str) -> dict[str, dict] | None:
        """The values of a vocabulary by id, or None when the repository keeps no such list."""
        record = self.records["vocabularies"].get(name)
        if record is None:
            return None
        return self._derived(("vocabulary", name), lambda: {
            v["id"]: v for v in (record.get("values") if isinstance(record.get("values"), list) else [])
            if isinstance(v, dict) and isinstance(v.get("id"), str)})

    def roles_of(self, person_id: str) -> list[Record]:
        """The roles a person holds or held (by `person`)."""
        return self._by_person("roles", lambda r: [r.get("person")]).get(person_id, [])

    def interactions_of(self, person_id: str) -> list[Record]:
        """The contact moments a person took part in (by `people`)."""
        return self._by_person(
            "interactions", lambda r: r.get("people") if isinstance(r.get("people"), list) else []).get(person_id, [])

    def requests_from(self, person_id: str) -> list[Record]:
        """The requests a person made (by `from.person`)."""
        return self._by_person("requests", lambda r: [(r.get("from") or {}).get("person")]
                               if isinstance(r.get("from"), dict) else []).get(person_id, [])

    def _by_person(self, folder: str, people_of) -> dict[str, list[Record]]:
        """One pass over a folder, indexed by the person ids each record names (aliases resolved)."""
        found = self._cache.get(("by-person", folder))
        if found is not None:  # asked once per person by some rules: no closure made each time
            return found

        def index() -> dict[str, list[Record]]:
            aliases = self.aliases("people")
            result: dict[str, list[Record]] = {}
            for record in self.of(folder):
                for person in people_of(record):
                    if isinstance(person, str):
                        result.setdefault(aliases.get(person, person), []).append(record)
            return result
        return self._derived(("by-person", folder), index)

    def setting(self, name: str, default: Any) -> Any:
        """A rule parameter from `rules.settings` in crmtool.yaml, as written. Rules read it
        through their declaration (`RepoContext.setting` in rules/base.py), which takes it only
        when the config schema does, else the declared default."""
        settings = (self.config.get("rules") or {}).get("settings") or {}
        return settings.get(name, default) if isinstance(settings, dict) else default

    def _derived(self, key: tuple, compute):
        """Computed once per key: rules ask for the same vocabulary for every value they check.
        Safe because the model is complete before any rule runs, and rules never change it."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]
