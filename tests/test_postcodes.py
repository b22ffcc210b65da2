"""The postcode table: reading (delimiters, header, BOM), look-ups by postcode and house
number, name comparison, and errors that name the file and line. Q007 itself is covered by
its fixtures (tests/fixtures/Q007); here what the fixtures cannot show."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from crmtool.check.run import run_check
from crmtool.cli import cli
from crmtool.domain.postcodes import (
    DEFAULT_TABLE, TableError, configured_path, fingerprint, house_number, load_table, normalise,
    read_table, same_name,
)
from crmtool.load.repo import Repository

from .conftest import PROJECT, TODAY, git
from .test_address_fill import copy_repo

HEADER = "postcode;from;to;parity;street;place;municipality\n"


def table_file(tmp_path: Path, text: str, name: str = "postcodes.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_the_shipped_sample_covers_the_shipped_addresses():
    table = read_table(PROJECT / DEFAULT_TABLE, DEFAULT_TABLE)
    assert table.lookup("1315 HR", 1).street == "Stadhuisplein"
    assert table.lookup("8232 ZX", 2).place == "Lelystad"
    assert table.lookup("8017 AB", 14).municipality == "GM0193"
    places = table.places()
    assert places["GM0344"] == {"Utrecht", "Vleuten", "De Meern", "Haarzuilens"}
    assert places["GM0193"] == {"Zwolle", "Windesheim", "Wijthmen"}


def test_ranges_honour_parity_and_bounds(tmp_path):
    table = read_table(table_file(tmp_path, HEADER + "1315 JG;1;59;odd;Grote Markt;Almere;GM0034\n"
                                  "1315 JG;2;60;even;Markt;Almere;GM0034\n1323 GK;5;9;all;Spoordreef;Almere;GM0034\n"))
    assert table.lookup("1315 JG", 59).street == "Grote Markt"
    assert table.lookup("1315 JG", 60).street == "Markt"
    assert table.lookup("1315 JG", 61) is None
    assert [table.lookup("1323 GK", n) is not None for n in (4, 5, 6, 9, 10)] == [False, True, True, True, False]
    assert table.covers("1315 JG") and not table.covers("1315 JH")
    assert [r.describe() for r in table.ranges["1315 JG"]] == ["1-59 (odd)", "2-60 (even)"]


def test_comma_delimiter_bom_other_column_order_and_extra_columns(tmp_path):
    text = ("\ufeffStreet,Postcode,From,To,Parity,Place,Municipality,Source\n"
            '"Stationsplein, oost",1315nt,1,3,ALL,Almere,GM0034,sample\n\n')
    table = read_table(table_file(tmp_path, text))
    row = table.lookup("1315 NT", 2)
    assert (row.street, row.place, row.municipality, row.parity) == ("Stationsplein, oost", "Almere", "GM0034", "all")


@pytest.mark.parametrize("row, line, words", [
    ("1315 HR;x;1;all;S;Almere;GM0034", 3, "'from' holds 'x'"),
    ("1315 HR;3;1;all;S;Almere;GM0034", 3, "'from' (3) is greater than 'to' (1)"),
    ("1315 HR;1;1;oneven;S;Almere;GM0034", 3, "'parity' holds 'oneven'"),
    ("1315 HR;1;1;all;S;;GM0034", 3, "'place' is empty"),
    ("1315 HR;1;1;all;S;Almere;34", 3, "'municipality' holds '34'"),
    ("0315 HR;1;1;all;S;Almere;GM0034", 3, "'postcode' holds '0315 HR'"),
    ("1315 HR;1;1", 3, "3 columns where the header names 7"),
])
def test_a_bad_row_is_named_by_file_and_line(tmp_path, row, line, words):
    path = table_file(tmp_path, HEADER + "1315 NT;1;1;all;Stationsplein;Almere;GM0034\n" + row + "\n")
    with pytest.raises(TableError) as caught:
        read_table(path, "data/postcodes.csv")
    assert str(caught.value).startswith(f"data/postcodes.csv:{line}: ")
    assert words in str(caught.value)
    assert caught.value.line == line


def test_a_header_without_the_columns_and_a_file_that_is_not_utf8(tmp_path):
    with pytest.raises(TableError, match=r"^t.csv:1: The header lacks the columns parity, municipality"):
        read_table(table_file(tmp_path, "postcode;from;to;street;place\n"), "t.csv")
    with pytest.raises(TableError, match="not UTF-8"):
        latin = table_file(tmp_path, HEADER + "1315 NT;1;1;all;Stra\u00dfe;Almere;GM0034\n", encoding="latin-1")
        read_table(latin, "t.csv")
    with pytest.raises(TableError, match="first line must name the columns"):
        read_table(table_file(tmp_path, "\n"), "t.csv")


def test_normalise_and_house_numbers():
    assert [normalise(p) for p in ("1315 NT", "1315nt", "NL-1315 NT", "0315 NT", "1315 SA", 1315, None)] == [
        "1315 NT", "1315 NT", "1315 NT", None, None, None, None]
    assert [house_number(n) for n in ("12", "12a", "12-2", " 12 bis", "a12", "", None, 7)] == [
        12, 12, 12, 12, None, None, None, 7]


def test_names_compare_without_case_accents_punctuation_and_str_abbreviation():
    assert same_name("stationsstr.", "Stationsstraat")
    assert same_name("Stations str", "Stationsstraat")
    assert same_name("GROTE-KERKPLEIN", "Grote Kerkplein")
    assert same_name("Den Haag", "'s-Gravenhage") and same_name("Den Bosch", "'s-Hertogenbosch")
    assert same_name("Caf\u00e9straat", "Cafestraat")
    assert not same_name("Stationsplein", "Stationsstraat")
    assert not same_name("Almere", "Lelystad")


def test_where_the_table_is_configured(tmp_path):
    assert configured_path(tmp_path, {}) is None
    (tmp_path / "data").mkdir()
    table_file(tmp_path / "data", HEADER)
    assert configured_path(tmp_path, {}) == (tmp_path / DEFAULT_TABLE, DEFAULT_TABLE)
    table_file(tmp_path, HEADER, "own.csv")
    assert configured_path(tmp_path, {"postcodes": "own.csv"}) == (tmp_path / "own.csv", "own.csv")
    with pytest.raises(TableError, match="'postcodes' names the table gone.csv, but there is no such file"):
        configured_path(tmp_path, {"postcodes": "gone.csv"})


def test_the_table_is_read_again_when_it_changes_and_the_fingerprint_follows(tmp_path):
    path = table_file(tmp_path, HEADER + "1315 NT;1;1;all;Stationsplein;Almere;GM0034\n")
    config = {"postcodes": path.name}
    first, print_one = load_table(tmp_path, config), fingerprint(tmp_path, config)
    assert load_table(tmp_path, config) is first  # read once per run
    path.write_text(HEADER + "1315 NT;1;3;all;Stationsplein;Almere;GM0034\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))
    assert load_table(tmp_path, config).lookup("1315 NT", 3) is not None
    assert fingerprint(tmp_path, config) != print_one
    assert fingerprint(tmp_path, {}) == b""


def test_the_shipped_records_agree_with_the_shipped_sample(tmp_path):
    """The example repository with its sample table: `crmtool check` stays clean of Q007,
    and a wrong city is found by a real subprocess."""
    root = tmp_path / "repo"
    copy_repo(root)
    result = run_check(Repository(root), TODAY, use_cache=False)
    assert [f for f in result.findings if f.rule == "Q007"] == [] and result.exit_code == 0
    person = root / "records" / "people" / "p-8zvpfv.yaml"
    person.write_text(person.read_text(encoding="utf-8").replace("city: Zwolle", "city: Kampen"), encoding="utf-8")
    env = {**os.environ, "CRMTOOL_TODAY": "2026-11-24"}
    done = subprocess.run([sys.executable, "-m", "crmtool", "check", "--no-cache", "--format", "github"],
                          cwd=root, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr  # a warning
    assert "file=records/people/p-8zvpfv.yaml,line=8" in done.stdout and "Q007" in done.stdout
    assert "'Kampen'" in done.stdout and "'Zwolle'" in done.stdout


def test_a_broken_table_is_an_error_of_the_check(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(PROJECT / "tests" / "fixtures" / "base", root)
    (root / "data").mkdir()
    table_file(root / "data", HEADER + "1315 NT;1;1;sometimes;Stationsplein;Almere;GM0034\n")
    result = CliRunner().invoke(cli, ["check", "--root", str(root), "--no-cache", "--today", "2026-11-24"])
    assert result.exit_code == 1
    assert "data/postcodes.csv:2:1: ERROR Q007" in result.output and "'sometimes'" in result.output


def test_a_pull_request_check_reports_q007_on_the_changed_record(example_git_repo):
    """Q007 is a repository rule: with --changed-since it runs on what the change touched."""
    root = example_git_repo.root
    shutil.copytree(PROJECT / "data", root / "data")
    git(root, "add", "data")
    git(root, "commit", "-q", "-m", "Sample postcode table")
    person = root / "records" / "people" / "p-8zvpfv.yaml"
    person.write_text(person.read_text(encoding="utf-8").replace('number: "14"', 'number: "15"'), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--root", str(root), "--changed-since", "HEAD", "--format", "json",
                                      "--today", "2026-11-24"])
    found = [(f["path"], f["line"], f["rule"]) for f in json.loads(result.output)["findings"] if f["rule"] == "Q007"]
    assert found == [("records/people/p-8zvpfv.yaml", 8, "Q007")]


def q007(root: Path, *args: str) -> list[tuple]:
    result = CliRunner().invoke(cli, ["check", "--root", str(root), "--format", "json", "--today", "2026-11-24", *args])
    return [(f["path"], f["line"]) for f in json.loads(result.output)["findings"] if f["rule"] == "Q007"]


def test_a_change_to_the_table_alone_is_seen_despite_the_check_cache(example_git_repo):
    """The table is an input of the check like the records: the cached result of the whole
    check is keyed on its bytes, and a pull request that changes only the table is checked
    in full (any address may now disagree)."""
    root = example_git_repo.root
    shutil.copytree(PROJECT / "data", root / "data")
    git(root, "add", "data")
    git(root, "commit", "-q", "-m", "Sample postcode table")
    assert q007(root) == []  # fills the cache
    table = root / "data" / "postcodes.csv"
    text = table.read_text(encoding="utf-8")
    assert ";Zwolle;GM0193" in text
    table.write_text(text.replace(";Zwolle;GM0193", ";Kampen;GM0193"), encoding="utf-8")
    whole = q007(root)
    assert ("records/people/p-8zvpfv.yaml", 8) in whole
    assert q007(root, "--changed-since", "HEAD") == whole
