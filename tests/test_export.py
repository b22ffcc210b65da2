"""`crmtool export csv|vcard`: only people held for the purpose, only the data it covers; CSV as
Excel opens it in Dutch and English; and an export imported into an empty repository gives
the same people back."""
from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import vobject
import yaml
from click.testing import CliRunner

from crmtool.cli import cli
from crmtool.load.repo import Repository

from .conftest import PROJECT, TODAY
from .test_import import base_git_repo

DAY = ["--on", TODAY.isoformat()]
PEOPLE = {
    # held for office-holders today, with details a spreadsheet would run as a formula
    "p-bbbbbb": "name: {given: \"=HYPERLINK()\", prefix: van, family: Aalst}\n"
                "emails: [{address: b.aalst@example.org, kind: work}, {address: bea@example.net, kind: private}]\n"
                "phones: [{number: \"+31 6 12340001\", kind: mobile}]\n"
                "addresses: [{kind: postal, street: Markt, number: \"3\", postcode: \"1315 NT\", city: Almere, "
                "country: NL}]\n"
                "purposes: [{purpose: office-holders, since: 2024-01-01, source: public-register, "
                "notified: 2024-01-05}]\n",
    # the label ended: kept (retention), but not to be used
    "p-cccccc": "name: {given: Cor, family: Oud}\nemails: [{address: cor@example.org}]\n"
                "purposes: [{purpose: office-holders, since: 2020-01-01, until: 2026-06-30, source: public-register, "
                "notified: 2020-01-05}]\n",
    # the label starts later
    "p-dddddd": "name: {given: Dirk, family: Nieuw}\n"
                "purposes: [{purpose: office-holders, since: 2026-12-01, source: public-register, "
                "notified: 2026-12-01}]\n",
}


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return base_git_repo(tmp_path / "repo", PEOPLE)


def run(repo: Repository, *args: str):
    return CliRunner().invoke(cli, ["export", *args, "--root", str(repo.root)])


def rows(text: str, delimiter: str) -> list[dict]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline=""), delimiter=delimiter))


def test_english_csv_only_people_held_for_the_purpose_on_the_day(repo):
    result = run(repo, "csv", "--purpose", "office-holders", *DAY)
    assert result.exit_code == 0, result.output
    text = result.stdout_bytes.decode("utf-8")  # .output folds CRLF
    assert text.startswith("\ufeffid,given,prefix,family,initials,email,email kind,email 2,email kind 2,phone,")
    assert "\r\n" in text and text.count("\n") == text.count("\r\n")
    table = rows(text, ",")
    assert [r["id"] for r in table] == ["p-bbbbbb", "p-aaaaaa"]  # Aalst before Jansen; Oud ended, Nieuw not yet
    aalst = table[0]
    assert aalst["given"] == "'=HYPERLINK()"  # not a formula in Excel
    assert aalst["phone"] == "'+31 6 12340001"
    assert (aalst["email 2"], aalst["email kind 2"]) == ("bea@example.net", "private")
    assert (aalst["street"], aalst["number"], aalst["postcode"], aalst["country"]) == ("Markt", "3", "1315 NT", "NL")
    earlier = rows(run(repo, "csv", "--purpose", "office-holders", "--on", "2026-06-30").output, ",")
    assert "p-cccccc" in [r["id"] for r in earlier]


def test_dutch_repository_gets_semicolons_and_dutch_headers(repo):
    config = repo.root / "crmtool.yaml"
    config.write_text(config.read_text().replace("language: en", "language: nl"))
    text = run(repo, "csv", "--purpose", "office-holders", "--fields", "name,email", *DAY).output
    assert text.startswith("\ufeffvoornaam;tussenvoegsel;achternaam;voorletters;e-mail;soort e-mail;e-mail 2;")
    assert rows(text, ";")[0]["achternaam"] == "Aalst"


def test_fields_are_limited_to_the_categories_of_the_purpose(repo):
    purpose = repo.root / "records" / "purposes" / "office-holders.yaml"
    purpose.write_text(purpose.read_text().replace(
        "data_categories: [name, contact, address, role, party, notes, tags, consent, interactions, requests, "
        "language]",
        "data_categories: [name, contact]"))
    default = run(repo, "csv", "--purpose", "office-holders", *DAY)
    header = default.output.splitlines()[0]
    assert "street" not in header and "email" in header and "tags" not in header
    refused = run(repo, "csv", "--purpose", "office-holders", "--fields", "name,address", *DAY)
    assert refused.exit_code == 2
    assert "'address' is address data, which the purpose office-holders does not cover" in refused.output
    unknown = run(repo, "csv", "--purpose", "office-holders", "--fields", "name,shoe-size", *DAY)
    assert unknown.exit_code == 2 and "'shoe-size' is not a field" in unknown.output
    assert run(repo, "csv", "--purpose", "nonsense", *DAY).exit_code == 2


