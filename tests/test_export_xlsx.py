"""`crmtool export xlsx`: the CSV's people and columns as an Excel workbook whose cells are typed
by their value: text stays text (ids, phone numbers, postcodes, leading zeros), nothing is
ever a formula, dates are dates; the header in the repository's language, frozen; the same
purpose limits as `export csv`; the same bytes for the same selection."""
from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from crmtool.cli import cli
from crmtool.exchange.xlsx import workbook
from crmtool.load.repo import Repository

from .conftest import PROJECT, TODAY
from .test_export import PEOPLE, rows
from .test_import import base_git_repo

DAY = ["--on", TODAY.isoformat()]
HOSTILE = {
    **PEOPLE,
    # a leading zero, a plus, a minus and an at sign: each must stay the text it is
    "p-eeeeee": "name: {given: \"@SUM(A1)\", prefix: \"\", family: \"-2+3\"}\n"
                "phones: [{number: \"0612340002\", kind: mobile}]\n"
                "addresses: [{kind: postal, street: \"+Plein\", number: \"007\", postcode: \"0123 AB\", city: Almere,"
                " country: NL}]\n"
                "purposes: [{purpose: office-holders, since: 2024-01-01, source: public-register, "
                "notified: 2024-01-05}]\n",
}


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return base_git_repo(tmp_path / "repo", HOSTILE)


def run(repo: Repository, *args: str):
    return CliRunner().invoke(cli, ["export", *args, "--root", str(repo.root)])


