"""The proof of an erasure, end to end, as real processes: a repository that committed its
build/ folder by mistake (index, check cache, site), a commit message and an annotated tag
that name the person, a merged duplicate whose phone number is written differently, a path
that holds the person's first name and texts that name them family-name-first and over a
line break. `subject verify-erased --history` must exit 1 until `--purge-history` has run,
and 0 only when the tree, the index, the site, every blob, path, commit and tag message are
clean. Each defect of issue 15 also has a test of its own below."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from crmtool.cli import cli
from crmtool.domain import erasure_log

from .conftest import PROJECT, git

PERSON, DUPLICATE = "p-2n3qp7", "p-kp9dup"  # Kees Ploeger (fictional), and his duplicate record
PHONE_KEPT, PHONE_DUP, PHONE_TEXT = "+31 6 12345699", "06-12345699", "0031 6 1234\n    5699"
EMAIL, EMAIL_DUP = "k.ploeger@lelystad.example.nl", "kees.ploeger@example.org"
NAMED_PATH = "records/interactions/2026/i-2026-11-02-kees-belde.yaml"
REQUEST = "records/requests/dsr-2026-0010.yaml"
TODAY = "2026-11-24"
ENV = {**os.environ, "CRMTOOL_TODAY": TODAY, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
       "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.invalid"}
CLEAR = ("Ploeger", "5699", EMAIL, EMAIL_DUP, PERSON, DUPLICATE, "kees-belde")


def crmtool(root: Path, *args: str) -> subprocess.CompletedProcess:
    """The command as a user runs it: its own process, the real entry point."""
    return subprocess.run([sys.executable, "-m", "crmtool", *args, "--root", str(root)], capture_output=True,
                          text=True, cwd=root, env=ENV)


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The shipped records (Dutch) in git, build/ committed, Kees Ploeger with a duplicate,
    named in a commit message and a tag message; merged. Built once; tests work on copies."""
    root = tmp_path_factory.mktemp("proof") / "repo"
    root.mkdir()
    shutil.copytree(PROJECT / "records", root / "records")
    shutil.copy(PROJECT / "crmtool.yaml", root / "crmtool.yaml")
    person = root / f"records/people/{PERSON}.yaml"
    person.write_text(person.read_text(encoding="utf-8").replace(
        "purposes:", f'phones:\n- {{number: "{PHONE_KEPT}", kind: mobile}}\npurposes:'), encoding="utf-8")
    write(root, f"records/people/{DUPLICATE}.yaml",
          "# yaml-language-server: $schema=../../schemas/person.schema.json\n"
          "name: {given: Kees, prefix: \"\", family: Ploeger}\n"
          f"emails:\n- {{address: {EMAIL_DUP}, kind: private}}\n"
          f"phones:\n- {{number: \"{PHONE_DUP}\", kind: mobile}}\n"
          "purposes:\n- {purpose: office-holders, since: 2022-04-04, source: public-register, notified: 2022-04-15}\n"
          "owner: public-affairs\nstatus: active\n")
    write(root, NAMED_PATH,
          "# yaml-language-server: $schema=../../../schemas/interaction.schema.json\n"
          f"date: 2026-11-02\nkind: call\npeople: [{DUPLICATE}]\norganisations: [gemeente-lelystad]\nstaff: [bram]\n"
          "summary: >-\n  Ploeger,\n    Kees belde over de warmtenetpilot; terugbellen op\n"
          f"  {PHONE_TEXT}.\npurpose: member-services\nowner: member-services\n")
    write(root, REQUEST,
          "# yaml-language-server: $schema=../../schemas/request.schema.json\n"
          "kind: erasure\ntitle: Verzoek om verwijdering\nreceived: 2026-11-20\nchannel: email\n"
          f"from: {{person: {PERSON}}}\ntopics: [privacy]\nassignee: eline\nstage: in-progress\nhistory:\n"
          "- {date: 2026-11-20, stage: received, by: eline, assignee: eline}\n"
          "- {date: 2026-11-21, stage: in-progress, by: eline, note: Identiteit geverifieerd.}\n"
          "identity_verified: {date: 2026-11-21, method: Bekend e-mailadres, by: eline}\n"
          "recipients_notified: [{recipient: hosting, date: 2026-11-22}]\n"
          "follow_up: 2026-12-01\nowner: privacy\n")
    for step in (("index",), ("build",), ("check",)):  # build/ gets the index, the site and the cache
        done = crmtool(root, *step)
        assert done.returncode in (0, 1), done.stderr
    assert (root / "build/index.sqlite").exists() and (root / "build/check-cache.sqlite").exists()
    assert (root / "build/site").is_dir()
    assert not (root / ".gitignore").exists()
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Example records")
    assert "build/index.sqlite" in git(root, "ls-files")
    note = root / "records/organisations/gemeente-lelystad.yaml"
    note.write_text(note.read_text(encoding="utf-8") + "# contactpersoon raad\n", encoding="utf-8")
    git(root, "commit", "-qam", f"Kees Ploeger ({EMAIL}) belde: nummer {PHONE_DUP}")
    git(root, "tag", "-a", "na-het-gesprek", "-m", f"Stand na het gesprek met Ploeger, Kees ({PERSON})")
    merged = crmtool(root, "merge", PERSON, DUPLICATE)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Merge two records of one person")
    return root


