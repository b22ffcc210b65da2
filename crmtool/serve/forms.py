"""Forms generated from the JSON Schemas, and a submitted form back into a record's text.

The schemas stay the one source of truth (issue 18): a form is read from the record type's
schema (`$ref` into defs.schema.json followed, `allOf` merged, `anyOf`/`oneOf` as the schemas
use them) with the labels and help of its `title` and `description` in the page's language
(the catalogue has both; a repository's own text shows as written), and the values of the
record. No second description of the fields exists anywhere. This module only turns values
into values; the routes, the CSRF token and the commit are the application's
(`templates/workspace/_form.html` renders a `Form`).

- `form_of`: a tree of `Field`s for a record type and its data;
- `data_from_form` (and `read_form`, which also gives the form as submitted, to show again
  with the check's findings): the submitted pairs applied to the original data, typed back as
  the loader gives them (dates as ISO strings, booleans, numbers), empty optional fields
  removed, removed group items dropped, and everything the form did not show kept as it was;
- `text_for`: the new data as the file's new text, edited in ruamel's round trip from the old
  text (comments and layout of untouched parts survive, comment lines of a removed key or item
  go to what they described), then laid out by `crmtool fmt`'s `canonical`; a new record is
  scaffolded as `crmtool new` writes one (the `$schema` line first, the folder's dash position);
- `field_errors`: the findings of `check_text` on the new text placed at the fields whose value
  span holds them (the loader's positioned nodes), the rest under "" (the top of the form).

Decisions (the brief left them open):

- A field whose current value its input cannot show is shown as plain text instead: a date
  that is no valid ISO date, a number that is no number (an `<input type=date>` or
  `type=number` would show it empty, and a save would lose it). A select always offers the
  current value, also when the schema or vocabulary does not.
- What the browser sends back unchanged keeps the original value as it was loaded (a `null`,
  a number written as text, a name shown as "Name (id)"): an unchanged form gives the original
  data back exactly.
- A yes/no field is a select of (not set, yes, no), not a checkbox: a checkbox cannot tell an
  absent value from `false`.
- A list of single values (tags, topics, people of a contact moment) is one input per item plus
  an empty one to add; a value cleared is removed. Each input can be a select or a reference
  (a textarea of one value per line could do neither).
- A required field left empty is written empty (""), not left out, so that the check's error
  lands at that field rather than at the top of the form.
- Localised text is one input per language (nl and en, and any other language the value has);
  a plain string is shown under the repository's language and stays a plain string while only
  that language is filled in.
- A reference is a text input with a `<datalist>` of "Name (id)" choices; what comes back is
  read as the id in the brackets, a bare id, or a name that fits one record only, else kept as
  typed (R001 then says what is wrong at the field). A folder with more than
  `REFERENCE_CHOICES` records gets no datalist: such a list would stall the page.
- For a person, a field of a data category that none of the person's purposes in force allows
  (P004's judgement, `domain.policy`) is not offered while empty; a value already there is
  shown with a warning, never dropped. A person without any purpose in force is offered every
  field: the purpose is chosen in the same form (P001 asks for one).
"""
from __future__ import annotations

import copy
import difflib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import yaml
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import (DoubleQuotedScalarString, FoldedScalarString, LiteralScalarString,
                                      SingleQuotedScalarString)
from ruamel.yaml.tokens import CommentToken

from .. import i18n
from ..domain.pipeline import pipeline_of
from ..domain.policy import PERSON_FIELD_CATEGORY, carries_data, allowed_categories, labels
from ..domain.retention import labels_in_force
from ..domain.texts import full_name, localised
from ..domain.words import DATA_CATEGORIES
from ..edit import fmt, roundtrip
from ..edit.new import schema_reference as new_schema_reference
from ..edit.schema_ref import SchemaReferences
from ..findings import Finding
from ..i18n import N_
from ..load.document import load_document
from ..load.model import Model, Record, parse_date
from ..load.repo import FOLDERS, ID_PATTERN, Repository, record_of
from ..load.scalars import plain_ok, same_data
from ..load.schema import SchemaSet

REFERENCE_CHOICES = 5000
"""A folder with more records than this gets no datalist (ids and names typed still resolve)."""
LONG_TEXT = 80
"""A text longer than this (or with a line break) is edited in a textarea."""
LANGUAGES = ("nl", "en", "fr", "de")
"""The languages of localised text (`$defs/text`), in the order their inputs are shown."""
SHORT_TEXTS = frozenset({"title", "name", "label", "short_name", "service", "data_location", "method"})
"""Localised texts that are a line, not a paragraph: edited in a one-line input."""
REMOVE = "remove"
"""The last part of the name of a group item's "remove" checkbox: `roles.1.remove`."""


class FormError(Exception):
    """The original file cannot be edited through a form (it does not load as a record); the
    message says why. The check explains it in full."""


@dataclass
class Option:
    """One choice of a select or of a reference's datalist: what is submitted, what is shown,
    and the data it stands for."""

    value: str
    label: str
    data: Any = None


@dataclass
class Field:
    """One field of a form; `path` is the inputs' name (`emails.0.address`) and id base.

    `kind`: text, textarea, date, email, url, tel, number, boolean, select, reference (text
    inputs and selects); localised (one child per language), list (one child per item plus an
    empty one), group (one object child per item plus an empty one, each with a remove box),
    object (a fieldset of children); readonly (shown and kept, not edited)."""

    name: str
    path: str
    label: str
    kind: str = "text"
    help: str = ""
    required: bool = False
    value: str = ""
    options: list[Option] = field(default_factory=list)
    choices: str = ""          # reference: the id of the form's datalist
    step: str = ""             # number: "1" for whole numbers, "any" else
    language: str = ""         # a localised text's input: its language (the `lang` attribute)
    children: list["Field"] = field(default_factory=list)
    warning: str = ""          # a value no purpose of the person allows
    new: bool = False          # the empty item of a list or group, to add one
    removable: bool = False    # a group item: has a remove checkbox (`<path>.remove`)
    removed: bool = False      # a group item whose remove box was ticked (a form shown again)
    readonly: str = ""         # readonly: the value as YAML text

    @property
    def remove_name(self) -> str:
        return f"{self.path}.{REMOVE}"

    def walk(self) -> Iterator["Field"]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class PurposeContext:
    """A purpose a person is held under, and the data categories it allows (beside the form)."""

    purpose: str
    title: str
    categories: list[str]


