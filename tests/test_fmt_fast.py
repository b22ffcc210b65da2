"""fmt's fast path (edit/fmt_fast.py) never calls a file canonical that ruamel's fmt would change.

The property, file by file: `proven(bytes)` implies `canonical(text) == text` (and no refusal),
on every shipped record, every YAML file under tests/fixtures, a small demo repository, and
deliberately broken variants of canonical files (keys reordered, indentation, quotes, flow
style, trailing spaces, no final newline, comments, long lines, quoted dates, CRLF, a
byte-order mark, tabs, and a seeded run of random edits). A false "not proven" only costs
time; these tests also hold that the fast path proves what it is for (the demo's files), and
that `fmt` and `fmt --check` give the same outcome with and without it.
"""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import yaml

import crmtool.edit.fmt as fmt_module
from crmtool.demo import generate
from crmtool.edit.fmt import Refused, canonical, fmt
from crmtool.edit.fmt_fast import _SURELY_PLAIN, _SURELY_PLAIN_FLOW, Shapes, proven
from crmtool.load.repo import FOLDERS, Repository, record_of
from crmtool.load.scalars import STR, YAML11, plain_ok
from crmtool.load.schema import SchemaSet

from .conftest import FIXTURES, PROJECT, TODAY, git
from .test_fmt import _shipped as shipped

SCHEMAS = SchemaSet(PROJECT / "schemas")
REFERENCES = (None, "../../schemas/x.schema.json")


def _type_of(rel: str) -> str | None:
    folder = record_of(rel)[0]
    return FOLDERS.get(folder) if folder else None


def _record_rel(path: Path) -> str:
    """The path from `records/` on (where a fixture keeps its records), else the file name."""
    parts = path.parts
    return "/".join(parts[parts.index("records"):]) if "records" in parts else path.name


def _slow(text: str, rel: str, reference: str | None) -> str | None:
    """What ruamel's fmt writes for `text`; None when it refuses the file."""
    record_type = _type_of(rel)
    try:
        return canonical(text, rel, record_type, SCHEMAS if record_type else None, reference)
    except Refused:
        return None


def _fast(raw: bytes, rel: str, reference: str | None) -> bool:
    record_type = _type_of(rel)
    return proven(raw, reference, Shapes(record_type, SCHEMAS if record_type else None))


def _agrees(raw: bytes, rel: str, reference: str | None) -> bool:
    """The property: proven only when fmt keeps the file byte for byte. Returns `proven`."""
    if not _fast(raw, rel, reference):
        return False
    text = raw.decode("utf-8")
    assert _slow(text, rel, reference) == text, f"fast path calls {rel} canonical, fmt changes it:\n{text}"
    return True


def _fixtures() -> list[tuple[Path, str]]:
    return [(path, _record_rel(path)) for path in sorted(FIXTURES.rglob("*.yaml"))]


SHIPPED = [(base / rel, rel) for base, rel in shipped()]  # (file, path in its repository)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> list[tuple[Path, str]]:
    root = tmp_path_factory.mktemp("demo") / "repo"
    generate(root, 60, 7, TODAY, git=False)
    return [(path, path.relative_to(root).as_posix()) for path in sorted((root / "records").rglob("*.yaml"))]


# -- real files ------------------------------------------------------------------------------

def test_shipped_records():
    proven_count = 0
    for path, rel in SHIPPED:
        for reference in REFERENCES:
            proven_count += _agrees(path.read_bytes(), rel, reference)
    assert proven_count >= len(SHIPPED)  # the shipped records are canonical: most are proven


def test_every_fixture_file():
    for path, rel in _fixtures():
        for reference in REFERENCES:
            _agrees(path.read_bytes(), rel, reference)


def test_a_demo_repository_is_proven_nearly_whole(demo):
    proven_count = sum(_agrees(path.read_bytes(), rel, "../../schemas/x.schema.json") for path, rel in demo)
    assert proven_count >= 0.97 * len(demo), f"{proven_count} of {len(demo)} proven"


# -- canonical files made wrong ----------------------------------------------------------------

def _lines_swapped(text: str) -> str:
    lines = text.split("\n")
    keys = [i for i, line in enumerate(lines) if re.match(r"[a-z_]+:", line)]
    if len(keys) < 2:
        return text
    a, b = keys[-2], keys[-1]
    lines[a], lines[b] = lines[b], lines[a]
    return "\n".join(lines)


