"""`crmtool stage`: a request moves only along the pipeline, each step kept in its history in
the file's own layout with its comments; a final stage closes it (with the outcome of a
data-subject request), leaving one reopens it; refusals and usage errors change no byte."""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from crmtool.cli import cli
from crmtool.edit.base import Refused
from crmtool.edit.stage import OutcomeNeeded, stage
from crmtool.load.repo import Repository, UsageError

from .conftest import PROJECT, git
from .test_new import example_copy, in_english

ENV = {"CRMTOOL_TODAY": "2026-11-24"}


def cooperative(tmp_path: Path, english: bool = True) -> Path:
    root = tmp_path / "coop"
    shutil.copytree(PROJECT / "examples" / "cooperative", root, ignore=shutil.ignore_patterns("build"))
    return in_english(root) if english else root


@pytest.fixture
def coop(tmp_path) -> Path:
    return cooperative(tmp_path)


def request_path(root: Path, request: str) -> Path:
    return root / "records" / "requests" / f"{request}.yaml"


def run(root: Path, *args: str, code: int = 0, stdin: str | None = None):
    result = CliRunner().invoke(cli, ["stage", *args, "--root", str(root)], env=ENV, input=stdin)
    assert result.exit_code == code, result.output
    return result


def process(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crmtool", "stage", *args, "--root", str(root)],
                          capture_output=True, text=True, env={**os.environ, **ENV}, stdin=subprocess.DEVNULL)


def passes(root: Path, *paths: Path) -> None:
    """`crmtool check` and `crmtool fmt --check` have nothing to say about the written files."""
    check = CliRunner().invoke(cli, ["check", "--root", str(root), *map(str, paths)], env=ENV)
    assert check.exit_code == 0, check.output
    assert "0 errors" in check.output
    fmt = CliRunner().invoke(cli, ["fmt", "--check", "--root", str(root), *map(str, paths)], env=ENV)
    assert fmt.exit_code == 0, fmt.output


def test_a_question_moves_through_the_pipeline_to_closed_with_every_step_in_order(coop):
    path = request_path(coop, "rq-2026-042")
    steps = [("triage", "2026-11-24", "Bekijken wat het buurtcomité nodig heeft."), ("proposal", "2026-11-26", None),
             ("approved", "2026-12-02", "Goedgekeurd: bakken en zaaigoed."), ("closed", "2026-12-03", None)]
    for stage_id, day, note in steps:
        run(coop, "rq-2026-042", stage_id, "--on", day, "--by", "lotte", *(["--note", note] if note else []))
        passes(coop, path)
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [(e["stage"], e["date"]) for e in record["history"]] == [
        ("received", dt.date(2026, 11, 20)), ("triage", dt.date(2026, 11, 24)), ("proposal", dt.date(2026, 11, 26)),
        ("approved", dt.date(2026, 12, 2)), ("closed", dt.date(2026, 12, 3))]
    assert record["history"][1] == {"date": dt.date(2026, 11, 24), "stage": "triage", "by": "lotte",
                                    "note": "Bekijken wat het buurtcomité nodig heeft."}
    assert record["stage"] == "closed" and record["closed"] == dt.date(2026, 12, 3)
    text = path.read_text(encoding="utf-8")
    assert "\n  - {date: 2026-12-02, stage: approved, by: lotte, note: \"Goedgekeurd: bakken en zaaigoed.\"}\n" in text
    assert text.index("closed: 2026-12-03\n") > text.index("follow_up:")  # where the schema (and fmt) puts it


