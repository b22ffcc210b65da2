"""`crmtool review` on the example records: the work that is really due, by team and kind.

The examples keep every obligation fulfilled or far ahead (docs/decisions.md, "Examples that
stay valid"), so each test pins a day on which something is due (`--today`), and the kinds the
shipped records never owe (an unanswered request, an agreement that ends) are shown on a copy
with that one thing changed."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import yaml
from click.testing import CliRunner

from crmtool.cli import cli

from .conftest import PROJECT

COOPERATIVE = PROJECT / "examples" / "cooperative"


def _review(root, *args, today: str = "2026-11-24") -> dict:
    result = CliRunner().invoke(cli, ["review", "--root", str(root), "--today", today, "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _items(data: dict) -> dict[tuple[str, str], dict]:
    return {(i["kind"], i["path"]): i for i in data["items"]}


def test_association_review_shows_the_work_due():
    data = _review(PROJECT)
    items = _items(data)
    follow_up = items[("follow-up", "records/requests/q-2026-0012.yaml")]
    assert (follow_up["due"], follow_up["overdue"], follow_up["assignee"]) == ("2026-11-20", True, "chantal")
    assert data["summary"]["items"] == len(data["items"])
    assert data["summary"]["overdue"] == sum(i["overdue"] for i in data["items"])
    # the yearly review of office-holders, last on 2026-01-15, falls due a year later
    purpose = _items(_review(PROJECT, today="2027-01-05"))[("review-purpose", "records/purposes/office-holders.yaml")]
    assert (purpose["due"], purpose["overdue"], purpose["owner"]) == ("2027-01-15", False, "privacy")
    # the requester's data, kept six years after dsr-2026-0003 was answered on 2026-11-23
    later = _review(PROJECT, today="2032-11-01")
    erase = _items(later)[("erase-or-anonymise", "records/people/p-u9za5m.yaml")]
    assert (erase["due"], erase["owner"], erase["overdue"]) == ("2032-11-24", "communications", False)
    assert later["summary"]["overdue"] == sum(i["overdue"] for i in later["items"])


def _association_copy(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copytree(PROJECT / "records", root / "records")
    shutil.copy(PROJECT / "crmtool.yaml", root / "crmtool.yaml")
    return root


def test_an_open_subject_request_and_an_ending_agreement_are_due(tmp_path):
    """What the shipped records no longer owe: an access request still open and a processor
    agreement with an end date, each added to a copy."""
    root = _association_copy(tmp_path)
    (root / "records/requests/dsr-2026-0099.yaml").write_text(
        "kind: access\ntitle: Verzoek om inzage\nreceived: 2026-11-02\nchannel: email\n"
        "from: {person: p-u9za5m}\nassignee: eline\nstage: received\n"
        "history:\n- {date: 2026-11-02, stage: received, by: eline, assignee: eline}\nowner: privacy\n",
        encoding="utf-8")
    processor = root / "records/processors/event-organiser.yaml"
    text = processor.read_text(encoding="utf-8")
    assert "reference: VWO-2026-021}" in text
    processor.write_text(text.replace("reference: VWO-2026-021}", "end: 2026-12-15, reference: VWO-2026-021}"),
                         encoding="utf-8")
    items = _items(_review(root))
    access = items[("answer-subject-request", "records/requests/dsr-2026-0099.yaml")]
    assert (access["due"], access["owner"]) == ("2026-12-02", "privacy")  # one calendar month after 2026-11-02
    assert items[("renew-agreement", "records/processors/event-organiser.yaml")]["due"] == "2026-12-15"
    shipped = {path for _, path in _items(_review(PROJECT))}
    assert "records/requests/dsr-2026-0003.yaml" not in shipped  # answered on 2026-11-23
    assert "records/processors/event-organiser.yaml" not in shipped  # for the duration of the main contract


def test_closed_requests_and_far_dates_are_not_listed():
    items = _items(_review(PROJECT))
    paths = {path for _, path in items}
    assert "records/requests/dsr-2026-0002.yaml" not in paths  # closed in June
    assert "records/requests/q-2026-0003.yaml" not in paths  # follow-up in January 2027
    assert "records/people/p-pz9kj7.yaml" not in paths  # holds a role: her retention does not run


def test_days_sets_the_horizon():
    wide = _items(_review(PROJECT, "--days", "60"))
    narrow = _review(PROJECT, "--days", "0", today="2027-01-20")
    assert ("follow-up", "records/requests/q-2026-0003.yaml") in wide  # 2027-01-15: 52 days ahead
    assert ("follow-up", "records/requests/q-2026-0003.yaml") not in _items(_review(PROJECT))  # default 30
    assert all(i["due"] <= "2027-01-20" for i in narrow["items"])
    assert {i["kind"] for i in narrow["items"]} >= {"review-purpose", "follow-up"}


def test_cooperative_review_asks_for_consent_again_and_erasure_after_withdrawal(tmp_path):
    items = _items(_review(COOPERATIVE))
    reask = [i for (kind, _), i in items.items() if kind == "ask-consent"]
    assert reask and all(i["values"]["new"] == "nieuwsbrief-v2" for i in reask)
    paths = {path for _, path in items}
    assert "records/people/p-tj5xfr.yaml" not in paths  # her newsletter data was removed after she unsubscribed
    assert "records/requests/rq-2026-040.yaml" not in paths  # answered on 2026-11-20
    # On a copy, Lien Desmet withdraws her newsletter consent on 2026-11-15: kept one month.
    root = tmp_path / "cooperative"
    shutil.copytree(COOPERATIVE, root, ignore=shutil.ignore_patterns("build"))
    person = root / "records/people/p-7a34zu.yaml"
    text = person.read_text(encoding="utf-8")
    assert "wording: nieuwsbrief-v1}" in text
    person.write_text(text.replace("wording: nieuwsbrief-v1}", "wording: nieuwsbrief-v1, withdrawn: 2026-11-15}"),
                      encoding="utf-8")
    withdrawn = _items(_review(root))[("erase-or-anonymise", "records/people/p-7a34zu.yaml")]
    assert withdrawn["due"] == "2026-12-16"  # consent withdrawn 2026-11-15, kept one month


def _people_names(root) -> list[str]:
    names = []
    for path in (root / "records" / "people").glob("*.yaml"):
        name = yaml.safe_load(path.read_text(encoding="utf-8"))["name"]
        names.append(name["family"])
        names.append(" ".join(p for p in (name.get("given"), name.get("prefix"), name["family"]) if p))
    return names


def test_markdown_for_the_issue_tracker_names_no_person():
    result = subprocess.run([sys.executable, "-m", "crmtool", "review", "--today", "2026-11-24",
                             "--format", "markdown"],
                            cwd=PROJECT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# ")
    assert "- [ ] **" in result.stdout and "`records/requests/q-2026-0012.yaml`" in result.stdout
    for name in _people_names(PROJECT):
        assert name not in result.stdout


def test_text_shows_names_for_staff_and_is_grouped_by_team():
    result = CliRunner().invoke(cli, ["review", "--root", str(PROJECT), "--today", "2032-11-01"])
    assert result.exit_code == 0
    assert "p-u9za5m (Joyce Kramer)" in result.output
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
    repository. Text and Markdown now say it in words; JSON keeps the codes for tools. The day is
    one in the shipped records' future on which a retention period ends."""
    text = subprocess.run([sys.executable, "-m", "crmtool", "review", "--today", "2032-11-01"], cwd=PROJECT,
                          capture_output=True, text=True)
    assert text.returncode == 0, text.stderr
    markdown = subprocess.run([sys.executable, "-m", "crmtool", "review", "--today", "2032-11-01", "--format",
                               "markdown"], cwd=PROJECT, capture_output=True, text=True)
    assert markdown.returncode == 0, markdown.stderr
    for output in (text.stdout, markdown.stdout):
        assert "elke 1 jaar" in output and "P1Y" not in output  # review.every
        assert "(6 jaar na het afsluiten van het verzoek)" in output  # retention period and its start
        assert "fase In behandeling" in output and "in-progress" not in output
        assert "Volg op: vraag" in output and "question" not in output  # the request's kind
        assert "Team Ledenservice" in output and "Team member-services" not in output
        assert "Afhandeling van privacyverzoeken" in output  # the purpose `data-subject-rights` by its title
    assert "events (Bijeenkomsten en uitnodigingen)" in text.stdout  # a purpose to review: id and title
    assert "behandelaar: bram (Bram Hoekstra)" in text.stdout
    assert "`bram`" in markdown.stdout and "Bram Hoekstra" not in markdown.stdout  # no names in the issue tracker
    data = json.loads(subprocess.run([sys.executable, "-m", "crmtool", "review", "--today", "2032-11-01", "--format",
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


def test_a_dpia_falls_due_for_review():
    """The office-holders' DPIA (next_review 2028-03-10) is listed once within the horizon,
    owned by the purpose's team, and overdue after that day; P035 warns on the same day."""
    path = "records/purposes/office-holders.yaml"
    assert ("review-dpia", path) not in _items(_review(PROJECT))
    due = _items(_review(PROJECT, today="2028-03-01"))[("review-dpia", path)]
    assert (due["due"], due["overdue"], due["owner"]) == ("2028-03-10", False, "privacy")
    assert due["values"] == {"purpose": "office-holders", "done": "2025-03-10"}
    late = _items(_review(PROJECT, today="2028-03-11"))[("review-dpia", path)]
    assert late["overdue"] is True
    text = CliRunner().invoke(cli, ["review", "--root", str(PROJECT), "--today", "2028-03-01"])
    assert "Herbeoordeel de DPIA van Bestuurders en functionarissen van leden (uitgevoerd 2025-03-10)" in text.output
