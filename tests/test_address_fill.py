"""`crmtool address fill`: missing streets and cities come from the postcode table, present
values are never changed, comments stay, the check passes afterwards, and refusals, dry runs
and failed writes change no byte."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from crmtool.edit import roundtrip
from crmtool.cli import cli

from .conftest import PROJECT
from .test_atomic import replace_failing

PERSON = "records/people/p-8zvpfv.yaml"
ZWOLLE = "records/organisations/gemeente-zwolle.yaml"
ALMERE = "records/organisations/gemeente-almere.yaml"


def copy_repo(root: Path) -> Path:
    """The example records with the sample table, without git, in English (the messages the
    tests read must not change when the Dutch catalogue grows)."""
    for name in ("records", "data"):
        shutil.copytree(PROJECT / name, root / name)
    config = (PROJECT / "crmtool.yaml").read_text(encoding="utf-8")
    assert "\nlanguage: nl\n" in config
    (root / "crmtool.yaml").write_text(config.replace("\nlanguage: nl\n", "\nlanguage: en\n"), encoding="utf-8")
    return root


def edit(root: Path, path: str, old: str, new: str) -> None:
    file = root / path
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new), encoding="utf-8")


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.relative_to(root).parts[0] != "build"}


def run(root: Path, *args: str):
    return CliRunner().invoke(cli, ["address", "fill", "--root", str(root), *args])


@pytest.fixture
def repo(tmp_path) -> Path:
    """The examples with three incomplete addresses: a person's (number with an addition,
    postcode written oddly), and Zwolle's town hall in block style with a comment."""
    root = copy_repo(tmp_path)
    edit(root, PERSON, '{kind: home, street: Voorbeeldlaan, number: "14", postcode: "8017 AB", city: Zwolle, '
         'country: NL}', '{kind: home, number: "14b", postcode: "8017 AB", country: NL}')
    edit(root, ZWOLLE, "  street: Grote Kerkplein\n", "  # the town hall's front door\n")
    edit(root, ZWOLLE, "  city: Zwolle\n", "  city: ''\n")
    return root


def test_fills_street_and_city_and_keeps_everything_else(repo):
    zwolle_before = (repo / ZWOLLE).read_text(encoding="utf-8")
    result = run(repo)
    assert result.exit_code == 0, result.output
    assert f"{PERSON}: p-8zvpfv (Erik Landman)" in result.output
    assert "address 1 (8017 AB 14b): street Voorbeeldlaan, city Zwolle" in result.output
    assert "address 1 (8011 PK 15): street Grote Kerkplein, city Zwolle" in result.output
    assert '{kind: home, street: Voorbeeldlaan, number: "14b", postcode: "8017 AB", city: Zwolle, country: NL}' in (
        repo / PERSON).read_text(encoding="utf-8")
    expected = zwolle_before.replace("- kind: visit\n  # the town hall's front door\n",
                                     "- kind: visit\n  street: Grote Kerkplein\n  # the town hall's front door\n")
    assert (repo / ZWOLLE).read_text(encoding="utf-8") == expected.replace("  city: ''\n", "  city: Zwolle\n")
    check = CliRunner().invoke(cli, ["check", "--root", str(repo), "--today", "2026-11-24"])
    assert check.exit_code == 0, check.output
    assert "Q007" not in check.output
    again = run(repo)
    assert again.exit_code == 0 and "Nothing to fill from data/postcodes.csv." in again.output


def test_a_present_value_is_never_changed(repo):
    edit(repo, PERSON, 'number: "14b"', 'city: Kampen, number: "14b"')
    report = json.loads(run(repo, PERSON, "--format", "json").output)
    assert [(f["street"], f["city"]) for f in report["filled"]] == [("Voorbeeldlaan", None)]
    assert "city: Kampen" in (repo / PERSON).read_text(encoding="utf-8")
    check = CliRunner().invoke(cli, ["check", "--root", str(repo), "--today", "2026-11-24", str(repo / PERSON)])
    assert "WARNING Q007 The city 'Kampen' does not agree with the postcode table" in check.output


