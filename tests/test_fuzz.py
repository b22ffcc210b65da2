"""Fuzzing as a habit: Hypothesis throws broken YAML at load, check, fmt and the index.

Inputs are arbitrary text and bytes, text that looks like YAML, documents dumped to YAML,
and valid records (from tests/fixtures/base and the shipped records/) mutated the way hands,
editors and attackers break them: a value of the wrong type, a key dropped or written twice,
a date moved or impossible, control characters, look-alike letters, very long text, deep
nesting, anchors, aliases and tags. The properties:

- nothing raises: every problem is a finding (or fmt's refusal), never a traceback;
- `fmt` never changes data (the data read back is `same_data` as before) and is idempotent;
- the check's findings do not depend on the cache: a cold run, a warm run and a run after
  the cache saw a different content of the same file give the same findings;
- the real `crmtool` process exits 0 or 1 on a mutated record, never anything else.

CI runs the "ci" profile (few examples, derandomized: reproducible); `HYPOTHESIS_PROFILE=long`
runs 100,000 examples of the load property, 5,000 of the repository property and 300 real
processes (docs/check.md, "Fuzzing"). Profiles are registered in
tests/conftest.py.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys

import pytest
import yaml
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st

from .conftest import FIXTURES, PROJECT, TODAY
from crmtool.check.run import load_config, run_check
from crmtool.load import load_schemas
from crmtool.edit.fmt import Refused, canonical, fmt
from crmtool.index.build import build_index
from crmtool.load.document import load_document
from crmtool.load.repo import FOLDERS, Repository, record_of
from crmtool.load.scalars import same_data

BASE = FIXTURES / "base"
REPOSITORY_EXAMPLES = min(settings.default.max_examples, 5_000)
"""The repository property runs four checks, fmt and an index an example (about 0.25 s): the
long run gives it 5,000 and the cheap load property the profile's 100,000."""
REAL_PROCESS_EXAMPLES = 12 if settings.default.max_examples < 1000 else 300
"""The real-process property spawns three processes an example: it runs few of them."""

STRAY_MARKS = (b"\xef\xbb\xbf\xef\xbb\xbf\xef\xbb\xbf"
               b"# yaml-language-server: $schema=../../../schemas/interaction.schema.json\n"
               b"date: 2025-06-12\nkind: meeting\npeople: [p-8zvpfv, p-r5epc6]\n"
               b"organisations: [vgn-commissie-milieu]\n"
               b"roles: [r-vgn-commissie-milieu-voorzitter-2022, r-vgn-commissie-milieu-lid-2022-a]\nstaff: [anna]\n"
               b"summary: >-\n  Vergadering commissie Milieu: stand van de warmtetransitie. "
               b"De voorzitter vraagt om een\n"
               b"  inventarisatie van warmtenetten bij de G40-gemeenten.\npurpose: meeting-records\n"
               b"owner: public-affairs\n")
"""Three byte-order marks before a record: found by the long run (fmt walked one parser's tree
along the other's)."""

FUZZ = settings(deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture,  # one repository per test function, on purpose
    HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
    HealthCheck.filter_too_much])


# -- the valid records that get mutated -------------------------------------------------------

def _sources() -> list[tuple[str, bytes]]:
    """(path in the fuzzed repository, valid bytes): every record of the base repository,
    and one record of each type from the shipped records (those the base has none of are
    added to it; their references may dangle, which is a finding, not a crash)."""
    found = [(p.relative_to(BASE).as_posix(), p.read_bytes()) for p in sorted((BASE / "records").rglob("*.yaml"))]
    for folder in FOLDERS:
        shipped = sorted((PROJECT / "records" / folder).rglob("*.yaml"))
        if shipped:
            rel = f"records/{folder}/{shipped[0].name}"  # flat: interactions may nest, need not
            if rel not in dict(found):
                found.append((rel, shipped[0].read_bytes()))
    return found


SOURCES = _sources()
SOURCE_DATA = {rel: yaml.safe_load(raw) for rel, raw in SOURCES}

# -- values ------------------------------------------------------------------------------------

CONTROL = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028", "\u2029",
           "\ufeff", "\u200b", "\u202e", "\ud800", "\udfff", "\r", "\t", "\n", "\ufffe", "\U0001f600"]
LOOKALIKE = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "i": "і", "y": "у",
             "0": "０", "1": "１", "2": "２", "9": "９", "-": "‐", ":": "：", " ": "\u00a0"}
DATES = ["2026-02-30", "99999-01-01", "2026-13-01", "2026-00-10", "0000-01-01", "2026-1-1", "2026-02-29",
         "2024-02-29", "1900-01-01", "9999-12-31", "2026-11-24T25:00:00", "2026-11-24 10:00:00+01:00",
         "2026-11-24T10:00:00Z", "20261124", "2026/11/24", "24-11-2026", "-2026-01-01", "2026-11-24x"]