@dataclass
class Form:
    """The fields of one record's form, the datalists its references use, and for a person the
    purposes that decide which fields are offered."""

    record_type: str
    title: str
    language: str
    fields: list[Field]
    choices: dict[str, list[Option]] = field(default_factory=dict)
    purposes: list[PurposeContext] = field(default_factory=list)
    data_language: str = "en"  # the language a plain-string text is in (the repository's)

    def walk(self) -> Iterator[Field]:
        for top in self.fields:
            yield from top.walk()

    def field(self, path: str) -> Field | None:
        return next((f for f in self.walk() if f.path == path), None)


# -- the schema as layers ---------------------------------------------------------------------

@dataclass
class _View:
    """A schema with its `$ref` targets and `allOf` parts: (document, schema) layers, the
    schema's own first. The first layer that has a keyword decides it; properties and
    `required` are the union. Each layer remembers its document, so a `$ref` inside a
    definition resolves within defs.schema.json."""

    layers: list[tuple[str, dict]]

    def get(self, key: str, default: Any = None) -> Any:
        return next((schema[key] for _doc, schema in self.layers if key in schema), default)

    def has(self, key: str) -> bool:
        return any(key in schema for _doc, schema in self.layers)

    def doc(self, key: str) -> str:
        return next((doc for doc, schema in self.layers if key in schema), self.layers[0][0])

    def properties(self) -> list[tuple[str, str, Any]]:
        seen: dict[str, tuple[str, str, Any]] = {}
        for doc, schema in self.layers:
            for key, sub in (schema.get("properties") or {}).items():
                seen.setdefault(key, (key, doc, sub))
        return list(seen.values())

    def required(self) -> set[str]:
        return {key for _doc, schema in self.layers for key in (schema.get("required") or []) if isinstance(key, str)}


def _view(schemas: SchemaSet, doc: str, schema: Any, depth: int = 0) -> _View:
    layers: list[tuple[str, dict]] = []
    if not isinstance(schema, dict) or depth > 16:
        return _View([(doc, {})])
    layers.append((doc, schema))
    ref = schema.get("$ref")
    if isinstance(ref, str):
        target_doc, target = _follow(schemas, doc, ref)
        layers += _view(schemas, target_doc, target, depth + 1).layers
    for part in schema.get("allOf") or []:
        layers += _view(schemas, doc, part, depth + 1).layers
    return _View(layers)


def _follow(schemas: SchemaSet, doc: str, ref: str) -> tuple[str, Any]:
    target, _, fragment = ref.partition("#")
    name = target or doc
    node: Any = schemas.documents.get(name, {})
    for part in [p for p in fragment.split("/") if p]:
        node = node.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(node, dict) else {}
    return name, node


def _branches(schemas: SchemaSet, view: _View) -> tuple[list[_View], bool] | None:
    """The alternatives of an `anyOf`/`oneOf` (None when there is none), null ones left out,
    and whether null is one of them."""
    for keyword in ("anyOf", "oneOf"):
        if view.has(keyword):
            doc = view.doc(keyword)
            views = [_view(schemas, doc, branch) for branch in view.get(keyword) or []]
            nullable = any(v.get("type") == "null" for v in views)
            return [v for v in views if v.get("type") != "null"], nullable
    return None


# -- reading a record into a form -------------------------------------------------------------

