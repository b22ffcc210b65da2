"""The loader on hostile and broken input: it reports, it never raises, it never expands."""
from __future__ import annotations

import datetime as dt

import pytest

from crmtool.check import run_check
from crmtool.load import MAX_BYTES, load_document

from .conftest import TODAY


def kinds(doc):
    return [p.kind for p in doc.problems]


def test_values_keep_their_positions():
    doc = load_document("x.yaml", b"# comment\nname:\n  family: Jansen\nemails:\n  - {address: a@example.org}\n")
    assert doc.data == {"name": {"family": "Jansen"}, "emails": [{"address": "a@example.org"}]}
    assert doc.position(("name", "family")) == (3, 11)
    assert doc.position(("emails", 0, "address")) == (5, 15)
    assert doc.position(("name",), at_key=True) == (2, 1)


def test_dates_become_iso_text_and_are_remembered():
    doc = load_document("x.yaml", b"start: 2022-06-01\n")
    assert doc.data == {"start": "2022-06-01"}
    assert doc.retyped[0].value == dt.date(2022, 6, 1)


def test_duplicate_keys_are_reported_not_resolved_silently():
    doc = load_document("x.yaml", b"a: 1\nb: {c: 1, c: 2}\na: 3\n")
    duplicates = [(p.line, p.column, p.detail["key"]) for p in doc.problems if p.kind == "duplicate-key"]
    assert duplicates == [(2, 11, "c"), (3, 1, "a")]


def test_alias_bomb_is_refused_without_expanding():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        previous = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    doc = load_document("bomb.yaml", "\n".join(lines).encode())
    assert "alias" in kinds(doc) and "anchor" in kinds(doc)
    assert len(repr(doc.data)) < 10_000  # nine levels of nine would be 387 million strings


@pytest.mark.parametrize("text", [b"[" * 200_000 + b"]" * 200_000, b"- " * 200_000 + b"a", b"a:\n" + b"".join(b" " * i + b"a:\n" for i in range(1, 3000))])
def test_deep_nesting_is_refused_without_crashing(text):
    doc = load_document("deep.yaml", text)
    assert not doc.loaded
    assert kinds(doc) in (["too-deep"], ["too-large"], ["syntax"])


def test_binary_file():
    doc = load_document("x.yaml", bytes(range(256)))
    assert kinds(doc) == ["binary"] and not doc.loaded


def test_not_utf8_points_at_the_byte():
    doc = load_document("x.yaml", b"name:\n  family: J\xe9r\xf4me\n")
    assert [(p.kind, p.line, p.column) for p in doc.problems] == [("encoding", 2, 12)]


def test_byte_order_mark_is_accepted_and_columns_stay_right():
    doc = load_document("x.yaml", b"\xef\xbb\xbfname: {family: Jansen}\n")
    assert doc.loaded and doc.problems == []
    assert doc.position(("name", "family")) == (1, 16)


def test_ten_megabyte_file_is_refused_before_parsing():
    doc = load_document("big.yaml", b"notes: [" + b"'x', " * (2 * 1024 * 1024) + b"]\n")
    assert kinds(doc) == ["too-large"] and doc.problems[0].detail["limit"] == MAX_BYTES


def test_empty_and_comment_only_files_load_as_nothing():
    assert load_document("x.yaml", b"").data is None
    assert load_document("x.yaml", b"# nothing\n").data is None


def test_custom_tags_are_reported_and_not_constructed():
    doc = load_document("x.yaml", b"a: !!python/object:os.system ls\nb: !include other.yaml\n")
    assert [(p.kind, p.detail["tag"]) for p in doc.problems] == [
        ("tag", "tag:yaml.org,2002:python/object:os.system"), ("tag", "!include")]
    assert doc.data == {"a": "ls", "b": "other.yaml"}


def test_yaml11_surprises_are_remembered():
    doc = load_document("x.yaml", b"a: no\nb: 012\nc: 0612345678\nd: '0612345678'\n")
    assert [(r.pointer, r.tag) for r in doc.retyped] == [(("a",), "bool"), (("b",), "int"), (("c",), "str")]
    assert doc.data["b"] == 10  # YAML 1.1 octal: the reason Y005 exists


def test_check_survives_every_broken_file_at_once(base_repo):
    people = base_repo.root / "records" / "people"
    (people / "p-binary.yaml").write_bytes(bytes(range(256)))
    (people / "p-empty.yaml").write_bytes(b"")
    (people / "p-huge.yaml").write_bytes(b"a: '" + b"x" * (10 * 1024 * 1024) + b"'\n")
    (people / "p-bom.yaml").write_bytes(b"\xef\xbb\xbfname: {family: Jansen}\npurposes: [{purpose: office-holders, since: 2025-06-01, source: public-register, notified: 2025-06-10}]\n")
    (people / "p-notyaml.yaml").write_bytes(b"{{{{ this is : not : yaml")
    (people / "p-folder.yaml").mkdir()
    (people / "p-deep.yaml").write_bytes(b"[" * 100_000)
    result = run_check(base_repo, TODAY)
    by_path = {}
    for finding in result.findings:
        by_path.setdefault(finding.path.rsplit("/", 1)[-1], set()).add(finding.rule)
    assert by_path == {
        "p-binary.yaml": {"Y001"}, "p-empty.yaml": {"S001"}, "p-huge.yaml": {"Y001"},
        "p-notyaml.yaml": {"Y001"}, "p-folder.yaml": {"S011"}, "p-deep.yaml": {"Y001"},
    }
    assert result.exit_code == 1
