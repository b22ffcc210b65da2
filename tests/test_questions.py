"""The questions of the association (seed 003) on the shipped example records, with the exact
answers, each also on a past day whose answer differs from today's."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from crmtool.cli import cli

from .conftest import PROJECT

TODAY = "2026-11-24"


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    """A copy of the example records (the index is written under its build/)."""
    root = tmp_path_factory.mktemp("questions") / "repo"
    shutil.copytree(PROJECT / "records", root / "records")
    shutil.copy(PROJECT / "crmtool.yaml", root / "crmtool.yaml")
    return root


def ask(root: Path, *args: str, code: int = 0) -> list[dict]:
    result = CliRunner().invoke(cli, [*args, "--root", str(root), "--format", "json"],
                                env={"CRMTOOL_TODAY": TODAY}, catch_exceptions=False)
    assert result.exit_code == code, result.output
    return json.loads(result.stdout) if code == 0 else result.output


def pick(rows: list[dict], *keys: str) -> list:
    return [tuple(row[k] for k in keys) if len(keys) > 1 else row[keys[0]] for row in rows]


def test_the_mayor_now_and_the_acting_mayor_last_december(root):
    assert pick(ask(root, "query", "mayor", "Almere"), "name", "role") == [
        ("Marieke Bosveld", "r-almere-burgemeester-2021")]
    assert pick(ask(root, "query", "mayor", "lelystad"), "name", "function") == [("Saskia Molenaar", "burgemeester")]
    assert pick(ask(root, "query", "mayor", "gemeente-lelystad", "--on", "2025-12-01"), "name", "function") == [
        ("Frits Hollander", "waarnemend-burgemeester")]


def test_who_answers_with_the_fields_the_design_promises(root):
    rows = ask(root, "who", "--function", "mayor", "--organisation", "Almere")
    assert len(rows) == 1
    assert {k: rows[0][k] for k in ("role", "person", "organisation", "function", "start", "end")} == {
        "role": "r-almere-burgemeester-2021", "person": "p-maci79", "organisation": "gemeente-almere-college",
        "function": "burgemeester", "start": "2021-12-01", "end": None}


def test_aldermen_with_a_portfolio_everywhere_in_a_province_and_in_the_last_period(root):
    assert pick(ask(root, "query", "aldermen", "--portfolio", "milieu"), "name", "role") == [
        ("Teun Jansen", "r-lelystad-wethouder-2026-a"), ("Femke Scholten", "r-zwolle-wethouder-2026-a")]
    assert pick(ask(root, "query", "aldermen", "--portfolio", "Environment", "--province", "Overijssel"), "role") == [
        "r-zwolle-wethouder-2026-a"]
    assert pick(ask(root, "query", "aldermen", "--portfolio", "milieu", "--on", "2025-01-01"), "role") == [
        "r-lelystad-wethouder-2022-a", "r-zwolle-wethouder-2022-a"]


def test_seat_distribution_after_and_before_the_2026_election(root):
    assert pick(ask(root, "query", "seats", "almere"), "party", "seats") == [
        ("almeerse-buurtlijst", 2), ("partij-vvd", 2), ("partij-d66", 1), ("partij-groenlinks-pvda", 1)]
    assert pick(ask(root, "query", "seats", "almere", "--on", "2024-01-01"), "party", "seats") == [
        ("almeerse-buurtlijst", 1), ("partij-d66", 1), ("partij-groenlinks", 1), ("partij-vvd", 1)]


def test_committee_members_and_the_chair_first(root):
    assert pick(ask(root, "query", "committee", "vgn-commissie-milieu"), "name", "function", "chair",
                "for_municipality") == [
        ("Teun Jansen", "voorzitter", True, "Gemeente Lelystad"),
        ("Erik Landman", "commissielid", False, None),          # external members: no municipality
        ("Femke Scholten", "commissielid", False, "Gemeente Zwolle"),
        ("Johanna Dijkstra", "commissielid", False, None),
        ("Teun Jansen", "commissielid", False, "Gemeente Lelystad"),
        ("Thijs van Rooij", "commissielid", False, "Gemeente Utrecht")]
    assert pick(ask(root, "query", "committee", "Commissie Milieu", "--on", "2025-01-01"), "name", "chair") == [
        ("Erik Landman", True), ("Erik Landman", False), ("Teun Jansen", False)]


def test_party_group_leaders(root):
    assert pick(ask(root, "query", "group-leaders"), "name", "party_name", "municipality") == [
        ("Gert van Dijkhuizen", "Almeerse Buurtlijst", "gemeente-almere"),
        ("Jeroen Kuipers", "GL-PvdA", "gemeente-almere"), ("Lotte Brinkman", "D66", "gemeente-almere"),
        ("Naima Bouzid", "VVD", "gemeente-almere"), ("Ilse Timmer", "CDA", "gemeente-lelystad"),
        ("Kees Ploeger", "Polderpartij Lelystad", "gemeente-lelystad"),
        ("Youssef El Amrani", "GL-PvdA", "gemeente-lelystad"),
        ("Miriam Talsma", "Hanzelijst Zwolle", "gemeente-zwolle"), ("Pieter ten Brink", "CU", "gemeente-zwolle")]
    assert pick(ask(root, "query", "group-leaders", "--municipality", "Zwolle"), "name") == [
        "Miriam Talsma", "Pieter ten Brink"]
    assert pick(ask(root, "query", "group-leaders", "--municipality", "Zwolle", "--on", "2024-01-01"), "name") == [
        "Pieter ten Brink"]


def test_officials_for_a_regional_meeting(root):
    rows = ask(root, "query", "regional-meeting", "--function", "burgemeester", "--function", "Alderman",
               "--province", "flevoland")
    assert pick(rows, "name", "function") == [
        ("Marieke Bosveld", "burgemeester"), ("Orlando Pinas", "wethouder"), ("Sevda Aydın", "wethouder"),
        ("Saskia Molenaar", "burgemeester"), ("Anouk Verhoef", "wethouder"), ("Teun Jansen", "wethouder")]
    assert pick(ask(root, "query", "regional-meeting", "--function", "burgemeester", "--province", "overijssel"),
                "role") == ["r-zwolle-burgemeester-2023"]
    assert pick(ask(root, "query", "regional-meeting", "--function", "burgemeester", "--province", "overijssel",
                    "--on", "2020-01-01"), "role") == ["r-zwolle-burgemeester-2017"]
    assert len(ask(root, "query", "regional-meeting", "--function", "burgemeester", "--region", "midden")) == 3


def test_partnership_members_and_their_contact_persons(root):
    assert pick(ask(root, "query", "partnership", "G40"), "member", "contacts", "contact_people") == [
        ("gemeente-almere", ["Dennis Vlaar"], ["p-c84gc9"]), ("gemeente-lelystad", [], []),
        ("gemeente-zwolle", ["Sanne Hofman"], ["p-mxyxnu"])]
    assert pick(ask(root, "query", "partnership", "g40", "--on", "2023-01-01"), "member", "contacts") == [
        ("gemeente-almere", []), ("gemeente-lelystad", []), ("gemeente-zwolle", [])]


def test_place_names_of_a_municipality(root):
    assert pick(ask(root, "query", "places", "Utrecht"), "place") == ["Utrecht", "Vleuten", "De Meern", "Haarzuilens"]


def test_everything_one_person_does(root):
    assert pick(ask(root, "query", "person", "p-r5epc6"), "kind", "id") == [
        ("role", "r-vgn-bestuur-lid-2026-a"), ("role", "r-lelystad-wethouder-2026-a"),
        ("role", "r-vgn-commissie-milieu-lid-2026-a"), ("role", "r-vgn-commissie-milieu-voorzitter-2026"),
        ("list", "weekly-digest"), ("request", "q-2026-0003")]
    assert pick(ask(root, "query", "person", "Teun Jansen", "--on", "2026-08-01"), "kind", "id") == [
        ("role", "r-lelystad-wethouder-2026-a"), ("role", "r-vgn-commissie-milieu-lid-2026-a"),
        ("list", "weekly-digest"), ("request", "q-2026-0003")]


def test_follow_up_view_by_assignee_and_stage(root):
    assert pick(ask(root, "query", "follow-up"), "assignee", "stage", "request", "overdue") == [
        ("anna", "triage", "q-2026-0018", False), ("bram", "in-progress", "q-2026-0015", False),
        ("chantal", "received", "q-2026-0019", False), ("chantal", "proposal", "q-2026-0012", True),
        ("chantal", "approved", "q-2026-0003", False)]
    assert pick(ask(root, "query", "follow-up", "--assignee", "chantal", "--on", "2026-10-01"), "request", "stage") == [
        ("q-2026-0012", "triage"), ("q-2026-0003", "approved")]


def test_pipeline_counts_per_stage(root):
    assert pick(ask(root, "query", "pipeline"), "stage", "requests") == [
        ("received", 1), ("triage", 1), ("in-progress", 1), ("proposal", 1), ("approved", 1), ("rejected", 1),
        ("closed", 3)]
    assert pick(ask(root, "query", "pipeline", "--on", "2026-10-01"), "stage", "requests") == [
        ("received", 0), ("triage", 1), ("in-progress", 0), ("proposal", 0), ("approved", 1), ("rejected", 0),
        ("closed", 2)]


def test_search_ignores_case_and_accents_and_matches_word_starts(root):
    assert pick(ask(root, "search", "jans"), "id") == ["p-r5epc6"]
    assert pick(ask(root, "search", "AYDIN"), "id") == ["p-seesk6"]
    assert pick(ask(root, "search", "gemeente almere", "--type", "organisations"), "id") == [
        "gemeente-almere", "gemeente-almere-raad"]
    assert ask(root, "search", "zzzqqq") == []


def test_sql_reads_and_refuses_to_write(root):
    assert ask(root, "sql", "SELECT count(*) AS n FROM roles WHERE function = 'raadslid'") == [{"n": 23}]
    for statement in ("DELETE FROM roles", "UPDATE people SET name = 'x'", "DROP TABLE roles",
                      "ATTACH DATABASE 'other.db' AS other", "PRAGMA journal_mode = WAL", "CREATE TABLE t (a)"):
        output = ask(root, "sql", statement, code=2)
        assert output.startswith("Error: SQL: ") and "Traceback" not in output, statement
    assert ask(root, "sql", "SELECT count(*) AS n FROM roles")[0]["n"] == 74
    assert "no such table" in ask(root, "sql", "SELECT * FROM nowhere", code=2)


def test_names_that_match_nothing_are_usage_errors_with_a_suggestion(root):
    output = ask(root, "query", "mayor", "gemeente-almeer", code=2)  # in the repository's language, Dutch
    assert "'gemeente-almeer'" in output and "gemeente-almere" in output.split("'gemeente-almeer'")[1]
    output = ask(root, "who", "--function", "king", code=2)
    assert "--function king" in output and "functions" in output
    assert "Traceback" not in ask(root, "query", "person", "Nobody Known", code=2)


def test_table_and_csv_output(root):
    table = CliRunner().invoke(cli, ["query", "seats", "almere", "--root", str(root)], env={"CRMTOOL_TODAY": TODAY})
    assert table.exit_code == 0
    assert "Gemeente Almere" in table.output and "VVD" in table.output
    assert table.output.splitlines()[-1].endswith("4")  # the row count
    csv_out = CliRunner().invoke(cli, ["query", "places", "utrecht", "--root", str(root), "--format", "csv"])
    assert csv_out.stdout_bytes.decode() == "\ufeffplace\r\nUtrecht\r\nVleuten\r\nDe Meern\r\nHaarzuilens\r\n"


def test_who_in_a_real_process(root):
    done = subprocess.run([sys.executable, "-m", "crmtool", "who", "--function", "wethouder", "--party", "VVD",
                           "--root", str(root), "--format", "json"], capture_output=True, text=True,
                          env={"CRMTOOL_TODAY": TODAY, "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert pick(json.loads(done.stdout), "role") == ["r-almere-wethouder-2026-a", "r-lelystad-wethouder-2026-b"]


def test_the_cooperatives_follow_up_view_and_pipeline(tmp_path):
    root = tmp_path / "cooperative"
    shutil.copytree(PROJECT / "examples" / "cooperative", root, ignore=shutil.ignore_patterns("build"))
    assert pick(ask(root, "query", "follow-up"), "assignee", "request", "overdue") == [
        ("ines", "rq-2026-038", False), ("jef", "rq-2026-034", True), ("lotte", "rq-2026-042", False),
        ("wout", "rq-2026-039", False), ("wout", "rq-2026-031", False)]
    assert pick(ask(root, "query", "pipeline"), "stage", "requests") == [
        ("received", 1), ("triage", 1), ("in-progress", 1), ("proposal", 1), ("approved", 1), ("rejected", 1),
        ("closed", 2)]
    assert pick(ask(root, "search", "hanne"), "id") == ["p-tj5xfr"]


def test_sql_keeps_columns_of_the_same_name_apart(root):
    rows = ask(root, "sql", "SELECT f.type, a.type FROM field_definitions f JOIN field_applies_to a ON a.field = f.id "
                            "WHERE f.id = 'grensgemeente'")
    assert rows == [{"type": "boolean", "type_2": "organisation"}]


def test_the_policy_is_in_the_index_too(root):
    rows = ask(root, "sql", "SELECT item FROM purpose_items WHERE purpose = 'events' AND list = 'processors' "
                            "ORDER BY position")
    assert pick(rows, "item") == ["event-organiser", "mail-provider", "hosting"]


RUNAWAY = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c"


def test_sql_stops_a_statement_that_runs_without_end(root):
    """A recursive CTE without an end used to run forever; the step limit (counted, not timed)
    stops it with exit 1 and a message that says what to do."""
    output = ask(root, "sql", RUNAWAY, "--max-steps", "2000000", code=1)
    assert "2,000,000" in output and "LIMIT" in output and "Traceback" not in output
    # the same statement with an end runs, and a limit that is high enough lets it through
    bounded = RUNAWAY.replace("FROM c)", "FROM c WHERE x < 1000)")
    assert ask(root, "sql", bounded) == [{"count(*)": 1000}]


def test_sql_runaway_as_a_real_process_with_the_default_limit(root):
    done = subprocess.run([sys.executable, "-m", "crmtool", "sql", RUNAWAY, "--root", str(root)],
                          capture_output=True, text=True, env={**_env(), "CRMTOOL_TODAY": TODAY})
    assert done.returncode == 1, done.stderr
    assert "500.000.000" in done.stderr or "500,000,000" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


@pytest.mark.parametrize("statement", [
    "SELECT fts3_tokenizer('simple')",
    "SELECT load_extension('/tmp/evil.so')",
    "SELECT readfile('/etc/passwd')",
    "SELECT writefile('/tmp/x', 'y')",
    "SELECT length(zeroblob(1000000000))",
    "SELECT sqlite_log(1, 'x')",
    "SELECT count(*) FROM roles WHERE fts3_tokenizer('simple') IS NOT NULL",
])
def test_sql_refuses_functions_outside_the_allow_list(root, statement):
    output = ask(root, "sql", statement, code=2)
    assert output.startswith("Error: SQL: ") and "Traceback" not in output
    name = next(n for n in ("fts3_tokenizer", "load_extension", "readfile", "writefile", "zeroblob", "sqlite_log")
                if n in statement)
    assert name in output  # "not allowed", or "no such function" for the sqlite3 shell's own


def test_sql_still_offers_the_functions_questions_need(root):
    rows = ask(root, "sql", "SELECT count(*) AS n, max(length(name)) > 0 AS named, "
                            "json_extract(json_object('a', 1), '$.a') AS j, date('2026-11-24', '+1 month') AS d, "
                            "lower(upper('x')) AS s FROM people")
    assert rows[0]["j"] == 1 and rows[0]["d"] == "2026-12-24" and rows[0]["s"] == "x" and rows[0]["n"] > 0
    found = ask(root, "sql", "SELECT record, snippet(search, 2, '[', ']', '…', 5) AS s, bm25(search) AS b "
                             "FROM search WHERE search MATCH 'almere' ORDER BY rank LIMIT 3")
    assert len(found) == 3
    # the questions themselves are unaffected by the sql command's limits
    assert ask(root, "sql", "SELECT count(*) AS n FROM role_holders")[0]["n"] == 74  # the shipped roles


def _env() -> dict:
    import os
    return {k: v for k, v in os.environ.items() if not k.startswith("CRMTOOL_")}