MUTATIONS = {
    "keys reordered": _lines_swapped,
    "first key last": lambda t: re.sub(r"\A(#[^\n]*\n)?([a-z_]+:[^\n]*\n)(.*)\Z", r"\1\3\2", t, flags=re.S),
    "indented by four": lambda t: t.replace("\n  ", "\n    "),
    "indented by one": lambda t: t.replace("\n  ", "\n   "),
    "dashes indented": lambda t: re.sub(r"\n- ", "\n  - ", t),
    "dashes indented by four": lambda t: re.sub(r"\n(\s*)- ", r"\n\1    - ", t),
    "dashes under the key": lambda t: re.sub(r"\n  - ", "\n- ", t),
    "single quotes": lambda t: re.sub(r'"([^"\\\n]*)"', r"'\1'", t),
    "double quotes": lambda t: re.sub(r": ([A-Za-z][^\n,{}\[\]#:]*)", r': "\1"', t, count=1),
    "quotes dropped": lambda t: re.sub(r'"([^"\\\n]*)"', r"\1", t),
    "an escape": lambda t: t.replace('"', '"\\u0041', 1) if '"' in t else t + 'x: "\\t"\n',
    "flow map to block": lambda t: re.sub(r"^(\w+): \{(\w+): ([^,}]+)", r"\1:\n  \2: \3\n  x: {", t, count=1,
                                          flags=re.M),
    "flow list spaced": lambda t: t.replace("[", "[ ").replace("]", " ]"),
    "flow map unspaced": lambda t: t.replace(", ", ","),
    "flow keys reordered": lambda t: re.sub(r"\{(\w+: [^,{}]+), (\w+: [^,{}]+)", r"{\2, \1", t, count=1),
    "trailing spaces": lambda t: t.replace("\n", " \n", 3),
    "trailing space at the end": lambda t: t[:-1] + " \n",
    "no final newline": lambda t: t.rstrip("\n"),
    "two final newlines": lambda t: t + "\n",
    "a blank line": lambda t: t.replace("\n", "\n\n", 2),
    "a comment line": lambda t: re.sub(r"\n([a-z])", r"\n# note\n\1", t, count=1),
    "an end-of-line comment": lambda t: re.sub(r"\n([a-z_]+: [^\n]+)", r"\n\1  # note", t, count=1),
    "the schema comment dropped": lambda t: re.sub(r"\A#[^\n]*\n", "", t),
    "the schema comment second": lambda t: re.sub(r"\A(#[^\n]*\n)([^\n]*\n)", r"\2\1", t),
    "the schema comment loose": lambda t: t.replace("# yaml-language-server: $schema=",
                                                    "#yaml-language-server:  $schema="),
    "a long line": lambda t: re.sub(r"\n([a-z_]+): ", r"\n\1: " + "lang " * 250, t, count=1),
    "a very long line": lambda t: t + "zz_note: " + "woord " * 14000 + "eind\n",
    "dates quoted": lambda t: re.sub(r"(\d{4}-\d{2}-\d{2})", r'"\1"', t),
    "dates single-quoted": lambda t: re.sub(r"(\d{4}-\d{2}-\d{2})", r"'\1'", t),
    "a date in a text field": lambda t: t + "zz_note: 2024-05-14\n",
    "a text field holding a date": lambda t: re.sub(r"^(name|title|summary|kind): .*$", r"\1: 2024-05-14", t,
                                                    count=1, flags=re.M),
    "CRLF": lambda t: t.replace("\n", "\r\n"),
    "one CR": lambda t: t.replace("\n", "\r\n", 1),
    "BOM": lambda t: "\ufeff" + t,
    "a tab": lambda t: t.replace("  ", "\t", 1),
    "a tab in text": lambda t: re.sub(r"(\w) (\w)", "\\1\t\\2", t, count=1),
    "a key twice": lambda t: t + re.search(r"^([a-z_]+: [^\n]*\n)", t, re.M).group(1),  # type: ignore[union-attr]
    "an anchor and an alias": lambda t: re.sub(r"^(\w+): ", r"\1: &a ", t, count=1, flags=re.M) + "zz_copy: *a\n",
    "a tag": lambda t: re.sub(r"^(\w+): ", r"\1: !!str ", t, count=1, flags=re.M),
    "an explicit document": lambda t: re.sub(r"\n(?=[a-z])", "\n---\n", t, count=1),
    "a document end": lambda t: t + "...\n",
    "a second document": lambda t: t + "---\nx: 1\n",
    "a literal block": lambda t: t + "zz_note: |\n  one\n  two\n",
    "a folded line": lambda t: re.sub(r"^(\w+): (\w+) (\w+)", r"\1: \2\n  \3", t, count=1, flags=re.M),
    "yes": lambda t: t + "zz_flag: yes\n",
    "NO quoted": lambda t: t + 'zz_country: "NO"\n',
    "a leading zero": lambda t: t + "zz_phone: 0612345678\n",
    "1e3": lambda t: t + "zz_n: 1e3\n",
    "an empty value": lambda t: t + "zz_empty:\n",
    "an empty string": lambda t: t + 'zz_empty: ""\n',
    "a tilde": lambda t: t + "zz_empty: ~\n",
    "a colon in text": lambda t: t + 'zz_note: "a: b"\n',
    "a colon plain": lambda t: t + "zz_note: a:b\n",
    "a hash": lambda t: t + "zz_note: a #b\n",
    "non-ASCII": lambda t: t + "zz_note: Gülşen Çelik-Ölmez\n",
    "non-ASCII quoted": lambda t: t + 'zz_note: "Gülşen — “Ölmez”"\n',
    "a key needing quotes": lambda t: t + '"zz key": 1\n',
    "a numeric key": lambda t: t + "12: x\n",
    "a boolean key": lambda t: t + "yes: x\n",
    "a nested list": lambda t: t + "zz_list:\n- - a\n  - b\n",
    "an empty item": lambda t: t + "zz_list:\n-\n- a\n",
    "a nested flow": lambda t: t + "zz_map: {a: [1, 2]}\n",
    "a flow map in a flow map": lambda t: t + "zz_map: {a: {b: 1}, c: {d: 2, e: [x]}}\n",
    "a one-key flow map in a flow list": lambda t: t + "zz_list: [{a: 1}]\n",
    "flow maps in a flow list": lambda t: t + "zz_list: [{a: 1, b: 2}, {c: 3, d: [x, {e: 4, f: 5}]}]\n",
    "flow lists in a flow list": lambda t: t + "zz_list: [[a, b], [], [c]]\n",
    "empty flow maps inside flow": lambda t: t + "zz_list: [{}]\nzz_map: {a: {}, b: []}\n",
    "an empty flow map": lambda t: t + "zz_map: {}\n",
    "a flow list": lambda t: t + "zz_list: [a, 'b', \"c\"]\n",
    "a block list of maps": lambda t: t + "zz_list:\n- a: 1\n  b:\n    c: 2\n- d: [x]\n",
    "a first key with a block map": lambda t: t + "zz_list:\n- a:\n    b: 1\n  c: 2\n",
    "a first key with a block list": lambda t: t + "zz_list:\n- a:\n  - x\n  - y\n  c: 2\n",
    "the same, dashes indented": lambda t: t + "zz_list:\n  - a:\n      - x\n    c: 2\n  - d: {e: 1}\n",
    "the same, dashes misplaced": lambda t: t + "zz_list:\n  - a:\n    - x\n    c: 2\n",
    "flow collections in a block list": lambda t: t + "zz_list:\n- [a, b]\n- {c: 1}\n- []\n",
    "a map of maps": lambda t: t + "zz_map:\n  a:\n    b:\n      c: 1\n  d: 2\n",
    "numbers": lambda t: t + "zz_a: 007\nzz_b: -3\nzz_c: 1.10\nzz_d: -0.5\nzz_e: 0\n",
    "other numbers": lambda t: t + "zz_a: 12345678901234567890\nzz_b: 0x1F\nzz_c: 1_000\nzz_d: 1e3\nzz_e: .5\n",
    "booleans and nulls": lambda t: t + "zz_a: true\nzz_b: Off\nzz_c: null\nzz_d: NULL\nzz_e: y\n",
    "a time": lambda t: t + "zz_a: 2024-05-14 10:00:00\nzz_b: 2024-05-14T10:00:00Z\n",
    "an impossible date": lambda t: re.sub(r"(\d{4})-\d{2}-(\d{2})", r"\1-13-\2", t, count=1),
    "emoji": lambda t: t + "zz_note: feest 🎉 en 𝔘\n",
    "unicode spaces": lambda t: t + "zz_note: a\u00a0b\u2003c\u00a0\n",
    "NEL": lambda t: t.replace("\n", "\x85", 1),
    "line separator": lambda t: t + "zz_note: a\u2028b\n",
    "a control character": lambda t: t + "zz_note: a\x07b\n",
    "top-level flow": lambda t: "{a: 1}\n",
    "top-level list": lambda t: "- a\n",
    "empty": lambda t: "",
    "only the comment": lambda t: t.split("\n")[0] + "\n",
}


