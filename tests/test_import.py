"""`crmtool import csv|vcard`: a dry run that shows what it would create, refuses rows without
a purpose or with data the check rejects, warns on duplicates and erased people, and with
--apply writes every new person at once."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from crmtool.check.run import run_check
from crmtool.cli import cli
from crmtool.exchange import columns
from crmtool.load.repo import Repository
from crmtool.subject.identifiers import Identifiers
from crmtool.domain.erasure_log import LOG_FILE, ErasureLog

from .conftest import FIXTURES, PROJECT, TODAY, git

SAMPLES = FIXTURES / "exchange"
DAY = ["--today", TODAY.isoformat()]
PERSON_FILE = re.compile(r"records/people/(p-[a-z0-9]{6})\.yaml")


def base_git_repo(root: Path, people: dict[str, str]) -> Repository:
    """The base fixture with these person files (id → text) added, as a git repository."""
    shutil.copytree(FIXTURES / "base", root)
    for person_id, text in people.items():
        (root / "records" / "people" / f"{person_id}.yaml").write_text(text, encoding="utf-8")
    (root / ".gitignore").write_text("build/\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Base")
    return Repository(root)


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    """Jan Jansen (p-aaaaaa, alderman at the college of Almere) with an email address and a
    phone number, so rows can be his duplicates."""
    return base_git_repo(tmp_path / "repo", {"p-aaaaaa": (
        "name: {given: Jan, family: Jansen}\nemails: [{address: jan.jansen@almere.example.nl, kind: work}]\n"
        "phones: [{number: \"+31 6 11112222\", kind: mobile}]\n"
        "purposes:\n  - {purpose: office-holders, since: 2022-06-01, source: public-register, notified: 2022-06-10}\n"
        "owner: public-affairs\n")})


def run(repo: Repository, *args: str):
    return CliRunner().invoke(cli, ["import", *args, "--root", str(repo.root), *DAY])


def people(repo: Repository) -> list[str]:
    return sorted(p.name for p in (repo.root / "records" / "people").glob("*.yaml"))


def test_dry_run_of_a_dutch_csv_shows_ids_names_fields_and_refusals(repo):
    before = people(repo)
    result = run(repo, "csv", str(SAMPLES / "contacts-nl.csv"), "--purpose", "office-holders")
    assert result.exit_code == 1, result.output  # rows are refused
    out = result.output
    assert re.search(r"contacts-nl\.csv:2: p-[a-z0-9]{6} \(Anna van der Berg\) -> records/people/p-", out)
    assert "addresses: Stationsplein 1 1315 NT Almere" in out
    assert "notes: Ontmoet op het congres" in out
    assert "wethouder / Gemeente Almere: roles are made with `crmtool new role`" in out
    assert "contacts-nl.csv:4: there is no family name" in out
    assert "contacts-nl.csv:5 (Karel de Wit): S001: 'geen-adres' is not a valid email address." in out
    assert "Marit Hoekstra" in out and "notes: Belt over; de subsidie" in out  # a quoted ; in a ;-file
    assert "dry run; nothing was written" in out
    assert people(repo) == before


def test_apply_refuses_while_rows_are_refused_and_writes_nothing(repo):
    before = people(repo)
    result = run(repo, "csv", str(SAMPLES / "contacts-nl.csv"), "--purpose", "office-holders", "--apply")
    assert result.exit_code == 1
    assert "Nothing was written: 2 rows are refused" in result.output
    assert people(repo) == before


def test_apply_with_skip_invalid_writes_checked_records_with_a_purpose_label(repo):
    result = run(repo, "csv", str(SAMPLES / "contacts-nl.csv"), "--purpose", "office-holders", "--apply",
                 "--skip-invalid", "--format", "json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert len(plan["written"]) == 4 and not plan["dry_run"]
    assert [r["line"] for r in plan["refused"]] == [4, 5]
    anna = next(p for p in plan["people"] if p["name"] == "Anna van der Berg")
    text = (repo.root / anna["path"]).read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../../schemas/person.schema.json"
    data = yaml.safe_load(text)
    assert data["name"] == {"given": "Anna", "prefix": "van der", "family": "Berg"}
    assert data["purposes"] == [{"purpose": "office-holders", "since": TODAY, "source": "public-register"}]
    assert data["addresses"] == [{"street": "Stationsplein", "number": "1", "postcode": "1315 NT", "city": "Almere"}]
    assert data["phones"] == [{"number": "06 12345001"}]
    marit = yaml.safe_load((repo.root / next(p["path"] for p in plan["people"] if p["name"] == "Marit Hoekstra"))
                           .read_text(encoding="utf-8"))
    assert marit["addresses"][0]["number"] == "12a"
    # The whole repository passes the check with the new people in it.
    check = run_check(repo, TODAY, use_cache=False)
    assert [f for f in check.findings if f.severity == "error"] == []


def test_rows_without_a_purpose_are_refused_and_an_unknown_purpose_is_bad_usage(repo):
    result = run(repo, "csv", str(SAMPLES / "contacts-en.csv"))
    assert result.exit_code == 1
    assert "contacts-en.csv:4 (Tom Visser): there is no purpose: give --purpose" in result.output
    assert "contacts-en.csv:3 (Sophie Bakker): 'unknown-purpose' is not a purpose" in result.output
    assert re.search(r"contacts-en\.csv:2: p-[a-z0-9]{6} \(Jan Jansen\)", result.output)  # its own purpose column
    assert "tags: energy, warmtenet" in result.output
    unknown = run(repo, "csv", str(SAMPLES / "contacts-en.csv"), "--purpose", "nonsense")
    assert unknown.exit_code == 2 and "'nonsense' is not a purpose" in unknown.output
    bad_source = run(repo, "csv", str(SAMPLES / "contacts-en.csv"), "--purpose", "office-holders",
                     "--source", "self-registration")
    assert bad_source.exit_code == 2 and "allowed: public-register" in bad_source.output


def test_a_purpose_with_several_sources_needs_one_named(repo):
    purpose = repo.root / "records" / "purposes" / "office-holders.yaml"
    purpose.write_text(purpose.read_text().replace("sources: [public-register]",
                                                   "sources: [public-register, self-registration]"))
    result = run(repo, "csv", str(SAMPLES / "contacts-nl.csv"), "--purpose", "office-holders")
    assert result.exit_code == 2 and "give --source" in result.output
    chosen = run(repo, "csv", str(SAMPLES / "contacts-nl.csv"), "--purpose", "office-holders",
                 "--source", "self-registration")
    assert "source self-registration" in chosen.output
    assert "is not the people themselves" not in chosen.output  # from the person: no Art. 14 reminder


def test_probable_duplicates_by_email_phone_name_and_organisation(repo, tmp_path):
    sample = tmp_path / "dups.csv"
    sample.write_text("voornaam;achternaam;e-mail;telefoon;organisatie\n"
                      "Joost;Meijer;JAN.JANSEN@almere.example.nl;;\n"  # the email, other case
                      "Johan;Jansma;;06 11112222;\n"  # the phone, national form
                      "Jan;Jansen;;;College van B&W Almere\n"  # same name, same organisation
                      "Jan;Jansen;;;\n"  # same name, no organisation: not a duplicate
                      "Kim;Smit;kim@example.org;;\n"
                      "Kim;Smit;KIM@example.org;;\n", encoding="utf-8")
    plan = json.loads(run(repo, "csv", str(sample), "--purpose", "office-holders", "--format", "json").output)
    warnings = {p["line"]: p["warnings"] for p in plan["people"]}
    assert warnings[2] == ["probably a duplicate of p-aaaaaa (Jan Jansen): same email address; "
                           "if it is one person, update that record instead"]
    assert "same phone number" in warnings[3][0] and "p-aaaaaa (Jan Jansen)" in warnings[3][0]
    assert "same name and organisation" in warnings[4][0]
    assert warnings[5] == []
    assert warnings[7] == ["probably the same person as line 6 of this file (same email address)"]


def test_a_row_matching_the_erasure_log_is_warned_with_the_date(repo, tmp_path):
    log = ErasureLog("0123456789abcdef")
    for day, person, data in [
            ("2026-03-02", "p-gone01", {"name": {"given": "Pieter", "family": "Vos"},
                                        "emails": [{"address": "x@example.org"}]}),
            ("2026-04-01", "p-gone02", {"name": {"given": "Ex", "family": "Ample"},
                                        "emails": [{"address": "p.vos@example.org"}]})]:
        log.entries.append(log.entry(day, "erased", None, person, data, Identifiers.of(person, data, "NL")))
    (repo.root / LOG_FILE).write_text(log.text(), encoding="utf-8")
    plan = json.loads(run(repo, "csv", str(SAMPLES / "contacts-nl.csv"), "--purpose", "office-holders",
                          "--format", "json").output)
    pieter = next(p for p in plan["people"] if p["name"] == "Pieter Vos")
    assert pieter["warnings"] == [
        "someone with this name was erased on 2026-03-02: do not re-import without a new legal basis",
        "someone with this email address was erased on 2026-04-01: do not re-import without a new legal basis"]
    assert not [w for p in plan["people"] if p["name"] != "Pieter Vos" for w in p["warnings"] if "erased" in w]


def test_data_the_purpose_does_not_cover_is_left_out(repo):
    purpose = repo.root / "records" / "purposes" / "office-holders.yaml"
    purpose.write_text(purpose.read_text().replace(
        "data_categories: [name, contact, address, role, party, notes, tags, consent, interactions, requests, "
        "language]",
        "data_categories: [name, contact, role, party]"))
    plan = json.loads(run(repo, "csv", str(SAMPLES / "contacts-nl.csv"), "--purpose", "office-holders",
                          "--format", "json").output)
    anna = next(p for p in plan["people"] if p["name"] == "Anna van der Berg")
    assert "addresses" not in anna["fields"] and "notes" not in anna["fields"]
    assert "addresses: the purpose office-holders does not cover address data" in anna["left_out"]
    assert "notes: the purpose office-holders does not cover notes data" in anna["left_out"]


def test_a_vcard_3_file_from_a_phone(repo):
    result = run(repo, "vcard", str(SAMPLES / "phone-3.0.vcf"), "--purpose", "office-holders", "--format", "json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert [p["line"] for p in plan["people"]] == [1, 18, 25]
    eva = plan["people"][0]
    assert eva["fields"]["name"] == {"given": "Eva", "prefix": "van", "family": "Dijk"}
    assert eva["fields"]["emails"] == [{"address": "eva.vandijk@example.org"},
                                       {"address": "eva@example.net", "kind": "private"}]
    assert eva["fields"]["phones"] == [{"number": "06 12345004", "kind": "mobile"},
                                       {"number": "036 5399999", "kind": "work"}]
    assert eva["fields"]["addresses"] == [{"kind": "home", "street": "Kerkstraat", "number": "7", "addition": "bis",
                                           "postcode": "1311 AB", "city": "Almere", "country": "NL"}]
    assert eva["fields"]["notes"] == [{"date": TODAY.isoformat(),
                                       "text": "Wil de nieuwsbrief, graag per mail.\nTweede regel."}]
    assert "BDAY, PHOTO: crmtool keeps no such data of a person" in eva["left_out"]
    assert "Beleidsmedewerker / Gemeente Almere: roles are made with `crmtool new role`" in eva["left_out"]
    assert plan["people"][2]["fields"]["name"] == {"family": "Onbekend"}  # FN only


def test_files_that_cannot_be_read_are_bad_usage_naming_the_file(repo, tmp_path):
    broken = tmp_path / "broken.vcf"
    broken.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nthis is no property\r\nEND:VCARD\r\n")
    result = run(repo, "vcard", str(broken), "--purpose", "office-holders")
    assert result.exit_code == 2 and "broken.vcf: line 3: the vCard cannot be read" in result.output
    no_name = tmp_path / "no-name.csv"
    no_name.write_text("email,phone\na@example.org,1\n")
    result = run(repo, "csv", str(no_name), "--purpose", "office-holders")
    assert result.exit_code == 2 and "no-name.csv: line 1: no column with the family name" in result.output
    twice = tmp_path / "twice.csv"
    twice.write_text("achternaam;Achternaam\nA;B\n")
    result = run(repo, "csv", str(twice), "--purpose", "office-holders")
    assert (result.exit_code == 2
            and "twice.csv: line 1, column 2: the column 'Achternaam' appears twice" in result.output)


def test_windows_1252_is_read_with_a_warning_and_formula_guards_are_taken_off(repo, tmp_path):
    sample = tmp_path / "excel.csv"
    sample.write_bytes("Voornaam;Achternaam;Telefoon;Kleur\r\nJosé;Müller;'+31 6 12345009;blauw\r\n".encode("cp1252"))
    result = run(repo, "csv", str(sample), "--purpose", "office-holders")
    assert result.exit_code == 0, result.output
    assert "(José Müller)" in result.output and "phones: +31 6 12345009" in result.output
    assert "is not UTF-8; it was read as Windows-1252" in result.output
    assert "column 4 'Kleur' is not a column crmtool knows" in result.output


def test_header_names_in_both_languages():
    assert columns.header_key("E-mailadres 2") == ("email", 2)
    assert columns.header_key("\ufeffAchternaam") == ("family", 1)
    assert columns.header_key("last_name") == ("family", 1)
    assert columns.header_key("Tussenvoegsel") == ("prefix", 1)
    assert columns.header_key("Functie 2") is None  # only contact details repeat
    assert columns.split_name("Anna Maria van der Berg") == {"given": "Anna Maria", "prefix": "van der",
                                                             "family": "Berg"}


def test_a_real_process_applies_an_import(repo):
    env = {**os.environ, "CRMTOOL_TODAY": TODAY.isoformat()}
    result = subprocess.run([sys.executable, "-m", "crmtool", "import", "vcard", str(SAMPLES / "phone-3.0.vcf"),
                             "--purpose", "office-holders", "--apply", "--root", str(repo.root)],
                            capture_output=True, text=True, env=env, cwd=PROJECT)
    assert result.returncode == 0, result.stderr
    written = PERSON_FILE.findall(result.stdout)
    assert len(set(written)) == 3
    for person_id in written:
        assert (repo.root / "records" / "people" / f"{person_id}.yaml").is_file()
    assert "Created 3 people" in result.stdout


def test_imported_people_are_laid_out_as_the_repositorys_people(tmp_path):
    """The cooperative indents list dashes; imported records follow, and fmt agrees."""
    root = tmp_path / "coop"
    shutil.copytree(PROJECT / "examples" / "cooperative", root, ignore=shutil.ignore_patterns("build"))
    result = CliRunner().invoke(cli, ["import", "csv", str(FIXTURES / "exchange" / "contacts-en.csv"), "--purpose",
                                      "contacts", "--source", "contact-request", "--apply", "--skip-invalid",
                                      "--root", str(root), *DAY])
    assert result.exit_code in (0, 1), result.output
    new = [p for p in (root / "records" / "people").glob("*.yaml")
           if p.name not in {q.name for q in
                             (PROJECT / "examples" / "cooperative" / "records" / "people").glob("*.yaml")}]
    assert new
    for path in new:
        text = path.read_text(encoding="utf-8")
        assert "\npurposes:\n  - {purpose: contacts" in text, text
    assert CliRunner().invoke(cli, ["fmt", "--check", "--root", str(root)]).exit_code == 0