def test_only_the_lines_of_the_move_change_and_a_hand_written_comment_survives(coop):
    path = request_path(coop, "rq-2026-039")
    before = path.read_text(encoding="utf-8")
    before = before.replace("topics: [energy-communities]\n",
                            "topics: [energy-communities]  # zie ook rq-2026-031\n# afspraak met Karim\n")
    path.write_text(before, encoding="utf-8")
    result = run(coop, "rq-2026-039", "proposal", "--by", "wout", "--note", "Voorstel voor de infoavond verstuurd.")
    assert "rq-2026-039 moved from in-progress to proposal (Proposal) on 2026-11-24." in result.output
    after = path.read_text(encoding="utf-8")
    assert after == before.replace("stage: in-progress\n", "stage: proposal\n").replace(
        "follow_up:", "  - {date: 2026-11-24, stage: proposal, by: wout, note: Voorstel voor de infoavond verstuurd.}\n"
                      "follow_up:")
    passes(coop, path)


def test_a_refused_move_names_the_allowed_stages_with_their_labels_and_changes_nothing(coop):
    before = {p.name: p.read_bytes() for p in (coop / "records" / "requests").iterdir()}
    result = run(coop, "rq-2026-042", "approved", code=1)
    assert ("rq-2026-042 stands at 'received' (Received); the pipeline does not allow a move to 'approved' "
            "(Approved). From 'received' (Received) it may move to: 'triage' (Triage), 'in-progress' (In progress), "
            "'closed' (Closed).") in result.output
    assert "default pipeline" in result.output
    assert {p.name: p.read_bytes() for p in (coop / "records" / "requests").iterdir()} == before


@pytest.mark.parametrize("args, message", [
    (["rq-2026-042", "clossed"], "'clossed' is not a stage of the pipeline. Did you mean 'closed' (Closed)"),
    (["rq-2026-042", "afgesloten"], "Did you mean 'closed' (Closed)"),            # a Dutch label leads to the id
    (["rq-2026-042", "received"], "already stands at 'received' (Received)"),
    (["rq-2026-042", "triage", "--on", "2026-11-19"], "was received on 2026-11-20"),
    (["rq-2026-039", "proposal", "--on", "2026-10-21"], "already has a step on 2026-10-22"),
    (["rq-2026-022", "approved"], "From 'rejected' (Rejected) it may move to: 'closed' (Closed), 'in-progress'"),
])
def test_refusals_exit_1_and_change_nothing(coop, args, message):
    before = {p.name: p.read_bytes() for p in (coop / "records" / "requests").iterdir()}
    result = run(coop, *args, code=1)
    assert message in result.output and "Traceback" not in result.output
    assert {p.name: p.read_bytes() for p in (coop / "records" / "requests").iterdir()} == before


@pytest.mark.parametrize("args, message", [
    (["rq-2026-42", "triage"], "Did you mean rq-2026-042"),
    (["p-vyjjn4", "triage"], "there is no 'p-vyjjn4' in records/ (requests)"),
    (["records/people/p-vyjjn4.yaml", "triage"], "is not a record `crmtool stage` changes"),
    (["rq-2026-042", "triage", "--by", "lote"], "--by: there is no 'lote' in records/staff/. Did you mean lotte?"),
    (["rq-2026-042", "triage", "--on", "24-11-2026"], "is not a date"),
    (["rq-2026-042", "closed", "--outcome", "accepted"], "--outcome: 'accepted' is not one of: granted"),
    (["rq-2026-042", "triage", "--outcome", "granted"], "--outcome: rq-2026-042 is not being closed"),
    (["rq-2026-042", "closed", "--outcome", "granted", "--ground", "art-17-3-b"], "--ground: a legal ground"),
    (["rq-2026-042", "closed", "--outcome", "refused", "--ground", "Art. 17"], "--ground: 'Art. 17' is not valid"),
])
def test_usage_errors_exit_2_and_change_nothing(coop, args, message):
    before = {p.name: p.read_bytes() for p in (coop / "records" / "requests").iterdir()}
    result = run(coop, *args, code=2)
    assert message in result.output and "Traceback" not in result.output
    assert {p.name: p.read_bytes() for p in (coop / "records" / "requests").iterdir()} == before