class _Builder:
    """Builds one form; holds what every field needs (model, language, datalists)."""

    def __init__(self, schemas: SchemaSet, record_type: str, model: Model | None, language: str) -> None:
        self.schemas, self.record_type, self.model = schemas, record_type, model
        self.language = i18n.known(language)
        self.gettext: Callable[[str], str] = i18n.translator(self.language).gettext
        self.data_language = model.language if model is not None else self.language
        self.choices: dict[str, list[Option]] = {}
        self.allowed: set[str] | None = None  # a person's allowed data categories; None: all

    # texts

    def text(self, value: Any) -> str:
        return self.gettext(value) if isinstance(value, str) and value else ""

    def label(self, view: _View, name: str, outer: _View | None = None) -> str:
        for source in (outer, view):
            title = source.get("title") if source is not None else None
            if isinstance(title, str) and title:
                return self.text(title)
        return name.replace("_", " ").capitalize()

    def help(self, view: _View, outer: _View | None = None) -> str:
        for source in (outer, view):
            description = source.get("description") if source is not None else None
            if isinstance(description, str) and description:
                return self.text(description)
        return ""

    # the tree

    def fields_of(self, view: _View, data: Any, path: tuple) -> list[Field]:
        values = data if isinstance(data, dict) else {}
        required = view.required()
        result = []
        known = view.properties()
        for key, doc, sub in known:
            built = self.field(key, path + (key,), _view(self.schemas, doc, sub), values.get(key), key in values,
                               key in required)
            if built is not None:
                result.append(built)
        names = {key for key, _doc, _sub in known}
        result += [self.readonly(key, path + (key,), key, value) for key, value in values.items()
                   if key not in names]
        return result

    def field(self, name: str, path: tuple, view: _View, value: Any, present: bool, required: bool) -> Field | None:
        top = len(path) == 1
        if top and self.record_type == "person":
            category = PERSON_FIELD_CATEGORY.get(name)
            if category is not None and self.allowed is not None and category not in self.allowed:
                if not carries_data(value):
                    return None  # not offered: none of the person's purposes allows it
                built = self._field(name, path, view, value, present, required)
                if built is not None:
                    built.warning = self.not_allowed(category)
                return built
        return self._field(name, path, view, value, present, required)

    def _field(self, name: str, path: tuple, view: _View, value: Any, present: bool, required: bool) -> Field | None:
        label, help_ = self.label(view, name), self.help(view)
        dotted = _dotted(path)
        if view.has("const"):
            return self.readonly(name, path, label, value, help_) if present else None
        if self.record_type != "field" and path == ("fields",):
            return self.custom_fields(name, path, view, value, present, label, help_)
        branches = _branches(self.schemas, view)
        if branches is not None:
            options, _nullable = branches
            if _is_localised(options):
                return self.localised(name, path, view, value, present, required, options)
            if len(options) == 1:  # `null` or one thing: the thing, with this property's words
                own = [(doc, {k: v for k, v in schema.items() if k not in ("anyOf", "oneOf")})
                       for doc, schema in view.layers]
                return self._field(name, path, _View(own + options[0].layers), value, present, required)
            return self.readonly(name, path, label, value, help_) if present else None
        base = Field(name, dotted, label, help=help_, required=required)
        if view.has("enum"):
            return self.select(base, [v for v in view.get("enum") or [] if v is not None], value, present)
        if isinstance(view.get("x-ref"), str):
            return self.reference(base, view, value, present)
        if isinstance(view.get("x-vocabulary"), str) and (not present or _scalar(value)):
            vocabulary = self.model.vocabulary(view.get("x-vocabulary")) if self.model is not None else None
            if vocabulary is not None:
                return self.select(base, list(vocabulary), value, present,
                                   {k: localised(v.get("label"), self.language) or k for k, v in vocabulary.items()})
        if self.record_type == "request" and name == "stage" and self.model is not None:
            stages = pipeline_of(self.model.config).stages
            return self.select(base, list(stages), value, present,
                               {k: localised(v.get("label"), self.language) or k for k, v in stages.items()})
        kind = view.get("type")
        if kind == "object":
            if present and not isinstance(value, dict):
                return self.readonly(name, path, label, value, help_)
            if not view.properties():
                return self.readonly(name, path, label, value, help_) if present else None  # free-form
            base.kind = "object"
            base.children = self.fields_of(view, value, path)
            return base
        if kind == "array":
            return self.array(base, view, value, present)
        if present and not _scalar(value):
            return self.readonly(name, path, label, value, help_)
        if kind == "boolean":
            if present and value is not None and not isinstance(value, bool):
                base.value = _shown(value)
                return base  # not a yes/no as written: shown as the text it is
            return self.boolean(base, value)
        if kind in ("integer", "number"):
            base.value = _shown(value)
            if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
                base.kind, base.step = "number", "1" if kind == "integer" else "any"
            return base
        if kind == "string" or kind is None:
            base.value = _shown(value)
            base.kind = self.string_kind(view, path, value)
            return base
        return self.readonly(name, path, label, value, help_) if present else None

    def string_kind(self, view: _View, path: tuple, value: Any) -> str:
        fmt_ = view.get("format")
        x_format = view.get("x-format")
        if fmt_ == "date":
            return "date" if value is None or (isinstance(value, str) and parse_date(value) is not None) else "text"
        if fmt_ == "email" or x_format == "email-address":
            return "email"
        if fmt_ == "uri":
            return "url"
        if x_format == "phone-number" or (path[-1] == "number" and self._parent_format(path) == "phone"):
            return "tel"
        if isinstance(value, str) and ("\n" in value or len(value) > LONG_TEXT):
            return "textarea"
        return "text"

    def _parent_format(self, path: tuple) -> str | None:
        pointer = tuple("*" if isinstance(step, int) else step for step in path[:-1])
        for schema in self.schemas.subschemas_at(self.record_type, pointer):
            if isinstance(schema.get("x-format"), str):
                return schema["x-format"]
        return None

    def select(self, base: Field, values: list, value: Any, present: bool, labels_: dict | None = None) -> Field:
        base.kind = "select"
        base.value = _shown(value) if present else ""
        base.options = [Option(_shown(v), (labels_ or {}).get(v, _shown(v)), v) for v in values]
        if present and value is not None and base.value not in {o.value for o in base.options}:
            base.options.append(Option(base.value, base.value, value))  # as written, so a save keeps it
        return base

    def boolean(self, base: Field, value: Any) -> Field:
        base.kind = "boolean"
        base.value = _shown(value)
        base.options = [Option("", self.gettext(N_("not set")), None), Option("true", self.gettext(N_("yes")), True),
                        Option("false", self.gettext(N_("no")), False)]
        return base

    def reference(self, base: Field, view: _View, value: Any, present: bool) -> Field:
        if present and not _scalar(value):
            return self.readonly(base.name, _undotted(base.path), base.label, value, base.help)
        folder = view.get("x-ref")
        kind = view.get("x-kind") if isinstance(view.get("x-kind"), str) else ""
        base.kind = "reference"
        base.value = self.reference_shown(folder, value)
        base.choices = self.datalist(folder, kind)
        return base

    def reference_shown(self, folder: str, value: Any) -> str:
        if not isinstance(value, str) or self.model is None or folder not in FOLDERS:
            return _shown(value)
        record = self.model.get(folder, value)
        name = record_name(self.model, record, self.language) if record is not None else ""
        return f"{name} ({value})" if name else value

    def datalist(self, folder: str, kind: str) -> str:
        key = f"choices-{folder}" + (f"-{kind}" if kind else "")
        if key not in self.choices:
            options: list[Option] = []
            if self.model is not None and folder in FOLDERS and len(self.model.records[folder]) <= REFERENCE_CHOICES:
                for record in sorted(self.model.of(folder), key=lambda r: r.id):
                    if kind and record.get("kind") != kind:
                        continue
                    name = record_name(self.model, record, self.language)
                    options.append(Option(f"{name} ({record.id})" if name else record.id, name, record.id))
            self.choices[key] = options
        return key

    def localised(self, name: str, path: tuple, view: _View, value: Any, present: bool, required: bool,
                  options: list[_View]) -> Field:
        label, help_ = self.label(view, name), self.help(view)
        if present and not (value is None or isinstance(value, str) or _language_map(value)):
            return self.readonly(name, path, label, value, help_)
        shown = dict(value) if isinstance(value, dict) else ({self.data_language: value} if isinstance(value, str)
                                                              else {})
        words = next((o for o in options if o.get("type") == "object"), None)
        titles = {key: _View([(doc, sub)]) for key, doc, sub in words.properties()} if words else {}
        languages = [lang for lang in shown if lang in LANGUAGES]
        languages += [lang for lang in ("nl", "en") if lang not in languages]
        long = name not in SHORT_TEXTS or any("\n" in str(v) for v in shown.values())
        children = []
        for lang in sorted(languages, key=LANGUAGES.index):
            text = shown.get(lang)
            child = Field(lang, _dotted(path + (lang,)), self.label(titles[lang], lang) if lang in titles else lang,
                          kind="textarea" if long or (isinstance(text, str) and len(text) > LONG_TEXT) else "text",
                          value=_shown(text), language=lang)
            children.append(child)
        return Field(name, _dotted(path), label, kind="localised", help=help_, required=required, children=children)

    def array(self, base: Field, view: _View, value: Any, present: bool) -> Field | None:
        if present and not isinstance(value, list):
            return self.readonly(base.name, _undotted(base.path), base.label, value, base.help)
        items = value if isinstance(value, list) else []
        item_view = _view(self.schemas, view.doc("items"), view.get("items"))
        path = _undotted(base.path)
        probe = self._field(str(len(items)), path + (len(items),), item_view, None, False, False)
        if probe is None or probe.kind in ("readonly", "list", "group"):  # lists of lists, of mixed items
            return self.readonly(base.name, path, base.label, value, base.help) if present else None
        group = probe.kind == "object"
        base.kind = "group" if group else "list"
        item_label = self.label(item_view, "") if group and item_view.get("title") else base.label
        for index, item in enumerate(items):
            child = self._field(str(index), path + (index,), item_view, item, True, False)
            if child is None:
                child = self.readonly(str(index), path + (index,), item_label, item)
            child.label, child.removable, child.help = item_label, group, ""  # the list's help says it
            base.children.append(child)
        probe.label, probe.new, probe.help = item_label, True, ""
        base.children.append(probe)
        return base

    def custom_fields(self, name: str, path: tuple, view: _View, value: Any, present: bool, label: str,
                      help_: str) -> Field | None:
        """`fields`: one field per definition in records/fields/ that applies to this record
        type, typed by the definition; keys without a definition are shown and kept."""
        if self.model is None or (present and not isinstance(value, dict)):
            return self.readonly(name, path, label, value, help_) if present else None
        values = value if isinstance(value, dict) else {}
        definitions = [r for r in sorted(self.model.of("fields"), key=lambda r: r.id)
                       if isinstance(r.get("applies_to"), list) and self.record_type in r.get("applies_to")]
        children = []
        for definition in definitions:
            built = self.custom_field(definition, path + (definition.id,), values.get(definition.id),
                                      definition.id in values)
            if built is None:
                continue
            category = definition.get("category")
            if self.record_type == "person" and self.allowed is not None and isinstance(category, str) \
                    and category not in self.allowed:
                if not carries_data(values.get(definition.id)):
                    continue
                built.warning = self.not_allowed(category)
            children.append(built)
        defined = {d.id for d in definitions}
        children += [self.readonly(key, path + (key,), key, item) for key, item in values.items()
                     if key not in defined]
        if not children:
            return None
        return Field(name, _dotted(path), label, kind="object", help=help_, children=children)

    def custom_field(self, definition: Record, path: tuple, value: Any, present: bool) -> Field | None:
        kind = definition.get("type", "text")
        label = localised(definition.get("label"), self.language) or definition.id
        help_ = localised(definition.get("description"), self.language) or ""
        base = Field(definition.id, _dotted(path), label, help=help_, required=definition.get("required") is True)
        if definition.get("multiple") is True:
            if present and not isinstance(value, list):
                return self.readonly(definition.id, path, label, value, help_)
            items = value if isinstance(value, list) else []
            base.kind = "list"
            for index in range(len(items) + 1):
                there = index < len(items)
                child = self.custom_value(definition, kind, Field(str(index), _dotted(path + (index,)), label),
                                          items[index] if there else None, there)
                if child.kind == "readonly":
                    return self.readonly(definition.id, path, label, value, help_)
                child.new = not there
                base.children.append(child)
            return base
        return self.custom_value(definition, kind, base, value, present)

    def custom_value(self, definition: Record, kind: Any, base: Field, value: Any, present: bool) -> Field:
        if present and not _scalar(value):
            return self.readonly(base.name, _undotted(base.path), base.label, value, base.help)
        if kind == "choice":
            vocabulary = definition.get("vocabulary")
            if isinstance(vocabulary, str) and self.model is not None:
                words = self.model.vocabulary(vocabulary) or {}
                return self.select(base, list(words), value, present,
                                   {k: localised(v.get("label"), self.language) or k for k, v in words.items()})
            values = definition.get("values") if isinstance(definition.get("values"), list) else []
            ids = [v.get("id") if isinstance(v, dict) else v for v in values]
            labels_ = {v.get("id"): localised(v.get("label"), self.language) or v.get("id")
                       for v in values if isinstance(v, dict)}
            return self.select(base, [i for i in ids if isinstance(i, (str, int, float))], value, present, labels_)
        if kind == "boolean" and (value is None or isinstance(value, bool)):
            return self.boolean(base, value)
        base.value = _shown(value)
        if kind in ("integer", "number") and (value is None or (isinstance(value, (int, float))
                                                                and not isinstance(value, bool))):
            base.kind, base.step = "number", "1" if kind == "integer" else "any"
        elif kind == "date" and (value is None or (isinstance(value, str) and parse_date(value) is not None)):
            base.kind = "date"
        elif isinstance(value, str) and ("\n" in value or len(value) > LONG_TEXT):
            base.kind = "textarea"
        return base

    def readonly(self, name: str, path: tuple, label: str, value: Any, help_: str = "") -> Field:
        return Field(name, _dotted(path), label, kind="readonly", help=help_, readonly=_as_yaml(value))

    def not_allowed(self, category: str) -> str:
        words = self.gettext(DATA_CATEGORIES.get(category, category)) if category in DATA_CATEGORIES else category
        return self.gettext(N_("None of this person's purposes allows this data ({category}): remove it, or add a "
                               "purpose that allows it.")).format(category=words)

    def purposes(self, data: dict) -> list[PurposeContext]:
        """The person's purposes in force and what they allow; sets `allowed` (None when every
        field is offered: no purpose in force, or one that cannot be judged)."""
        if self.model is None or not isinstance(data.get("purposes") or [], list):
            return []
        person = Record("people", "", "", data)
        today = self.model.today
        in_force = labels_in_force(self.model, person, today) if today is not None else labels(person)
        context = []
        judged = bool(in_force)
        for label in in_force:
            purpose = self.model.get("purposes", label.purpose)
            categories = purpose.get("data_categories") if purpose is not None else None
            if purpose is None or not isinstance(categories, (list, type(None))):
                judged = False
                continue
            words = [self.gettext(DATA_CATEGORIES[c]) if c in DATA_CATEGORIES else str(c) for c in categories or []]
            title = localised(purpose.get("title"), self.language) or label.purpose
            context.append(PurposeContext(label.purpose, title, words))
        self.allowed = allowed_categories(self.model, in_force) if judged else None
        return context


