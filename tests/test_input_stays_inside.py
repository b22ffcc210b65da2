"""Input stays inside the repository (issue 15, item 8), driven as real processes.

- A symbolic link under records/ to a file outside the repository (holding a fake passwd line
  and a person) is reported as S011 and never read: its content is in no output of check
  (text, json, github, sarif), not in the index, not in an export.
- A named pipe named like a record makes no command wait: check, index, build and fmt finish
  (the subprocess timeout is only a hang detector, not a speed limit) and report S011.
- Every CSV crmtool writes defuses formula-like cells: who, query and sql answers.
- A newline in a file name does not split a text finding or a GitHub annotation.
"""
from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crmtool.load.repo import NotRegularFile, Repository, read_regular

from .conftest import TODAY

HANG = 60  # seconds: a hang detector for commands that used to block forever on a pipe
MARKER = "Zyxwvutsrq"  # in the outside file only; must never be printed, indexed or exported
PASSWD = f"root:x:0:0:{MARKER} fake passwd line:/root:/bin/sh"
PERSON = "records/people/p-2n3qp7.yaml"


def crmtool(root: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "CRMTOOL_TODAY": TODAY.isoformat(), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "crmtool", *args, "--root", str(root)], capture_output=True,
                          text=True, timeout=timeout, env=env, stdin=subprocess.DEVNULL)


def crmtool_at(root: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """For commands whose options must come before a group's arguments: run in `root`."""
    env = {**os.environ, "CRMTOOL_TODAY": TODAY.isoformat(), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "crmtool", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=root, stdin=subprocess.DEVNULL)


@pytest.fixture
def linked(example_git_repo: Repository, tmp_path: Path) -> Repository:
    """The example records plus a person file and a folder of interactions that are links
    to files outside the repository."""
    root = example_git_repo.root
    outside = tmp_path / "outside"
    (outside / "2027").mkdir(parents=True)
    person = (root / PERSON).read_text(encoding="utf-8").replace("Ploeger", MARKER)
    (outside / "passwd").write_text(f"# {PASSWD}\n{person}", encoding="utf-8")
    (outside / "2027" / "i-2027-01-01-a.yaml").write_text(
        f"date: 2026-11-01\nkind: meeting\npeople: [p-2n3qp7]\nsummary: {MARKER}\npurpose: office-holders\n",
        encoding="utf-8")
    (root / "records" / "people" / "p-linked.yaml").symlink_to(outside / "passwd")
    (root / "records" / "interactions" / "2027").symlink_to(outside / "2027")
    return example_git_repo


@pytest.mark.parametrize("output", ["text", "json", "github", "sarif"])
def test_a_link_outside_is_reported_and_never_read_by_check(linked, output):
    process = crmtool(linked.root, "check", "--format", output)
    assert process.returncode == 1, process.stderr
    assert MARKER not in process.stdout + process.stderr
    assert "passwd" not in process.stdout + process.stderr  # not even the target's name
    assert "records/people/p-linked.yaml" in process.stdout
    assert "records/interactions/2027" in process.stdout
    if output == "json":
        s011 = sorted(f["path"] for f in json.loads(process.stdout)["findings"] if f["rule"] == "S011")
        assert s011 == ["records/interactions/2027", "records/people/p-linked.yaml"]


def test_a_link_outside_is_not_indexed_nor_exported(linked):
    index = crmtool(linked.root, "index")
    assert index.returncode == 0, index.stderr
    assert "records/people/p-linked.yaml" in index.stderr  # left out, and said so
    assert MARKER.encode() not in (linked.root / "build" / "index.sqlite").read_bytes()
    with sqlite3.connect(linked.root / "build" / "index.sqlite") as db:
        assert not db.execute("SELECT 1 FROM records WHERE path LIKE '%p-linked%' AND indexed = 1").fetchall()
    for kind in ("csv", "vcard"):
        export = crmtool(linked.root, "export", kind, "--purpose", "office-holders")
        assert export.returncode == 0, export.stderr
        assert MARKER not in export.stdout + export.stderr and "p-linked" not in export.stdout
    for args in (["who", "--format", "csv"], ["sql", "SELECT * FROM records"]):
        answer = crmtool_at(linked.root, *args)
        assert answer.returncode == 0, answer.stderr
        assert MARKER not in answer.stdout + answer.stderr
    person = crmtool_at(linked.root, "subject", "export", "p-2n3qp7", "--format", "json")
    assert MARKER not in person.stdout + person.stderr


def test_fmt_reports_a_link_and_never_writes_through_it(linked, tmp_path):
    target = tmp_path / "outside" / "passwd"
    before = target.read_bytes()
    for args in (["fmt"], ["fmt", "--check"], ["fmt", "records/people/p-linked.yaml"]):
        process = crmtool_at(linked.root, *args)
        assert process.returncode == 1, (args, process.stdout, process.stderr)
        assert "S011" in process.stdout + process.stderr and MARKER not in process.stdout + process.stderr
    assert target.read_bytes() == before


@pytest.fixture
def piped(example_git_repo: Repository) -> Repository:
    os.mkfifo(example_git_repo.root / "records" / "people" / "p-pipe.yaml")
    return example_git_repo


def test_a_named_pipe_makes_no_command_wait(piped):
    check = crmtool(piped.root, "check", "--format", "json", timeout=HANG)
    assert check.returncode == 1
    assert [f["path"] for f in json.loads(check.stdout)["findings"] if f["rule"] == "S011"] == \
        ["records/people/p-pipe.yaml"]
    uncached = crmtool(piped.root, "check", "--no-cache", timeout=HANG)
    assert uncached.returncode == 1 and "S011" in uncached.stdout
    index = crmtool(piped.root, "index", timeout=HANG)
    assert index.returncode == 0 and "records/people/p-pipe.yaml" in index.stderr
    build = crmtool(piped.root, "build", timeout=HANG)
    assert build.returncode == 0, build.stderr
    for args in (["fmt", "--check"], ["fmt"]):
        fmt = crmtool_at(piped.root, *args, timeout=HANG)
        assert fmt.returncode == 1 and "records/people/p-pipe.yaml" in fmt.stdout + fmt.stderr
        assert "S011" in fmt.stdout + fmt.stderr


def test_a_pipe_in_a_changed_since_check(piped):
    """The check of a change lists records its own way (repo.Listing): it must not open the
    pipe either."""
    from .conftest import git
    git(piped.root, "tag", "base")
    process = crmtool(piped.root, "check", "--changed-since", "base", "--format", "json", timeout=HANG)
    assert process.returncode in (0, 1), process.stderr


def test_a_link_added_by_a_change_is_reported_by_the_check_of_the_change(example_git_repo, tmp_path):
    from .conftest import git
    root = example_git_repo.root
    git(root, "tag", "base")
    (tmp_path / "passwd").write_text(f"# {PASSWD}\n" + (root / PERSON).read_text(encoding="utf-8"), encoding="utf-8")
    (root / "records" / "people" / "p-linked.yaml").symlink_to(tmp_path / "passwd")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "A link")
    process = crmtool(root, "check", "--changed-since", "base", "--format", "json")
    assert process.returncode == 1, process.stderr
    assert MARKER not in process.stdout + process.stderr
    assert ("records/people/p-linked.yaml", "S011") in [(f["path"], f["rule"])
                                                        for f in json.loads(process.stdout)["findings"]]