def test_leaving_a_final_stage_reopens_the_request(coop):
    path = request_path(coop, "rq-2026-027")
    result = run(coop, "rq-2026-027", "triage", "--by", "jef", "--note", "Zonnewijk vraagt een tweede stand.")
    assert "open again" in result.output
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert "closed" not in record and record["stage"] == "triage"
    passes(coop, path)
    rows = CliRunner().invoke(cli, ["query", "follow-up", "--root", str(coop), "--format", "json"], env=ENV)
    assert "rq-2026-027" in {row["request"] for row in json.loads(rows.stdout)}


def test_comment_lines_about_the_next_key_stay_above_it_when_closed_comes_and_goes(coop):
    """ruamel keeps a comment line with the value above it; `closed` is added after the
    history and removed again, and the colleague's line about the owner stays above `owner`."""
    path = request_path(coop, "rq-2026-042")
    text = path.read_text(encoding="utf-8").replace("owner: coordination\n",
                                                    "# Lotte volgt dit op tot januari\nowner: coordination\n")
    path.write_text(text, encoding="utf-8")
    run(coop, "rq-2026-042", "closed", "--by", "lotte")
    closed = path.read_text(encoding="utf-8")
    assert "closed: 2026-11-24\n# Lotte volgt dit op tot januari\nowner: coordination\n" in closed
    run(coop, "rq-2026-042", "triage", "--by", "lotte")
    reopened = path.read_text(encoding="utf-8")
    assert "follow_up: 2026-11-27\n# Lotte volgt dit op tot januari\nowner: coordination\n" in reopened
    assert reopened.count("#") == text.count("#")
    passes(coop, path)


VERIFIED = "identity_verified: {date: 2026-11-24, method: Known email address, by: eline}\n"  # P038, in fmt's place


def test_closing_a_data_subject_request_needs_its_outcome(tmp_path):
    root = example_copy(tmp_path)
    path = request_path(root, "q-2026-0019")
    text = path.read_text(encoding="utf-8")
    text = text.replace("kind: question", "kind: erasure").replace("owner: projects", VERIFIED + "owner: projects")
    path.write_text(text, encoding="utf-8")
    before = path.read_bytes()
    result = run(root, "q-2026-0019", "closed", "--no-interactive", code=2)
    assert "--outcome: q-2026-0019 is a data-subject request (erasure)" in result.output
    assert "granted|partly-granted|refused|withdrawn" in result.output and path.read_bytes() == before
    done = process(root, "q-2026-0019", "closed")
    assert done.returncode == 2 and "--outcome" in done.stderr and path.read_bytes() == before
    run(root, "q-2026-0019", "closed", "--outcome", "refused", "--ground", "art-17-3-b", "--by", "eline")
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert record["outcome"] == {"date": dt.date(2026, 11, 24), "decision": "refused", "ground": "art-17-3-b"}
    assert record["closed"] == dt.date(2026, 11, 24) and record["stage"] == "closed"
    passes(root, path)


def test_in_a_terminal_the_outcome_is_asked(tmp_path):
    root = example_copy(tmp_path)
    path = request_path(root, "q-2026-0019")
    path.write_text(path.read_text(encoding="utf-8").replace("kind: question", "kind: access").replace(
        "owner: projects", VERIFIED + "owner: projects"), encoding="utf-8")
    result = run(root, "q-2026-0019", "closed", "--interactive", stdin="maybe\npartly-granted\nart-15-4\n")
    assert "granted, partly-granted, refused, withdrawn" in result.output
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert record["outcome"] == {"date": dt.date(2026, 11, 24), "decision": "partly-granted", "ground": "art-15-4"}