def record_name(model: Model, record: Record, language: str) -> str:
    """What staff know a record by, for a reference's choices: a person's or colleague's name,
    an organisation's, a purpose's or list's title, a role's function at its organisation."""
    data = record.data
    if record.folder == "people":
        return full_name(data.get("name"))
    if record.folder in ("organisations", "processors", "staff"):
        return localised(data.get("name"), language) or ""
    if record.folder in ("purposes", "lists", "vocabularies", "requests"):
        return localised(data.get("title"), language) or ""
    if record.folder == "fields":
        return localised(data.get("label"), language) or ""
    if record.folder == "roles":
        function = data.get("function")
        words = model.vocabulary("functions") or {}
        shown = localised((words.get(function) or {}).get("label"), language) if isinstance(function, str) else None
        where_id = data.get("organisation")
        organisation = model.get("organisations", where_id) if isinstance(where_id, str) else None
        where = localised(organisation.get("name"), language) if organisation is not None else None
        return " · ".join(t for t in (shown or (function if isinstance(function, str) else ""), where or "") if t)
    if record.folder == "interactions":
        return " ".join(str(t) for t in (data.get("date"), data.get("kind")) if t)
    return ""


def form_of(schemas: SchemaSet, record_type: str, data: dict | None, *, model: Model | None,
            language: str) -> Form:
    """The form of a record of `record_type` holding `data` (None or {} for a new record), with
    labels, help and choices in `language`; `model` gives the vocabularies, the records a
    reference may name, the custom fields and, for a person, the purposes."""
    builder = _Builder(schemas, record_type, model, language)
    document = f"{record_type}.schema.json"
    view = _view(schemas, document, schemas.documents.get(document, {}))
    values = data if isinstance(data, dict) else {}
    purposes = builder.purposes(values) if record_type == "person" else []
    fields = builder.fields_of(view, values, ())
    title = builder.label(view, record_type)
    return Form(record_type, title, builder.language, fields, builder.choices, purposes, builder.data_language)


