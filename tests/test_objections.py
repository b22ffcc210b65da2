"""Objection and restriction that act (issue 19, item 1): `crmtool export`, the public
directory, the workspace's lists and downloads leave out a person under a restriction in force
(Art. 18(2)) and say how many, never who; a direct-marketing objection removes the person
from every export for a direct-marketing purpose (Art. 21(3)); `crmtool import` refuses a row
on the suppression list of direct-marketing objectors."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from crmtool.exchange.exporting import select
from crmtool.load import load_model
from crmtool.load.repo import Repository

from .conftest import PROJECT, TODAY
from .test_import import base_git_repo

LABEL = "purposes: [{purpose: office-holders, since: 2024-01-01, source: public-register, notified: 2024-01-05}]\n"
NEWSLETTER = (
    "title: {en: Newsletter}\ndescription: {en: A monthly email.}\nlegal_basis: legitimate-interests\n"
    "legitimate_interest: {en: Keeping members informed.}\ndata_subjects: [office-holders]\n"
    "data_categories: [name, contact]\nspecial_categories: []\n"
    "retention: {period: P1Y, after: last-activity, then: delete}\nsources: [public-register]\n"
    "recipients: [{en: Staff}]\nprofiling: false\ndirect_marketing: true\n"
    "review: {last: 2026-01-15, every: P1Y}\nowner: public-affairs\n")
PEOPLE = {
    "p-bbbbbb": "name: {given: Bea, family: Aalst}\nemails: [{address: bea@example.org}]\n" + LABEL,
    # restricted since October, open-ended
    "p-cccccc": "name: {given: Cor, family: Beperkt}\nemails: [{address: cor@example.org}]\n" + LABEL +
                "restrictions: [{since: 2026-10-01, until: null, ground: accuracy-contested}]\n",
    # a restriction that was lifted: exported again
    "p-dddddd": "name: {given: Dirk, family: Vrij}\n" + LABEL +
                "restrictions: [{since: 2026-01-01, until: 2026-02-01, ground: objection-pending}]\n",
    # objected to direct marketing, still held for the newsletter (P025 reports the label)
    "p-eeeeee": "name: {given: Eva, family: Bezwaar}\nemails: [{address: eva@example.org}]\n"
                "phones: [{number: \"+31 6 12345678\"}]\n"
                "purposes: [{purpose: office-holders, since: 2024-01-01, source: public-register, "
                "notified: 2024-01-05}, {purpose: newsletter, since: 2024-01-01, source: public-register, "
                "notified: 2024-01-05}]\n"
                "objections: [{scope: direct-marketing, date: 2026-10-01}]\n",
}


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    root = tmp_path / "repo"
    made = base_git_repo(root, PEOPLE)
    (root / "records" / "purposes" / "newsletter.yaml").write_text(NEWSLETTER, encoding="utf-8")
    return made


def _export(repo: Repository, purpose: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CRMTOOL_TODAY": TODAY.isoformat()}
    return subprocess.run([sys.executable, "-m", "crmtool", "export", "csv", "--purpose", purpose,
                           "--fields", "id", "--root", str(repo.root)], capture_output=True, env=env, cwd=PROJECT)


def test_export_leaves_out_a_restricted_person_and_says_how_many(repo):
    result = _export(repo, "office-holders")
    assert result.returncode == 0, result.stderr
    ids = result.stdout.decode("utf-8").split("\r\n")[1:-1]
    assert sorted(ids) == ["p-aaaaaa", "p-bbbbbb", "p-dddddd", "p-eeeeee"]
    said = result.stderr.decode("utf-8")
    assert re.search(r"\b1\b", said) and "p-cccccc" not in said and "Beperkt" not in said


def test_export_for_a_direct_marketing_purpose_leaves_out_an_objector(repo):
    result = _export(repo, "newsletter")
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode("utf-8").split("\r\n")[1:-1] == []
    assert re.search(r"\b1\b", result.stderr.decode("utf-8")) and "eva" not in result.stderr.decode("utf-8").lower()


def test_selection_counts_who_it_left_out_on_the_day(repo):
    model = load_model(repo, TODAY)
    assert select(model, "office-holders", ["id"], TODAY).left_out == 1
    before = TODAY.replace(month=9)  # before the restriction
    assert select(model, "office-holders", ["id"], before).left_out == 0
    assert select(model, "newsletter", ["id"], before).left_out == 0  # the objection came later


def test_directory_leaves_out_a_restricted_holder_and_the_build_says_how_many(tmp_path):
    from crmtool.register import directory
    root = tmp_path / "repo"
    restricted = ("name: {given: Jan, family: Jansen}\n"
                  "purposes: [{purpose: office-holders, since: 2022-06-01, source: public-register, "
                  "notified: 2022-06-10}]\nrestrictions: [{since: 2026-11-01, until: null, ground: unlawful}]\n")
    repo = base_git_repo(root, {"p-aaaaaa": restricted})
    role = root / "records" / "roles" / "r-almere-wethouder-2022.yaml"
    role.write_text(role.read_text(encoding="utf-8") + "public: true\n", encoding="utf-8")
    purpose = root / "records" / "purposes" / "office-holders.yaml"
    purpose.write_text(purpose.read_text(encoding="utf-8") + "publish: [name, function]\n", encoding="utf-8")
    model = load_model(repo, TODAY)
    assert directory.listings(model, TODAY) == [] and directory.withheld(model, TODAY) == 1
    before = TODAY.replace(month=10)  # before the restriction: listed
    assert len(directory.listings(model, before)) == 1 and directory.withheld(model, before) == 0
    env = {**os.environ, "CRMTOOL_TODAY": TODAY.isoformat()}
    result = subprocess.run([sys.executable, "-m", "crmtool", "build", "--with-directory", "--root", str(root)],
                            capture_output=True, env=env, cwd=PROJECT)
    assert result.returncode == 0, result.stderr
    said = result.stdout.decode("utf-8")
    assert re.search(r"\b1\b", said.splitlines()[-1]) and "Jansen" not in said
    assert "Jansen" not in (root / "build" / "site" / "nl" / "directory.html").read_text(encoding="utf-8")