def test_closing_again_keeps_the_outcome_already_recorded_and_a_new_one_replaces_its_decision(coop):
    path = request_path(coop, "rq-2026-040")
    run(coop, "rq-2026-040", "triage", "--on", "2026-11-25", "--by", "lotte", "--note", "Aanvulling gevraagd.")
    run(coop, "rq-2026-040", "closed", "--on", "2026-11-26", "--by", "lotte")
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert record["outcome"]["decision"] == "granted" and record["closed"] == dt.date(2026, 11, 26)
    run(coop, "rq-2026-040", "triage", "--on", "2026-11-27", "--by", "lotte")
    run(coop, "rq-2026-040", "closed", "--on", "2026-11-28", "--by", "lotte", "--outcome", "withdrawn")
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert record["outcome"]["decision"] == "withdrawn" and record["outcome"]["date"] == dt.date(2026, 11, 28)
    assert record["outcome"]["note"].startswith("Kopie van alle gegevens")  # the explanation stays
    passes(coop, path)


def test_a_request_without_history_gets_the_step_it_stood_at_first(tmp_path):
    root = example_copy(tmp_path)
    path = request_path(root, "q-2026-0019")
    text = path.read_text(encoding="utf-8")
    start, end = text.index("history:\n"), text.index("follow_up:")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    run(root, "q-2026-0019", "triage", "--by", "anna")
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [(e["date"], e["stage"]) for e in record["history"]] == [
        (dt.date(2026, 11, 23), "received"), (dt.date(2026, 11, 24), "triage")]
    passes(root, path)


def test_a_configured_pipeline_is_followed_with_its_own_labels(coop):
    config = coop / "crmtool.yaml"
    config.write_text(config.read_text(encoding="utf-8") + (
        "pipeline:\n"
        "  start: [received]\n"
        "  stages:\n"
        "    received: {label: {nl: Nieuw, en: New}, next: [intake]}\n"
        "    intake: {label: {nl: Intakegesprek, en: Intake interview}, next: [closed]}\n"
        "    closed: {label: {nl: Klaar, en: Done}, next: [], final: true}\n"), encoding="utf-8")
    result = run(coop, "rq-2026-042", "closed", code=1)
    assert "From 'received' (New) it may move to: 'intake' (Intake interview)." in result.output
    assert "set under `pipeline` in crmtool.yaml" in result.output
    run(coop, "rq-2026-042", "intake")
    result = run(coop, "rq-2026-042", "closed")
    assert "(Done)" in result.output and "closed: 2026-11-24" in result.output
    assert "is a stage a request does not leave" in run(coop, "rq-2026-042", "intake", code=1).output


def test_dry_run_and_json_write_nothing(coop):
    path = request_path(coop, "rq-2026-042")
    before = path.read_bytes()
    result = run(coop, "records/requests/rq-2026-042.yaml", "triage", "--dry-run")
    assert "stage: triage\n" in result.stdout and path.read_bytes() == before
    data = json.loads(run(coop, "rq-2026-042", "closed", "--dry-run", "--format", "json").stdout)
    assert data == {"request": "rq-2026-042", "path": "records/requests/rq-2026-042.yaml", "before": "received",
                    "stage": "closed", "label": "Closed", "day": "2026-11-24", "by": None, "note": None,
                    "closed": True, "reopened": False, "outcome": None, "ground": None, "dry_run": True,
                    "recovered": []}
    assert path.read_bytes() == before


def test_by_defaults_to_the_colleague_with_gits_email(coop):
    git(coop, "init", "-q", "-b", "main")
    git(coop, "config", "user.email", "Ines@Werkplaats.example.org")  # the address, in other capitals
    run(coop, "rq-2026-038", "in-progress")
    record = yaml.safe_load(request_path(coop, "rq-2026-038").read_text(encoding="utf-8"))
    assert record["history"][-1]["by"] == "ines"