# -- a submitted form back into data ----------------------------------------------------------

@dataclass
class Submission:
    """What a submitted form says: the record's new `data`; the `form` as it was submitted (the
    values typed, removed items marked), to show again when the check refuses the change; and
    `paths`, from a path in the new data to the field it came from wherever a removed or added
    item moved the items after it (for `field_errors`)."""

    data: dict
    form: Form
    paths: dict[str, str]


def read_form(form_items: list[tuple[str, str]], schemas: SchemaSet, record_type: str, original: dict | None,
              *, model: Model | None = None, language: str = "en") -> Submission:
    """The submitted (name, value) pairs applied to `original` through the form that `form_of`
    makes of it. Pass the data the page's form was made from (the file as it is, also when
    the page shows a refused attempt again) and the page's model and language: the custom
    fields and, for a person, the fields offered come from the model."""
    original = original if isinstance(original, dict) else {}
    form = form_of(schemas, record_type, original, model=model, language=language)
    submitted: dict[str, str] = {}
    for name, value in form_items:
        submitted[name] = value if isinstance(value, str) else str(value)
    reader = _Reader(submitted, form)
    result = dict(original)
    for top in form.fields:
        present, value = reader.read(top, original.get(top.name), top.name in original, top.name)
        if present:
            result[top.name] = value
        else:
            result.pop(top.name, None)
    return Submission(original if same_data(result, original) else result, _refilled(form, reader), reader.paths)


def data_from_form(form_items: list[tuple[str, str]], schemas: SchemaSet, record_type: str, original: dict | None,
                   *, model: Model | None = None, language: str = "en") -> dict:
    """The record's new data from the submitted (name, value) pairs (`read_form`)."""
    return read_form(form_items, schemas, record_type, original, model=model, language=language).data


def _refilled(form: Form, reader: "_Reader") -> Form:
    """The form with what was typed in it, and its removed items marked."""
    again = copy.deepcopy(form)
    for item in again.walk():
        if item.removable:
            item.removed = bool(reader.submitted.get(item.remove_name, "").strip())
        if not item.children and item.kind != "readonly" and item.path in reader.submitted:
            item.value = reader.got(item)
    return again


class _Reader:
    def __init__(self, submitted: dict[str, str], form: Form) -> None:
        self.submitted, self.form = submitted, form
        self.paths: dict[str, str] = {}

    def got(self, field_: Field) -> str:
        return self.submitted.get(field_.path, "").replace("\r\n", "\n").replace("\r", "\n")

    def read(self, field_: Field, original: Any, had: bool, at: str) -> tuple[bool, Any]:
        """(present, value) of one field; `at` is its path in the new data."""
        kind = field_.kind
        if kind == "readonly":
            return had, original
        if kind == "object":
            return self.object(field_, original, had, at)
        if kind == "localised":
            return self.localised(field_, original, had)
        if kind in ("list", "group"):
            return self.items(field_, original, had, at)
        text = self.got(field_)
        if text == field_.value or text.strip() == field_.value:
            return had, original  # as shown: as it was (a null, a number written as text, "Name (id)")
        text = text.strip()
        if not text:
            return (True, "") if field_.required else (False, None)
        return True, self.typed(field_, text)

    def typed(self, field_: Field, text: str) -> Any:
        if field_.kind in ("select", "boolean"):
            chosen = next((o for o in field_.options if o.value == text), None)
            return chosen.data if chosen is not None else text
        if field_.kind == "number":
            return _number(text, whole=field_.step == "1")
        if field_.kind == "reference":
            return self.reference(field_, text)
        return text

    def reference(self, field_: Field, text: str) -> str:
        """The id in "Name (id)", a bare id, or the id of the one choice with this name."""
        found = re.fullmatch(r".*\(\s*([a-z0-9]+(?:-[a-z0-9]+)*)\s*\)\s*", text, re.S)
        if found:
            return found.group(1)
        if ID_PATTERN.match(text):
            return text
        wanted = text.casefold()
        named = [o.data for o in self.form.choices.get(field_.choices, []) if o.label.casefold() == wanted]
        return named[0] if len(named) == 1 else text

    def blank(self, field_: Field) -> bool:
        """Nothing typed in any input of the field (an empty group or fieldset left alone)."""
        if field_.kind == "readonly":
            return True
        if field_.children:
            return all(self.blank(child) for child in field_.children)
        return not self.got(field_).strip()

    def object(self, field_: Field, original: Any, had: bool, at: str) -> tuple[bool, Any]:
        if not had and self.blank(field_):
            return (True, {}) if field_.required else (False, None)
        before = original if isinstance(original, dict) else {}
        result = dict(before)
        for child in field_.children:
            present, value = self.read(child, before.get(child.name), child.name in before, f"{at}.{child.name}")
            if present:
                result[child.name] = value
            else:
                result.pop(child.name, None)
        if same_data(result, before) and had:
            return had, original
        if not result:
            return (True, {}) if field_.required else (False, None)
        return True, result

    def localised(self, field_: Field, original: Any, had: bool) -> tuple[bool, Any]:
        typed = {child.name: self.got(child) for child in field_.children}
        if all(typed[c.name] == c.value or typed[c.name].strip() == c.value.strip() for c in field_.children):
            return had, original
        filled = {lang: text.strip() for lang, text in typed.items() if text.strip()}
        if not filled:
            return (True, "") if field_.required else (False, None)
        if (original is None or isinstance(original, str)) and list(filled) == [self.form.data_language]:
            return True, filled[self.form.data_language]
        if isinstance(original, dict):  # the languages in the order the file had them
            order = [k for k in original if k in filled] + [k for k in filled if k not in original]
            return True, {k: filled[k] for k in order}
        return True, filled

    def items(self, field_: Field, original: Any, had: bool, at: str) -> tuple[bool, Any]:
        before = original if isinstance(original, list) else []
        result: list[Any] = []
        for index, child in enumerate(field_.children):
            there = not child.new and index < len(before)
            if field_.kind == "group" and there and self.submitted.get(child.remove_name, "").strip():
                continue  # removed
            item_at = f"{at}.{len(result)}"
            present, value = self.read(child, before[index] if there else None, there, item_at)
            if present and (value not in ("", None, {}, []) or (there and same_data(value, before[index]))):
                result.append(value)  # (an empty item as it was is left alone)
                if item_at != child.path:
                    self.paths[item_at] = child.path
        if same_data(result, before) and had:
            return had, original
        if not result:
            return (True, []) if field_.required else (False, None)
        return True, result


