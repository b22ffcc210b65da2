"""The loader's fast path gives what the slow path gave, input for input.

`crmtool/load/document.py` composes with a resolver that remembers plain scalars' tags, walks
a tree without aliases in one pass and tests for deep nesting by counting first.
`tests/loader_reference.py` is the loader as it was before, frozen. Both load every input
here, and the documents must be the same in everything the rules read: data (with types),
problems, retyped scalars, aliased pointers, whether it loaded, and the node tree that every
position comes from (tags, values, styles, marks).

The inputs: every YAML file that ships (records/, examples/, the demo's policy files, the rule
fixtures under tests/fixtures), demo repositories generated here at two sizes, the 402 inputs
of the public yaml-test-suite (tests/data/yaml-test-suite), the fuzz test's broken documents,
and edge cases of the depth limit and the resolver's memory.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings

from crmtool.demo import generate
from crmtool.load import document
from crmtool.load.document import load_document

from . import loader_reference as reference
from .conftest import FIXTURES, PROJECT, TODAY
from .test_fuzz import FUZZ, documents

SUITE = Path(__file__).parent / "data" / "yaml-test-suite" / "in-yaml.json"


def _same_value(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same_value(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def _mark(mark) -> tuple | None:
    return None if mark is None else (mark.line, mark.column, mark.index)


def _tree(node, seen=None) -> object:
    """A node tree as plain values: what `Document.position` and the workspace's forms read."""
    seen = set() if seen is None else seen
    if node is None:
        return None
    head = (type(node).__name__, node.tag, _mark(node.start_mark), _mark(node.end_mark))
    if id(node) in seen:  # an alias: the same node again
        return ("alias",) + head
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        return head + (node.value, node.style)
    if isinstance(node, yaml.SequenceNode):
        return head + (node.flow_style, [_tree(item, seen) for item in node.value])
    return head + (node.flow_style, [(_tree(k, seen), _tree(v, seen)) for k, v in node.value])


def assert_same(raw: bytes, label: str = "") -> None:
    fast, slow = load_document("x.yaml", raw), reference.load_document("x.yaml", raw)
    where = f"{label}: {raw[:300]!r}"
    assert fast.loaded == slow.loaded, where
    assert _same_value(fast.data, slow.data), where
    assert [(p.kind, p.line, p.column, p.detail) for p in fast.problems] == \
        [(p.kind, p.line, p.column, p.detail) for p in slow.problems], where
    assert len(fast.retyped) == len(slow.retyped), where
    for mine, theirs in zip(fast.retyped, slow.retyped):
        assert (mine.pointer, mine.text, mine.line, mine.column, mine.tag, mine.is_key) == \
            (theirs.pointer, theirs.text, theirs.line, theirs.column, theirs.tag, theirs.is_key), where
        assert _same_value(mine.value, theirs.value), where
    assert fast.aliased == slow.aliased, where
    assert _tree(fast.root) == _tree(slow.root), where


def _shipped() -> list[Path]:
    roots = [PROJECT / "records", PROJECT / "examples", PROJECT / "crmtool" / "demo" / "policy", FIXTURES]
    found = [PROJECT / "crmtool.yaml"]
    for root in roots:
        found += sorted(p for p in root.rglob("*.yaml") if p.is_file())
        found += sorted(p for p in root.rglob("*.yml") if p.is_file())
    return found


def test_every_shipped_record_fixture_and_setting_loads_the_same():
    files = _shipped()
    assert len(files) > 500  # the records, both examples and every rule's fixtures
    for path in files:
        assert_same(path.read_bytes(), str(path.relative_to(PROJECT)))


@pytest.mark.parametrize("people,seed", [(40, 3), (250, 11)])
def test_demo_repositories_load_the_same(tmp_path, people, seed):
    root = tmp_path / "demo"
    generate(root, people, seed, TODAY, git=False)
    files = sorted((root / "records").rglob("*.yaml"))
    assert len(files) > people
    for path in files:
        assert_same(path.read_bytes(), str(path.relative_to(root)))