def sheet_of(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_the_workbook_holds_the_csvs_people_and_columns_as_text_cells(repo, tmp_path):
    target = tmp_path / "oh.xlsx"
    result = run(repo, "xlsx", "--purpose", "office-holders", "--out", str(target), *DAY)
    assert result.exit_code == 0, result.output
    assert "(3 people)" in result.output
    sheet = sheet_of(target.read_bytes())
    table = [[cell.value for cell in row] for row in sheet.iter_rows()]
    csv_rows = rows(run(repo, "csv", "--purpose", "office-holders", *DAY).stdout_bytes.decode("utf-8"), ",")
    assert table[0] == list(csv_rows[0].keys())  # the same header, in English for an English repository
    assert [row[0] for row in table[1:]] == [r["id"] for r in csv_rows]  # the same people in the same order
    for row in sheet.iter_rows(min_row=1):
        for cell in row:
            if cell.value is not None:
                assert cell.data_type == "s" and cell.number_format == "@", (cell.coordinate, cell.value)
    by_id = {row[0]: dict(zip(table[0], row)) for row in table[1:]}
    assert by_id["p-bbbbbb"]["given"] == "=HYPERLINK()"  # shown as typed, no apostrophe needed
    assert by_id["p-bbbbbb"]["phone"] == "+31 6 12340001"
    odd = by_id["p-eeeeee"]
    assert (odd["given"], odd["family"], odd["phone"]) == ("@SUM(A1)", "-2+3", "0612340002")
    assert (odd["street"], odd["number"], odd["postcode"]) == ("+Plein", "007", "0123 AB")
    assert sheet.freeze_panes == "A2"
    assert all(sheet.column_dimensions[letter].width >= 8 for letter in "ABCD")


def test_no_cell_is_a_formula_in_the_file_itself(repo, tmp_path):
    """openpyxl reads `<f>` back as a formula; the sheet's XML must hold none at all."""
    target = tmp_path / "oh.xlsx"
    assert run(repo, "xlsx", "--purpose", "office-holders", "--out", str(target), *DAY).exit_code == 0
    with zipfile.ZipFile(target) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    assert '<is><t>=HYPERLINK()</t></is>' in sheet_xml and '<is><t>@SUM(A1)</t></is>' in sheet_xml


def test_the_header_is_in_the_repositorys_language(repo, tmp_path):
    config = repo.root / "crmtool.yaml"
    config.write_text(config.read_text().replace("language: en", "language: nl"))
    target = tmp_path / "oh.xlsx"
    assert run(repo, "xlsx", "--purpose", "office-holders", "--fields", "id,name,phone", "--out", str(target),
               *DAY).exit_code == 0
    sheet = sheet_of(target.read_bytes())
    assert [cell.value for cell in sheet[1]] == ["id", "voornaam", "tussenvoegsel", "achternaam", "voorletters",
                                                 "telefoon", "soort telefoon"]
    assert sheet.title == "Mensen"
    assert all(cell.font.bold for cell in sheet[1])


def test_the_purpose_limits_are_exports(repo, tmp_path):
    purpose = repo.root / "records" / "purposes" / "office-holders.yaml"
    purpose.write_text(purpose.read_text().replace(
        "data_categories: [name, contact, address, role, party, notes, tags, consent, interactions, requests, "
        "language]",
        "data_categories: [name]"))
    target = tmp_path / "oh.xlsx"
    assert run(repo, "xlsx", "--purpose", "office-holders", "--out", str(target), *DAY).exit_code == 0
    header = [cell.value for cell in sheet_of(target.read_bytes())[1]]
    assert header == ["id", "given", "prefix", "family", "initials"]
    refused = run(repo, "xlsx", "--purpose", "office-holders", "--fields", "name,phone", "--out",
                  str(tmp_path / "no.xlsx"), *DAY)
    assert refused.exit_code == 2 and "'phone' is contact data" in refused.output
    assert not (tmp_path / "no.xlsx").exists()
    earlier = tmp_path / "earlier.xlsx"
    assert run(repo, "xlsx", "--purpose", "office-holders", "--on", "2026-06-30", "--out", str(earlier)).exit_code == 0
    assert "p-cccccc" in [cell.value for cell in sheet_of(earlier.read_bytes())["A"]]  # held on that day only
    assert "p-cccccc" not in [cell.value for cell in sheet_of(target.read_bytes())["A"]]


def test_the_same_selection_gives_the_same_bytes(repo, tmp_path):
    first, second = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    for target in (first, second):
        assert run(repo, "xlsx", "--purpose", "office-holders", "--out", str(target), *DAY).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    assert openpyxl.load_workbook(first).properties.modified == dt.datetime.combine(TODAY, dt.time())


def test_typed_cells_dates_numbers_and_text():
    data = workbook(["day", "count", "share", "code"],
                    [[dt.date(2026, 3, 1), 12, 0.5, "012"], [None, 0, 1.25, "=1+1"]], TODAY, "a/b:c")
    sheet = sheet_of(data)
    day, count, share, code = sheet[2]
    assert day.is_date and day.value.date() == dt.date(2026, 3, 1) and day.number_format == "yyyy-mm-dd"
    assert (count.data_type, count.value, share.value) == ("n", 12, 0.5)
    assert (code.data_type, code.value, code.number_format) == ("s", "012", "@")
    assert sheet["D3"].data_type == "s" and sheet["D3"].value == "=1+1"
    assert sheet["A3"].value is None
    assert sheet.title == "a b c"


def test_control_characters_are_left_out_not_a_crash():
    sheet = sheet_of(workbook(["note"], [["a\x01b\x1fc"]], TODAY))
    assert sheet["A2"].value == "abc"


def test_a_real_process_exit_codes(repo, tmp_path):
    env = {**os.environ, "CRMTOOL_TODAY": TODAY.isoformat()}

    def export(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "crmtool", "export", "xlsx", *args, "--root", str(repo.root)],
                              capture_output=True, env=env, cwd=PROJECT, stdin=subprocess.DEVNULL)

    piped = export("--purpose", "office-holders")
    assert piped.returncode == 0, piped.stderr
    target = tmp_path / "oh.xlsx"
    written = export("--purpose", "office-holders", "--out", str(target))
    assert written.returncode == 0 and target.read_bytes() == piped.stdout  # standard output is the same file
    assert export("--purpose", "nonsense").returncode == 2
    assert export().returncode == 2  # --purpose is required, as for csv and vcard
    inside = export("--purpose", "office-holders", "--out", str(repo.root / "records" / "x.xlsx"))
    assert inside.returncode == 2 and not (repo.root / "records" / "x.xlsx").exists()