@pytest.fixture
def repo(template: Path, tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(template, root, symlinks=True)
    return root


def erase_and_commit(root: Path) -> None:
    done = crmtool(root, "subject", "erase", PERSON, "--request", "dsr-2026-0010", "--by", "eline")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"  verwijderd  records/people/{PERSON}.yaml (persoon)" in done.stdout  # Dutch, the repository's language
    assert "(contactmoment, 2 teksten" in done.stdout or "(contactmoment" in done.stdout
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Erasure request dsr-2026-0010 carried out")


def everything_in_git(root: Path) -> str:
    """Every message, tag message, author and path of every commit, and every blob's text."""
    parts = [git(root, "log", "--all", "--format=%an %ae %cn %ce%n%B"),
             git(root, "for-each-ref", "--format=%(refname) %(contents)"),
             git(root, "log", "--all", "-m", "--no-renames", "--name-only", "--format=")]
    objects = git(root, "cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype)")
    for line in objects.splitlines():
        sha, kind = line.split()
        if kind == "blob":
            parts.append(subprocess.run(["git", "-C", str(root), "cat-file", "blob", sha], capture_output=True)
                         .stdout.decode("utf-8", "replace"))
    return "\n".join(parts)


def test_the_proof_as_real_processes(repo):
    """erase + commit: the history still holds the person (exit 1); --purge-history; then
    exit 0, and nothing of the person is left anywhere in git."""
    erase_and_commit(repo)
    before = crmtool(repo, "subject", "verify-erased", PERSON, "--history")
    assert before.returncode == 1, before.stdout + before.stderr
    for clear in ("Ploeger", "Kees", EMAIL, EMAIL_DUP, "5699"):
        assert clear not in before.stdout + before.stderr
    out = before.stdout
    assert "build/index.sqlite" in out and "build/check-cache.sqlite" in out
    assert "records/people/….yaml" in out  # the alias's and the person's files, the id masked
    assert "(bericht)" in out and "tag na-het-gesprek (bericht)" in out  # Dutch: the repository's language
    assert "telefoonnummer" in out and "deel van de naam" in out and "i-2026-11-02-…-belde.yaml" in out
    purge = crmtool(repo, "subject", "erase", PERSON, "--purge-history")
    assert purge.returncode == 0, purge.stdout + purge.stderr
    assert "Verwijderd" in purge.stdout or "verwijderd" in purge.stdout
    assert git(repo, "status", "--porcelain") == ""
    after = crmtool(repo, "subject", "verify-erased", PERSON, "--history")
    assert after.returncode == 0, after.stdout + after.stderr
    assert after.stdout.startswith("Schoon:")
    by_alias = crmtool(repo, "subject", "verify-erased", DUPLICATE, "--history")
    assert by_alias.returncode == 0, by_alias.stdout + by_alias.stderr
    text = everything_in_git(repo)
    for clear in CLEAR:
        assert clear.lower() not in text.lower(), clear
    assert not [p for p in git(repo, "log", "--all", "--name-only", "--format=").split() if p.startswith("build/")]
    assert (repo / "records/interactions/2026/i-2026-11-02-removed-belde.yaml").exists()
    subjects = git(repo, "log", "--format=%s").splitlines()
    # the merge commit only touched the person's files, build/ and a reference: empty, pruned
    assert subjects == ["Erasure request dsr-2026-0010 carried out", "[removed] ([removed]) belde: nummer [removed]",
                        "Example records"]
    check = crmtool(repo, "check")
    assert "R001" not in check.stdout  # a renamed record's references were renamed with it


def test_erase_replaces_phone_numbers_written_any_way(repo):
    result = CliRunner().invoke(cli, ["subject", "erase", PERSON, "--root", str(repo), "--today", TODAY])
    assert result.exit_code == 0, result.output
    text = (repo / NAMED_PATH).read_text(encoding="utf-8")
    assert "5699" not in text and "Ploeger" not in text and "Kees" not in text
    assert text.count("[removed]") == 2


def test_erase_finds_the_name_reversed_and_over_a_line_break(repo):
    (repo / "records/organisations/gemeente-lelystad.yaml").write_text(
        (repo / "records/organisations/gemeente-lelystad.yaml").read_text(encoding="utf-8")
        + "notes:\n- date: 2026-11-03\n  by: bram\n  text: |-\n    Contact loopt via Kees\n    Ploeger.\n",
        encoding="utf-8")
    result = CliRunner().invoke(cli, ["subject", "erase", PERSON, "--root", str(repo), "--today", TODAY])
    assert result.exit_code == 0, result.output
    assert "Ploeger" not in (repo / "records/organisations/gemeente-lelystad.yaml").read_text(encoding="utf-8")
    assert "Ploeger" not in (repo / NAMED_PATH).read_text(encoding="utf-8")


def test_verify_finds_a_name_over_a_line_break_and_reversed_and_a_phone(repo):
    erase_and_commit(repo)
    for written in ("Kees\n  Ploeger", "Ploeger, Kees", "PLOEGER kees", f"bel {PHONE_DUP}", "bel +31 6 1234 5699"):
        write(repo, "notes.txt", f"Iets over\n{written}\n")
        result = CliRunner().invoke(cli, ["subject", "verify-erased", PERSON, "--root", str(repo)])
        assert result.exit_code == 1, written
        assert "notes.txt:2:" in result.output
    write(repo, "notes.txt", "Kees Vos belde; Ploeger is een achternaam.\n")
    result = CliRunner().invoke(cli, ["subject", "verify-erased", PERSON, "--root", str(repo)])
    assert "notes.txt" not in result.output


def test_erasure_log_holds_hashes_of_phones_and_aliases_only(repo):
    erase_and_commit(repo)
    log = erasure_log.read(repo)
    [entry] = log.entries
    assert entry["alias_hashes"] == [log.hash(DUPLICATE)]
    assert entry["phone_hashes"] == [log.hash("+31612345699")]
    assert log.hash("kees ploeger") in entry["name_hashes"]
    text = (repo / erasure_log.LOG_FILE).read_text(encoding="utf-8").lower()
    for clear in CLEAR + ("kees", "612345699"):
        assert clear.lower() not in text


def test_verify_history_finds_commit_and_tag_messages(repo):
    erase_and_commit(repo)
    result = CliRunner().invoke(cli, ["subject", "verify-erased", PERSON, "--root", str(repo), "--history"])
    assert result.exit_code == 1
    commit = git(repo, "log", "--all", "--format=%h", "--grep=belde").split()[0]
    messages = [line for line in result.output.splitlines() if "(bericht)" in line]
    assert any(line.startswith(f"commit {commit[:7]}") for line in messages), result.output
    assert any(line.startswith("tag na-het-gesprek (bericht)") for line in messages), result.output


def test_purge_rewrites_messages_and_removes_alias_files_and_build(repo):
    erase_and_commit(repo)
    assert "build/check-cache.sqlite" in git(repo, "log", "--all", "--name-only", "--format=")
    result = subprocess.run([sys.executable, "-m", "crmtool", "subject", "erase", PERSON, "--purge-history",
                             "--root", str(repo)], capture_output=True, text=True, env=ENV)
    assert result.returncode == 0, result.stderr
    messages = git(repo, "log", "--all", "--format=%B")
    assert "Ploeger" not in messages and EMAIL not in messages and "5699" not in messages
    assert "[removed]" in messages
    tag = git(repo, "for-each-ref", "refs/tags", "--format=%(contents)")
    assert "Ploeger" not in tag and PERSON not in tag and "[removed]" in tag
    paths = git(repo, "log", "--all", "-m", "--name-only", "--format=")
    assert f"records/people/{DUPLICATE}.yaml" not in paths and "build/" not in paths
    assert "kees" not in paths.lower()


def test_verify_flags_a_first_name_in_a_path(repo):
    erase_and_commit(repo)
    result = CliRunner().invoke(cli, ["subject", "verify-erased", PERSON, "--root", str(repo)])
    assert result.exit_code == 1
    assert "records/interactions/2026/i-2026-11-02-…-belde.yaml: deel van de naam" in result.output
    assert "kees" not in result.output.lower()


def test_writer_backups_are_purged_from_every_commit(repo):
    write(repo, "records/people/.p-old.x1.crmtool-old", "name: {given: Kees, family: Ploeger}\n")
    write(repo, "build/crmtool-change.json", "{}\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "A mistake")
    git(repo, "rm", "-q", "records/people/.p-old.x1.crmtool-old", "build/crmtool-change.json")
    git(repo, "commit", "-qm", "Mistake undone, still in the history")
    erase_and_commit(repo)
    result = subprocess.run([sys.executable, "-m", "crmtool", "subject", "erase", PERSON, "--purge-history",
                             "--root", str(repo)], capture_output=True, text=True, env=ENV)
    assert result.returncode == 0, result.stderr
    paths = git(repo, "log", "--all", "-m", "--name-only", "--format=")
    assert ".crmtool-old" not in paths and "crmtool-change.json" not in paths


def test_a_word_of_the_name_counts_only_in_paths_made_from_typed_text():
    """A colleague's file (records/staff/anna.yaml) or an organisation's slug is never taken
    for the erased person's given or family name; an interaction's file name is."""
    from crmtool.subject.identifiers import NAME, NAME_PART, Identifiers
    ids = Identifiers.of("p-aaaaaa", {"name": {"given": "Anna", "prefix": "van", "family": "Almere"}})
    assert ids.path_spans("records/staff/anna.yaml") == []
    assert ids.path_spans("records/organisations/gemeente-almere.yaml") == []
    assert [k for _s, _e, k in ids.path_spans("records/interactions/2026/i-2026-12-04-anna-belde.yaml")] == [NAME_PART]
    assert [k for _s, _e, k in ids.path_spans("exports/almere-anna-van.html")] == [NAME]  # the full name, any order
    assert [k for _s, _e, k in ids.path_spans("notes/p-aaaaaa-call.txt")] != []