def test_read_regular_refuses_links_pipes_and_folders(tmp_path):
    (tmp_path / "records" / "people").mkdir(parents=True)
    (tmp_path / "secret").write_text(PASSWD)
    (tmp_path / "records" / "people" / "p-a.yaml").write_text("name: {}\n")
    assert read_regular(tmp_path, "records/people/p-a.yaml") == b"name: {}\n"
    (tmp_path / "records" / "people" / "p-link.yaml").symlink_to(tmp_path / "secret")
    os.mkfifo(tmp_path / "records" / "people" / "p-pipe.yaml")
    (tmp_path / "records" / "people" / "p-dir.yaml").mkdir()
    (tmp_path / "records" / "linked").symlink_to(tmp_path / "records" / "people")
    for path, kind in (("records/people/p-link.yaml", "symlink"), ("records/people/p-pipe.yaml", "fifo"),
                       ("records/people/p-dir.yaml", "directory"), ("records/linked/p-a.yaml", "symlink")):
        with pytest.raises(NotRegularFile) as refused:
            read_regular(tmp_path, path)
        assert refused.value.kind == kind
        assert MARKER not in str(refused.value)
    with pytest.raises(FileNotFoundError):
        read_regular(tmp_path, "records/people/p-missing.yaml")
    with pytest.raises(NotRegularFile):
        read_regular(tmp_path, "records/../secret")


def test_a_linked_records_folder_or_config_is_refused(example_git_repo, tmp_path):
    root = example_git_repo.root
    (root / "records").rename(tmp_path / "elsewhere")
    (root / "records").symlink_to(tmp_path / "elsewhere")
    process = crmtool(root, "check", "--format", "json")
    assert process.returncode == 1
    findings = json.loads(process.stdout)["findings"]
    assert ("records", "S011") in [(f["path"], f["rule"]) for f in findings]
    assert not [f for f in findings if f["path"].startswith("records/")]  # nothing read through it
    config = root / "crmtool.yaml"
    config.rename(tmp_path / "crmtool.yaml")
    config.symlink_to(tmp_path / "crmtool.yaml")
    process = crmtool(root, "check")
    assert process.returncode == 2 and "crmtool.yaml is not a regular file" in process.stderr


