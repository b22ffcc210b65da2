"""`crmtool note`: a dated note `{date, by, text}` appended to a person, an organisation or a
request, found by id or path, in the file's own layout with its comments; data minimisation
and usage errors change no byte."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from crmtool.cli import cli
from crmtool.edit.base import Refused
from crmtool.edit.note import note
from crmtool.load.repo import Repository, UsageError

from .test_new import example_copy
from .test_stage import cooperative, passes

ENV = {"CRMTOOL_TODAY": "2026-11-24"}


@pytest.fixture
def coop(tmp_path) -> Path:
    return cooperative(tmp_path)


@pytest.fixture
def association(tmp_path) -> Path:
    return example_copy(tmp_path)


def run(root: Path, *args: str, code: int = 0):
    result = CliRunner().invoke(cli, ["note", *args, "--root", str(root)], env=ENV)
    assert result.exit_code == code, result.output
    return result


def process(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crmtool", "note", *args, "--root", str(root)],
                          capture_output=True, text=True, env={**os.environ, **ENV}, stdin=subprocess.DEVNULL)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "records").rglob("*.yaml")}


def test_a_note_on_a_person_is_appended_in_the_style_of_the_notes_there(coop):
    path = coop / "records" / "people" / "p-vyjjn4.yaml"
    before = path.read_text(encoding="utf-8")
    result = run(coop, "p-vyjjn4", "Belde terug: komt naar de infoavond.", "--by", "lotte")
    assert "Note added to p-vyjjn4 on 2026-11-24." in result.output
    assert "Marie" not in result.output  # ids in messages, never names
    after = path.read_text(encoding="utf-8")
    assert after == before.replace(
        "owner: coordination\n",
        "  - {date: 2026-11-24, by: lotte, text: \"Belde terug: komt naar de infoavond.\"}\nowner: coordination\n")
    passes(coop, path)


def test_organisations_and_requests_by_id_or_path_and_a_day_of_its_own(coop):
    run(coop, "zonnewijk", "Nieuwe voorzitter vanaf januari.", "--by", "wout", "--on", "2026-11-20")
    organisation = coop / "records" / "organisations" / "zonnewijk.yaml"
    assert yaml.safe_load(organisation.read_text(encoding="utf-8"))["notes"][-1] == {
        "date": dt.date(2026, 11, 20), "by": "wout", "text": "Nieuwe voorzitter vanaf januari."}
    request = coop / "records" / "requests" / "rq-2026-039.yaml"
    run(coop, "records/requests/rq-2026-039.yaml", "Zaal bevestigd.", "--by", "wout")
    run(coop, str(request), "Affiche gemaakt.", "--by", "wout")  # an absolute path
    record = yaml.safe_load(request.read_text(encoding="utf-8"))
    assert record["notes"] == [{"date": dt.date(2026, 11, 24), "by": "wout", "text": "Zaal bevestigd."},
                               {"date": dt.date(2026, 11, 24), "by": "wout", "text": "Affiche gemaakt."}]
    text = request.read_text(encoding="utf-8")
    assert text.endswith("owner: projects\nnotes:\n  - {date: 2026-11-24, by: wout, text: Zaal bevestigd.}\n"
                         "  - {date: 2026-11-24, by: wout, text: Affiche gemaakt.}\n")
    passes(coop, organisation, request)


def test_a_record_without_notes_gets_them_where_the_schema_puts_them_and_comments_stay(coop):
    path = coop / "records" / "people" / "p-aaaaaa.yaml"
    original = ("# yaml-language-server: $schema=../../../../schemas/person.schema.json\n"
                "# Ingeschreven op het repair café\n"
                "name: {given: Test, family: Fictief}   # geen echte persoon\n"
                "emails:\n"
                "  - address: test.fictief@example.org\n"
                "    kind: private\n"
                "purposes:\n"
                "  - {purpose: contacts, since: 2026-11-20, source: contact-request}\n"
                "# team coördinatie volgt op\n"
                "owner: coordination\n"
                "status: active\n")
    path.write_text(original, encoding="utf-8")
    passes(coop, path)
    run(coop, "p-aaaaaa", "Wil vrijwilliger worden.", "--by", "ines")
    assert path.read_text(encoding="utf-8") == original.replace(
        "# team coördinatie volgt op\n",
        "notes:\n  - {date: 2026-11-24, by: ines, text: Wil vrijwilliger worden.}\n# team coördinatie volgt op\n")
    passes(coop, path)


def test_block_style_notes_get_a_block_note_and_text_that_yaml_would_misread_is_quoted(association):
    path = association / "records" / "organisations" / "gemeente-almere.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("\nowner:", "\nnotes:\n- date: 2026-11-01\n  by: anna\n  text: Eerste contact.\nowner:", 1) \
        if "\nnotes:" not in text else text
    path.write_text(text, encoding="utf-8")
    run(association, "gemeente-almere", "no", "--by", "anna")
    run(association, "gemeente-almere", "Zie: de raadsbrief # 12", "--by", "anna")
    after = path.read_text(encoding="utf-8")
    assert "- date: 2026-11-24\n  by: anna\n  text: \"no\"\n" in after
    assert "  text: \"Zie: de raadsbrief # 12\"\n" in after
    assert [n["text"] for n in yaml.safe_load(after)["notes"]][-2:] == ["no", "Zie: de raadsbrief # 12"]
    passes(association, path)


def test_by_is_left_out_when_nobody_is_known(coop):
    run(coop, "zonnewijk", "Zonder afzender.")
    notes = yaml.safe_load((coop / "records" / "organisations" / "zonnewijk.yaml").read_text(encoding="utf-8"))["notes"]
    assert notes[-1] == {"date": dt.date(2026, 11, 24), "text": "Zonder afzender."}


def test_a_person_whose_purposes_do_not_allow_notes_is_refused(association):
    """The newsletter and the data-subject-rights purposes do not list `notes`: a note would
    be data the person's purposes do not allow (P004), so nothing is written."""
    before = snapshot(association)
    result = run(association, "p-u9za5m", "Belde over de nieuwsbrief.", "--by", "anna", code=1)
    assert ("records/people/p-u9za5m.yaml: none of this person's purposes (newsletter, data-subject-rights) "
            "allows notes") in result.output
    assert "Joyce" not in result.output and snapshot(association) == before