def test_a_dry_run_changes_no_byte_and_json_has_the_shape(repo):
    before = snapshot(repo)
    result = run(repo, "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert snapshot(repo) == before
    assert report["dry_run"] is True and report["table"] == "data/postcodes.csv"
    assert report["written"] == [ZWOLLE, PERSON]
    assert report["filled"][0] == {"path": ZWOLLE, "record": "gemeente-zwolle", "name": "Gemeente Zwolle",
                                   "address": 1, "postcode": "8011 PK", "number": "15",
                                   "street": "Grote Kerkplein", "city": "Zwolle"}


def test_only_the_given_paths_are_filled(repo):
    result = run(repo, "records/people")
    assert result.exit_code == 0, result.output
    assert "gemeente-zwolle" not in result.output
    assert "city: ''" in (repo / ZWOLLE).read_text(encoding="utf-8")


@pytest.mark.parametrize("args, words", [
    (["records/people/p-nobody.yaml"], "does not exist in the repository"),
    (["records/roles"], "holds no records of people, organisations"),
    (["records/roles/r-lelystad-wethouder-2026-a.yaml"], "is not a record of people, organisations"),
])
def test_paths_without_addresses_are_usage_errors(repo, args, words):
    before = snapshot(repo)
    result = run(repo, *args)
    assert result.exit_code == 2 and words in result.output
    assert snapshot(repo) == before


def test_without_a_table_it_says_how_to_configure_one(repo):
    shutil.rmtree(repo / "data")
    result = run(repo)
    assert result.exit_code == 2
    assert "There is no postcode table" in result.output and "'postcodes:' in crmtool.yaml" in result.output


def test_a_broken_table_is_named_with_its_line(repo):
    with open(repo / "data" / "postcodes.csv", "a", encoding="utf-8") as table:
        table.write("8011 PK;15;1;all;Grote Kerkplein;Zwolle;GM0193\n")
    result = run(repo)
    assert result.exit_code == 2 and "data/postcodes.csv:30: The column 'from' (15) is greater" in result.output


def test_unknown_addresses_are_listed_and_left_alone(repo):
    edit(repo, ALMERE, '{kind: visit, street: Stadhuisplein, number: "1", postcode: "1315 HR", city: Almere, '
         'country: NL}', '{number: "3", postcode: "1315 HR", country: NL}\n- {number: "1", postcode: "1315 NT"}')
    edit(repo, ALMERE, 'street: Postbus, number: "200"', 'number: "200"')
    result = run(repo, ALMERE)
    assert result.exit_code == 0, result.output
    assert "address 2 (1315 NT 1): street Stationsplein, city Almere" in result.output
    assert "Not in the table" in result.output
    assert f"{ALMERE}: gemeente-almere (Gemeente Almere), address 1 (1315 HR 3)" in result.output
    assert "1300 AE" in result.output  # a PO box postcode the sample does not have
    text = (repo / ALMERE).read_text(encoding="utf-8")
    assert '- {street: Stationsplein, number: "1", postcode: "1315 NT", city: Almere}' in text
    assert '{number: "3", postcode: "1315 HR", country: NL}' in text


def test_a_failed_write_leaves_every_file_old(repo, monkeypatch):
    before = snapshot(repo)
    replace_failing(monkeypatch, OSError(28, "No space left on device"), after=1)
    result = run(repo)
    monkeypatch.undo()
    assert result.exit_code == 1 and "No space left on device" in result.output
    assert "Traceback" not in result.output
    assert snapshot(repo) == before


def test_an_edit_that_would_break_the_file_is_refused(repo, monkeypatch):
    before = snapshot(repo)
    monkeypatch.setattr(roundtrip, "dump", lambda document: "name: [broken\n")
    result = run(repo)
    assert result.exit_code == 1 and "Y001" in result.output and "nothing was changed" in result.output
    assert snapshot(repo) == before


def test_a_real_subprocess_from_a_sub_folder(repo):
    env = {k: v for k, v in os.environ.items() if k not in ("CRMTOOL_TODAY", "CRMTOOL_DEBUG")}
    done = subprocess.run([sys.executable, "-m", "crmtool", "address", "fill", "p-8zvpfv.yaml"],
                          cwd=repo / "records" / "people", capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "p-8zvpfv (Erik Landman)" in done.stdout and PERSON in done.stdout
    assert "street: Voorbeeldlaan" in (repo / PERSON).read_text(encoding="utf-8")
    assert "city: ''" in (repo / ZWOLLE).read_text(encoding="utf-8")