def test_every_input_of_the_yaml_test_suite_loads_the_same():
    inputs = json.loads(SUITE.read_text(encoding="utf-8"))
    assert len(inputs) == 402
    loaded = 0
    for name, text in inputs.items():
        raw = text.encode("utf-8")
        assert_same(raw, name)
        loaded += load_document("x.yaml", raw).loaded
        for variant in (raw.replace(b"*", b""), raw.replace(b"&", b"")):  # without aliases or anchors
            assert_same(variant, name + " (variant)")
    assert loaded > 200  # most of the suite is one valid document: the walk itself was compared


@pytest.mark.parametrize("raw", [
    # the depth limit, with something noted before it is reached
    b"a: 1\na: 2\nb: 0612\nc: " + b"[" * 63 + b"x" + b"]" * 63,
    b"a: 1\na: 2\nb: 0612\nc: " + b"[" * 64 + b"x" + b"]" * 64,
    b"a: 1\na: 2\nb: 0612\nc: " + b"[" * 64 + b"]" * 64,
    b"a: 1\na: 2\nb: 0612\nc: " + b"[" * 65 + b"]" * 65,
    b"- " * 63 + b"x\n", b"- " * 64 + b"x\n", b"- " * 65 + b"x\n", b"- " * 70 + b"x\n",
    b"k: " + b"{a: " * 64 + b"1" + b"}" * 64, b"k: " + b"{a: " * 65 + b"1" + b"}" * 65,
    b"\n".join(b" " * (2 * i) + b"k%d:" % i for i in range(70)) + b" end\n",
    b"\n".join(b" " * (2 * i) + b"k%d:" % i for i in range(64)) + b" end\n",
    # the nesting hints: 96 spaces, 24 markers, and just under each
    b"a:\n" + b" " * 96 + b"b\n", b"a:\n" + b" " * 95 + b"b\n", b"a: " + b"- " * 24 + b"\n",
    b"a: " + b"- " * 23 + b"\n", b"? " * 24 + b"x\n", b": " * 24 + b"x\n", b"[" * 257 + b"]" * 257,
    # tags, keys and scalars that the walk notes
    b"!!map {a: 1}\n", b"!!seq [1]\n", b"!x {a: 1}\n", b"! [1, 2]\n", b"!!str [1]\n", b"!!set {a, b}\n",
    b"a: !!binary aGVsbG8=\n", b"a: !x 1\nb: ! 2\nc: !!str 3\nd: !!int x\ne: !!timestamp 2026-02-30\n",
    b"<<: {a: 1}\nb: 2\n", b"? [a]\n: 1\nb: 2\n", b"? {a: 1}\n: x\n", b"1: a\ntrue: b\n2026-01-01: c\n~: d\n.5: e\n",
    b"a: 0612345678\nb: 1e3\nc: 0o17\nd: 0x1F\ne: .inf\nf: +.5\ng: -1\nh: '0612'\ni: 1_000\nj: 0b101\n",
    b"a: yes\nb: No\nc: on\nd: OFF\ne: y\nf: 1:20\ng: 2026-11-24T10:00:00Z\nh: 2026-11-24 10:00\ni: .NaN\n",
    b"a:\nb: ~\nc: null\nd: ''\ne: \"\"\n", b"2026-01-01\n", b"0612\n", b"plain\n", b"", b"# only a comment\n",
    b"a: &x 1\nb: *x\n", b"a: &x {b: 1}\nc: *x\nd: *x\n", b"&a a: *a\n", b"*a\n", b"a: &x\nb: 1\n",
    b"--- a\n--- b\n", b"a: 1\n...\n", b"%YAML 1.1\n--- {a: 1}\n", b"\xef\xbb\xbfa: 1\n", b"a:\t1\n",
])
def test_edge_cases_load_the_same(raw):
    assert_same(raw)


def test_the_resolvers_memory_forgets_without_changing_answers(monkeypatch):
    monkeypatch.setattr(document, "_PLAIN_TAGS", {})
    monkeypatch.setattr(document, "_PLAIN_TAGS_LIMIT", 3)
    texts = [b"a: 1\nb: yes\nc: x\n", b"a: 2026-01-01\nb: 1.5\nc: ~\nd: 1\n", b"a: yes\nb: 0612\n"] * 3
    for raw in texts:
        assert_same(raw)
    assert len(document._PLAIN_TAGS) <= 3


@settings(FUZZ, max_examples=min(settings.default.max_examples, 2_000))
@given(documents())
def test_broken_and_mutated_documents_load_the_same(case):
    _rel, raw = case
    assert_same(raw)