def test_vcard_is_4_0_one_card_per_person(repo):
    result = run(repo, "vcard", "--purpose", "office-holders", "--fields", "name,email", *DAY)
    assert result.exit_code == 0, result.output
    cards = list(vobject.readComponents(result.output))
    assert [c.version.value for c in cards] == ["4.0", "4.0"]
    assert [c.uid.value for c in cards] == ["urn:crmtool:p-bbbbbb", "urn:crmtool:p-aaaaaa"]
    assert cards[0].fn.value == "=HYPERLINK() van Aalst"  # vCard is not a spreadsheet: no apostrophe
    assert [e.value for e in cards[0].contents["email"]] == ["b.aalst@example.org", "bea@example.net"]
    assert "tel" not in cards[0].contents and "adr" not in cards[0].contents


def test_out_is_refused_under_records_and_written_atomically_elsewhere(repo, tmp_path):
    inside = run(repo, "csv", "--purpose", "office-holders", "--out", str(repo.root / "records" / "x.csv"), *DAY)
    assert inside.exit_code == 2 and "must not be written under records/" in inside.output
    assert not (repo.root / "records" / "x.csv").exists()
    target = repo.root / "exports" / "oh.csv"
    target.parent.mkdir()
    written = run(repo, "csv", "--purpose", "office-holders", "--out", str(target), *DAY)
    assert written.exit_code == 0 and "(2 people)" in written.output
    assert target.read_bytes().startswith(b"\xef\xbb\xbfid,")
    outside = tmp_path / "elsewhere.vcf"
    assert run(repo, "vcard", "--purpose", "office-holders", "--out", str(outside), *DAY).exit_code == 0
    assert outside.read_text(encoding="utf-8").count("BEGIN:VCARD") == 2


def _empty_copy(source: Path, target: Path) -> Repository:
    """The same policy (purposes, vocabularies, settings) without any people or what refers to them."""
    shutil.copytree(source / "records", target / "records")
    shutil.copy(source / "crmtool.yaml", target / "crmtool.yaml")
    for folder in ("people", "roles", "interactions", "requests"):
        shutil.rmtree(target / "records" / folder)
        (target / "records" / folder).mkdir()
    return Repository(target)


def _contacts(root: Path) -> dict:
    """Every person's name, emails, phones and addresses, keyed by name (ids differ after import)."""
    found = {}
    for path in (root / "records" / "people").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not any(label["purpose"] == "office-holders" and not label.get("until") for label in data["purposes"]):
            continue
        name = {k: v for k, v in data["name"].items() if v}
        key = " ".join(name.get(k, "") for k in ("given", "prefix", "family"))
        found[key] = (name, data.get("emails", []), data.get("phones", []), data.get("addresses", []))
    return found


@pytest.mark.parametrize("kind", ["csv", "vcard"])
def test_export_then_import_into_an_empty_repository_gives_the_same_people(example_git_repo, tmp_path, kind):
    exported = tmp_path / f"office-holders.{kind}"
    result = CliRunner().invoke(cli, ["export", kind, "--purpose", "office-holders", "--out", str(exported),
                                      "--root", str(example_git_repo.root), *DAY])
    assert result.exit_code == 0, result.output
    empty = _empty_copy(example_git_repo.root, tmp_path / "empty")
    imported = CliRunner().invoke(cli, ["import", kind, str(exported), "--purpose", "office-holders",
                                        "--source", "public-register", "--apply", "--root", str(empty.root),
                                        "--today", TODAY.isoformat()])
    assert imported.exit_code == 0, imported.output
    before, after = _contacts(example_git_repo.root), _contacts(empty.root)
    assert len(before) > 20 and any(entry[3] for entry in before.values())  # addresses are part of it
    assert after == before
    # Importing the same file into the repository it came from: every row is a probable duplicate.
    again = CliRunner().invoke(cli, ["import", kind, str(exported), "--purpose", "office-holders",
                                     "--source", "public-register", "--root", str(example_git_repo.root),
                                     "--today", TODAY.isoformat(), "--format", "json"])
    import json
    plan = json.loads(again.output)
    assert len(plan["people"]) == len(before)
    assert all(any("waarschijnlijk een dubbele van p-" in w for w in p["warnings"]) for p in plan["people"])


def test_a_real_process_writes_the_csv(repo):
    env = {**os.environ, "CRMTOOL_TODAY": TODAY.isoformat()}
    result = subprocess.run([sys.executable, "-m", "crmtool", "export", "csv", "--purpose", "office-holders",
                             "--fields", "id,name", "--root", str(repo.root)],
                            capture_output=True, env=env, cwd=PROJECT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode("utf-8") == (
        "\ufeffid,given,prefix,family,initials\r\np-bbbbbb,'=HYPERLINK(),van,Aalst,\r\np-aaaaaa,Jan,,Jansen,\r\n")