def _number(text: str, whole: bool) -> Any:
    """A number as typed (a decimal comma read as a point); the text itself when it is none,
    so the check says so at the field."""
    cleaned = text.replace(",", ".") if text.count(",") == 1 and "." not in text else text
    try:
        return int(cleaned)
    except ValueError:
        pass
    if whole:
        return text
    try:
        return float(cleaned)
    except ValueError:
        return text


# -- the new text -----------------------------------------------------------------------------

SCHEMA_COMMENT = fmt.SCHEMA_COMMENT
BLOCK = (LiteralScalarString, FoldedScalarString)


def text_for(path_of_file: str, original_text: str | None, new_data: dict, *, schemas: SchemaSet,
             repo: Repository) -> str:
    """The file's new text for `new_data`: the original text edited in ruamel's round trip
    (comments and the layout of untouched parts kept), laid out as `crmtool fmt` lays it out;
    the original text itself when the data did not change. Without an original, the new
    record as `crmtool new` scaffolds one: the `$schema` line, then the data in fmt's layout
    with list dashes where the folder's records have them. Raises FormError for an original
    that does not load as a record, and fmt's Refused for a text fmt will not lay out."""
    folder, _record_id = record_of(path_of_file)
    if folder is None:
        raise FormError(f"{path_of_file}: not a record file")
    record_type = FOLDERS[folder]
    if original_text is None:
        reference = new_schema_reference(repo, path_of_file, record_type)
        text = _scaffold(new_data, _Editor(schemas, record_type).quoted)
        return fmt.canonical(f"{SCHEMA_COMMENT}{reference}\n{text}", path_of_file, record_type, schemas,
                             offset=fmt.house_dash_offset(repo.root, folder))
    before = load_document(path_of_file, original_text.encode("utf-8"))
    if before.problems or not isinstance(before.data, dict):
        raise FormError(f"{path_of_file}: the file does not load as a record; run `crmtool check {path_of_file}`")
    if same_data(before.data, new_data):
        return original_text
    try:
        document = roundtrip.loads(original_text, path_of_file)
    except roundtrip.RoundTripError as error:
        raise FormError(str(error)) from error
    if not isinstance(document.data, CommentedMap):
        raise FormError(f"{path_of_file}: the file does not load as a record")
    _Editor(schemas, record_type).mapping(document.data, before.data, new_data, (), False)
    edited = roundtrip.dump(document)
    return fmt.canonical(edited, path_of_file, record_type, schemas,
                         SchemaReferences(repo).resolving(path_of_file, record_type))


def _scaffold(data: dict, quoted: Quoted) -> str:
    """A new record's YAML as `crmtool new`'s templates write one: top-level keys in blocks,
    nested mappings and lists of single values in flow style, lists of mappings as block
    lists of flow mappings (a text over lines makes its mapping a block)."""
    document = roundtrip.Document(CommentedMap(), roundtrip.Layout())
    for key, value in data.items():
        document.data[key] = _styled(value, quoted=quoted, pointer=(key,))
    return roundtrip.dump(document)


Quoted = Callable[[tuple], bool]
"""Whether text at a pointer is quoted by convention (a phone number: "Quote it in YAML")."""


def _styled(value: Any, flow: bool = False, block: bool = False, quoted: Quoted | None = None,
            pointer: tuple = ()) -> Any:
    """A plain value as ruamel values in the scaffold's style, inside a flow collection or not
    (`block`: a mapping written as a block, as its siblings are). Text is plain where fmt
    would leave it plain there, else in double quotes; text over lines is a literal block."""
    if isinstance(value, dict):
        as_block = (block or _multiline(value)) and not flow
        mapping = CommentedMap((k, _styled(v, not as_block, False, quoted, pointer + (k,))) for k, v in value.items())
        mapping.fa.set_block_style() if as_block else mapping.fa.set_flow_style()
        return mapping
    if isinstance(value, list):
        as_flow = flow or (all(not isinstance(item, (dict, list)) for item in value) and not _multiline(value))
        items = CommentedSeq(_styled(item, as_flow, False, quoted, pointer + (index,))
                             for index, item in enumerate(value))
        items.fa.set_flow_style() if as_flow else items.fa.set_block_style()
        return items
    if isinstance(value, str):
        if "\n" in value:
            return DoubleQuotedScalarString(value) if flow else LiteralScalarString(value)
        plain = plain_ok(value, flow) and not (quoted is not None and quoted(pointer))
        return value if plain else DoubleQuotedScalarString(value)
    return value