YAML_WORDS = ["yes", "no", "on", "off", "y", "n", "~", "null", "NULL", "true", "False", ".inf", "-.inf", ".nan",
              "0x1f", "0o17", "017", "1e3", "1_000", "0612345678", "+31 6 1234", "12:30", "1:20:30",
              "2026-11-24", "=SUM(A1)", "<<", "''", '""', "- ", "? ", ": ", "# c", "|", ">-", "!", "%"]


def _texts() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=30),
        st.sampled_from(YAML_WORDS + DATES + CONTROL),
        st.lists(st.one_of(st.sampled_from(CONTROL + YAML_WORDS), st.text(max_size=5)), max_size=6).map("".join),
        st.builds(lambda c, n: c * n, st.sampled_from(["x", "é", "а", "\u2028", " ", "#", "\\"]),
                  st.sampled_from([100, 5000, 70_000])),
    )


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=-2**70, max_value=2**70),
                    st.floats(), st.dates().map(str), st.datetimes(), st.dates(), _texts())


def _keys() -> st.SearchStrategy[str]:
    known = sorted({k for data in SOURCE_DATA.values() if isinstance(data, dict) for k in data})
    return st.one_of(st.sampled_from(known), _texts())


def _values(depth: int = 4) -> st.SearchStrategy:
    return st.recursive(SCALARS, lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(_keys(), inner, max_size=4)), max_leaves=12)


def _nested(value, depth: int, as_list: bool):
    for _ in range(depth):
        value = [value] if as_list else {"k": value}
    return value


# -- mutating loaded data ----------------------------------------------------------------------

