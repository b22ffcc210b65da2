"""`crmtool subject erase / anonymise / verify-erased` on a real git repository of the shipped
records with several commits; the person erased is p-r5epc6 (Teun Jansen: roles, a committee
seat, contact moments and request q-2026-0003 from him)."""
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
from ruamel.yaml import YAML

from crmtool.cli import cli
from crmtool.load.repo import Repository
from crmtool.domain import erasure_log
from crmtool.subject.identifiers import Identifiers

from .conftest import PROJECT, git

PERSON = "p-r5epc6"
NAME, EMAIL = "Teun Jansen", "t.jansen@lelystad.example.nl"
ROLES = ["r-lelystad-raadslid-2018-a", "r-lelystad-wethouder-2022-a", "r-lelystad-wethouder-2026-a",
         "r-vgn-bestuur-lid-2026-a", "r-vgn-commissie-milieu-lid-2022-a", "r-vgn-commissie-milieu-lid-2026-a",
         "r-vgn-commissie-milieu-voorzitter-2026"]
INTERACTION = "records/interactions/2026/i-2026-04-20-warmtenet-lelystad.yaml"
SHARED = "records/interactions/2026/i-2026-09-10-bestuursvergadering.yaml"
REQUEST = "records/requests/q-2026-0003.yaml"
ERASURE = "records/requests/dsr-2026-0009.yaml"
TODAY = "2026-11-24"