@pytest.mark.parametrize("args, message", [
    (["p-vyjjn4", "   "], "TEXT: the note is empty"),
    (["p-vyjjn", "Tekst"], "RECORD: there is no 'p-vyjjn' in records/ (people, organisations, roles, requests). "
                           "Did you mean p-vyjjn4?"),
    (["records/purposes/contacts.yaml", "Tekst"], "is not a record `crmtool note` changes"),
    (["records/people/p-zzzzzz.yaml", "Tekst"], "there is no record file at records/people/p-zzzzzz.yaml"),
    (["p-vyjjn4", "Tekst", "--by", "lote"], "--by: there is no 'lote' in records/staff/"),
    (["p-vyjjn4", "Tekst", "--on", "morgen"], "is not a date"),
])
def test_usage_errors_exit_2_and_change_nothing(coop, args, message):
    before = snapshot(coop)
    result = run(coop, *args, code=2)
    assert message in result.output and "Traceback" not in result.output
    assert snapshot(coop) == before


def test_an_id_in_two_folders_asks_for_the_path(coop):
    source = coop / "records" / "organisations" / "zonnewijk.yaml"
    twin = coop / "records" / "requests" / "zonnewijk.yaml"
    twin.write_bytes((coop / "records" / "requests" / "rq-2026-039.yaml").read_bytes())
    before = snapshot(coop)
    result = run(coop, "zonnewijk", "Tekst", code=2)
    assert ("'zonnewijk' is the id of more than one record (records/organisations/zonnewijk.yaml, "
            "records/requests/zonnewijk.yaml); give the path") in result.output
    assert snapshot(coop) == before
    run(coop, "records/organisations/zonnewijk.yaml", "Tekst", "--by", "wout")
    assert "Tekst" in source.read_text(encoding="utf-8")
    assert twin.read_bytes() == before["records/requests/zonnewijk.yaml"]


def test_dry_run_and_json(coop):
    before = snapshot(coop)
    shown = run(coop, "zonnewijk", "Proef", "--dry-run").stdout
    assert shown.endswith("  - {date: 2026-11-24, text: Proef}\nowner: projects\n") and snapshot(coop) == before
    data = json.loads(run(coop, "zonnewijk", "Proef", "--by", "wout", "--format", "json").stdout)
    assert data == {"record": "zonnewijk", "path": "records/organisations/zonnewijk.yaml", "day": "2026-11-24",
                    "by": "wout", "text": "Proef", "dry_run": False, "recovered": []}


def test_the_core_takes_plain_values_and_raises_what_a_form_can_show(coop, association):
    done = note(Repository(coop), "zonnewijk", "  Uit het formulier  ", dt.date(2026, 11, 25), by="wout")
    assert (done.record, done.text, done.by) == ("zonnewijk", "Uit het formulier", "wout")
    with pytest.raises(UsageError, match="TEXT: the note is empty"):
        note(Repository(coop), "zonnewijk", "", dt.date(2026, 11, 25))
    with pytest.raises(Refused, match="records/people/p-u9za5m.yaml"):
        note(Repository(association), "p-u9za5m", "Tekst", dt.date(2026, 11, 25))


def test_dutch_messages_in_a_dutch_repository(tmp_path):
    root = cooperative(tmp_path, english=False)
    done = process(root, "p-vyjjn4", "Belde terug.", "--by", "lotte")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ("Notitie toegevoegd aan p-vyjjn4 op 2026-11-24.\n"
                           "Geschreven: records/people/p-vyjjn4.yaml\n")
    done = process(root, "p-vyjjn4", "")
    assert done.returncode == 2 and done.stderr.startswith("Fout: TEXT: de notitie is leeg")


def test_real_processes_exit_0_1_and_2(association):
    person = association / "records" / "people" / "p-r5epc6.yaml"
    done = process(association, "p-r5epc6", "Belt terug na het reces.", "--by", "anna")
    assert done.returncode == 0, done.stderr
    assert yaml.safe_load(person.read_text(encoding="utf-8"))["notes"][-1]["text"] == "Belt terug na het reces."
    before = snapshot(association)
    for args, status in ((["p-u9za5m", "Tekst"], 1), (["p-r5epc6", ""], 2), (["nobody", "Tekst"], 2),
                         (["p-r5epc6", "Tekst", "--no-such-option"], 2)):
        done = process(association, *args)
        assert done.returncode == status, (args, done.stderr)
        assert "Traceback" not in done.stderr and snapshot(association) == before