def _paths(data, prefix=()):
    """Every path to a value inside `data` (the root included)."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, prefix + (index,))


def _get(data, path):
    for step in path:
        data = data[step]
    return data


def _set(data, path, value):
    if not path:
        return value
    _get(data, path[:-1])[path[-1]] = value
    return data


def _shift(text: str, days: int) -> str:
    try:
        return (dt.date.fromisoformat(text) + dt.timedelta(days=days)).isoformat()
    except (ValueError, OverflowError):
        return text


@st.composite
def mutated_data(draw, data):
    """`data` (a loaded record) with one to three mutations of its values."""
    import copy
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_paths(data))
        path = draw(st.sampled_from(paths))
        old = _get(data, path)
        how = draw(st.sampled_from(["swap", "swap", "drop", "add", "date", "text", "lookalike", "long", "deep"]))
        if how == "swap":
            new = draw(_values())
        elif how == "drop" and path:
            parent = _get(data, path[:-1])
            del parent[path[-1]]
            continue
        elif how == "add" and isinstance(old, dict):
            old[draw(_keys())] = draw(_values())
            continue
        elif how == "date":
            if isinstance(old, (str, dt.date)) or old is None:
                new = draw(st.one_of(st.sampled_from(DATES),
                                     st.integers(-800_000, 800_000).map(lambda d, o=str(old): _shift(o, d))))
            else:
                new = draw(st.sampled_from(DATES))
        elif how == "text" and isinstance(old, str):
            at = draw(st.integers(0, len(old)))
            new = old[:at] + draw(st.sampled_from(CONTROL)) + old[at:]
        elif how == "lookalike" and isinstance(old, str):
            new = "".join(LOOKALIKE.get(ch, ch) if draw(st.booleans()) else ch for ch in old)
        elif how == "long":
            new = (str(old)[:200] if old is not None else "x") * draw(st.sampled_from([50, 2000, 40_000]))
        elif how == "deep":
            new = _nested(old, draw(st.sampled_from([3, 20, 63, 64, 65, 200])), draw(st.booleans()))
        else:
            new = draw(_values())
        data = _set(data, path, new)
    return data


def dump(data, draw) -> bytes:
    """`data` as YAML bytes, in one of PyYAML's styles. Lone surrogates cannot be UTF-8: they
    are written as CESU-style bytes (surrogatepass), which the loader must call an encoding error."""
    try:
        text = yaml.safe_dump(data, allow_unicode=draw(st.booleans()), sort_keys=False,
                              default_flow_style=draw(st.sampled_from([False, None, True])),
                              width=draw(st.sampled_from([80, 10_000])))
    except (yaml.YAMLError, RecursionError):
        text = repr(data)
    return _bytes(text)


def _bytes(text: str) -> bytes:
    """UTF-8, except that a lone surrogate (not encodable) becomes the CESU-style bytes an
    editor might write: invalid UTF-8, which the loader must report, never crash on."""
    return text.encode("utf-8", "surrogatepass")


# -- mutating text -----------------------------------------------------------------------------

SNIPPETS = ["&a ", "*a", "!!str ", "!!int ", "!!binary ", "!!python/object:os.system ", "!custom ", "!!set ",
            "<<: *a\n", "? ", "- ", ": ", "{", "}", "[", "]", ",", "#", "'", '"', "|\n", ">-\n", "\t", "  ",
            "\n", "\r\n", "---\n", "...\n", "%YAML 1.2\n---\n", "%TAG ! tag:x,2000:\n---\n", "\\", "@", "`",
            "&a [*a, *a]", "key: value\n"] + CONTROL


@st.composite
def mutated_text(draw, raw: bytes) -> bytes:
    """`raw` with one to three edits of its text: lines duplicated (a key twice), dropped,
    swapped or re-indented, snippets of YAML syntax or control characters inserted, letters
    swapped for look-alikes, a BOM or CRLF line ends, or the file cut short."""
    text = raw.decode("utf-8", "surrogatepass")
    for _ in range(draw(st.integers(1, 3))):
        lines = text.split("\n")
        i = draw(st.integers(0, max(len(lines) - 1, 0)))
        how = draw(st.sampled_from(["dup", "dup", "drop", "swap", "indent", "insert", "insert", "lookalike",
                                    "bom", "crlf", "cut", "anchor", "tagged"]))
        if how == "dup":
            lines.insert(draw(st.integers(0, len(lines))), lines[i])
        elif how == "drop":
            del lines[i]
        elif how == "swap":
            j = draw(st.integers(0, max(len(lines) - 1, 0)))
            lines[i], lines[j] = lines[j], lines[i]
        elif how == "indent":
            lines[i] = draw(st.sampled_from([" ", "  ", "\t", "    "])) + lines[i]
        elif how == "lookalike":
            lines[i] = "".join(LOOKALIKE.get(ch, ch) if draw(st.booleans()) else ch for ch in lines[i])
        elif how == "anchor" and ":" in lines[i]:
            key, _, value = lines[i].partition(":")
            lines[i] = f"{key}: &a{value}"
            lines.append("copy: *a")
        elif how == "tagged" and ":" in lines[i]:
            key, _, value = lines[i].partition(":")
            lines[i] = (f"{key}: "
                        f"{draw(st.sampled_from(['!!str', '!!int', '!!float', '!x', '!!timestamp', '!!map']))}{value}")
        text = "\n".join(lines)
        if how == "insert":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.one_of(st.sampled_from(SNIPPETS), _texts())) + text[at:]
        elif how == "bom":
            text = "\ufeff" + text
        elif how == "crlf":
            text = text.replace("\n", "\r\n")
        elif how == "cut":
            text = text[:draw(st.integers(0, len(text)))]
    return _bytes(text)


# -- documents ---------------------------------------------------------------------------------

NEAR_YAML = st.lists(st.one_of(st.sampled_from(SNIPPETS + YAML_WORDS + DATES), _keys(),
                               st.sampled_from([": ", "\n", "\n  ", "\n- "])), max_size=25).map("".join)


@st.composite
def documents(draw) -> tuple[str, bytes]:
    """(path in the repository, bytes): a mutated valid record (most often), arbitrary
    text or bytes, near-YAML text, or a structured document dumped to YAML."""
    rel, raw = draw(st.sampled_from(SOURCES))
    kind = draw(st.sampled_from(["data", "data", "text", "text", "both", "arbitrary", "bytes", "near", "structured"]))
    note(f"kind={kind} path={rel}")
    if kind == "data":
        content = dump(draw(mutated_data(SOURCE_DATA[rel])), draw)
    elif kind == "text":
        content = draw(mutated_text(raw))
    elif kind == "both":
        content = draw(mutated_text(dump(draw(mutated_data(SOURCE_DATA[rel])), draw)))
    elif kind == "arbitrary":
        content = _bytes(draw(st.text()))
    elif kind == "bytes":
        content = draw(st.binary(max_size=200))
    elif kind == "near":
        content = _bytes(draw(NEAR_YAML))
    else:
        content = dump(draw(st.dictionaries(_keys(), _values(), max_size=8)), draw)
    return rel, content


def _decodable(content: bytes) -> bool:
    try:
        content.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


# -- property 1: the loader and fmt's layout, in memory ---------------------------------------

@pytest.fixture(scope="module")
def schemas():
    return load_schemas(Repository(BASE))


@FUZZ
@given(doc=documents())
@example(doc=("records/fields/inwoners.yaml", b"label: !!float"))  # found by the long run
@example(doc=("records/fields/inwoners.yaml", b"0: #\xc2\x85#"))  # NEL: a line break to libyaml only
@example(doc=("records/vocabularies/teams.yaml", b"\xef\xbb\xbftitle: {nl: Teams, en: Teams}\nvalues:\n  - "))
@example(doc=("records/interactions/i-x.yaml", STRAY_MARKS))  # libyaml and ruamel read it differently
@example(doc=("records/fields/inwoners.yaml", b"? " + b"x" * 1100 + b"\n: agreement:\n  - null\n"))  # fmt unstable
@example(doc=("records/fields/inwoners.yaml", b'? "\\N"\n: agreement:\n  - null\n'))  # an escaped NEL in a key
@example(doc=("records/vocabularies/functions.yaml", b"x" * 100 + b"0" * 17 + b"values:\n  - {id: a}\n"))  # ? key
@example(doc=("records/organisations/partij-a.yaml", b"name: !!timestamp Partij A\nkind: political-party\n"))
def test_load_and_layout_never_raise_and_keep_data(schemas, doc):
    """load_document never raises; fmt's layout raises only Refused (a finding), keeps the
    data exactly and is idempotent."""
    rel, content = doc
    loaded = load_document(rel, content)
    assert loaded.loaded or loaded.problems
    if not _decodable(content):
        assert not loaded.loaded
        return
    text = content.decode("utf-8")
    record_type = FOLDERS[record_of(rel)[0]]
    try:
        new = canonical(text, rel, record_type, schemas, "../../schemas/x.schema.json")
    except Refused:
        return
    if new != text:
        after = load_document(rel, new.encode("utf-8"))
        assert not after.problems, after.problems
        assert same_data(loaded.data, after.data)
        assert canonical(new, rel, record_type, schemas, "../../schemas/x.schema.json") == new


# -- property 2: a repository: check with and without the cache, fmt, the index ----------------

@pytest.fixture
def fuzz_repo(tmp_path) -> Repository:
    """The base repository with one record of each further type, copied once per test."""
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    for rel, raw in SOURCES:
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(raw)
    return Repository(root)


def _findings(repo: Repository, **options) -> list:
    return [f.as_dict() for f in run_check(repo, TODAY, **options).findings]


@settings(FUZZ, max_examples=REPOSITORY_EXAMPLES)
@given(doc=documents(), other=documents())
@example(doc=("records/fields/inwoners.yaml", b"label: {nl: Inwoners}\napplies_to:\n- null\ntype: integer\n"),
         other=("records/vocabularies/sources.yaml", b"99999-01-01\n...\n"))  # S004 on a broken definition
def test_check_fmt_and_index_on_a_mutated_repository(fuzz_repo, schemas, doc, other):
    """Check (cold, warm, after the cache saw another content of the file), fmt and the
    index on a repository with one mutated file: no exception, same findings, same data."""
    repo = fuzz_repo
    rel, content = doc
    path = repo.root / rel
    original = path.read_bytes()
    try:
        path.write_bytes(content)
        cold = _findings(repo, use_cache=False)
        assert _findings(repo) == cold  # filling the cache
        assert _findings(repo) == cold  # reading it
        path.write_bytes(other[1] if other[1] != content else content + b"\n# other\n")
        _findings(repo)  # the cache learns a different content of the same file
        path.write_bytes(content)
        assert _findings(repo) == cold

        config, _ = load_config(repo, schemas)
        before = load_document(rel, content)
        outcome = fmt(repo, [path], check=False, schemas=schemas, config=config)
        now = path.read_bytes()
        if outcome.written:
            assert before.loaded and not before.problems
            after = load_document(rel, now)
            assert after.loaded and not after.problems, after.problems
            assert same_data(before.data, after.data)
        else:
            assert now == content
        again = fmt(repo, [path], check=True, schemas=schemas, config=config)
        if not outcome.broken:
            assert not again.differences, "fmt is not idempotent"
        assert path.read_bytes() == now

        build_index(repo)
    finally:
        path.write_bytes(original)


# -- property 3: the real process --------------------------------------------------------------

def _run(repo: Repository, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CRMTOOL_DEBUG": "1"}  # a bug shows its traceback instead of a polite exit 1
    env.pop("CRMTOOL_TODAY", None)
    return subprocess.run([sys.executable, "-m", "crmtool", *args, "--root", str(repo.root)],
                          capture_output=True, text=True, errors="replace", env=env, timeout=600)


@settings(FUZZ, max_examples=REAL_PROCESS_EXAMPLES)
@given(doc=documents())
def test_the_real_process_exits_0_or_1(fuzz_repo, doc):
    """`crmtool check`, `fmt` and `index` as real processes on a mutated record: exit 0 or 1,
    never a traceback."""
    repo = fuzz_repo
    rel, content = doc
    path = repo.root / rel
    original = path.read_bytes()
    try:
        path.write_bytes(content)
        for args in (["check", "--today", TODAY.isoformat(), "--format", "json"], ["fmt"], ["index"]):
            done = _run(repo, *args)
            assert "Traceback" not in done.stderr, done.stderr
            assert done.returncode in (0, 1), (args, done.returncode, done.stderr)
    finally:
        path.write_bytes(original)