def _multiline(value: Any) -> bool:
    if isinstance(value, str):
        return "\n" in value
    if isinstance(value, dict):
        return any(_multiline(v) for v in value.values())
    if isinstance(value, list):
        return any(_multiline(v) for v in value)
    return False


class _Editor:
    """Applies the difference between the old and the new data to ruamel's document, touching
    only what changed."""

    def __init__(self, schemas: SchemaSet, record_type: str) -> None:
        self.schemas, self.record_type = schemas, record_type

    def order(self, pointer: tuple) -> list[str]:
        path = tuple("*" if isinstance(step, int) else step for step in pointer)
        keys: list[str] = []
        for schema in self.schemas.subschemas_at(self.record_type, path):
            keys += [k for k in schema.get("properties", {}) if k not in keys]
        return keys

    def quoted(self, pointer: tuple) -> bool:
        """A phone number is written in quotes, as `crmtool new` writes one."""
        path = tuple("*" if isinstance(step, int) else step for step in pointer)
        if any(s.get("x-format") == "phone-number" for s in self.schemas.subschemas_at(self.record_type, path)):
            return True
        return bool(path) and path[-1] == "number" and any(
            s.get("x-format") == "phone" for s in self.schemas.subschemas_at(self.record_type, path[:-1]))

    def mapping(self, node: CommentedMap, old: dict, new: dict, pointer: tuple, flow_above: bool) -> None:
        keys = {str(k): k for k in node}
        flow = flow_above or bool(node.fa.flow_style())
        for name in [k for k in keys if k not in new]:
            _delete_entry(node, keys[name])
        for name, value in new.items():
            if name in keys and name in old:
                if not same_data(old[name], value):
                    self.replace(node, keys[name], old[name], value, pointer + (name,), flow_above, flow)
                continue
            self.insert(node, name, _styled(value, flow, False, self.quoted, pointer + (name,)), pointer)

    def insert(self, node: CommentedMap, name: str, value: Any, pointer: tuple) -> None:
        """A new key after the existing key before it in the schema's order (fmt puts it in
        place anyway), an unknown one at the end."""
        order = self.order(pointer)
        before = [k for k in order[:order.index(name)] if k in node] if name in order else list(node)
        _insert_entry(node, list(node).index(before[-1]) + 1 if before else 0, value, name)

    def replace(self, container: Any, key: Any, old: Any, new: Any, pointer: tuple, flow_above: bool,
                flow: bool) -> None:
        current = container[key]
        if isinstance(old, dict) and isinstance(new, dict) and isinstance(current, CommentedMap):
            if not flow and _multiline(new) and current.fa.flow_style():
                current.fa.set_block_style()  # a text over lines cannot stand in a flow mapping
            self.mapping(current, old, new, pointer, flow)
            return
        if isinstance(old, list) and isinstance(new, list) and isinstance(current, CommentedSeq):
            self.sequence(current, old, new, pointer, flow or bool(current.fa.flow_style()))
            return
        if isinstance(new, str) and "\n" in new and flow and not flow_above and isinstance(container, CommentedMap):
            container.fa.set_block_style()
            flow = False
        container[key] = _scalar_like(current, new, flow, self.quoted, pointer)
        if isinstance(current, BLOCK) != isinstance(container[key], BLOCK):
            _block_line_end(container, key, isinstance(container[key], BLOCK))

    def sequence(self, node: CommentedSeq, old: list, new: list, pointer: tuple, flow: bool) -> None:
        matcher = difflib.SequenceMatcher(a=[_key(x) for x in old], b=[_key(y) for y in new], autojunk=False)
        for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
            if tag == "equal":
                continue
            common = min(i2 - i1, j2 - j1)
            for k in range(common):
                self.replace(node, i1 + k, old[i1 + k], new[j1 + k], pointer + (i1 + k,), flow, flow)
            for index in reversed(range(i1 + common, i2)):
                _delete_entry(node, index)
            for k in range(common, j2 - j1):
                _insert_entry(node, i1 + k, _styled(new[j1 + k], flow, _block_items(node), self.quoted,
                                                    pointer + (i1 + k,)))


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _block_items(node: CommentedSeq) -> bool:
    """Whether the list's mappings are all written as blocks (a new one is written alike)."""
    maps = [item for item in node if isinstance(item, CommentedMap)]
    return bool(maps) and not any(item.fa.flow_style() for item in maps)


def _scalar_like(old: Any, new: Any, flow: bool, quoted: Quoted, pointer: tuple) -> Any:
    """The new value in the old one's quotes (staff's quotes stay, as fmt keeps them); a text
    over lines as a literal block where a block may stand."""
    if isinstance(new, str) and "\n" not in new and isinstance(old, (DoubleQuotedScalarString,
                                                                     SingleQuotedScalarString)):
        return type(old)(new)
    return _styled(new, flow, False, quoted, pointer)


def _insert_entry(container: Any, position: int, value: Any, key: Any = None) -> None:
    """Insert a key (or, without `key`, a list item) at `position`. Whole comment lines below
    the entry before it describe what followed that entry, so they move below the new one."""
    keys = list(container.keys()) if isinstance(container, CommentedMap) else list(range(len(container)))
    rest = _take_trailing_lines(container, keys[position - 1]) if 0 < position <= len(keys) else ""
    if isinstance(container, CommentedMap):
        container.insert(position, key, value)
    else:
        container.insert(position, value)
    if rest:
        _append_trailing_lines(container, key if isinstance(container, CommentedMap) else position, rest)


def _block_line_end(container: Any, key: Any, block: bool) -> None:
    """ruamel ends a block scalar's line itself and a plain one with the comment after it:
    the comment's leading line break goes when a value becomes a block, and comes when it
    stops being one (else a blank line appears, or the next comment joins the value's line)."""
    items, slot_key, index = _last_slot(container, key)
    slot = items.get(slot_key) or []
    token = slot[index] if len(slot) > index else None
    if not isinstance(token, CommentToken):
        return
    if block and token.value.startswith("\n"):
        token.value = token.value[1:]
    elif not block and not token.value.startswith(("\n", "#")):
        token.value = "\n" + token.value


