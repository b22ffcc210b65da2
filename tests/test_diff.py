"""`crmtool diff`: what a change does, on real git repositories made from the shipped records."""
from __future__ import annotations

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
from crmtool.subject.identifiers import Identifiers
from crmtool.domain.erasure_log import ErasureLog
from crmtool.domain.texts import full_name

from .conftest import PROJECT, TODAY, git

PERSON = "records/people/p-r5epc6.yaml"  # Teun Jansen: newsletter consent, weekly digest
ERASED = "records/people/p-2n3qp7.yaml"  # Kees Ploeger
REMOVED = "records/people/p-5fxztt.yaml"  # Vincent Lammers
NEW_PERSON = "records/people/p-n3w7aa.yaml"

NEW_PERSON_TEXT = """\
# yaml-language-server: $schema=../../schemas/person.schema.json
name: {given: Fenna, prefix: van der, family: Voorbeeldhof}
emails:
- {address: fenna.voorbeeldhof@example.org, kind: work}
phones:
- {number: "+31 6 98765432", kind: mobile}
purposes:
- {purpose: member-services, since: 2026-11-20, source: contact-request}
notes:
- {date: 2026-11-20, by: anna, text: Belde over de warmtenetpilot van Fenna.}
owner: public-affairs
status: active
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The shipped records, in English, committed on main."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copytree(PROJECT / "records", root / "records")
    config = (PROJECT / "crmtool.yaml").read_text(encoding="utf-8").replace("\nlanguage: nl\n", "\nlanguage: en\n")
    (root / "crmtool.yaml").write_text(config, encoding="utf-8")
    (root / ".gitignore").write_text("build/\n")
    git(root, "init", "-q", "-b", "main")
    commit(root, "Example records")
    return root


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def edit(root: Path, path: str, old: str, new: str) -> None:
    file = root / path
    text = file.read_text(encoding="utf-8")
    assert old in text, (path, old)
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def write(root: Path, path: str, text: str) -> None:
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(text, encoding="utf-8")


def run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["diff", "--root", str(root), "--today", "2026-11-24", *args])
    return result.exit_code, result.output


def events(root: Path, *args: str) -> list[dict]:
    code, output = run(root, *args, "--format", "json")
    assert code == 0, output
    return json.loads(output)


def kinds(found: list[dict]) -> set[tuple[str, str]]:
    return {(e["record"], e["event"]) for e in found}


def one(found: list[dict], record: str, event: str) -> dict:
    matching = [e for e in found if e["record"] == record and e["event"] == event]
    assert len(matching) == 1, (record, event, [(e["record"], e["event"]) for e in found])
    return matching[0]


def change_everything(root: Path) -> None:
    """One edit for every kind of event the diff names."""
    # people
    write(root, NEW_PERSON, NEW_PERSON_TEXT)
    (root / ERASED).unlink()
    log = ErasureLog("0123456789abcdef0123456789abcdef")
    kees = {"name": {"given": "Kees", "family": "Ploeger"}}
    log.entries.append(log.entry("2026-11-24", "erased", None, "p-2n3qp7", kees,
                                 Identifiers.of("p-2n3qp7", kees, "NL")))
    write(root, "erasure-log.yaml", log.text())
    (root / REMOVED).unlink()
    edit(root, PERSON, "family: Jansen}", "family: Jansen-Bakker}")
    edit(root, PERSON, "t.jansen@lelystad.example.nl", "teun.jansen@lelystad.example.nl")
    edit(root, PERSON, 'phones:\n- {number: "+31 6 12345644", kind: mobile}\n',
         "addresses:\n"
         "- {kind: postal, street: Stadhuisplein, number: '2', postcode: 8232 ZX, city: Lelystad, country: NL}\n")
    edit(root, PERSON, "- {purpose: newsletter, since: 2024-05-14, source: self-registration}",
         "- {purpose: newsletter, since: 2024-05-14, source: self-registration, until: 2026-11-20}\n"
         "- {purpose: events, since: 2026-11-21, source: event-registration}")
    edit(root, PERSON, "wording: newsletter-v2}", "wording: newsletter-v2, withdrawn: 2026-11-20}\n"
         "- {purpose: events, given: 2026-11-21, channel: web-form, wording: events-v1}")
    edit(root, PERSON, "subscriptions: [weekly-digest]", "subscriptions: [events-invitations]")
    edit(root, PERSON, "tags: [warmtenet]", "tags: [warmtenet, gemeentefonds]")
    # roles
    write(root, "records/roles/r-almere-wethouder-2026-x.yaml",
          "person: p-r5epc6\norganisation: gemeente-almere-college\nfunction: wethouder\nstart: 2026-11-20\n")
    edit(root, "records/roles/r-almere-raadslid-2026-b.yaml", "public: true",
         "end: 2026-11-19\nend_reason: resigned\npublic: true")
    edit(root, "records/roles/r-almere-raadslid-2026-c.yaml", "function: raadslid", "function: voorzitter")
    edit(root, "records/roles/r-almere-griffier-2019.yaml", "organisation: gemeente-almere-griffie",
         "organisation: gemeente-almere")
    git(root, "mv", "records/roles/r-almere-bestuurssecretariaat-2023.yaml",
        "records/roles/r-almere-bestuurssecretariaat-2023-b.yaml")
    # organisations
    write(root, "records/organisations/gemeente-almere-rekenkamer.yaml",
          "name: Rekenkamer Almere\nkind: other\nparent: gemeente-almere\n")
    edit(root, "records/organisations/gemeente-almere-griffie.yaml", "parent: gemeente-almere",
         "parent: gemeente-lelystad")
    edit(root, "records/organisations/gemeente-almere.yaml", "places: [Almere]", "places: [Almere, Almere Haven]")
    # requests and contact moments
    write(root, "records/requests/q-2026-0020.yaml",
          "kind: question\ntitle: Vraag\nreceived: 2026-11-24\nfrom: {person: p-n3w7aa}\nassignee: anna\n"
          "stage: received\n")
    edit(root, "records/requests/q-2026-0019.yaml", "assignee: chantal\nstage: received",
         "assignee: bram\nstage: triage")
    edit(root, "records/requests/q-2026-0019.yaml", "follow_up:",
         "- {date: 2026-11-24, stage: triage, by: chantal, assignee: bram}\nfollow_up:")
    edit(root, "records/requests/q-2026-0015.yaml", "follow_up: 2026-12-08",
         "outcome: {date: 2026-11-24, decision: granted}\nclosed: 2026-11-24")
    write(root, "records/interactions/2026/i-2026-11-24-kennismaking.yaml",
          "date: 2026-11-24\nkind: call\npeople: [p-n3w7aa]\nsummary: Kennismaking.\npurpose: member-services\n")
    # policy
    edit(root, "records/purposes/events.yaml", "legal_basis: consent", "legal_basis: legitimate-interests")
    edit(root, "records/purposes/events.yaml", "period: P1M", "period: P2M")
    edit(root, "records/purposes/events.yaml", "data_categories: [name, contact, consent, notes]",
         "data_categories: [name, contact, address, consent, notes]")
    edit(root, "records/purposes/events.yaml", "Events and invitations}", "Meetings and invitations}")
    edit(root, "records/processors/mail-provider.yaml", "signed: 2026-10-28, start: 2026-10-28",
         "signed: 2026-11-20, start: 2026-11-20")
    edit(root, "records/processors/event-organiser.yaml", "reference: VWO-2026-021}",
         "end: 2026-10-31, reference: VWO-2026-021}")
    write(root, "records/staff/femke.yaml", "name: Femke Voorbeeld\nteams: [privacy]\nactive: true\n")
    edit(root, "records/staff/daan.yaml", "active: true", "active: false")
    edit(root, "records/vocabularies/topics.yaml", "- id: mobility\n  label: {nl: Mobiliteit, en: Mobility}\n",
         "- id: water\n  label: {nl: Water, en: Water}\n")
    edit(root, "crmtool.yaml", "id_style: opaque", "id_style: name")


def test_every_event_kind_against_the_working_tree(repo: Path) -> None:
    change_everything(repo)
    found = events(repo, "HEAD")
    assert {
        ("p-n3w7aa", "person-added"), ("p-2n3qp7", "person-erased"), ("p-5fxztt", "person-removed"),
        ("p-r5epc6", "name-changed"), ("p-r5epc6", "label-added"), ("p-r5epc6", "label-ended"),
        ("p-r5epc6", "consent-given"), ("p-r5epc6", "consent-withdrawn"),
        ("p-r5epc6", "subscription-added"), ("p-r5epc6", "subscription-ended"),
        ("p-r5epc6", "email-changed"), ("p-r5epc6", "phone-removed"), ("p-r5epc6", "address-added"),
        ("p-r5epc6", "field-added"),
        ("r-almere-wethouder-2026-x", "role-added"), ("r-almere-raadslid-2026-b", "role-ended"),
        ("r-almere-raadslid-2026-c", "role-function-changed"), ("r-almere-griffier-2019", "role-organisation-changed"),
        ("r-almere-bestuurssecretariaat-2023-b", "record-moved"),
        ("gemeente-almere-rekenkamer", "organisation-added"), ("gemeente-almere-griffie", "organisation-moved"),
        ("gemeente-almere", "places-changed"),
        ("q-2026-0020", "request-received"), ("q-2026-0019", "request-stage-moved"),
        ("q-2026-0019", "request-assigned"), ("q-2026-0015", "request-closed"),
        ("i-2026-11-24-kennismaking", "interaction-recorded"),
        ("events", "purpose-legal-basis-changed"), ("events", "purpose-retention-changed"),
        ("events", "purpose-categories-changed"), ("events", "purpose-changed"),
        ("mail-provider", "agreement-renewed"), ("event-organiser", "agreement-expired"),
        ("femke", "staff-added"), ("daan", "staff-left"),
        ("topics", "vocabulary-values-added"), ("topics", "vocabulary-values-removed"),
        ("crmtool", "setting-changed"),
    } <= kinds(found)

    assert one(found, "p-r5epc6", "label-ended")["values"] == {"purpose": "newsletter", "until": "2026-11-20"}
    assert one(found, "p-r5epc6", "label-added")["values"]["purpose"] == "events"
    assert one(found, "p-r5epc6", "consent-withdrawn")["values"] == {"purpose": "newsletter", "withdrawn": "2026-11-20"}
    assert one(found, "p-r5epc6", "subscription-ended")["values"] == {"list": "weekly-digest"}
    assert one(found, "p-r5epc6", "email-changed")["fields"] == ["emails[0].address"]
    assert one(found, "p-r5epc6", "field-added")["fields"] == ["tags[1]"]
    ended = one(found, "r-almere-raadslid-2026-b", "role-ended")
    assert ended["values"]["end"] == "2026-11-19" and ended["values"]["reason"] == "resigned"
    assert not [e for e in found if e["record"] == "r-almere-raadslid-2026-b" and e["event"].startswith("field-")]
    assert one(found, "r-almere-raadslid-2026-c", "role-function-changed")["values"]["new"] == "voorzitter"
    assert one(found, "gemeente-almere-griffie", "organisation-moved")["values"] == {
        "old": "gemeente-almere", "new": "gemeente-lelystad"}
    places = one(found, "gemeente-almere", "places-changed")  # place names are text, not values of a list
    assert places["values"] == {"added": [None]} and places["withheld"] == ["added"]
    assert one(found, "q-2026-0019", "request-stage-moved")["values"] == {"old": "received", "new": "triage"}
    assert one(found, "q-2026-0019", "request-assigned")["values"] == {"old": "chantal", "new": "bram"}
    assert not [e for e in found if e["record"] == "q-2026-0019" and e["event"].startswith("field-")]
    assert one(found, "q-2026-0015", "request-closed")["values"] == {"closed": "2026-11-24", "decision": "granted"}
    legal = one(found, "events", "purpose-legal-basis-changed")
    assert legal["values"] == {"old": "consent", "new": "legitimate-interests"} and legal["policy"] is True
    assert one(found, "events", "purpose-retention-changed")["values"] == {
        "old": "P1M consent-withdrawn delete", "new": "P2M consent-withdrawn delete"}
    assert one(found, "events", "purpose-categories-changed")["values"] == {
        "field": "data_categories", "added": ["address"]}
    assert one(found, "events", "purpose-changed")["fields"] == ["title.en"]
    assert one(found, "topics", "vocabulary-values-added")["values"] == {"values": ["water"]}
    assert one(found, "topics", "vocabulary-values-removed")["values"] == {"values": ["mobility"]}
    assert one(found, "crmtool", "setting-changed")["fields"] == ["id_style"]
    assert one(found, "crmtool", "setting-changed")["type"] == "settings"


def test_a_renamed_record_is_one_event(repo: Path) -> None:
    """Staged with git mv, and moved with a plain mv (git does not pair untracked files)."""
    git(repo, "mv", "records/roles/r-almere-raadslid-2022-a.yaml", "records/roles/r-almere-raadslid-2022-z.yaml")
    (repo / "records/interactions/2026").mkdir(exist_ok=True)
    shutil.move(repo / "records/interactions/2025/i-2025-06-12-commissie-milieu.yaml",
                repo / "records/interactions/2026/i-2025-06-12-commissie-milieu.yaml")
    shutil.move(repo / ERASED, repo / "records/people/p-zz9kk2.yaml")
    found = events(repo, "HEAD")
    assert kinds(found) == {("r-almere-raadslid-2022-z", "record-moved"),
                            ("i-2025-06-12-commissie-milieu", "record-moved"), ("p-zz9kk2", "record-moved")}
    moved = one(found, "p-zz9kk2", "record-moved")
    assert moved["old_path"] == ERASED and moved["values"]["old_id"] == "p-2n3qp7"


def test_a_moved_and_edited_record_says_both(repo: Path) -> None:
    git(repo, "mv", "records/roles/r-almere-raadslid-2026-b.yaml", "records/roles/r-almere-raadslid-2026-q.yaml")
    edit(repo, "records/roles/r-almere-raadslid-2026-q.yaml", "public: true",
         "end: 2026-11-19\nend_reason: resigned\npublic: true")
    found = events(repo, "HEAD")
    assert [e["event"] for e in found] == ["record-moved", "role-ended"]
    assert all(e["old_path"] == "records/roles/r-almere-raadslid-2026-b.yaml" for e in found)


def test_two_commit_range_and_merge_base(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    edit(repo, "records/staff/daan.yaml", "active: true", "active: false")
    commit(repo, "Daan left")
    edit(repo, "records/processors/mail-provider.yaml", "signed: 2026-10-28, start: 2026-10-28",
         "signed: 2026-11-20, start: 2026-11-20")
    commit(repo, "Renewed")
    git(repo, "checkout", "-q", "main")
    edit(repo, "records/vocabularies/topics.yaml", "- id: mobility\n", "- id: mobiliteit\n")
    commit(repo, "On main meanwhile")
    write(repo, NEW_PERSON, NEW_PERSON_TEXT)  # uncommitted: no range sees it

    assert kinds(events(repo, "feature~2..feature~1")) == {("daan", "staff-left")}
    assert kinds(events(repo, "main...feature")) == {("daan", "staff-left"), ("mail-provider", "agreement-renewed")}
    two_dots = kinds(events(repo, "main..feature"))
    assert ("topics", "vocabulary-values-removed") in two_dots and ("p-n3w7aa", "person-added") not in two_dots
    assert events(repo, "feature..feature") == []
    code, output = run(repo, "feature..feature")
    assert code == 0 and "No record changed." in output


@pytest.mark.parametrize("rev", ["no-such-branch", "main..nope", "--all", "HEAD~5"])
def test_a_bad_revision_is_a_usage_error_naming_it(repo: Path, rev: str) -> None:
    code, output = run(repo, rev)
    assert code == 2, output
    assert rev in output and "Traceback" not in output


def test_outside_git_is_a_usage_error(tmp_path: Path) -> None:
    shutil.copytree(PROJECT / "records", tmp_path / "records")
    code, output = run(tmp_path, "HEAD")
    assert code == 2 and "not in a git repository" in output


def test_an_unreadable_file_on_either_side_is_an_event(repo: Path) -> None:
    edit(repo, "records/staff/daan.yaml", "active: true", "active: true\nteams: [privacy]")  # duplicate key
    write(repo, "records/staff/eline.yaml", "name: [Eline\n")  # syntax error
    commit(repo, "Broken")
    (repo / "records/staff/eline.yaml").write_text("name: Eline Voorbeeld\nactive: true\n")
    found = events(repo, "HEAD~1..HEAD")
    daan = one(found, "daan", "unreadable")
    assert daan["values"]["side"] == "after" and daan["values"]["rule"] == "Y002" and daan["values"]["line"] == 8
    assert one(found, "eline", "unreadable")["values"]["rule"] == "Y001"
    found = events(repo, "HEAD")
    assert one(found, "eline", "unreadable")["values"]["side"] == "before"
    code, output = run(repo, "HEAD")
    assert code == 0 and "could not be read before the change (Y001 syntax" in output


def test_a_layout_only_change_says_nothing(repo: Path) -> None:
    edit(repo, "records/staff/daan.yaml", "teams: [communications]", "teams:\n- communications  # the comms team")
    assert events(repo, "HEAD") == []
    code, text = run(repo, "HEAD")
    assert code == 0 and "No record changed." in text
    assert "Files changed in layout or comments only, no data (1):\n  records/staff/daan.yaml" in text
    markdown = run(repo, "HEAD", "--format", "markdown")[1]
    assert "no data (1):\n\n- `records/staff/daan.yaml`\n" in markdown


def personal_data(*texts: str) -> set[str]:
    """Every name part, email address, phone number, street, postcode and note text in the
    given person records: what a pull-request comment must never hold."""
    found: set[str] = set()
    for text in texts:
        data = yaml.safe_load(text)
        name = data.get("name") or {}
        found |= {str(name[k]) for k in ("given", "family") if name.get(k)} | {full_name(name)}
        found |= {e["address"] for e in data.get("emails", [])} | {p["number"] for p in data.get("phones", [])}
        found |= {str(a[k]) for a in data.get("addresses", []) for k in ("street", "postcode")}
        found |= {n["text"] for n in data.get("notes", [])}
    return found


def test_markdown_shows_no_names_contact_details_or_notes(repo: Path) -> None:
    before = [git(repo, "show", f"HEAD:{path}") for path in (PERSON, ERASED, REMOVED)]
    change_everything(repo)
    after = [(repo / path).read_text(encoding="utf-8") for path in (PERSON, NEW_PERSON)]
    forbidden = personal_data(*before, *after) | {"Femke Voorbeeld", "Daan Smit", "Kennismaking."}
    assert {"Teun Jansen", "Teun Jansen-Bakker", "Fenna van der Voorbeeldhof", "k.ploeger@lelystad.example.nl",
            "teun.jansen@lelystad.example.nl", "+31 6 98765432", "Stadhuisplein", "Lammers"} <= forbidden
    code, markdown = run(repo, "HEAD", "--format", "markdown")
    assert code == 0, markdown
    assert [word for word in forbidden if word in markdown] == []
    assert markdown.startswith("<!-- crmtool-diff -->\n### What this change does: ")
    assert "#### People (4)" in markdown and "`p-n3w7aa` · `records/people/p-n3w7aa.yaml`" in markdown
    assert "**policy:** legal basis changed from `consent` to `legitimate-interests`" in markdown
    assert "email address `emails[0]` changed (fields `address`)" in markdown
    assert "subject erase" in markdown.splitlines()[-1]
    assert run(repo, "HEAD", "--format", "markdown")[1] == markdown  # stable

    json_text = run(repo, "HEAD", "--format", "json")[1]
    assert [word for word in forbidden if word in json_text] == []


def test_text_shows_names_next_to_ids(repo: Path) -> None:
    change_everything(repo)
    code, text = run(repo, "HEAD")
    assert code == 0, text
    assert "p-n3w7aa (Fenna van der Voorbeeldhof)  records/people/p-n3w7aa.yaml" in text
    assert "p-r5epc6 (Teun Jansen-Bakker)" in text and "name changed (was Teun Jansen)" in text
    assert "p-2n3qp7 (Kees Ploeger)" in text and "person erased (recorded in the erasure log)" in text
    assert ("role added: Alderman at gemeente-almere-college (person p-r5epc6 (Teun Jansen-Bakker), from 2026-11-20)"
            in text)
    assert "fenna.voorbeeldhof@example.org" not in text and "warmtenetpilot" not in text  # values never shown
    assert text.index("\nPeople\n") < text.index("\nRoles\n") < text.index("\nPurposes\n")


def test_long_sections_fold(repo: Path) -> None:
    for number in range(12):
        write(repo, f"records/organisations/test-org-{number:02d}.yaml", "name: Test\nkind: other\n")
    markdown = run(repo, "HEAD", "--format", "markdown")[1]
    assert "<details><summary>Show all 12 records</summary>" in markdown and "</details>" in markdown


def test_a_real_subprocess_in_dutch(repo: Path) -> None:
    edit(repo, "crmtool.yaml", "\nlanguage: en\n", "\nlanguage: nl\n")
    commit(repo, "Dutch")
    edit(repo, "records/staff/daan.yaml", "active: true", "active: false")
    env = dict(os.environ, CRMTOOL_TODAY="2026-11-24")
    done = subprocess.run([sys.executable, "-m", "crmtool", "diff", "HEAD", "--format", "json"], cwd=repo,
                          capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert [(e["record"], e["event"]) for e in json.loads(done.stdout)] == [("daan", "staff-left")]
    bad = subprocess.run([sys.executable, "-m", "crmtool", "diff", "origin/main"], cwd=repo,
                         capture_output=True, text=True, env=env, check=False)
    assert bad.returncode == 2 and "origin/main" in bad.stderr and "Traceback" not in bad.stderr


def test_a_clone_against_origin_and_a_records_folder_inside_a_larger_repository(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    edit(clone, "records/staff/daan.yaml", "active: true", "active: false")
    assert kinds(events(clone, "origin/main")) == {("daan", "staff-left")}

    outer = tmp_path / "outer"
    shutil.copytree(repo, outer / "crm", ignore=shutil.ignore_patterns(".git"))
    git(outer, "init", "-q", "-b", "main")
    commit(outer, "A records folder inside another project")
    shutil.move(outer / "crm/records/staff/daan.yaml", outer / "crm/records/staff/daan-smit.yaml")
    found = events(outer / "crm", "HEAD")
    assert kinds(found) == {("daan-smit", "record-moved")}
    assert one(found, "daan-smit", "record-moved")["old_path"] == "records/staff/daan.yaml"


def test_a_huge_change_fits_in_one_comment(repo: Path) -> None:
    """GitHub refuses comments over 65,536 characters: sections are cut to what fits."""
    from crmtool.audit.diff import diff
    from crmtool.audit.diff_words import render_markdown
    from crmtool.load.repo import Repository
    for number in range(60):
        write(repo, f"records/organisations/test-org-{number:02d}.yaml", "name: Test\nkind: other\n")
    result = diff(Repository(repo), "HEAD", TODAY)
    whole = render_markdown(result, "HEAD")
    assert "test-org-59" in whole and "more: run" not in whole
    cut = render_markdown(result, "HEAD", limit=4000)
    assert len(cut) <= 4000 and "`test-org-00`" in cut and "test-org-59" not in cut
    assert "… and 50 more: run `crmtool diff HEAD` to see them all" in cut
    assert "#### Organisations (60)" in cut and cut.rstrip().endswith("to see names._")
