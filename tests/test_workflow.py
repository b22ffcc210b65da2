"""The workflow rules (W001-W004) on cases the golden fixtures do not spell out: how the stage
sequence is built, what counts as a close stage name, and records too broken to judge."""
from __future__ import annotations


import pytest

from crmtool.check.run import run_check
from crmtool.domain.pipeline import DEFAULT, pipeline_of
from crmtool.load.repo import Repository
from crmtool.rules.w001_unknown_stage import _closest
from crmtool.rules.w002_transition import stage_steps

from .conftest import TODAY


def _check(repo: Repository, request: str, rules=("W001", "W002", "W003", "W004"), config: str | None = None):
    folder = repo.root / "records" / "requests"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "q-0001.yaml").write_text(request, encoding="utf-8")
    if config is not None:
        path = repo.root / "crmtool.yaml"
        path.write_text(path.read_text(encoding="utf-8") + config, encoding="utf-8")
    return [f for f in run_check(repo, TODAY).findings if f.rule in rules]


# --- the stage sequence -------------------------------------------------------------------

def test_steps_skip_entries_without_stage_and_append_a_differing_stage():
    data = {"stage": "proposal", "history": [
        {"date": "2026-11-02", "stage": "received"},
        {"date": "2026-11-03", "assignee": "anna"},
        "not an entry",
        {"date": "2026-11-04", "stage": "in-progress"}]}
    assert stage_steps(data) == [("received", ("history", 0, "stage")),
                                 ("in-progress", ("history", 3, "stage")),
                                 ("proposal", ("stage",))]


def test_steps_do_not_repeat_the_stage_equal_to_the_last_history_stage():
    data = {"stage": "triage", "history": [{"stage": "received"}, {"stage": "triage"}]}
    assert [s for s, _ in stage_steps(data)] == ["received", "triage"]


@pytest.mark.parametrize("data", [{"stage": "closed"}, {"stage": "closed", "history": "received"},
                                  {"stage": "closed", "history": []}, {}])
def test_without_stage_history_there_is_no_sequence(data):
    assert stage_steps(data) == []


def test_hand_over_without_stage_is_no_step(base_repo):
    """The schema asks for a stage in every entry (S001 says so); W002 does not count it."""
    found = _check(base_repo, "kind: question\nreceived: 2026-11-02\nassignee: anna\nstage: triage\nhistory:\n"
                              "  - {date: 2026-11-02, stage: received}\n  - {date: 2026-11-03, assignee: anna}\n"
                              "  - {date: 2026-11-04, stage: triage}\n", rules=("W002", "S001"))
    assert [(f.rule, f.line) for f in found] == [("S001", 7)]


def test_dates_compare_with_the_entry_above_only(base_repo):
    """One finding per step back, not one for every entry after a date typed too late."""
    found = _check(base_repo, "kind: question\nreceived: 2026-01-02\nassignee: anna\nstage: closed\nhistory:\n"
                              "  - {date: 2026-01-02, stage: received}\n  - {date: 2062-01-03, stage: triage}\n"
                              "  - {date: 2026-01-04, stage: in-progress}\n  - {date: 2026-01-05, stage: closed}\n"
                              "closed: 2026-01-05\n")
    assert [(f.rule, f.line, f.column) for f in found] == [("W002", 8, 12)]
    assert "2062-01-03" in found[0].message


# --- W001 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, meant", [("in-progres", "in-progress"), ("Afgesloten", "closed"),
                                          ("in behandeling", "in-progress"), ("Closed", "closed"),
                                          ("xyz", None)])
def test_closest_stage_by_id_or_label(typed, meant):
    assert _closest(pipeline_of({}), typed) == meant


def test_unknown_stage_says_where_the_stages_come_from(base_repo):
    request = "kind: question\nreceived: 2026-11-02\nassignee: anna\nstage: in-progres\n"
    [finding] = _check(base_repo, request)
    assert "default pipeline" in finding.message and "crmtool.yaml" not in finding.message
    assert "Did you mean 'in-progress'?" in finding.hint and ", ".join(DEFAULT["stages"]) in finding.hint


def test_unknown_stage_in_a_configured_pipeline(base_repo):
    config = "pipeline:\n  start: [new]\n  stages:\n    new: {next: [done]}\n    done: {final: true}\n"
    [finding] = _check(base_repo, "kind: question\nreceived: 2026-11-02\nassignee: anna\nstage: dne\n", config=config)
    assert "crmtool.yaml" in finding.message and "Did you mean 'done'?" in finding.hint


# --- W003 / W004 --------------------------------------------------------------------------

def test_follow_up_counts_days(base_repo):
    [finding] = _check(base_repo, "kind: question\nreceived: 2026-11-02\nassignee: anna\nfollow_up: 2026-10-25\n")
    assert (finding.rule, finding.severity) == ("W004", "warning")
    assert "30 days ago" in finding.message


def test_open_means_no_closed_date_and_no_final_stage(base_repo):
    """`approved` is not final in the default pipeline: the project is still being carried out."""
    found = _check(base_repo, "kind: project\nreceived: 2026-11-02\nstage: approved\nfollow_up: 2026-11-01\n")
    assert sorted(f.rule for f in found) == ["W003", "W004"]


@pytest.mark.parametrize("request_text", [
    "kind: question\nreceived: 2026-11-02\nstage: 12\nhistory: [1, {stage: [a]}, {date: 5, stage: received}]\n"
    "assignee: [anna]\nfollow_up: soon\n",
    "kind: question\nreceived: 2026-11-02\nhistory: {stage: received}\nassignee: nobody\n",
])
def test_broken_records_are_left_to_the_schema_check(base_repo, request_text):
    assert _check(base_repo, request_text) == []
