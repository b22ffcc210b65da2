"""The JSON Schemas: validation on the hot path, and what the schemas say about references.

Validation uses jsonschema-rs (python-jsonschema is the reference in the differential test).
The schemas carry three annotations of our own that validators ignore: `x-ref` (the value is
the id of a record in that folder), `x-vocabulary` (the value comes from that vocabulary) and
`x-format` (the value is an email address, phone number, postal address or identifier that the
data-quality rules check).
`SchemaSet.annotations` reads them once, so the reference and vocabulary rules need no list
of fields of their own: a new reference field in a schema is checked without new code.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Iterator

import jsonschema_rs

from .repo import read_regular

@dataclass(frozen=True)
class SchemaError:
    """A schema violation, with the instance location as a tuple pointer."""

    pointer: tuple
    kind: str  # jsonschema-rs's error kind: Required, Type, Enum, AdditionalProperties, ...
    detail: dict
    message: str


@dataclass(frozen=True)
class Annotation:
    """An `x-ref`, `x-vocabulary` or `x-format` found at `path` ("*" stands for any list index or key)."""

    path: tuple
    keyword: str
    value: str
    schema: dict


class SchemaFileError(Exception):
    """A schema file that cannot be read: a configuration error (exit 2)."""


class SchemaSet:
    """Every `*.schema.json` of one folder, resolvable by file name."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory.resolve()
        self.base = self.directory.as_uri() + "/"
        self.documents: dict[str, dict] = {}
        for path in sorted(self.directory.glob("*.schema.json")):
            try:
                # never through a link or from a pipe (repo.read_regular)
                self.documents[path.name] = json.loads(read_regular(self.directory, path.name).decode("utf-8"))
            except (OSError, ValueError) as error:
                raise SchemaFileError(f"{path}: {error}") from error
        self._validators: dict[str, Any] = {}
        self._annotations: dict[str, list[Annotation]] = {}
        self._subschemas: dict[tuple, list[dict]] = {}

    @cached_property
    def registry(self) -> jsonschema_rs.Registry:
        return jsonschema_rs.Registry([(self.base + name, doc) for name, doc in self.documents.items()])

    def has(self, record_type: str) -> bool:
        return f"{record_type}.schema.json" in self.documents

    def validator(self, record_type: str):
        name = f"{record_type}.schema.json"
        if name not in self._validators:
            self._validators[name] = jsonschema_rs.Draft202012Validator(
                self.documents[name], registry=self.registry, base_uri=self.base + name,
                validate_formats=True)
        return self._validators[name]

    def errors(self, record_type: str, data: Any) -> list[SchemaError]:
        validator = self.validator(record_type)
        if validator.is_valid(data):
            return []
        return [SchemaError(tuple(e.instance_path), type(e.kind).__name__, e.kind.as_dict(), e.message)
                for e in validator.iter_errors(data)]

    # -- reading the schemas themselves -------------------------------------------------

    def _follow(self, name: str, ref: str) -> tuple[str, dict]:
        """One `$ref` (a relative file ref and/or a local JSON pointer) to the schema it names."""
        target, _, fragment = ref.partition("#")
        name = target or name
        schema = self.documents.get(name, {})
        for part in [p for p in fragment.split("/") if p]:
            schema = schema.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(schema, dict) else {}
        return name, schema

    def annotations(self, record_type: str) -> list[Annotation]:
        """Every `x-ref`, `x-vocabulary` and `x-format` in the schema of `record_type`, with its path."""
        name = f"{record_type}.schema.json"
        if name not in self._annotations:
            found: dict[tuple, Annotation] = {}
            for path, schema in self._walk(name, self.documents.get(name, {}), (), 0):
                for keyword in ("x-ref", "x-vocabulary", "x-format"):
                    if keyword in schema:
                        found[(path, keyword)] = Annotation(path, keyword, schema[keyword], schema)
            self._annotations[name] = list(found.values())
        return self._annotations[name]

    def _walk(self, name: str, schema: Any, path: tuple, depth: int) -> Iterator[tuple[tuple, dict]]:
        if not isinstance(schema, dict) or depth > 24:
            return
        yield path, schema
        if "$ref" in schema:  # one step: an annotation may sit on a schema that is itself a $ref
            ref_name, target = self._follow(name, schema["$ref"])
            yield from self._walk(ref_name, target, path, depth + 1)
        for key, sub in schema.get("properties", {}).items():
            yield from self._walk(name, sub, path + (key,), depth + 1)
        if isinstance(schema.get("items"), dict):
            yield from self._walk(name, schema["items"], path + ("*",), depth + 1)
        if isinstance(schema.get("additionalProperties"), dict):
            yield from self._walk(name, schema["additionalProperties"], path + ("*",), depth + 1)
        for keyword in ("allOf", "anyOf", "oneOf"):
            for sub in schema.get(keyword, []):
                yield from self._walk(name, sub, path, depth + 1)
        for keyword in ("then", "else"):
            yield from self._walk(name, schema.get(keyword), path, depth + 1)

    def subschemas_at(self, record_type: str, pointer: tuple) -> list[dict]:
        """The (resolved) schemas that may apply to the instance at `pointer`."""
        path = tuple("*" if isinstance(step, int) else step for step in pointer)
        name = f"{record_type}.schema.json"
        if (name, path) not in self._subschemas:
            self._subschemas[(name, path)] = [
                schema for found_path, schema in self._walk(name, self.documents.get(name, {}), (), 0)
                if _matches(found_path, path)]
        return self._subschemas[(name, path)]

    def accepts_text(self, record_type: str, pointer: tuple) -> bool:
        """Whether some schema at `pointer` takes a string (so a boolean there was meant as text)."""
        for schema in self.subschemas_at(record_type, pointer):
            types = schema.get("type", [])
            if types == "string" or (isinstance(types, list) and "string" in types):
                return True
        return False

    def description(self, record_type: str, pointer: tuple) -> str:
        """The schema's own description of the field at `pointer`, for hints, in the run's
        language: the English `description` is the message id, its Dutch is in the catalogue
        (`extract_descriptions` puts every description there). A description the catalogue
        does not know (a fork's own field) is left out of a run in another language rather
        than shown in English: one run speaks one language."""
        for schema in self.subschemas_at(record_type, pointer):
            text = schema.get("description")
            if isinstance(text, str) and text:
                return translated_description(text)
        return ""

    def expects_date(self, record_type: str, pointer: tuple) -> bool:
        """Whether a date belongs at `pointer` (an unquoted date anywhere else is text)."""
        return any(s.get("format") == "date" for s in self.subschemas_at(record_type, pointer))