def _delete_entry(container: Any, key: Any) -> None:
    """Remove a key of a mapping (or an item of a list). Whole comment lines below its value
    describe what follows it, so they stay: after the entry before it, or above the entry after
    it; only the comment on its own line goes with it."""
    keys = list(container.keys()) if isinstance(container, CommentedMap) else list(range(len(container)))
    position = keys.index(key)
    rest = _take_trailing_lines(container, key)
    del container[key]
    if not rest:
        return
    if position > 0:
        _append_trailing_lines(container, keys[position - 1], rest)
    elif isinstance(container, CommentedMap) and len(container):
        first = next(iter(container))
        slot = container.ca.items.setdefault(first, [None, None, None, None])
        slot[1] = [CommentToken(rest, CommentMark(0), None)] + list(slot[1] or [])
    elif isinstance(container, CommentedSeq) and len(container):
        comment = container.ca.comment or [None, None]
        container.ca.comment = [comment[0], [CommentToken(rest, CommentMark(0), None)] + list(comment[1] or [])]


def _block(value: Any) -> bool:
    return isinstance(value, (CommentedMap, CommentedSeq)) and bool(len(value)) and not value.fa.flow_style()


def _last_key(value: Any) -> Any:
    return list(value.keys())[-1] if isinstance(value, CommentedMap) else len(value) - 1


def _last_slot(container: Any, key: Any) -> tuple[dict, Any, int]:
    """Where ruamel keeps the comment after the value at container[key]: deep in the last entry
    of a block collection, else in the container's own slot for the entry."""
    value = container[key]
    if _block(value):
        return _last_slot(value, _last_key(value))
    return container.ca.items, key, 2 if isinstance(container, CommentedMap) else 0


def _take_trailing_lines(container: Any, key: Any) -> str:
    """The whole comment lines after the value at container[key], taken away from it. ruamel
    keeps them in the slot of the last scalar, or, after a flow collection that ends a block
    list, at the end of that list."""
    value = container[key]
    if _block(value):
        rest = _take_trailing_lines(value, _last_key(value))
        end = value.ca.end or []
        value.ca.end = []
        return rest + "".join(token.value for token in end if isinstance(token, CommentToken))
    items, slot_key, index = container.ca.items, key, 2 if isinstance(container, CommentedMap) else 0
    slot = items.get(slot_key) or []
    token = slot[index] if len(slot) > index else None
    if not isinstance(token, CommentToken) or "\n" not in token.value:
        return ""
    own, rest = token.value.split("\n", 1)
    if own:
        token.value = own + "\n"
    else:
        slot[index] = None
    return rest


def _append_trailing_lines(container: Any, key: Any, rest: str) -> None:
    """Whole comment lines put after the value at container[key], below any already there."""
    value = container[key]
    if _block(value):
        if value.ca.end:
            value.ca.end.append(CommentToken(rest, CommentMark(0), None))
            return
        _append_trailing_lines(value, _last_key(value), rest)
        return
    items, index = container.ca.items, 2 if isinstance(container, CommentedMap) else 0
    slot = items.setdefault(key, [None, None, None, None])
    while len(slot) <= index:
        slot.append(None)
    token = slot[index]
    if isinstance(token, CommentToken):
        token.value = (token.value if token.value.endswith("\n") else token.value + "\n") + rest
    else:
        slot[index] = CommentToken("\n" + rest, CommentMark(0), None)


# -- findings at their fields -----------------------------------------------------------------

def field_errors(text: str, findings: list[Finding], form: Form | None = None,
                 paths: dict[str, str] | None = None) -> dict[str, list[Finding]]:
    """The findings on `text` by the field (its path) whose value holds each one's line and
    column, innermost first (a key's finding belongs to its field too); findings that fall on
    no field, or on none that the form shows (given `form`: then the nearest field of the form
    that holds it), under "". `paths` (`Submission.paths`) leads a path of the new data back to
    the field it came from where removed or added items moved it. Lists keep the findings'
    order."""
    doc = load_document("<form>", text.encode("utf-8"))
    spans = list(_spans(doc.root, ())) if doc.root is not None else []
    known = {f.path for f in form.walk()} if form is not None else None
    result: dict[str, list[Finding]] = {}
    for finding in findings:
        where = (finding.line - 1, finding.column - 1)
        pointer: tuple = ()
        for start, end, inclusive, found in spans:
            if start <= where and (where <= end if inclusive else where < end) and len(found) >= len(pointer):
                pointer = found
        path = _moved(_dotted(pointer), paths or {})
        if known is not None:
            while path and path not in known:
                path = path.rpartition(".")[0]
        result.setdefault(path, []).append(finding)
    return result


def _moved(path: str, paths: dict[str, str]) -> str:
    """`path` of the new data as the path of the form's field (the longest moved prefix)."""
    head = path
    while head:
        if head in paths:
            return paths[head] + path[len(head):]
        head = head.rpartition(".")[0]
    return path


def _spans(node: yaml.Node, pointer: tuple, start: tuple | None = None) -> Iterator[tuple[tuple, tuple, bool, tuple]]:
    """(start, end, end inclusive, pointer) of every value, 0-based (line, column); a mapping
    member's span starts at its key. A block mapping starts where its first key does: a
    finding right there is the mapping's (a missing field is reported at the mapping), so its
    first member's span starts one column later."""
    begin = start if start is not None else (node.start_mark.line, node.start_mark.column)
    end = (node.end_mark.line, node.end_mark.column)
    if pointer:
        yield begin, end, isinstance(node, yaml.ScalarNode), pointer
    if isinstance(node, yaml.MappingNode):
        here = (node.start_mark.line, node.start_mark.column)
        for key_node, value in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                at = (key_node.start_mark.line, key_node.start_mark.column)
                yield from _spans(value, pointer + (key_node.value,), (at[0], at[1] + 1) if at == here else at)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _spans(item, pointer + (index,))


# -- small helpers ----------------------------------------------------------------------------

def _dotted(path: tuple) -> str:
    return ".".join(str(step) for step in path)


def _undotted(path: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in path.split(".")) if path else ()


def _scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def _shown(value: Any) -> str:
    """A value as an input shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _as_yaml(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, default_flow_style=False,
                              width=1 << 16).strip()
    return _shown(value)



def _language_map(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and all(k in LANGUAGES and isinstance(v, str)
                                                          for k, v in value.items())


def _is_localised(options: list[_View]) -> bool:
    """`$defs/text`: a string, or a map of languages to strings."""
    kinds = {o.get("type") for o in options}
    if kinds != {"string", "object"} or len(options) != 2:
        return False
    words = next(o for o in options if o.get("type") == "object")
    return {key for key, _doc, _sub in words.properties()} <= set(LANGUAGES)

