"""`crmtool places sync`: municipalities get the table's place names, places the table does
not have are kept and named, nothing changes when nothing is to add, and a dry run writes
no byte."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from crmtool.cli import cli

from .test_address_fill import copy_repo, edit, snapshot

UTRECHT = "records/organisations/gemeente-utrecht.yaml"
ZWOLLE = "records/organisations/gemeente-zwolle.yaml"
ALMERE = "records/organisations/gemeente-almere.yaml"


def run(root, *args: str):
    return CliRunner().invoke(cli, ["places", "sync", "--root", str(root), *args])


@pytest.fixture
def repo(tmp_path):
    return copy_repo(tmp_path)


def test_the_shipped_records_already_have_the_samples_places(repo):
    """Zwolle's list is not in alphabetical order; with nothing to add it is left alone."""
    before = snapshot(repo)
    result = run(repo)
    assert result.exit_code == 0, result.output
    assert "Every municipality already has the places of data/postcodes.csv." in result.output
    assert "Written" not in result.output
    assert snapshot(repo) == before


def test_places_are_added_sorted_and_extra_places_kept_and_named(repo):
    edit(repo, ZWOLLE, "places: [Zwolle, Windesheim, Wijthmen]", "places: [Zwolle, Berkum]  # checked in 2025")
    edit(repo, UTRECHT, "places: [Utrecht, Vleuten, De Meern, Haarzuilens]\n", "")
    result = run(repo)
    assert result.exit_code == 0, result.output
    assert "gemeente-utrecht (Gemeente Utrecht) (GM0344): De Meern, Haarzuilens, Utrecht, Vleuten" in result.output
    assert "gemeente-zwolle (Gemeente Zwolle) (GM0193): Wijthmen, Windesheim" in result.output
    assert "Places not in the table" in result.output
    assert "gemeente-zwolle (Gemeente Zwolle) (GM0193): Berkum" in result.output
    zwolle = (repo / ZWOLLE).read_text(encoding="utf-8")
    assert "places: [Berkum, Wijthmen, Windesheim, Zwolle] # checked in 2025\n" in zwolle
    utrecht = (repo / UTRECHT).read_text(encoding="utf-8")
    assert "region: midden\nplaces: [De Meern, Haarzuilens, Utrecht, Vleuten]\nphones:" in utrecht
    check = CliRunner().invoke(cli, ["check", "--root", str(repo), "--today", "2026-11-24"])
    assert check.exit_code == 0, check.output
    before = snapshot(repo)
    assert "Every municipality already has" in run(repo).output
    assert snapshot(repo) == before  # running it again changes nothing


def test_names_that_differ_only_in_spelling_are_not_added_twice(repo):
    edit(repo, UTRECHT, "places: [Utrecht, Vleuten, De Meern, Haarzuilens]",
         "places:\n- UTRECHT\n- vleuten\n- De-Meern\n")
    report = json.loads(run(repo, "--format", "json").output)
    [utrecht] = [m for m in report["municipalities"] if m["organisation"] == "gemeente-utrecht"]
    assert utrecht["added"] == ["Haarzuilens"] and utrecht["not_in_table"] == []
    assert "places:\n- De-Meern\n- Haarzuilens\n- UTRECHT\n- vleuten\n" in (repo / UTRECHT).read_text(encoding="utf-8")


def test_a_code_the_table_does_not_know_is_reported_and_nothing_changes(repo):
    edit(repo, ALMERE, "identifiers: {cbs: GM0034}", "identifiers: {cbs: GM0050}")
    before = snapshot(repo)
    result = run(repo)
    assert result.exit_code == 0, result.output
    assert "Municipality codes the table has no places for" in result.output
    assert "gemeente-almere (Gemeente Almere) (GM0050)" in result.output
    assert snapshot(repo) == before


def test_a_dry_run_writes_nothing_and_json_has_the_shape(repo):
    edit(repo, UTRECHT, "places: [Utrecht, Vleuten, De Meern, Haarzuilens]", "places: [Utrecht]")
    before = snapshot(repo)
    result = run(repo, "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert snapshot(repo) == before
    assert report["dry_run"] is True and report["written"] == [UTRECHT]
    [utrecht] = [m for m in report["municipalities"] if m["added"]]
    assert utrecht == {"path": UTRECHT, "organisation": "gemeente-utrecht", "name": "Gemeente Utrecht",
                       "code": "GM0344", "added": ["De Meern", "Haarzuilens", "Vleuten"], "not_in_table": [],
                       "code_unknown": False}


def test_without_a_table_it_is_a_usage_error(repo):
    (repo / "data" / "postcodes.csv").unlink()
    result = run(repo)
    assert result.exit_code == 2 and "There is no postcode table" in result.output


def test_a_real_subprocess(repo):
    edit(repo, UTRECHT, "places: [Utrecht, Vleuten, De Meern, Haarzuilens]", "places: [Utrecht]")
    env = {k: v for k, v in os.environ.items() if k not in ("CRMTOOL_TODAY", "CRMTOOL_DEBUG")}
    done = subprocess.run([sys.executable, "-m", "crmtool", "places", "sync"], cwd=repo, capture_output=True,
                          text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "De Meern, Haarzuilens, Vleuten" in done.stdout and UTRECHT in done.stdout
    assert "places: [De Meern, Haarzuilens, Utrecht, Vleuten]" in (repo / UTRECHT).read_text(encoding="utf-8")
