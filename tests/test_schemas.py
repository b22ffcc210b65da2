"""The schemas themselves: valid draft 2020-12, and judged alike by both validators.

jsonschema-rs validates on the hot path; python-jsonschema is the reference. The
differential test runs both over every shipped record and fixture and over mutations of
each (a field removed, a field of the wrong type, an unknown field), and demands the same
verdict.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource

from crmtool.load.document import load_document
from crmtool.load.repo import FOLDERS
from crmtool.load.schema import SchemaSet

from .conftest import PROJECT

SCHEMAS = PROJECT / "schemas"


def reference_validator(record_type: str) -> jsonschema.Draft202012Validator:
    resources = []
    for path in SCHEMAS.glob("*.schema.json"):
        resources.append((path.resolve().as_uri(), Resource.from_contents(json.loads(path.read_text()))))
    schema = dict(json.loads((SCHEMAS / f"{record_type}.schema.json").read_text()))
    schema["$id"] = (SCHEMAS / f"{record_type}.schema.json").resolve().as_uri()
    return jsonschema.Draft202012Validator(schema, registry=Registry().with_resources(resources),
                                           format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("path", sorted(SCHEMAS.glob("*.schema.json")), ids=lambda p: p.name)
def test_schema_is_valid_draft_2020_12(path: Path):
    schema = json.loads(path.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "$id" not in schema  # editors resolve relative $refs against the file, offline


def test_every_record_type_has_a_schema():
    assert {f"{t}.schema.json" for t in FOLDERS.values()} | {"config.schema.json", "defs.schema.json"} == {
        p.name for p in SCHEMAS.glob("*.schema.json")}


def record_files() -> list[tuple[str, Path]]:
    found = []
    for base in [PROJECT / "records", PROJECT / "examples" / "cooperative" / "records", PROJECT / "tests" / "fixtures"]:
        for path in sorted(base.rglob("*.yaml")):
            folder = next((part for part in reversed(path.parent.parts) if part in FOLDERS), None)
            if folder and path.name != "expected.yaml":
                found.append((FOLDERS[folder], path))
    return found


def mutations(data: dict):
    yield data
    yield {**data, "unexpected_field": "x"}
    for key in list(data):
        yield {k: v for k, v in data.items() if k != key}
        for wrong in (12345, "text", None, [], {"nl": ""}):
            mutated = copy.copy(data)
            mutated[key] = wrong
            yield mutated


def test_both_validators_agree_on_records_and_their_mutations():
    schemas = SchemaSet(SCHEMAS)
    references = {t: reference_validator(t) for t in FOLDERS.values()}
    compared = disagreements = 0
    problems = []
    for record_type, path in record_files():
        doc = load_document(path.name, path.read_bytes())
        if not doc.loaded or not isinstance(doc.data, dict):
            continue
        for variant in mutations(doc.data):
            fast = schemas.validator(record_type).is_valid(variant)
            reference = references[record_type].is_valid(variant)
            compared += 1
            if fast != reference:
                disagreements += 1
                problems.append((path.name, variant))
    assert compared > 1000
    assert disagreements == 0, problems[:3]


def test_annotations_find_references_through_refs_and_lists():
    schemas = SchemaSet(SCHEMAS)
    refs = {(a.path, a.value) for a in schemas.annotations("person") if a.keyword == "x-ref"}
    assert (("purposes", "*", "purpose"), "purposes") in refs
    assert (("subscriptions", "*"), "lists") in refs
    assert (("notes", "*", "by"), "staff") in refs
    role = {a.path: a for a in schemas.annotations("role")}
    assert role[("party",)].schema.get("x-kind") == "political-party"
    assert role[("function",)].value == "functions"


def test_vscode_maps_every_schema_to_its_folder():
    settings = json.loads((PROJECT / ".vscode" / "settings.json").read_text())
    mapped = {Path(k).name for k in settings["yaml.schemas"]}
    assert {f"{t}.schema.json" for t in FOLDERS.values()} | {"config.schema.json"} <= mapped
