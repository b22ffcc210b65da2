"""`crmtool review` on the example records: the work that is really due, by team and kind."""
from __future__ import annotations

import json
import subprocess
import sys

import yaml
from click.testing import CliRunner

from crmtool.cli import cli

from .conftest import PROJECT

COOPERATIVE = PROJECT / "examples" / "cooperative"


def _review(root, *args) -> dict:
    result = CliRunner().invoke(cli, ["review", "--root", str(root), "--today", "2026-11-24", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _items(data: dict) -> dict[tuple[str, str], dict]:
    return {(i["kind"], i["path"]): i for i in data["items"]}


def test_association_review_shows_the_work_due():
    data = _review(PROJECT)
    items = _items(data)
    # her last role ended 2024-12-12; office-holders data is kept two years after that
    erase = items[("erase-or-anonymise", "records/people/p-w3kx7e.yaml")]
    assert (erase["due"], erase["owner"], erase["overdue"]) == ("2026-12-13", "public-affairs", False)
    purpose = items[("review-purpose", "records/purposes/events.yaml")]
    assert (purpose["due"], purpose["overdue"], purpose["owner"]) == ("2026-09-01", True, "communications")
    follow_up = items[("follow-up", "records/requests/q-2026-0012.yaml")]
    assert (follow_up["due"], follow_up["overdue"], follow_up["assignee"]) == ("2026-11-20", True, "chantal")
    access = items[("answer-subject-request", "records/requests/dsr-2026-0003.yaml")]
    assert (access["due"], access["owner"]) == ("2026-12-02", "privacy")  # one calendar month after 2026-11-02
    agreement = items[("renew-agreement", "records/processors/event-organiser.yaml")]
    assert agreement["due"] == "2026-12-15"
    assert data["summary"]["items"] == len(data["items"])
    assert data["summary"]["overdue"] == sum(i["overdue"] for i in data["items"])


def test_closed_requests_and_far_dates_are_not_listed():
    items = _items(_review(PROJECT))
    paths = {path for _, path in items}
    assert "records/requests/dsr-2026-0002.yaml" not in paths  # closed in June
    assert "records/requests/q-2026-0003.yaml" not in paths  # follow-up in January 2027
    assert "records/people/p-pz9kj7.yaml" not in paths  # retention runs until 2027-09-30


def test_days_sets_the_horizon():
    wide = _items(_review(PROJECT, "--days", "60"))
    narrow = _review(PROJECT, "--days", "0")
    assert ("follow-up", "records/requests/q-2026-0003.yaml") in wide  # 2027-01-15: 52 days ahead
    assert ("follow-up", "records/requests/q-2026-0003.yaml") not in _items(_review(PROJECT))  # default 30
    assert all(i["due"] <= "2026-11-24" for i in narrow["items"])
    assert {i["kind"] for i in narrow["items"]} >= {"review-purpose", "follow-up"}


def test_cooperative_review_asks_for_consent_again_and_erasure_after_withdrawal():
    items = _items(_review(COOPERATIVE))
    withdrawn = items[("erase-or-anonymise", "records/people/p-tj5xfr.yaml")]
    assert withdrawn["due"] == "2026-12-16"  # consent withdrawn 2026-11-15, kept one month
    reask = [i for (kind, _), i in items.items() if kind == "ask-consent"]
    assert reask and all(i["values"]["new"] == "nieuwsbrief-v2" for i in reask)
    assert items[("answer-subject-request", "records/requests/rq-2026-040.yaml")]["due"] == "2026-12-10"


def _people_names(root) -> list[str]:
    names = []
    for path in (root / "records" / "people").glob("*.yaml"):
        name = yaml.safe_load(path.read_text(encoding="utf-8"))["name"]
        names.append(name["family"])
        names.append(" ".join(p for p in (name.get("given"), name.get("prefix"), name["family"]) if p))
    return names


def test_markdown_for_the_issue_tracker_names_no_person():
    result = subprocess.run([sys.executable, "-m", "crmtool", "review", "--today", "2026-11-24", "--format", "markdown"],
                            cwd=PROJECT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# ")
    assert "- [ ] **" in result.stdout and "`records/requests/q-2026-0012.yaml`" in result.stdout
    for name in _people_names(PROJECT):
        assert name not in result.stdout


def test_text_shows_names_for_staff_and_is_grouped_by_team():
    result = CliRunner().invoke(cli, ["review", "--root", str(PROJECT), "--today", "2026-11-24"])
    assert result.exit_code == 0
    assert "p-w3kx7e (Sanne van Wijngaarden)" in result.output
    teams = [line for line in result.output.splitlines() if line and not line.startswith(" ")][1:]
    assert teams == sorted(teams)  # one heading per team, in order


def test_broken_configuration_is_a_usage_error(base_repo):
    (base_repo.root / "crmtool.yaml").write_text("controller: [\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "crmtool", "review", "--root", str(base_repo.root)],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "crmtool.yaml" in result.stderr and "Traceback" not in result.stderr


def test_nothing_due_is_said_plainly(base_repo):
    data = _review(base_repo.root)
    assert data["items"] == [] and data["summary"]["items"] == 0
    result = CliRunner().invoke(cli, ["review", "--root", str(base_repo.root), "--today", "2026-11-24"])
    assert result.exit_code == 0 and "Nothing is due." in result.output


def test_people_read_labels_and_words_not_codes():
    """Issue 15: the review showed `P1Y`, `in-progress`, `access` and team ids in a Dutch
    repository. Text and Markdown now say it in words; JSON keeps the codes for tools."""
    text = subprocess.run([sys.executable, "-m", "crmtool", "review", "--today", "2027-02-01"], cwd=PROJECT,
                          capture_output=True, text=True)
    assert text.returncode == 0, text.stderr
    markdown = subprocess.run([sys.executable, "-m", "crmtool", "review", "--today", "2027-02-01", "--format",
                               "markdown"], cwd=PROJECT, capture_output=True, text=True)
    assert markdown.returncode == 0, markdown.stderr
    for output in (text.stdout, markdown.stdout):
        assert "elke 1 jaar" in output and "P1Y" not in output  # review.every
        assert "(1 jaar na het laatste contact)" in output  # retention period and its start
        assert "fase In behandeling" in output and "in-progress" not in output
        assert "Beantwoord: verzoek om inzage, ontvangen op 2026-11-02" in output
        assert "Team Ledenservice" in output and "Team member-services" not in output
        assert "Bijeenkomsten en uitnodigingen" in output  # the purpose `events` by its title
    assert "behandelaar: bram (Bram Hoekstra)" in text.stdout
    assert "`bram`" in markdown.stdout and "Bram Hoekstra" not in markdown.stdout  # no names in the issue tracker
    data = json.loads(subprocess.run([sys.executable, "-m", "crmtool", "review", "--today", "2027-02-01", "--format",
                                      "json"], cwd=PROJECT, capture_output=True, text=True).stdout)
    purpose = next(i for i in data["items"] if i["path"] == "records/purposes/events.yaml")
    assert purpose["values"]["every"] == "P1Y" and "1 jaar" in purpose["text"]
    follow = next(i for i in data["items"] if i["kind"] == "follow-up" and i["values"]["stage"] == "in-progress")
    assert "In behandeling" in follow["text"]


def test_the_review_counts_in_plural_forms(base_repo):
    result = CliRunner().invoke(cli, ["review", "--root", str(base_repo.root), "--today", "2026-11-24"])
    assert "0 items due" in result.output
    (base_repo.root / "records/processors").mkdir(exist_ok=True)
    (base_repo.root / "records/processors/host.yaml").write_text(
        "name: Host\nservice: {en: Hosting}\nlocation: NL\nowner: public-affairs\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["review", "--root", str(base_repo.root), "--today", "2026-11-24"])
    assert ": 1 item due by" in result.output, result.output