def _canonical_samples(demo) -> list[tuple[bytes, str]]:
    samples = [(path.read_bytes(), rel) for path, rel in SHIPPED[::2]]  # both layouts, all record types
    samples += [(path.read_bytes(), rel) for path, rel in demo[::20]]
    return samples


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_a_mutated_canonical_file_is_never_proven_unless_fmt_keeps_it(name, demo):
    mutate = MUTATIONS[name]
    changed = 0
    for raw, rel in _canonical_samples(demo):
        text = raw.decode("utf-8")
        mutated = mutate(text)
        if mutated == text:
            continue
        changed += 1
        data = mutated.encode("utf-8")
        for reference in REFERENCES:
            _agrees(data, rel, reference)
    assert changed, f"{name} changed no sample"


def test_seeded_random_edits(demo):
    """Thousands of small random edits (a character of YAML's syntax inserted, removed or
    replaced) of canonical files: the fast path may call one canonical only if fmt agrees."""
    rng = random.Random(20)
    alphabet = [" ", "  ", "\n", "\n  ", "- ", ":", ": ", "#", "'", '"', "{", "}", "[", "]", ",", "&a ", "*a",
                "!", "|", ">", "?", "\t", "\r", "\\", "%", "@", "`", "2024-05-14", "no", "0", "x", "é", "\ufeff"]
    samples = _canonical_samples(demo)
    proven_count = 0
    for _ in range(6000):
        raw, rel = rng.choice(samples)
        text = raw.decode("utf-8")
        for _edit in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            action = rng.random()
            if action < 0.4:
                text = text[:at] + rng.choice(alphabet) + text[at:]
            elif action < 0.7:
                text = text[:at] + text[at + rng.randint(1, 3):]
            else:
                text = text[:at] + rng.choice(alphabet) + text[at + 1:]
        proven_count += _agrees(text.encode("utf-8"), rel, rng.choice(REFERENCES))
    assert proven_count > 0  # some edits stay canonical (inside a text), and are proven


