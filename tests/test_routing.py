"""Routing rules: the first matching rule wins, a team goes to its least busy active member,
organisations match through their parents, the staff's own topics are the fallback, and
rules that point nowhere are refused; the schema accepts exactly the documented shape."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from crmtool.domain import routing
from crmtool.cli import cli
from crmtool.load.model import Model, Record

from .conftest import PROJECT, TODAY
from .test_new import example_copy as copy_example


def model(rules: list, staff: dict, requests: dict | None = None, organisations: dict | None = None) -> Model:
    result = Model(config={"routing": rules}, today=TODAY)
    for sid, data in staff.items():
        result.add(Record("staff", sid, f"records/staff/{sid}.yaml", data))
        result.ids["staff"].add(sid)
    for rid, data in (requests or {}).items():
        result.add(Record("requests", rid, f"records/requests/{rid}.yaml", data))
    for oid, data in (organisations or {}).items():
        result.add(Record("organisations", oid, f"records/organisations/{oid}.yaml", data))
        result.ids["organisations"].add(oid)
    return result


STAFF = {
    "ann": {"name": "Ann Test", "teams": ["projects"], "topics": ["energy"], "active": True},
    "bob": {"name": "Bob Test", "teams": ["projects"], "topics": ["housing"], "active": True},
    "cas": {"name": "Cas Test", "teams": ["projects", "privacy"], "topics": ["privacy"], "active": False},
    "dee": {"name": "Dee Test", "teams": ["privacy"], "topics": ["energy"]},
}


def test_the_first_matching_rule_wins_and_says_which_rule():
    rules = [{"match": {"kind": "access"}, "assignee": "dee"},
             {"match": {"topics": ["energy", "housing"]}, "assignee": "bob"},
             {"match": {"topics": "energy"}, "assignee": "ann"}]
    proposal = routing.propose(model(rules, STAFF), {"kind": "question", "topics": ["energy"]})
    assert (proposal.assignee, proposal.rule) == ("bob", 2)
    assert "routing rule 2" in proposal.reason and "Bob Test (bob)" in proposal.reason
    assert routing.propose(model(rules, STAFF), {"kind": "access", "topics": ["energy"]}).assignee == "dee"


def test_every_key_of_a_match_must_fit():
    rules = [{"match": {"kind": "project", "tags": ["press"]}, "assignee": "ann"}]
    assert routing.propose(model(rules, STAFF), {"kind": "project", "tags": ["press"]}).rule == 1
    assert routing.propose(model(rules, STAFF), {"kind": "question", "tags": ["press"]}).rule is None
    assert routing.propose(model(rules, STAFF), {"kind": "project", "tags": ["other"]}).rule is None


def test_a_team_goes_to_its_active_member_with_the_fewest_open_requests():
    open_for_ann = {"r1": {"assignee": "ann", "stage": "in-progress"},
                    "r2": {"assignee": "bob", "stage": "closed"},
                    "r3": {"assignee": "bob", "stage": "triage", "closed": "2026-01-01"}}
    rules = [{"match": {"kind": "project"}, "team": "projects"}]
    proposal = routing.propose(model(rules, STAFF, open_for_ann), {"kind": "project"})
    assert proposal.assignee == "bob"  # closed requests do not count; cas is not active
    assert "team projects" in proposal.reason
    assert routing.propose(model(rules, STAFF), {"kind": "project"}).assignee == "ann"  # a tie: by id


def test_an_organisation_rule_covers_the_organisations_under_it():
    organisations = {"city": {"name": "City"}, "city-council": {"name": "Council", "parent": "city"},
                     "loop-a": {"parent": "loop-b"}, "loop-b": {"parent": "loop-a"}}
    rules = [{"match": {"organisation": "city"}, "assignee": "ann"}]
    built = model(rules, STAFF, organisations=organisations)
    assert routing.propose(built, {"from": {"organisation": "city-council"}}).assignee == "ann"
    assert routing.propose(built, {"from": {"organisation": "loop-a"}}).assignee is None  # a cycle ends
    assert routing.organisation_lineage(built, "city-council") == ["city-council", "city"]


def test_a_rule_for_someone_inactive_is_passed_over_and_the_reason_says_so():
    rules = [{"match": {"topics": "privacy"}, "assignee": "cas"},
             {"match": {"topics": "privacy"}, "team": "nobody-here"}]
    proposal = routing.propose(model(rules, STAFF), {"topics": ["privacy", "energy"]})
    assert proposal.assignee == "ann"  # the topics fallback: ann and dee handle energy, ann first
    assert "rule 1 names cas, who is not active" in proposal.reason
    assert "no active colleague" in proposal.reason


def test_without_a_matching_rule_or_topic_there_is_no_proposal():
    proposal = routing.propose(model([], STAFF), {"kind": "question", "topics": ["unknown"]})
    assert proposal.assignee is None and "choose an assignee yourself" in proposal.reason


def test_rules_that_point_to_unknown_colleagues_or_teams_are_named():
    built = model([{"match": {"kind": "access"}, "assignee": "zed"},
                   {"match": {"kind": "project"}, "team": "ghosts"},
                   {"match": {"kind": "question"}, "team": "privacy"}], STAFF)
    found = routing.problems(built)
    assert len(found) == 2
    assert "routing rule 1" in found[0] and "'zed'" in found[0]
    assert "routing rule 2" in found[1] and "'ghosts'" in found[1]


def set_routing(root: Path, rules) -> None:
    config = root / "crmtool.yaml"
    text = config.read_text(encoding="utf-8")
    text = text[:text.index("\nrouting:")] + "\n" if "\nrouting:" in text else text
    config.write_text(text + yaml.safe_dump({"routing": rules}, sort_keys=False), encoding="utf-8")


@pytest.mark.parametrize("rules", [
    [{"match": {"kind": "access"}, "assignee": "eline", "team": "privacy"}],  # both
    [{"match": {"kind": "access"}}],  # neither
    [{"match": {}, "assignee": "eline"}],  # an empty match would catch everything
    [{"match": {"subject": "x"}, "assignee": "eline"}],  # an unknown key
])
def test_the_schema_refuses_a_malformed_rule(tmp_path, rules):
    root = copy_example(tmp_path)
    set_routing(root, rules)
    result = CliRunner().invoke(cli, ["check", "--root", str(root), "--today", "2026-11-24", "crmtool.yaml"])
    assert result.exit_code == 2, result.output
    assert "crmtool.yaml" in result.output


def test_the_shipped_rules_pass_the_schema_and_point_to_real_colleagues(tmp_path):
    for config in (PROJECT / "crmtool.yaml", PROJECT / "examples" / "cooperative" / "crmtool.yaml"):
        rules = yaml.safe_load(config.read_text(encoding="utf-8"))["routing"]
        staff = {p.stem for p in (config.parent / "records" / "staff").glob("*.yaml")}
        assert rules and all(r.get("assignee", "x") in staff | {"x"} for r in rules)
    root = tmp_path / "coop"
    shutil.copytree(PROJECT / "examples" / "cooperative", root, ignore=shutil.ignore_patterns("build"))
    result = CliRunner().invoke(cli, ["check", "--root", str(root), "--today", "2026-11-24",
                                      str(root / "crmtool.yaml")])
    assert result.exit_code == 0, result.output


def test_new_request_refuses_routing_to_an_unknown_colleague(tmp_path):
    root = copy_example(tmp_path)
    set_routing(root, [{"match": {"kind": "question"}, "assignee": "nobody"}])
    result = CliRunner().invoke(cli, ["new", "request", "--root", str(root), "--kind", "question",
                                      "--no-interactive"], env={"CRMTOOL_TODAY": "2026-11-24"})
    assert result.exit_code == 2, result.output
    assert "routing rule 1" in result.output and "records/staff/nobody.yaml" in result.output
    assert not (root / "records" / "requests" / "q-2026-0020.yaml").exists()
    # with an assignee given, the broken rule does not stand in the way
    result = CliRunner().invoke(cli, ["new", "request", "--root", str(root), "--kind", "question",
                                      "--assignee", "bram", "--no-interactive"], env={"CRMTOOL_TODAY": "2026-11-24"})
    assert result.exit_code == 0, result.output


def test_the_cooperatives_rules_send_a_schools_question_to_jef_and_a_data_subject_request_to_lotte(tmp_path):
    root = tmp_path / "coop"
    shutil.copytree(PROJECT / "examples" / "cooperative", root, ignore=shutil.ignore_patterns("build"))
    for args, expected in ((["--kind", "question", "--from-organisation", "Middenschool De Wijkwerf"], "jef"),
                           (["--kind", "erasure", "--topic", "energy-communities"], "lotte"),
                           (["--kind", "question", "--topic", "open-hardware"], "wout")):
        result = CliRunner().invoke(cli, ["new", "request", "--root", str(root), "--dry-run", "--no-interactive",
                                          *args], env={"CRMTOOL_TODAY": "2026-11-24"})
        assert result.exit_code == 0, result.output
        assert yaml.safe_load(result.stdout)["assignee"] == expected
