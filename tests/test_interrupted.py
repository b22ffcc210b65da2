"""An interrupted change is visible and safe: `check` reports it (S010), commands that only
read refuse to answer, `crmtool recover` finishes it or rolls it back; generated files
tracked by git are an error (S009); `index --out` never overwrites what is not an index."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from crmtool.load import atomic
from crmtool.cli import cli

from .conftest import FIXTURES, PROJECT, git

ENV = {"CRMTOOL_TODAY": "2026-11-24"}
PERSON = "records/people/p-aaaaaa.yaml"
ROLE = "records/roles/r-almere-wethouder-2022.yaml"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "base", root)
    return root


def run(root: Path, *args: str, code: int | None = None):
    result = CliRunner().invoke(cli, [*args, "--root", str(root)], env=ENV)
    if code is not None:
        assert result.exit_code == code, result.output
    return result


def crmtool(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crmtool", *args, "--root", str(root)], capture_output=True,
                          text=True, env={**os.environ, **ENV, **(env or {})})


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.relative_to(root).parts[0] not in ("build", ".git")}


def half_done(root: Path) -> tuple[dict, dict]:
    """A change of the person (deleted) and the role (edited), killed after the first file was
    changed: a real process that SIGKILLs itself at that step (atomic.CRASH_AT)."""
    before = files(root)
    script = ("import sys; from pathlib import Path; from crmtool.load import atomic; root = Path(sys.argv[1]);"
              f"atomic.write_files(root, {{root / '{PERSON}': None, root / '{ROLE}': 'end: 2026-12-31\\n'}})")
    # steps (each counted before it is taken): journal, backup of the person, new role, backup of the
    # role, journal (committing), deletion of the person, rename of the role: killed at the last
    done = subprocess.run([sys.executable, "-c", script, str(root)], env={**os.environ, atomic.CRASH_AT: "7"})
    assert done.returncode == -9
    after = files(root)
    assert PERSON not in after and after[ROLE] == before[ROLE]  # one file new, one old
    return before, after


def test_check_reports_an_interrupted_change_until_it_is_rolled_back(root):
    assert run(root, "check", code=0)
    before, _after = half_done(root)
    result = crmtool(root, "check", "--format", "json")
    assert result.returncode == 1, result.stderr
    found = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "S010"]
    assert len(found) == 1 and found[0]["severity"] == "error" and found[0]["path"] == atomic.JOURNAL
    assert "crmtool recover" in found[0]["hint"] and "crmtool recover --finish" in found[0]["hint"]
    assert "Jansen" not in result.stdout  # names files, not their content
    again = crmtool(root, "check")  # the cache does not hide it
    assert again.returncode == 1 and "S010" in again.stdout
    done = crmtool(root, "recover")
    assert done.returncode == 0, done.stderr
    assert PERSON in done.stdout and "rolled back" in done.stdout
    assert files(root) == before
    assert crmtool(root, "check").returncode == 0
    assert list((root / atomic.STAGE).iterdir()) == []
    nothing = crmtool(root, "recover")
    assert nothing.returncode == 0 and "nothing to do" in nothing.stdout


def test_recover_finish_completes_the_change(root):
    _before, _after = half_done(root)
    done = crmtool(root, "recover", "--finish", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"action": "finished", "paths": [PERSON, ROLE]}
    assert not (root / PERSON).exists() and (root / ROLE).read_text() == "end: 2026-12-31\n"
    assert atomic.interrupted(root) is None


@pytest.mark.parametrize("args", [["who"], ["index"], ["review"], ["subject", "export", "p-aaaaaa"],
                                  ["build", "--out", "site"]])
def test_commands_that_read_refuse_while_a_change_is_interrupted(root, args):
    half_done(root)
    result = crmtool(root, *args)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "crmtool recover" in result.stderr and "Traceback" not in result.stderr
    assert atomic.interrupted(root) is not None  # a reader changes nothing


def test_a_dutch_repository_hears_it_in_dutch(root):
    config = root / "crmtool.yaml"
    text = config.read_text()
    config.write_text(text.replace("language: en", "language: nl") if "language:" in text else text + "language: nl\n")
    half_done(root)
    result = crmtool(root, "who")
    assert result.returncode == 1 and "crmtool recover" in result.stderr
    assert "onderbroken" in result.stderr


def test_a_writer_rolls_it_back_first(root):
    before, _after = half_done(root)
    result = crmtool(root, "end-role", "r-almere-wethouder-2022", "--on", "2026-12-31", "--reason", "resigned")
    assert "rolled back" in result.stdout + result.stderr
    assert atomic.interrupted(root) is None
    assert (root / PERSON).read_bytes() == before[PERSON]


# -- S009 ------------------------------------------------------------------------------------

def test_s009_finds_build_files_and_backups_committed_by_mistake(root):
    git(root, "init", "-q", "-b", "main")
    run(root, "index", code=0)  # build/index.sqlite: everyone's data
    (root / "records/people/.p-aaaaaa.yaml.0a1b2c3d.crmtool-old").write_bytes((root / PERSON).read_bytes())
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Everything, by mistake")
    result = crmtool(root, "check", "--format", "json")
    assert result.returncode == 1
    found = sorted(f["path"] for f in json.loads(result.stdout)["findings"] if f["rule"] == "S009")
    assert "build/index.sqlite" in found and "records/people/.p-aaaaaa.yaml.0a1b2c3d.crmtool-old" in found
    assert "git rm -r --cached" in result.stdout and "--purge-history" in result.stdout
    git(root, "rm", "-r", "-q", "--cached", "build", "records/people/.p-aaaaaa.yaml.0a1b2c3d.crmtool-old")
    (root / "records/people/.p-aaaaaa.yaml.0a1b2c3d.crmtool-old").unlink()
    (root / ".gitignore").write_text("build/\n")
    after = crmtool(root, "check", "--format", "json")  # the cache notices the change of tracking
    assert [f for f in json.loads(after.stdout)["findings"] if f["rule"] == "S009"] == []


def test_s009_is_silent_outside_git_and_for_ignored_files(root):
    run(root, "index", code=0)
    assert "S009" not in crmtool(root, "check").stdout
    git(root, "init", "-q", "-b", "main")
    (root / ".gitignore").write_text("build/\n")
    git(root, "add", "-A")
    assert "S009" not in crmtool(root, "check").stdout


def test_the_project_and_its_examples_track_no_generated_file():
    from crmtool.rules.s009_generated_file_tracked import tracked
    assert tracked(PROJECT) == []


# -- index --out -----------------------------------------------------------------------------

@pytest.mark.parametrize("target", [PERSON, "crmtool.yaml", "notes.txt", "build/check-cache.sqlite", "plain.sqlite"])
def test_index_out_refuses_a_file_that_is_not_an_index(root, target):
    run(root, "check", code=0)  # leaves build/check-cache.sqlite
    if target == "notes.txt":
        (root / target).write_text("my own notes\n")
    if target == "plain.sqlite":
        sqlite3.connect(root / target).execute("CREATE TABLE meta (key TEXT, value TEXT)").connection.commit()
    before = (root / target).read_bytes()
    result = crmtool(root, "index", "--out", str(root / target))
    assert result.returncode == 2, result.stderr
    assert "--out" in result.stderr and "Traceback" not in result.stderr
    assert (root / target).read_bytes() == before


def test_index_out_refuses_a_new_file_under_records(root):
    result = crmtool(root, "index", "--out", str(root / "records/people/index.sqlite"))
    assert result.returncode == 2 and "records/" in result.stderr
    assert not (root / "records/people/index.sqlite").exists()


def test_index_out_writes_a_new_file_and_updates_its_own_index(root, tmp_path):
    out = tmp_path / "elsewhere.sqlite"
    assert crmtool(root, "index", "--out", str(out)).returncode == 0
    assert crmtool(root, "index", "--out", str(out)).returncode == 0  # its own index: updated
    result = run(root, "index", "--out", str(out), code=0)
    assert "updated" in result.output


def test_index_out_accepts_an_index_of_an_older_crmtool(root, tmp_path):
    """An index built before the application id was set: the meta table says it is one."""
    out = tmp_path / "old.sqlite"
    run(root, "index", "--out", str(out), code=0)
    db = sqlite3.connect(out)
    db.execute("PRAGMA application_id = 0")
    db.execute("UPDATE meta SET value = 'older' WHERE key = 'code'")
    db.commit()
    db.close()
    result = run(root, "index", "--out", str(out), code=0)
    assert "built anew" in result.output
