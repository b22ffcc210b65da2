"""One `$schema` path for `fmt` and `new` (edit/schema_ref.py), and fmt's cache on the shared store.

`fmt` adds the comment only when a path resolves from the file's folder; `new` falls back to
the neighbours' path as it is, else `schemas/` at the root. Each on a repository with its own
`schemas/`, on one without (a copy of the examples), on one whose neighbours' path resolves,
and in a deeper folder (`interactions/2026/`).
"""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import crmtool.edit.fmt as fmt_module
from crmtool.cli import cli
from crmtool.edit.schema_ref import SchemaReferences
from crmtool.load.repo import Repository

from .conftest import PROJECT, git

ENV = {"CRMTOOL_TODAY": "2026-11-24"}
PERSON = "records/people/p-2n3qp7.yaml"
INTERACTION = "records/interactions/2026/i-2026-03-10-kennismaking-burgemeester-lelystad.yaml"
NEW_PERSON = ("person", "--family", "Peeters", "--purpose", "office-holders", "--source", "public-register")
NEW_INTERACTION = ("interaction", "--date", "2026-11-20", "--kind", "call", "--purpose", "office-holders",
                   "--summary", "Telefoon", "--person", "p-2n3qp7", "--staff", "anna")


def examples(root: Path, own_schemas: bool) -> Path:
    """The shipped example records as a git repository, with or without `schemas/` of its own."""
    shutil.copytree(PROJECT / "records", root / "records")
    shutil.copy(PROJECT / "crmtool.yaml", root / "crmtool.yaml")
    if own_schemas:
        shutil.copytree(PROJECT / "schemas", root / "schemas")
    git(root, "init", "-q", "-b", "main")
    return root


def without_comment(root: Path, rel: str) -> str:
    """Takes the `$schema` line off a record; returns its first line after that."""
    file = root / rel
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[0].startswith("# yaml-language-server: $schema=")
    file.write_text("".join(lines[1:]), encoding="utf-8")
    return lines[1]


def first_line(root: Path, rel: str) -> str:
    return (root / rel).read_text(encoding="utf-8").splitlines()[0]


def fmt(root: Path, *args: str) -> int:
    result = CliRunner().invoke(cli, ["fmt", "--root", str(root), *args], env=ENV)
    assert "Traceback" not in result.output, result.output
    return result.exit_code


def new(root: Path, *args: str) -> str:
    """The path `new` wrote."""
    result = CliRunner().invoke(cli, ["new", *args, "--root", str(root), "--no-interactive"], env=ENV)
    assert result.exit_code in (0, 1), result.output
    written = {line.split(": ", 1)[1] for line in result.stdout.splitlines() if ": records/" in line}
    assert len(written) == 1, result.output
    return written.pop()


def test_own_schemas_both_commands_write_the_path_into_them(tmp_path):
    root = examples(tmp_path / "repo", own_schemas=True)
    for rel in (PERSON, INTERACTION):
        without_comment(root, rel)
    assert fmt(root) == 0
    assert first_line(root, PERSON) == "# yaml-language-server: $schema=../../schemas/person.schema.json"
    assert first_line(root, INTERACTION) == "# yaml-language-server: $schema=../../../schemas/interaction.schema.json"
    person, interaction = new(root, *NEW_PERSON), new(root, *NEW_INTERACTION)
    assert interaction.startswith("records/interactions/2026/")
    assert first_line(root, person) == first_line(root, PERSON)
    assert first_line(root, interaction) == first_line(root, INTERACTION)


def test_without_own_schemas_fmt_adds_nothing_and_new_follows_the_neighbours(tmp_path):
    """The copied records say `../../schemas/...`, which does not resolve here: fmt does not
    guess, new writes the neighbours' path as it is (fixing one line fixes all)."""
    root = examples(tmp_path / "repo", own_schemas=False)
    body = {rel: without_comment(root, rel) for rel in (PERSON, INTERACTION)}
    assert fmt(root) == 0
    assert fmt(root, "--check") == 0
    for rel in (PERSON, INTERACTION):
        assert first_line(root, rel) + "\n" == body[rel]  # no comment added
    assert SchemaReferences(Repository(root)).resolving(INTERACTION, "interaction") is None
    person, interaction = new(root, *NEW_PERSON), new(root, *NEW_INTERACTION)
    assert first_line(root, person) == "# yaml-language-server: $schema=../../schemas/person.schema.json"
    assert first_line(root, interaction) == "# yaml-language-server: $schema=../../../schemas/interaction.schema.json"