def test_the_core_takes_plain_values_and_raises_what_a_form_can_show(coop):
    """The workspace calls the core from a form: values in, a result out, refusals as
    exceptions with a message naming the file or the request, nothing printed."""
    repo = Repository(coop)
    moved = stage(repo, "rq-2026-038", "in-progress", dt.date(2026, 11, 25), by="ines", note="Gestart")
    assert (moved.before, moved.stage, moved.label, moved.closed) == ("triage", "in-progress", "In progress", False)
    assert moved.as_dict()["day"] == "2026-11-25"
    with pytest.raises(Refused, match="rq-2026-038 stands at 'in-progress'"):
        stage(repo, "rq-2026-038", "approved", dt.date(2026, 11, 25))
    with pytest.raises(UsageError, match="--by: there is no 'nobody'"):
        stage(repo, "rq-2026-038", "proposal", dt.date(2026, 11, 25), by="nobody")
    path = request_path(coop, "rq-2026-038")
    path.write_text(path.read_text(encoding="utf-8").replace("kind: question", "kind: objection"), encoding="utf-8")
    with pytest.raises(OutcomeNeeded) as needed:
        stage(repo, "rq-2026-038", "closed", dt.date(2026, 11, 25))
    assert needed.value.choices == ("granted", "partly-granted", "refused", "withdrawn")


def test_dutch_messages_in_a_dutch_repository(tmp_path):
    root = cooperative(tmp_path, english=False)
    path = request_path(root, "rq-2026-042")
    before = path.read_bytes()
    done = process(root, "rq-2026-042", "approved")
    assert done.returncode == 1 and path.read_bytes() == before
    assert done.stderr.startswith("Fout: rq-2026-042 staat in fase 'received' (Binnengekomen); de werkstroom staat "
                                  "geen stap naar 'approved' (Goedgekeurd) toe. Vanuit 'received' (Binnengekomen) "
                                  "mag het naar: 'triage' (Triage), 'in-progress' (In behandeling), 'closed' "
                                  "(Afgesloten).")
    done = process(root, "rq-2026-042", "triage", "--by", "lotte")
    assert done.returncode == 0, done.stderr
    assert "rq-2026-042 op 2026-11-24 van received naar triage (Triage) gezet." in done.stdout
    assert "Geschreven: records/requests/rq-2026-042.yaml" in done.stdout
    help_text = CliRunner().invoke(cli, ["stage", "--help", "--root", str(root)], env=ENV).output
    assert "Zet REQUEST in fase STAGE van de werkstroom" in help_text and "De dag van de stap" in help_text


def test_real_processes_exit_0_1_and_2(coop):
    path = request_path(coop, "rq-2026-038")
    done = process(coop, "rq-2026-038", "in-progress", "--by", "ines", "--note", "Gestart")
    assert done.returncode == 0, done.stderr
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["stage"] == "in-progress"
    before = path.read_bytes()
    for args, status in ((["rq-2026-038", "approved"], 1), (["rq-2026-038", "proposal", "--on", "gisteren"], 2),
                         (["rq-2026-038", "proposal", "--no-such-option"], 2), (["rq-2026-999", "proposal"], 2)):
        done = process(coop, *args)
        assert done.returncode == status, (args, done.stderr)
        assert "Traceback" not in done.stderr and path.read_bytes() == before


def test_closing_a_data_subject_request_asks_first_for_what_the_check_will_ask(tmp_path):
    """P038 and P040 said before anything is written, as refusals with what to do, not as a
    check failure of the written file."""
    root = example_copy(tmp_path)
    path = request_path(root, "q-2026-0019")
    text = path.read_text(encoding="utf-8").replace("kind: question", "kind: erasure")
    path.write_text(text, encoding="utf-8")
    before = path.read_bytes()
    unverified = process(root, "q-2026-0019", "closed", "--outcome", "granted")
    assert unverified.returncode == 1 and "identity_verified" in unverified.stderr
    assert "bug" not in unverified.stderr and path.read_bytes() == before
    no_ground = process(root, "q-2026-0019", "closed", "--outcome", "refused")
    assert no_ground.returncode == 2 and "--ground" in no_ground.stderr and path.read_bytes() == before
    path.write_text(text.replace("owner: projects", VERIFIED + "owner: projects"), encoding="utf-8")
    before = path.read_bytes()
    untold = process(root, "q-2026-0019", "closed", "--outcome", "granted")
    assert untold.returncode == 1 and "recipients_notified" in untold.stderr and path.read_bytes() == before
