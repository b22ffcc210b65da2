"""`crmtool history`: the field-level audit trail of one record, on real git repositories."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from crmtool.cli import cli
from crmtool.audit.history import FieldChange, field_changes

from .conftest import PROJECT, git

ROLE = "records/roles/r-lelystad-wethouder-2026-a.yaml"
PERSON = "records/people/p-k2m9qx.yaml"

ROLE_V1 = """\
# yaml-language-server: $schema=../../schemas/role.schema.json
person: p-k2m9qx
organisation: gemeente-lelystad-college
function: wethouder
portfolio: [milieu]
start: 2026-04-01
public: true
"""
ROLE_V2 = ROLE_V1.replace("portfolio: [milieu]", "portfolio: [milieu, wonen]").replace(
    "start: 2026-04-01", "start: 2026-04-02")
ROLE_V3 = ROLE_V2.replace("public: true\n", "end: 2026-11-30\nend_reason: not-re-elected\n")

PERSON_V1 = """\
# yaml-language-server: $schema=../../schemas/person.schema.json
name: {given: Ilse, prefix: "", family: Voorbeeld}
emails:
- {address: i.voorbeeld@lelystad.example.nl, kind: work}
purposes:
- {purpose: office-holders, since: 2026-04-01, source: public-register, notified: 2026-04-10}
owner: public-affairs
status: active
"""


def commit(root: Path, message: str, author: str = "Anna de Vries", date: str = "2026-01-05T10:00:00+01:00") -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty-message", "-m", message,
        f"--author={author} <{author.split()[0].lower()}@example.invalid>", f"--date={date}")


def write(root: Path, path: str, text: str) -> None:
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(text, encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A role changed in three commits by three colleagues, and a person."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write(root, ROLE, ROLE_V1)
    write(root, PERSON, PERSON_V1)
    commit(root, "Add the new alderman of Lelystad")
    write(root, ROLE, ROLE_V2)
    commit(root, "Second portfolio", "Bram Jansen", "2026-03-10T09:30:00+01:00")
    write(root, ROLE, ROLE_V3)
    commit(root, "End the role after the by-election", "Chantal Smit", "2026-11-20T16:00:00+01:00")
    return root


def run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["history", "--root", str(root), *args])
    return result.exit_code, result.output


def trail(root: Path, *args: str) -> list[dict]:
    code, output = run(root, *args, "--format", "json")
    assert code == 0, output
    return json.loads(output)


def test_field_level_changes_across_three_commits(repo):
    entries = trail(repo, "r-lelystad-wethouder-2026-a")
    assert [(e["author"], e["change"], e["subject"]) for e in entries] == [
        ("Chantal Smit", "modified", "End the role after the by-election"),
        ("Bram Jansen", "modified", "Second portfolio"),
        ("Anna de Vries", "added", "Add the new alderman of Lelystad"),
    ]
    assert [e["fields"] for e in entries] == [
        [{"field": "public", "change": "removed"}, {"field": "end", "change": "added"},
         {"field": "end_reason", "change": "added"}],
        [{"field": "portfolio[1]", "change": "added"}, {"field": "start", "change": "changed"}],
        [{"field": k, "change": "added"}
         for k in ("person", "organisation", "function", "portfolio", "start", "public")],
    ]
    assert entries[0]["date"] == "2026-11-20T16:00:00+01:00"
    assert entries[2]["date"] == "2026-01-05T10:00:00+01:00"
    full = git(repo, "rev-parse", "HEAD").strip()
    assert full.startswith(entries[0]["commit"]) and 7 <= len(entries[0]["commit"]) < 40


def test_json_shape_and_values(repo):
    plain = trail(repo, ROLE)  # a path works as well as an id
    assert set(plain[0]) == {"commit", "author", "date", "subject", "path", "change", "fields"}
    assert all(set(f) == {"field", "change"} for e in plain for f in e["fields"])
    assert all(e["path"] == ROLE for e in plain)
    valued = trail(repo, ROLE, "--values")
    assert valued[0]["fields"] == [
        {"field": "public", "change": "removed", "old": True},
        {"field": "end", "change": "added", "new": "2026-11-30"},
        {"field": "end_reason", "change": "added", "new": "not-re-elected"},
    ]
    assert valued[1]["fields"][1] == {"field": "start", "change": "changed", "old": "2026-04-01", "new": "2026-04-02"}


def test_values_are_shown_only_when_asked(repo):
    code, plain = run(repo, "r-lelystad-wethouder-2026-a")
    assert code == 0
    assert "end_reason" in plain and "not-re-elected" not in plain and "2026-11-30" not in plain
    assert "--values" in plain  # says how to see them
    code, valued = run(repo, "r-lelystad-wethouder-2026-a", "--values")
    assert code == 0
    assert 'end_reason: "not-re-elected"' in valued
    assert 'start: "2026-04-01" → "2026-04-02"' in valued


def test_header_shows_a_person_name_next_to_the_id(repo):
    write(repo, PERSON, PERSON_V1.replace("i.voorbeeld@", "ilse.voorbeeld@"))
    code, output = run(repo, "p-k2m9qx")
    assert code == 0
    assert output.splitlines()[0] == f"History of p-k2m9qx (Ilse Voorbeeld), {PERSON}"
    assert "emails[0].address" in output and "ilse.voorbeeld@" not in output


def test_working_tree_changes_come_first(repo):
    write(repo, ROLE, ROLE_V3.replace("end_reason: not-re-elected", "end_reason: resigned"))
    entries = trail(repo, ROLE, "--values")
    top = entries[0]
    assert (top["commit"], top["author"], top["date"], top["working_tree"], top["change"]) == (
        None, None, None, True, "modified")
    assert top["fields"] == [{"field": "end_reason", "change": "changed", "old": "not-re-elected", "new": "resigned"}]
    assert len(entries) == 4
    code, text = run(repo, ROLE)
    assert "working tree (not committed): modified" in text.splitlines()[3]
    git(repo, "add", ROLE)  # staged counts too
    assert trail(repo, ROLE)[0]["working_tree"] is True
    git(repo, "checkout", "-q", "--", ".")
    git(repo, "reset", "-q", "--hard")
    assert "working_tree" not in trail(repo, ROLE)[0]


def test_a_new_record_not_yet_committed(repo):
    write(repo, "records/organisations/gemeente-lelystad.yaml", "name: Gemeente Lelystad\nkind: municipality\n")
    entries = trail(repo, "gemeente-lelystad")
    assert len(entries) == 1
    assert (entries[0]["working_tree"], entries[0]["change"]) == (True, "added")
    assert [f["field"] for f in entries[0]["fields"]] == ["name", "kind"]


def test_a_rename_to_a_new_id_is_followed(repo):
    git(repo, "mv", PERSON, "records/people/p-x7v3nb.yaml")
    write(repo, ROLE, ROLE_V3.replace("p-k2m9qx", "p-x7v3nb"))
    commit(repo, "Opaque id for the alderman", "Daan Bakker", "2026-11-21T12:00:00+01:00")
    write(repo, "records/people/p-x7v3nb.yaml",
          PERSON_V1.replace("status: active", "status: inactive\ninactive_since: 2026-11-30"))
    commit(repo, "Inactive", "Eline Mulder", "2026-11-22T12:00:00+01:00")
    entries = trail(repo, "p-x7v3nb")
    assert [(e["author"], e["change"], e["path"]) for e in entries] == [
        ("Eline Mulder", "modified", "records/people/p-x7v3nb.yaml"),
        ("Daan Bakker", "renamed", "records/people/p-x7v3nb.yaml"),
        ("Anna de Vries", "added", PERSON),
    ]
    assert entries[1]["old_path"] == PERSON and entries[1]["fields"] == []
    assert entries[0]["fields"] == [{"field": "status", "change": "changed"},
                                    {"field": "inactive_since", "change": "added"}]
    # the old id still leads to its trail, up to the rename
    old = trail(repo, "p-k2m9qx")
    assert [(e["change"], e["path"], e.get("old_path")) for e in old] == [
        ("renamed", "records/people/p-x7v3nb.yaml", PERSON), ("added", PERSON, None)]
    code, text = run(repo, "p-k2m9qx")
    assert "(no longer in the working tree)" in text.splitlines()[0]
    assert f"renamed from {PERSON} to records/people/p-x7v3nb.yaml" in text


def test_renames_are_followed_across_several_ids(repo):
    git(repo, "mv", PERSON, "records/people/p-x7v3nb.yaml")
    commit(repo, "First rename", "Daan Bakker", "2026-11-21T12:00:00+01:00")
    git(repo, "mv", "records/people/p-x7v3nb.yaml", "records/people/p-q4w8zt.yaml")
    commit(repo, "Second rename", "Eline Mulder", "2026-11-22T12:00:00+01:00")
    entries = trail(repo, "p-q4w8zt")
    assert [(e["subject"], e["change"], e.get("old_path")) for e in entries] == [
        ("Second rename", "renamed", "records/people/p-x7v3nb.yaml"),
        ("First rename", "renamed", PERSON),
        ("Add the new alderman of Lelystad", "added", None)]
    code, text = run(repo, "p-x7v3nb")  # the id in the middle: gone from the tree
    assert code == 0 and "(no longer in the working tree)" in text and "Ilse" not in text


def test_a_rename_staged_but_not_committed(repo):
    git(repo, "mv", PERSON, "records/people/p-x7v3nb.yaml")
    entries = trail(repo, "p-x7v3nb")
    assert [(e["commit"] is None, e["change"], e.get("old_path")) for e in entries] == [
        (True, "renamed", PERSON), (False, "added", None)]


def test_a_deleted_record_is_found_by_its_old_id(repo):
    git(repo, "rm", "-q", ROLE)
    commit(repo, "Remove the role", "Gijs de Boer", "2026-11-23T08:00:00+01:00")
    entries = trail(repo, "r-lelystad-wethouder-2026-a")
    assert [(e["author"], e["change"]) for e in entries] == [
        ("Gijs de Boer", "deleted"), ("Chantal Smit", "modified"), ("Bram Jansen", "modified"),
        ("Anna de Vries", "added")]
    assert [f["field"] for f in entries[0]["fields"]] == [
        "person", "organisation", "function", "portfolio", "start", "end", "end_reason"]
    assert all(f["change"] == "removed" for f in entries[0]["fields"])
    assert entries[0]["path"] == ROLE


def test_a_deletion_not_yet_committed(repo):
    (repo / ROLE).unlink()
    entries = trail(repo, "r-lelystad-wethouder-2026-a")
    assert (entries[0]["working_tree"], entries[0]["change"]) == (True, "deleted")
    assert len(entries) == 4


def test_an_old_version_with_a_syntax_error(repo):
    write(repo, ROLE, ROLE_V3.replace("function: wethouder", "function: [wethouder"))
    commit(repo, "Broken by hand", "Bram Jansen", "2026-11-22T09:00:00+01:00")
    write(repo, ROLE, ROLE_V3.replace("function: wethouder", "function: burgemeester"))
    commit(repo, "Fixed", "Anna de Vries", "2026-11-22T10:00:00+01:00")
    entries = trail(repo, ROLE)
    fixed, broken = entries[0], entries[1]
    assert broken["unreadable"]["reason"] == "syntax" and broken["fields"] == []
    assert broken["unreadable"]["line"] >= 4
    # the fix is compared with the last version that could be read
    assert fixed["fields"] == [{"field": "function", "change": "changed"}]
    code, text = run(repo, ROLE)
    assert code == 0
    assert "could not be read at this version: a YAML syntax error at line" in text


def test_a_subject_with_odd_characters(repo):
    subject = 'Fix "end": 100% \\ tab\there; ü — :100644 \x1b[31mred'
    write(repo, ROLE, ROLE_V3.replace("2026-11-30", "2026-12-01"))
    commit(repo, subject, "Ïda O'Brien", "2026-11-22T10:00:00+01:00")
    write(repo, ROLE, ROLE_V3)
    commit(repo, "", "Bram Jansen", "2026-11-23T10:00:00+01:00")  # an empty subject
    entries = trail(repo, ROLE)
    assert entries[0]["subject"] == "" and entries[0]["fields"] == [{"field": "end", "change": "changed"}]
    assert entries[1]["subject"] == subject and entries[1]["author"] == "Ïda O'Brien"
    assert entries[1]["fields"] == [{"field": "end", "change": "changed"}]
    assert len(entries) == 5
    code, text = run(repo, ROLE)
    assert "\x1b" not in text and "\\x1b[31mred" in text  # no escape sequence reaches the terminal


def test_an_id_in_two_folders_is_ambiguous(repo):
    write(repo, "records/organisations/r-lelystad-wethouder-2026-a.yaml", "name: Odd\n")
    code, output = run(repo, "r-lelystad-wethouder-2026-a")
    assert code == 2
    assert ROLE in output and "records/organisations/r-lelystad-wethouder-2026-a.yaml" in output
    assert trail(repo, ROLE)[0]["author"] == "Chantal Smit"  # the path settles it


def test_two_contact_moments_with_one_id_are_ambiguous(repo):
    write(repo, "records/interactions/2025/i-overleg.yaml", "date: 2025-05-01\n")
    write(repo, "records/interactions/2026/i-overleg.yaml", "date: 2026-05-01\n")
    code, output = run(repo, "i-overleg")
    assert code == 2 and "records/interactions/2025/i-overleg.yaml" in output
    assert trail(repo, "records/interactions/2026/i-overleg.yaml")[0]["change"] == "added"


@pytest.mark.parametrize("record", ["p-nobody", "records/people/p-nobody.yaml"])
def test_an_unknown_record_is_a_usage_error(repo, record):
    code, output = run(repo, record)
    assert code == 2 and "p-nobody" in output


@pytest.mark.parametrize("record", ["P-UPPER", "notes/x.yaml", "records/people/../../x.yaml",
                                    "records/people/a/b.yaml"])
def test_what_is_not_a_record_is_a_usage_error(repo, record):
    code, output = run(repo, record)
    assert code == 2, output


def test_outside_git_is_a_usage_error(tmp_path):
    write(tmp_path, PERSON, PERSON_V1)
    code, output = run(tmp_path, "p-k2m9qx")
    assert code == 2 and "not in a git repository" in output


def test_a_records_repository_below_the_git_root(tmp_path):
    top = tmp_path / "top"
    root = top / "crm"
    root.mkdir(parents=True)
    git(top, "init", "-q", "-b", "main")
    write(root, ROLE, ROLE_V1)
    commit(top, "Add")
    write(root, ROLE, ROLE_V2)
    commit(top, "Change")
    entries = trail(root, "r-lelystad-wethouder-2026-a")
    assert [e["path"] for e in entries] == [ROLE, ROLE]
    assert entries[0]["fields"] == [{"field": "portfolio[1]", "change": "added"},
                                    {"field": "start", "change": "changed"}]


def test_a_reformatted_file_changes_no_field(repo):
    write(repo, ROLE, ROLE_V3.replace("portfolio: [milieu, wonen]", "portfolio:\n- milieu\n- wonen"))
    assert trail(repo, ROLE)[0]["fields"] == []
    assert "no field changed" in run(repo, ROLE)[1]


def test_field_paths():
    old = {"name": {"given": "Ilse", "family": "Voorbeeld"}, "emails": [{"address": "a@example.org"}],
           "tags": ["a", "b"], "notes": [1], "count": 1, "fields": {"a.b": 1}}
    new = {"name": {"given": "Ilse", "family": "Jansen"}, "emails": [{"address": "b@example.org"}],
           "tags": ["b", "a", "c"], "notes": [1, 2], "count": True, "fields": {"a.b": 2}}
    assert field_changes(old, new) == [
        FieldChange("name.family", "changed", "Voorbeeld", "Jansen"),
        FieldChange("emails[0].address", "changed", "a@example.org", "b@example.org"),
        FieldChange("tags", "changed", ["a", "b"], ["b", "a", "c"]),
        FieldChange("notes[1]", "added", new=2),
        FieldChange("count", "changed", 1, True),  # 1 == True in Python, not in YAML
        FieldChange('fields["a.b"]', "changed", 1, 2),
    ]
    assert field_changes(new, old)[3] == FieldChange("notes[1]", "removed", old=2)
    assert field_changes(old, old) == []


def test_a_real_process(repo):
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    done = subprocess.run([sys.executable, "-m", "crmtool", "history", "r-lelystad-wethouder-2026-a", "--values"],
                          cwd=repo, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"History of r-lelystad-wethouder-2026-a, {ROLE}"
    assert any(line.endswith("Chantal Smit: modified") for line in lines)
    assert '    added    end_reason: "not-re-elected"' in lines
    missing = subprocess.run([sys.executable, "-m", "crmtool", "history", "p-nobody"],
                             cwd=repo, capture_output=True, text=True, env=env)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