def test_a_resolving_neighbours_path_is_used_by_both(tmp_path):
    """A copy of the cooperative (its own checkout, no schemas/ of its own) whose neighbours'
    `../../../../schemas/` resolves from where it lies: both commands write that path, one
    level deeper in `interactions/2026/`."""
    coop = tmp_path / "work" / "coop"
    shutil.copytree(PROJECT / "examples" / "cooperative", coop, ignore=shutil.ignore_patterns("build"))
    shutil.copytree(PROJECT / "schemas", tmp_path / "schemas")  # where ../../../../schemas leads
    git(coop, "init", "-q", "-b", "main")
    person = next(p for p in sorted((coop / "records/people").glob("*.yaml"))).relative_to(coop).as_posix()
    interaction = next(p for p in sorted((coop / "records/interactions/2026").glob("*.yaml"))
                       ).relative_to(coop).as_posix()
    expected = {person: "# yaml-language-server: $schema=../../../../schemas/person.schema.json",
                interaction: "# yaml-language-server: $schema=../../../../../schemas/interaction.schema.json"}
    for rel in expected:
        assert first_line(coop, rel) == expected[rel]
        without_comment(coop, rel)
    assert fmt(coop, "--check") == 1  # the lines are missing, and fmt knows which
    assert fmt(coop) == 0
    for rel in expected:
        assert first_line(coop, rel) == expected[rel]
    person_args = ("person", "--family", "Peeters", "--purpose", "contacts", "--source", "contact-request")
    interaction_args = ("interaction", "--date", "2026-11-20", "--kind", "call", "--purpose", "contacts",
                        "--summary", "Telefoon")
    assert first_line(coop, new(coop, *person_args)) == expected[person]
    assert first_line(coop, new(coop, *interaction_args)) == expected[interaction]


def test_fmt_reads_the_neighbours_once_per_folder_not_per_file(tmp_path, monkeypatch):
    root = examples(tmp_path / "repo", own_schemas=False)
    reads: list[str] = []
    original = SchemaReferences._read_neighbours

    def counted(self, folder, name):
        reads.append(f"{folder} {name}")
        return original(self, folder, name)
    monkeypatch.setattr(SchemaReferences, "_read_neighbours", counted)
    assert fmt(root, "--check") == 0
    files = list((root / "records").rglob("*.yaml"))
    assert len(reads) == len(set(reads)) and len(reads) < len(files)
    assert len(reads) == len({p.relative_to(root / "records").parts[0] for p in files})


def test_a_cached_file_is_laid_out_again_when_its_schema_path_starts_to_resolve(tmp_path):
    """fmt's answer for a file without the comment depends on the `$schema` path: the same
    bytes found canonical without schemas/ are not canonical once the repository has its own
    (the same schemas, so the same tool key): the cache must not say otherwise."""
    root = examples(tmp_path / "repo", own_schemas=False)
    without_comment(root, PERSON)
    assert fmt(root, "--check") == 0
    shutil.copytree(PROJECT / "schemas", root / "schemas")
    assert fmt(root, "--check") == 1


def _unkeyed_digest(root: Path, rel: str) -> str:
    """What a row would hold if the digest were not keyed: anyone could write it."""
    import hashlib
    reference = SchemaReferences(Repository(root)).resolving(rel, "person")
    return hashlib.sha256(f"{rel}\0{reference or ''}\0".encode() + (root / rel).read_bytes()).hexdigest()


def test_a_forged_row_in_the_fmt_cache_does_not_skip_a_file(tmp_path):
    """Issue 16: a `canonical` row that no run of this crmtool wrote would make `fmt --check`
    pass a file it never looked at; the digests are keyed, so such a row matches nothing."""
    root = examples(tmp_path / "repo", own_schemas=True)
    assert fmt(root, "--check") == 0
    file = root / PERSON
    file.write_text(file.read_text(encoding="utf-8").replace("owner: ", "owner:   ", 1), encoding="utf-8")
    assert fmt(root, "--check") == 1
    with sqlite3.connect(root / fmt_module.CACHE_FILE) as db:
        db.execute("INSERT OR REPLACE INTO canonical VALUES (?)", (_unkeyed_digest(root, PERSON),))
    db.close()
    assert fmt(root, "--check") == 1


@pytest.mark.parametrize("damage", [b"not a database at all", b"SQLite format 3\0" + b"\xff" * 200, b""])
def test_a_damaged_fmt_cache_only_costs_work(tmp_path, damage):
    root = examples(tmp_path / "repo", own_schemas=True)
    (root / "build").mkdir()
    (root / fmt_module.CACHE_FILE).write_bytes(damage)
    assert fmt(root, "--check") == 0
    with sqlite3.connect(root / fmt_module.CACHE_FILE) as db:  # made anew, and filled
        assert db.execute("SELECT count(*) FROM canonical").fetchone()[0] > 0
    db.close()