def _matches(schema_path: tuple, instance_path: tuple) -> bool:
    return len(schema_path) == len(instance_path) and all(
        s == "*" or s == i for s, i in zip(schema_path, instance_path))


def values_at(data: Any, path: tuple, pointer: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Every value in `data` at a path with "*" wildcards, with its concrete pointer."""
    if not path:
        yield pointer, data
        return
    step, rest = path[0], path[1:]
    if step == "*":
        if isinstance(data, list):
            for index, item in enumerate(data):
                yield from values_at(item, rest, pointer + (index,))
        elif isinstance(data, dict):
            for key, item in data.items():
                yield from values_at(item, rest, pointer + (key,))
    elif isinstance(data, dict) and step in data:
        yield from values_at(data[step], rest, pointer + (step,))


def translated_description(text: str) -> str:
    """A schema `description` in the run's language; "" when it has no translation there."""
    from ..i18n import _, language
    shown = _(text)
    return "" if shown == text and language() != "en" else shown


def extract_descriptions(fileobj, keywords, comment_tags, options) -> Iterator[tuple[int, None, str, list]]:
    """Babel extractor (crmtool/locale/babel.cfg) for the `description` strings of a JSON
    Schema: each becomes a message id, translated in the catalogue like any other message.
    The schemas stay the one source of the text, and `description` stays a plain string,
    as the editors that read the schemas through the `$schema` line expect."""
    def walk(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "description" and isinstance(value, str):
                    yield value
                elif key not in ("const", "enum", "default", "examples"):
                    yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)
    for text in walk(json.loads(fileobj.read().decode("utf-8"))):
        yield 0, None, text, []