# --- CSV ---------------------------------------------------------------------------------------

FORMULAS = {"given": '=HYPERLINK("http://evil.example","x")', "family": "@SUM(1+1)"}


def _rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    body = text[1:]
    return list(csv.reader(io.StringIO(body), delimiter=";" if body.split("\n")[0].count(";") else ","))


@pytest.fixture
def formulas(example_git_repo: Repository) -> Repository:
    path = example_git_repo.root / PERSON
    text = path.read_text(encoding="utf-8").replace("given: Kees", f"given: '{FORMULAS['given']}'")
    path.write_text(text.replace("family: Ploeger", f"family: '{FORMULAS['family']}'"), encoding="utf-8")
    return example_git_repo


@pytest.mark.parametrize("args", [["who", "--person", "p-2n3qp7", "--format", "csv"],
                                  ["query", "committee", "gemeente-lelystad-raad", "--format", "csv"],
                                  ["query", "group-leaders", "--format", "csv"]],
                         ids=["who", "query-committee", "query-group-leaders"])
def test_answers_in_csv_defuse_formulas(formulas, args):
    process = crmtool_at(formulas.root, *args)
    assert process.returncode == 0, process.stderr
    cells = [cell for row in _rows(process.stdout) for cell in row]
    assert any(MARKER_CELL in cell for cell in cells for MARKER_CELL in ("HYPERLINK", "SUM(1+1)")), cells
    for cell in cells:
        assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), cell
    assert any(cell.startswith("'=HYPERLINK") or cell.startswith("'@SUM") or "'=HYPERLINK" in cell
               for cell in cells), cells


def test_sql_in_csv_defuses_formulas_and_column_names(formulas):
    process = crmtool_at(formulas.root, "sql", "SELECT '=1+1' AS a, '+1' AS \"-b\", '@x' AS c, "
                         "char(9) || 'tab' AS d, -5 AS e, 'plain' AS f", "--format", "csv")
    assert process.returncode == 0, process.stderr
    header, row = _rows(process.stdout)
    assert header == ["a", "'-b", "c", "d", "e", "f"]
    assert row == ["'=1+1", "'+1", "'@x", "'\ttab", "-5", "plain"]  # a number stays a number


def test_one_writer_for_every_csv():
    """No module but csvsafe makes a csv.writer: every CSV crmtool writes is defused."""
    package = Path(__file__).resolve().parent.parent / "crmtool"
    writers = sorted(str(p.relative_to(package)) for p in package.rglob("*.py")
                     if "csv.writer(" in p.read_text(encoding="utf-8")
                     or "DictWriter(" in p.read_text(encoding="utf-8"))
    assert writers == ["reporters/csvsafe.py"]


# --- control characters in file names ----------------------------------------------------------

FORGED = "p-x\nrecords/people/p-forged.yaml:1:1: ERROR Y001 forged\n::error file=x::forged"


@pytest.mark.parametrize("output", ["text", "github"])
def test_a_newline_in_a_file_name_does_not_split_a_finding(example_git_repo, output):
    (example_git_repo.root / "records" / "people" / (FORGED.replace("/", "_") + ".yaml")).write_text(
        "name: {}\n", encoding="utf-8")
    process = crmtool(example_git_repo.root, "check", "--format", output)
    assert process.returncode == 1
    lines = process.stdout.splitlines()
    assert not [line for line in lines if line.startswith("records_people_p-forged")]
    assert not [line for line in lines if line.startswith("::error file=x::")]
    if output == "text":
        mentioned = [line for line in lines if "forged" in line]
        assert mentioned and all(line.startswith(("records/people/p-x\\n", "    ")) for line in mentioned), mentioned
    else:
        mentioned = [line for line in lines if "forged" in line]
        assert mentioned and all(line.startswith("::") and "file=records/people/p-x%0A" in line
                                 for line in mentioned), mentioned


def test_a_root_given_through_a_link_is_read(tmp_path):
    """The repository's own folder may be reached through a link (the user chose it); only
    links below it are refused."""
    (tmp_path / "real" / "records").mkdir(parents=True)
    (tmp_path / "real" / "records" / "x.yaml").write_text("a: 1\n")
    (tmp_path / "via").symlink_to(tmp_path / "real")
    assert read_regular(tmp_path / "via", "records/x.yaml") == b"a: 1\n"
