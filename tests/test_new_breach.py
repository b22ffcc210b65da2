"""`crmtool new breach` (issue 19): a breach record under `b-<year of discovery>-NNN`, with the
date and time it was discovered asked (never the clock), texts in the repository's language,
the notifications still to do written as `null` so that P036/P037 and the review can say
what is due; the workspace's /new/breaches form proposes the same id."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from crmtool.cli import cli
from crmtool.domain import ids

from .conftest import git
from .serving import repository, signed_in
from .test_new import coop, example_copy, files, new, written  # noqa: F401  (coop: a fixture)

ENV = {"CRMTOOL_TODAY": "2026-11-24"}
LAPTOP = ("--nature", "A laptop with an export of the address book was stolen from a car.")


@pytest.fixture
def root(tmp_path) -> Path:
    return example_copy(tmp_path)


def check(root: Path, path: str, today: str = "2026-11-24"):
    return CliRunner().invoke(cli, ["check", "--root", str(root), "--today", today, str(root / path)])


def test_a_new_breach_is_numbered_by_its_year_of_discovery_and_passes_the_check(coop):  # noqa: F811
    result = new(coop, "breach", "--discovered", "2026-11-23T10:00", *LAPTOP, "--risk", "risk",
                 "--data-category", "name,contact", "--data-subject", "contacts", "--approximate-subjects", "40",
                 "--processor", "mail-provider", "--consequences", "Unwanted mail is possible.",
                 "--measures", "Passwords changed; reported to the police.", "--by", "lotte")
    path, record = written(coop, result)
    assert path == "records/breaches/b-2026-002.yaml"  # the example has b-2026-001
    assert record == {
        "discovered": "2026-11-23T10:00", "nature": {"en": LAPTOP[1]}, "data_categories": ["name", "contact"],
        "data_subjects": ["contacts"], "approximate_subjects": 40,
        "consequences": {"en": "Unwanted mail is possible."},
        "measures": {"en": "Passwords changed; reported to the police."},
        "risk": "risk", "authority_notified": None, "processor": "mail-provider",
        "owner": "coordination"}  # Lotte's first team
    text = (coop / path).read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../../../../schemas/breach.schema.json"
    assert "\ndiscovered: 2026-11-23T10:00\n" in text  # plain, as the example writes it
    assert check(coop, path).exit_code == 0
    # after the 72 hours the check says what is still to do
    late = check(coop, path, today="2026-11-26")
    assert late.exit_code == 0, late.output
    late = check(coop, path, today="2026-11-27")
    assert late.exit_code == 1 and "P036" in late.output
    # a breach discovered in another year starts that year's numbers
    path, _ = written(coop, new(coop, "breach", "--discovered", "2027-01-02T09:00", *LAPTOP, "--risk", "unlikely"))
    assert path == "records/breaches/b-2027-001.yaml"
    path, _ = written(coop, new(coop, "breach", "--discovered", "2026-12-01T08:00", *LAPTOP, "--risk", "unlikely"))
    assert path == "records/breaches/b-2026-003.yaml"


def test_the_new_breach_speaks_the_repositorys_language_and_is_formatted(tmp_path):
    """The association writes Dutch (`language: nl`): the texts are {nl: ...}, the messages
    Dutch, and `fmt --check` has nothing to say about the new file."""
    from .conftest import PROJECT
    import shutil
    root = tmp_path / "vgn"
    shutil.copytree(PROJECT / "records", root / "records")
    shutil.copy(PROJECT / "crmtool.yaml", root / "crmtool.yaml")
    result = CliRunner().invoke(cli, [
        "new", "breach", "--root", str(root), "--no-interactive", "--discovered", "2026-11-23 9:05",
        "--nature", "Een e-mail aan alle raadsleden met iedereen in de Cc.", "--risk", "high-risk",
        "--data-category", "contact", "--approximate-subjects", "25", "--by", "eline"], env=ENV)
    assert result.exit_code == 1, result.output  # P037: the people have not been told yet
    assert "Geschreven: records/breaches/b-2026-001.yaml" in result.stdout
    assert "P037" in result.stdout and "niet ingelicht" in result.stdout
    assert "Het bestand blijft staan" in result.output
    record = yaml.safe_load((root / "records/breaches/b-2026-001.yaml").read_text(encoding="utf-8"))
    assert record["discovered"] == "2026-11-23T09:05"
    assert record["nature"] == {"nl": "Een e-mail aan alle raadsleden met iedereen in de Cc."}
    assert record["authority_notified"] is None and record["subjects_notified"] is None
    fmt = CliRunner().invoke(cli, ["fmt", "--check", "--root", str(root), str(root / "records/breaches")])
    assert fmt.exit_code == 0, fmt.output


@pytest.mark.parametrize("args, message", [
    (("--discovered", "2026-11-20T14:30", *LAPTOP, "--risk", "risk", "--processor", "mail-providr"),
     "--processor: there is no 'mail-providr'. Did you mean mail-provider?"),
    ((*LAPTOP, "--risk", "risk"), "--discovered is needed for a new breach"),
    (("--discovered", "2026-11-20", *LAPTOP, "--risk", "risk"), "--discovered: '2026-11-20' is not a date and time"),
    (("--discovered", "2026-11-31T10:00", *LAPTOP, "--risk", "risk"), "is not a date and time"),
    (("--discovered", "2026-11-20T14:30", "--risk", "risk"), "--nature is needed"),
    (("--discovered", "2026-11-20T14:30", *LAPTOP), "--risk is needed"),
    (("--discovered", "2026-11-20T14:30", *LAPTOP, "--risk", "low"), "--risk: 'low' is not one of: unlikely, risk"),
    (("--discovered", "2026-11-20T14:30", *LAPTOP, "--risk", "risk", "--approximate-subjects", "about 40"),
     "is not a whole number"),
    (("--discovered", "2026-11-20T14:30", *LAPTOP, "--risk", "risk", "--data-subject", "Leden"),
     "--data-subject: 'Leden' is not a category"),
    (("--discovered", "2026-11-20T14:30", *LAPTOP, "--risk", "risk", "--data-category", "health"),
     "--data-category: 'health' is not one of"),
    (("--discovered", "2026-11-20T14:30", *LAPTOP, "--risk", "risk", "--id", "laptop-gestolen"),
     "--id: 'laptop-gestolen' is not a valid id here: these records are named b-YYYY-NNN"),
])
def test_wrong_or_missing_values_are_usage_errors_and_write_nothing(coop, args, message):  # noqa: F811
    before = files(coop)
    result = new(coop, "breach", *args, code=2)
    assert message in result.output and "Traceback" not in result.output
    assert files(coop) == before


def test_the_questions_in_a_terminal_ask_for_the_moment_of_discovery(coop):  # noqa: F811
    answers = "\n".join(["2026-11-23", "2026-11-23T14:30", "2026-11-22", LAPTOP[1], "contact, name", "contacts",
                         "40", "risk", "cloud", "cloud-opslag", "", "", "lotte"]) + "\n"
    result = new(coop, "breach", stdin=answers)
    assert "'2026-11-23' is not a date and time" in result.output  # asked again, never the clock
    assert "--processor: there is no 'cloud'" in result.output
    assert "mail-provider" in result.output and "high-risk" in result.output  # the choices were offered
    path, record = written(coop, result)
    assert path == "records/breaches/b-2026-002.yaml"
    assert record["discovered"] == "2026-11-23T14:30" and str(record["occurred"]) == "2026-11-22"
    assert record["processor"] == "cloud-opslag" and record["data_categories"] == ["contact", "name"]
    assert "consequences" not in record and "measures" not in record


def test_exit_codes_through_a_real_process(coop):  # noqa: F811
    env = {**os.environ, **ENV}
    command = [sys.executable, "-m", "crmtool", "new", "breach", "--root", str(coop), "--no-interactive",
               "--discovered", "2026-11-23T14:30", *LAPTOP]
    done = subprocess.run([*command, "--risk", "risk"], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Written: records/breaches/b-2026-002.yaml" in done.stdout
    done = subprocess.run([*command, "--risk", "high-risk"], capture_output=True, text=True, env=env)
    assert done.returncode == 1 and "P037" in done.stdout
    done = subprocess.run([*command, "--risk", "risk", "--processor", "mailprovider"], capture_output=True, text=True,
                          env=env)
    assert done.returncode == 2 and "Did you mean mail-provider" in done.stderr
    assert sorted(p.name for p in (coop / "records/breaches").iterdir()) == [
        "b-2026-001.yaml", "b-2026-002.yaml", "b-2026-003.yaml"]


def test_the_breach_id_proposal():
    assert ids.breach_id(2026, set()) == "b-2026-001"
    assert ids.breach_id(2026, {"b-2026-001", "b-2026-007", "b-2025-010", "laptop"}) == "b-2026-008"
    assert ids.breach_id(2026, {"b-2026-999"}) == "b-2026-1000"
    assert ids.breach_id(2027, {"b-2026-002"}) == "b-2027-001"


def test_the_workspace_form_proposes_the_same_id(tmp_path):
    root = repository(example_copy(tmp_path), "Anna Veldkamp", "anna.veldkamp@vgn.example.nl")
    from .test_serve_writes import edit_fields
    with signed_in(root) as client:
        page = client.get("/new/breaches")
        assert page.status_code == 200, page.text
        fields = dict(edit_fields(page.text, "/new/breaches"))
        fields.update({"discovered": "2026-11-20T14:30", "nature.nl": "Een laptop is gestolen.",
                       "risk": "unlikely", "consequences.nl": "De schijf was versleuteld."})
        answer = client.post("/new/breaches", data=fields)
    assert answer.status_code == 303, re.findall(r'class="field-errors"[^>]*>(.*?)</ul>', answer.text, re.S)
    created = git(root, "show", "--name-only", "--format=", "HEAD").split()
    assert created == ["records/breaches/b-2026-001.yaml"]
    path, _ = written(root, new(root, "breach", "--discovered", "2026-11-21T08:00", *LAPTOP, "--risk", "unlikely"))
    assert path == "records/breaches/b-2026-002.yaml"


@pytest.mark.parametrize("count, english, dutch", [
    (1, "Left out: 1 person with", "Weggelaten: 1 persoon met"),
    (2, "Left out: 2 people with", "Weggelaten: 2 personen met"),
])
def test_export_counts_the_people_it_left_out_in_the_right_plural(count, english, dutch):
    """Issue 19's loose ends: `crmtool export` said "Left out: 1 people" ("1 personen")."""
    from crmtool import i18n
    singular = "Left out: {count} person with a restriction or an objection in force"
    plural = "Left out: {count} people with a restriction or an objection in force"
    for language, expected in (("en", english), ("nl", dutch)):
        with i18n.speaking(language):
            assert i18n.ngettext(singular, plural, count).format(count=count).startswith(expected)
