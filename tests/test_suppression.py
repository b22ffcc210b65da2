"""An objector is not re-imported from an old list (Art. 21): `crmtool import` refuses a row
whose email address or phone number is that of a person on file who objected, or of an erased
objector in the suppression list (`suppression-list.yaml`, salted hashes only), for a purpose
the objection rules out; other purposes and other rows go through."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from crmtool.cli import cli
from crmtool.domain import suppression
from crmtool.load.repo import Repository

from .conftest import TODAY, git
from .test_import import base_git_repo

DAY = ["--today", TODAY.isoformat()]
NEWSLETTER = (
    "title: {nl: Nieuwsbrief, en: Newsletter}\n"
    "description: {en: The association's newsletter.}\n"
    "legal_basis: legitimate-interests\n"
    "legitimate_interest: {en: \"Interest: informing members' contacts. Balance: business details only.\"}\n"
    "direct_marketing: true\n"
    "data_subjects: [office-holders]\n"
    "data_categories: [name, contact]\n"
    "retention: {period: P2Y, after: last-contact, then: delete}\n"
    "sources: [public-register]\n"
    "recipients: [{en: Staff of the association}]\n"
    "profiling: false\n"
    "review: {last: 2026-01-15, every: P1Y}\n"
    "owner: public-affairs\n")
OBJECTOR = (
    "name: {given: Fenna, family: Bakker}\n"
    "emails: [{address: fenna.bakker@example.org, kind: work}]\n"
    "phones: [{number: \"+31 6 22223333\", kind: mobile}]\n"
    "purposes:\n  - {purpose: office-holders, since: 2022-06-01, source: public-register, notified: 2022-06-10}\n"
    "objections: [{scope: direct-marketing, date: 2026-10-01}]\n"
    "owner: public-affairs\n")
OLD_LIST = ("voornaam;achternaam;e-mail;telefoon\n"
            "Fenna;Bakker;FENNA.BAKKER@example.org;\n"   # her address, other case
            "F.;Bakker-de Vries;;06 22223333\n"          # her number, national form, another name
            "Kees;Mulder;kees.mulder@example.org;\n")    # someone else


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    repo = base_git_repo(tmp_path / "repo", {"p-bbbbbb": OBJECTOR})
    (repo.root / "records" / "purposes" / "newsletter.yaml").write_text(NEWSLETTER, encoding="utf-8")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-qm", "Newsletter")
    (tmp_path / "old-list.csv").write_text(OLD_LIST, encoding="utf-8")
    return repo


def plan(repo: Repository, purpose: str) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["import", "csv", str(repo.root.parent / "old-list.csv"), "--purpose", purpose,
                                      "--format", "json", "--root", str(repo.root), *DAY])
    return result.exit_code, json.loads(result.output)


def refused_lines(found: dict) -> dict[int, list[str]]:
    return {r["line"]: r["reasons"] for r in found["refused"]}


def test_a_person_on_file_who_objected_to_direct_marketing_is_refused_for_it(repo):
    code, found = plan(repo, "newsletter")
    assert code == 1
    refused = refused_lines(found)
    assert sorted(refused) == [2, 3]  # by email address and by phone number
    assert refused[2] == ["this person objected to direct marketing (Art. 21): they may not be imported for "
                          "newsletter; leave the row out (or --skip-invalid)"]
    assert [p["line"] for p in found["people"]] == [4]


def test_the_objection_rules_out_only_what_it_covers(repo):
    code, found = plan(repo, "office-holders")  # not direct marketing: only the duplicate warning
    assert found["refused"] == [] and code == 0
    assert [p["line"] for p in found["people"]] == [2, 3, 4]


def test_an_objection_to_one_purpose_refuses_that_purpose(repo):
    person = repo.root / "records" / "people" / "p-bbbbbb.yaml"
    person.write_text(person.read_text(encoding="utf-8").replace("scope: direct-marketing", "scope: office-holders"),
                      encoding="utf-8")
    assert sorted(refused_lines(plan(repo, "office-holders")[1])) == [2, 3]
    assert plan(repo, "newsletter")[1]["refused"] == []


def test_an_erased_objector_stays_suppressed_without_a_value_in_clear(repo):
    erased = subprocess.run([sys.executable, "-m", "crmtool", "subject", "erase", "p-bbbbbb", "--root",
                             str(repo.root), *DAY], capture_output=True, text=True)
    assert erased.returncode == 0, erased.stderr
    assert suppression.LIST_FILE in erased.stdout
    text = (repo.root / suppression.LIST_FILE).read_text(encoding="utf-8")
    for clear in ("fenna", "bakker", "p-bbbbbb", "22223333"):
        assert clear not in text.lower()
    [entry] = suppression.read(repo.root).entries
    assert entry["scopes"] == ["direct-marketing"] and entry["date"] == TODAY.isoformat()
    assert not (repo.root / "records" / "people" / "p-bbbbbb.yaml").exists()

    code, found = plan(repo, "newsletter")  # the old list again, with the person gone
    assert code == 1 and sorted(refused_lines(found)) == [2, 3]
    applied = subprocess.run([sys.executable, "-m", "crmtool", "import", "csv", str(repo.root.parent / "old-list.csv"),
                              "--purpose", "newsletter", "--apply", "--skip-invalid", "--root", str(repo.root), *DAY],
                             capture_output=True, text=True)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    written = [p.read_text(encoding="utf-8") for p in (repo.root / "records" / "people").glob("*.yaml")]
    assert len(written) == 2 and not [t for t in written if "Bakker" in t]  # Jan Jansen and Kees Mulder


def test_erasing_someone_who_never_objected_writes_no_list(repo):
    result = CliRunner().invoke(cli, ["subject", "erase", "p-aaaaaa", "--root", str(repo.root), *DAY])
    assert result.exit_code == 0, result.output
    assert not (repo.root / suppression.LIST_FILE).exists()