# -- the quick answer for plain text ----------------------------------------------------------

def _scalars(paths) -> set[str]:
    found: set[str] = set()
    for path in paths:
        try:
            events = list(yaml.parse(path.read_bytes(), Loader=yaml.CSafeLoader))
        except yaml.YAMLError:
            continue
        found.update(e.value for e in events if isinstance(e, yaml.ScalarEvent))
    return found


def test_the_quick_plain_text_answer_agrees_with_plain_ok(demo):
    texts = _scalars([p for p, _ in SHIPPED] + [p for p, _ in _fixtures()] + [p for p, _ in demo])
    texts |= {"yes", "No", "ON", "off", "null", "Null", "y", "n", "true", "FALSE", "nan", "inf", "Yes please",
              "a: b", "a #b", "a#b", "a,b", "a, b", "a ", " a", "a'", "O'Brien", "(a)", "a/b", "a@b.nl", "a+b",
              "a - b", "a -", "Ålesund", "Ærø", "ß", "x×y", "\u212a", "a\u00a0b", "é", "É", "ÿ", "ſ", "a.", "a..b",
              "ab_", "a_-b", "e1", "E5", "x1e3", "o0", "NaN", "Inf", "a [b]", "a {b}", "a?", "a?b", "a`", "a%", "a&b"}
    for text in texts:
        for flow, quick in ((False, _SURELY_PLAIN), (True, _SURELY_PLAIN_FLOW)):
            if quick.fullmatch(text):
                assert plain_ok(text, flow), (text, flow)
                assert YAML11.resolve(yaml.ScalarNode, text, (True, False)) == STR, text


# -- the command, with and without the fast path -----------------------------------------------

def _messy(root: Path) -> None:
    """A few files fmt changes or refuses, among the canonical ones."""
    people = sorted((root / "records" / "people").glob("*.yaml"))
    people[0].write_text(people[0].read_text().replace("\n", "\r\n"))
    people[1].write_text(_lines_swapped(people[1].read_text()))
    people[2].write_text(people[2].read_text() + "owner: twice\n")
    people[3].write_text(re.sub(r"(\d{4}-\d{2}-\d{2})", r'"\1"', people[3].read_text()))


@pytest.mark.parametrize("check", [True, False])
def test_fmt_outcome_is_the_same_without_the_fast_path(example_git_repo, tmp_path, monkeypatch, check):
    root = example_git_repo.root
    _messy(root)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "messy")
    slow_root = tmp_path / "slow"
    git(tmp_path, "clone", "-q", str(root), str(slow_root))
    fast = fmt(Repository(root), [], check=check, schemas=SCHEMAS)
    with monkeypatch.context() as patched:
        patched.setattr(fmt_module, "proven", lambda *args: False)
        slow = fmt(Repository(slow_root), [], check=check, schemas=SCHEMAS)
    assert fast.as_dict() == slow.as_dict()
    assert fast.differences and fast.broken
    for path in sorted((root / "records").rglob("*.yaml")):
        assert path.read_bytes() == (slow_root / path.relative_to(root)).read_bytes()


def test_fmt_check_of_a_canonical_repository_calls_ruamel_for_no_file(demo, monkeypatch):
    """The point of the fast path: on a repository fmt wrote, ruamel reads only the few files
    outside the known part of YAML (block texts)."""
    root = demo[0][0].parents[2]
    called: list[str] = []
    real = fmt_module.canonical

    def counting(text, path, *args, **kwargs):
        called.append(path)
        return real(text, path, *args, **kwargs)
    monkeypatch.setattr(fmt_module, "canonical", counting)
    outcome = fmt(Repository(root), [], check=True, schemas=SCHEMAS)
    assert not outcome.failed
    assert len(called) <= 0.03 * outcome.files
