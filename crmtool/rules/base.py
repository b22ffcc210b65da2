"""What every rule is made of, and the read-only contexts rules look at.

A rule is one module with a `RULE` (id, default severity, one-line summary, scope) and a
generator: `check_file(ctx: FileContext)` for rules that need one file only (scope "file":
they run while files load, in parallel, and their findings are cached), `check(ctx:
RepoContext)` for rules across records (scope "repository"). A rule that judges one record
by itself and the settings, never by today's date, has scope "record": it is written like a
repository rule, and runs on a model holding only that record, while the file loads.
The module docstring is the rule's documentation, with a passing and a failing example.

A rule that reads a parameter from `rules.settings` in crmtool.yaml declares it as a `Setting`
in its `RULE` and reads it with `ctx.setting(...)`: the default lives in the declaration, the
value is checked against the config schema once (here), and `crmtool rules` can show it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Iterator

from ..findings import Finding
from ..i18n import N_
from ..load.document import Document, Retyped, load_document
from ..load.model import Model, Record
from ..load.repo import FOLDERS, RecordFile, Stray, read_regular
from ..load.schema import Annotation, SchemaError, SchemaSet, values_at
from ..domain.phones import controller_country
from ..domain.texts import excerpt

SETTINGS_POINTER = ("rules", "settings")
"""Where the rule parameters sit in crmtool.yaml (`properties.rules.properties.settings` in
the config schema)."""


@dataclass(frozen=True, eq=False)  # eq=False: a list default would make it unhashable
class Setting:
    """A rule parameter from `rules.settings` in crmtool.yaml, declared by the rules that read it.

    The declaration is the one place of the default and of the one-line summary that
    `crmtool rules` shows (an English message id). What a valid value is stays the config
    schema's to say: S001 reports an invalid value on crmtool.yaml, and `RepoContext.setting`
    gives the rule the default instead, so no rule checks a setting's type itself.
    A default that depends on crmtool.yaml (the controller's country) is `computed` from the
    configuration, and `default_shown` says in words what it is.
    """

    name: str
    default: Any
    summary: str  # English message id
    computed: Callable[[dict], Any] | None = None
    default_shown: str = ""  # English message id; for a computed default

    def fallback(self, config: dict) -> Any:
        """The value when crmtool.yaml gives none, or one the schema refuses."""
        return self.computed(config) if self.computed is not None else self.default

    def describe_default(self, translate: Callable[[str], str]) -> str:
        """The default as staff would write it, for the rules listing (`translate`: the
        language to show it in; the identity for the English reference)."""
        if self.default_shown:
            return translate(self.default_shown)
        if isinstance(self.default, (list, tuple)):
            return ", ".join(str(item) for item in self.default) or translate(N_("none"))
        if isinstance(self.default, dict):
            return translate(N_("none")) if not self.default else ", ".join(self.default)
        return describe_value(self.default)

    def line(self, translate: Callable[[str], str], code: bool = False) -> str:
        """`name (default D): summary`, as the rules listing shows it (`code`: the name in
        backticks, for markdown)."""
        return translate(N_("{name} (default {default}): {summary}")).format(
            name=f"`{self.name}`" if code else self.name, default=self.describe_default(translate),
            summary=translate(self.summary))

    def accepts(self, schemas: SchemaSet, value: Any) -> bool:
        """Whether the config schema takes `value` for this setting: the one check of a
        setting's value. The value is validated in place in an otherwise empty crmtool.yaml,
        so its `$ref`s resolve as for S001; errors outside the setting (a required
        `controller`) do not count. Without a config schema nothing vouches for a value,
        and the default is taken."""
        if not schemas.has("config"):
            return False
        pointer = SETTINGS_POINTER + (self.name,)
        instance = {"rules": {"settings": {self.name: value}}}
        try:
            errors = schemas.errors("config", instance)
        except ValueError:  # what JSON cannot hold (a key that is not text) is no valid value
            return False
        return not any(error.pointer[:len(pointer)] == pointer for error in errors)


DEFAULT_COUNTRY = Setting(
    "default_country", None, N_("The country assumed for phone numbers and postcodes written without one"),
    computed=controller_country, default_shown=N_("the controller's country, else NL"))
"""Read by several rules (Q002, Q003, Q005, Q007), so declared here, once; import, merge and
address fill read it through `domain.phones.default_country`."""


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    summary: str  # English message id; translated where shown
    scope: str  # "file", "record" or "repository"
    article: str = ""  # what the rule serves: a GDPR article, the contract, YAML safety
    dated: bool = False  # judges a date against today: time passing alone can make it fire
    settings: tuple[Setting, ...] = ()  # what the rule reads from `rules.settings` in crmtool.yaml

    def finding(self, path: str, position: tuple[int, int], message: str, hint: str = "") -> Finding:
        return Finding(path, position[0], position[1], self.id, self.severity, message, hint)


@dataclass
class FileContext:
    """One loaded file and what its schema says of it."""

    path: str
    record_type: str  # a FOLDERS value, or "config" for crmtool.yaml
    doc: Document
    schemas: SchemaSet
    file: RecordFile | None = None

    def position(self, pointer: tuple = (), at_key: bool = False) -> tuple[int, int]:
        return self.doc.position(pointer, at_key)

    @cached_property
    def _all_schema_errors(self) -> list[SchemaError]:
        if not self.doc.loaded or not self.schemas.has(self.record_type):
            return []
        return self.schemas.errors(self.record_type, self.doc.data)

    @cached_property
    def retyped_text(self) -> dict[tuple, Retyped]:
        """Unquoted scalars read as a boolean or number where the schema wants text.

        These schema errors belong to Y005 (the cause is YAML, and the fix is quotes), so
        S001 leaves them out.
        """
        failed = {e.pointer for e in self._all_schema_errors}
        return {r.pointer: r for r in self.doc.retyped
                if not r.is_key and r.pointer in failed and r.tag in ("bool", "int", "float")
                and self.schemas.accepts_text(self.record_type, r.pointer)}

    @cached_property
    def schema_errors(self) -> list[SchemaError]:
        return [e for e in self._all_schema_errors
                if e.pointer not in self.retyped_text and e.pointer not in self.doc.aliased]


class Locator:
    """Maps a record and a JSON pointer to a line and column, for rules across records.

    Files are parsed again only when a finding needs a position, so the check does not keep
    every node tree in memory.
    """

    def __init__(self, root: Path, docs: dict[str, Document] | None = None) -> None:
        self.root = root
        self._docs: dict[str, Document] = dict(docs or {})

    def position(self, path: str, pointer: tuple = (), at_key: bool = False) -> tuple[int, int]:
        if path not in self._docs:
            try:
                raw = read_regular(self.root, path)  # never through a link (S011)
            except OSError:
                return 1, 1
            self._docs[path] = load_document(path, raw)
        return self._docs[path].position(pointer, at_key)


@dataclass
class RepoContext:
    """The whole repository, read-only, for rules across records."""

    model: Model
    schemas: SchemaSet
    locator: Locator
    files: list[RecordFile] = field(default_factory=list)
    strays: list[Stray] = field(default_factory=list)
    base: str | None = None  # with --changed-since: the revision the change is measured from

    def annotations(self, folder: str, keyword: str) -> list[Annotation]:
        """The `x-ref` or `x-vocabulary` annotations of the schema for `folder`'s records."""
        return [a for a in self.schemas.annotations(FOLDERS[folder]) if a.keyword == keyword]

    def annotated_values(self, keyword: str) -> Iterator[tuple[Record, Annotation, tuple, Any]]:
        """Every value in every record that its schema annotates with `keyword`, with the
        annotation and the value's pointer: what reference and vocabulary rules walk."""
        for folder, records in self.model.records.items():
            if not records:
                continue
            annotations = self.annotations(folder, keyword)
            for record in records.values():
                for annotation in annotations:
                    for pointer, value in values_at(record.data, annotation.path):
                        yield record, annotation, pointer, value

    def formatted_texts(self, object_format: str, key: str, text_format: str) -> Iterator[tuple[Record, tuple, Any]]:
        """The values marked `x-format`: the `key` of each object marked `object_format` (an
        email object's `address`) and each plain value marked `text_format`, with pointers.
        What the data-quality rules check; values that are not text are S001's."""
        for record, annotation, pointer, value in self.annotated_values("x-format"):
            if annotation.value == object_format and isinstance(value, dict):
                yield record, pointer + (key,), value.get(key)
            elif annotation.value == text_format:
                yield record, pointer, value

    def setting(self, setting: Setting) -> Any:
        """The value of a declared setting: crmtool.yaml's when the config schema accepts it,
        else the default (an invalid value is S001's finding on crmtool.yaml)."""
        value = self.model.setting(setting.name, _ABSENT)
        if value is _ABSENT or not setting.accepts(self.schemas, value):
            return setting.fallback(self.model.config)
        return value

    @property
    def today(self) -> dt.date:
        today = self.model.today
        assert today is not None, ("the model of a repository-wide check carries its day; "
                                   "rules of scope \"record\" never ask for it")
        return today

    def at(self, record: Record, pointer: tuple = (), at_key: bool = False) -> tuple[int, int]:
        return self.locator.position(record.path, pointer, at_key)


_ABSENT = object()


def describe_value(value: Any) -> str:
    """A value as staff would write it, for messages."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    return excerpt(value)