def load(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The example records in git, with two more commits: a staff note that names Teun Jansen,
    and his erasure request. Built once; each test works on a copy."""
    root = tmp_path_factory.mktemp("template") / "repo"
    root.mkdir()
    shutil.copytree(PROJECT / "records", root / "records")
    config = (PROJECT / "crmtool.yaml").read_text(encoding="utf-8")
    assert "\nlanguage: nl\n" in config
    # English output to assert on
    (root / "crmtool.yaml").write_text(config.replace("\nlanguage: nl\n", "\nlanguage: en\n"), encoding="utf-8")
    (root / ".gitignore").write_text("build/\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Example records")
    request = root / REQUEST
    request.write_text(request.read_text(encoding="utf-8").replace(
        "Doorgezet naar team Projecten.",
        f"Doorgezet naar team Projecten; {NAME} ({EMAIL}) belt zelf terug."), encoding="utf-8")
    git(root, "commit", "-qam", "A note")
    (root / ERASURE).write_text(
        "# yaml-language-server: $schema=../../schemas/request.schema.json\n"
        "kind: erasure\ntitle: Verzoek om verwijdering\nreceived: 2026-11-20\nchannel: email\n"
        f"from: {{person: {PERSON}}}\ntopics: [privacy]\nassignee: eline\nstage: in-progress\nhistory:\n"
        "- {date: 2026-11-20, stage: received, by: eline, assignee: eline}\n"
        "- {date: 2026-11-21, stage: in-progress, by: eline, note: Identiteit geverifieerd.}\n"
        "identity_verified: {date: 2026-11-21, method: Bekend e-mailadres, by: eline}\n"
        "recipients_notified: [{recipient: hosting, date: 2026-11-22}]\n"
        "follow_up: 2026-12-01\nowner: privacy\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Erasure request")
    return root


@pytest.fixture
def repo(template: Path, tmp_path: Path) -> Repository:
    root = tmp_path / "repo"
    shutil.copytree(template, root, symlinks=True)
    return Repository(root)


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def status(root: Path) -> str:
    return git(root, "status", "--porcelain")


def test_erase_removes_the_person_and_keeps_the_rest(repo):
    root = repo.root
    before = load(root / INTERACTION)
    result = run("subject", "erase", PERSON, "--root", str(root), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert f"{PERSON} ({NAME})" in result.output
    assert "7 roles deleted" in result.output
    assert not (root / f"records/people/{PERSON}.yaml").exists()
    assert not [r for r in ROLES if (root / f"records/roles/{r}.yaml").exists()]
    after = load(root / INTERACTION)
    assert "people" not in after and "roles" not in after
    assert {k: after[k] for k in ("date", "kind", "summary", "purpose", "organisations")} == \
        {k: before[k] for k in ("date", "kind", "summary", "purpose", "organisations")}
    shared = load(root / SHARED)
    assert shared["people"] == ["p-dpcyc5", "p-k65rea"]
    assert "r-vgn-bestuur-lid-2026-a" not in shared["roles"]
    request = load(root / REQUEST)
    assert request["from"] == {"organisation": "gemeente-lelystad"}
    assert request["title"] == "Regionale pilot warmtenetten Flevoland"
    note = request["history"][1]["note"]
    assert NAME not in note and EMAIL not in note and note.count("[removed]") == 2
    assert "# yaml-language-server" in (root / REQUEST).read_text(encoding="utf-8")  # comments kept
    check = run("check", "--root", str(root), "--today", TODAY)
    assert check.exit_code == 0, check.output
    log_text = (root / erasure_log.LOG_FILE).read_text(encoding="utf-8")
    for clear in (PERSON, NAME, "Teun", "Jansen", EMAIL, "jansen"):
        assert clear.lower() not in log_text.lower()
    log = erasure_log.read(root)
    [entry] = log.entries
    assert entry["kind"] == "erased" and entry["date"] == TODAY
    assert entry["id_hash"] == log.hash(PERSON) and entry["email_hashes"] == [log.hash(EMAIL)]
    assert entry["name_hash"] == log.hash("teun jansen") and len(log.salt) == 32


def test_verify_erased_fails_on_history_until_purged(repo):
    root = repo.root
    assert run("subject", "verify-erased", PERSON, "--root", str(root)).exit_code == 1  # still there
    assert run("subject", "erase", PERSON, "--root", str(root), "--today", TODAY).exit_code == 0
    clean = run("subject", "verify-erased", PERSON, "--root", str(root))
    assert clean.exit_code == 0, clean.output
    history = run("subject", "verify-erased", PERSON, "--root", str(root), "--history")
    assert history.exit_code == 1
    assert "records/people/….yaml" in history.output and f"people/{PERSON}" not in history.output \
        and ": email address" in history.output
    refused = run("subject", "erase", PERSON, "--root", str(root), "--purge-history")
    assert refused.exit_code == 1 and "commit the erasure, then run with --purge-history" in refused.output
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Erase a person")
    by_hash = erasure_log.read(root).entries[0]["id_hash"]
    assert run("subject", "verify-erased", by_hash, "--root", str(root), "--history").exit_code == 1
    purge = subprocess.run([sys.executable, "-m", "crmtool", "subject", "erase", PERSON, "--purge-history",
                            "--root", str(root)], capture_output=True, text=True, cwd=root)
    assert purge.returncode == 0, purge.stderr
    assert f"records/people/{PERSON}.yaml" in purge.stdout and "Force-push" in purge.stdout
    assert status(root) == ""
    for target in (PERSON, by_hash):
        done = subprocess.run([sys.executable, "-m", "crmtool", "subject", "verify-erased", target, "--history",
                               "--root", str(root)], capture_output=True, text=True, cwd=root)
        assert done.returncode == 0, done.stdout + done.stderr
    assert len(git(root, "log", "--format=%H").split()) == 4  # every commit kept, rewritten
    old = git(root, "show", "HEAD~1:" + REQUEST)
    assert NAME not in old and EMAIL not in old and PERSON not in old and "[removed]" in old


def test_verify_names_the_places_left(repo):
    root = repo.root
    assert run("subject", "erase", PERSON, "--root", str(root), "--today", TODAY).exit_code == 0
    leftover = root / "records/organisations/gemeente-lelystad.yaml"
    leftover.write_text(leftover.read_text(encoding="utf-8") + f"# contact: {EMAIL}\n", encoding="utf-8")
    result = run("subject", "verify-erased", PERSON, "--root", str(root))
    assert result.exit_code == 1
    lines = leftover.read_text(encoding="utf-8").count("\n")
    assert f"records/organisations/gemeente-lelystad.yaml:{lines}: email address" in result.output
    assert EMAIL not in result.output


def test_interrupted_erase_changes_nothing(repo, monkeypatch):
    root = repo.root
    real = os.replace
    calls = {"n": 0}

    def failing(src, dst, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:  # two journal writes, the first file, then this one fails
            raise OSError(28, "No space left on device")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", failing)
    result = CliRunner().invoke(cli, ["subject", "erase", PERSON, "--root", str(root), "--today", TODAY])
    monkeypatch.setattr(os, "replace", real)
    assert result.exit_code == 1
    assert "rolled back" in result.output
    assert calls["n"] > 4  # the rollback ran
    assert status(root) == ""
    assert not (root / erasure_log.LOG_FILE).exists()
    assert not [p for p in root.rglob("*.crmtool-*")]


def test_dry_run_changes_nothing(repo):
    root = repo.root
    result = run("subject", "erase", PERSON, "--root", str(root), "--today", TODAY, "--dry-run",
                 "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["dry_run"] is True and f"records/people/{PERSON}.yaml" in data["written"]
    assert NAME not in result.output
    assert status(root) == "" and not (root / erasure_log.LOG_FILE).exists()


def test_erasure_request_closes_with_the_date(repo):
    root = repo.root
    missing_by = run("subject", "erase", PERSON, "--root", str(root), "--request", "dsr-2026-0009")
    assert missing_by.exit_code == 2 and "--by" in missing_by.output
    wrong_kind = run("subject", "erase", PERSON, "--root", str(root), "--request", "q-2026-0003", "--by", "eline")
    assert wrong_kind.exit_code == 2
    result = run("subject", "erase", PERSON, "--root", str(root), "--today", TODAY,
                 "--request", "dsr-2026-0009", "--by", "eline")
    assert result.exit_code == 0, result.output
    request = load(root / ERASURE)
    assert request["stage"] == "closed" and str(request["closed"]) == TODAY
    assert request["outcome"] == {"date": request["closed"], "decision": "granted"}
    assert request["history"][-1]["stage"] == "closed" and request["history"][-1]["by"] == "eline"
    assert "from" not in request and "follow_up" not in request
    assert erasure_log.read(root).entries[0]["request"] == "dsr-2026-0009"
    assert run("check", "--root", str(root), "--today", TODAY).exit_code == 0


def test_unknown_person_is_bad_usage(repo):
    result = run("subject", "erase", "p-nobody", "--root", str(repo.root))
    assert result.exit_code == 2 and "p-nobody" in result.output
    assert run("subject", "verify-erased", "p-nobody", "--root", str(repo.root)).exit_code == 2


COUNTS = ["SELECT organisation, function, start, \"end\", count(*) FROM roles GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
          "SELECT kind, count(*) FROM interactions GROUP BY kind ORDER BY kind"]


def counts(root: Path) -> list:
    connection = sqlite3.connect(root / "build" / "index.sqlite")
    try:
        return [connection.execute(query).fetchall() for query in COUNTS]
    finally:
        connection.close()


def test_anonymise_keeps_the_counts(repo):
    root = repo.root
    assert run("index", "--root", str(root)).exit_code == 0
    before = counts(root)
    result = run("subject", "anonymise", PERSON, "--root", str(root), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "7 roles kept anonymous" in result.output and "Index: refreshed." in result.output
    assert counts(root) == before
    role = load(root / "records/roles/r-vgn-commissie-milieu-voorzitter-2026.yaml")
    assert role["holder"] == "anonymous" and "person" not in role
    assert role["on_behalf_of"] == "r-lelystad-wethouder-2026-a"
    assert load(root / INTERACTION)["roles"] == ["r-lelystad-wethouder-2022-a"]
    assert erasure_log.read(root).entries[0]["kind"] == "anonymised"
    assert run("check", "--root", str(root), "--today", TODAY).exit_code == 0
    assert run("subject", "verify-erased", PERSON, "--root", str(root)).exit_code == 0


def test_redaction_keeps_other_words():
    ids = Identifiers.of(PERSON, {"name": {"given": "Teun", "family": "Jansen"},
                                  "emails": [{"address": EMAIL}]})
    text, count = ids.redact(f"Bel TEUN  Jánsen of mail {EMAIL.upper()}; Jansen alleen blijft; zie {PERSON}.")
    assert text == "Bel [removed] of mail [removed]; Jansen alleen blijft; zie [removed]."
    assert count == 3


def test_role_schema_still_refuses_a_role_without_holder(repo):
    role = repo.root / "records/roles/r-vgn-commissie-milieu-voorzitter-2026.yaml"
    role.write_text(role.read_text(encoding="utf-8").replace(f"person: {PERSON}\n", ""), encoding="utf-8")
    assert run("check", "--root", str(repo.root), "--today", TODAY).exit_code == 1
    role.write_text(role.read_text(encoding="utf-8") + "holder: anonymous\nmember_organisation: gemeente-lelystad\n",
                    encoding="utf-8")
    assert run("check", "--root", str(repo.root), "--today", TODAY).exit_code == 1



def test_folded_summary_keeps_its_lines_and_the_register_is_rebuilt(repo):
    root = repo.root
    call = root / "records/interactions/2026/i-2026-10-01-heat-network.yaml"
    call.write_text(call.read_text(encoding="utf-8").replace("de wethouder wil", f"{NAME} wil"), encoding="utf-8")
    assert run("build", "--root", str(root), "--today", TODAY).exit_code == 0
    result = run("subject", "erase", PERSON, "--root", str(root), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "Register (build/site): rebuilt." in result.output
    text = call.read_text(encoding="utf-8")
    assert "summary: >-\n  Voortgang van de warmtenetpilot: de eerste wijk is aangesloten; [removed] wil de" in text
    assert max(len(line) for line in text.splitlines()[1:]) <= 100
    assert run("subject", "verify-erased", PERSON, "--root", str(root)).exit_code == 0
    salt = erasure_log.read(root).salt
    assert run("subject", "erase", "p-2n3qp7", "--root", str(root), "--today", TODAY).exit_code == 0
    log = erasure_log.read(root)
    assert log.salt == salt and len(log.entries) == 2
    assert log.find("p-2n3qp7") is log.entries[1] and log.find(PERSON) is log.entries[0]
