"""The Markdown and JSON of `crmtool diff` (a pull-request comment, a script's input) show a
value only when it is what its field promises: an id of an existing record, a date, a value of
the field's vocabulary or list of values, a count. A name typed into a reference, an email
address in a reference, free text in `end_reason`, a note: "(text changed)", never the text.
The text format, for the reviewer's own terminal, shows labels and durations in words."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crmtool.domain.durations import Duration
from crmtool.domain.words import in_words

from .test_diff import commit, edit, events, one, repo, run, write  # noqa: F401  (repo is a fixture)

SECRETS = ("Kees Ploeger", "kees", "Ploeger", "k.ploeger@lelystad.example.nl", "Verhuisd naar het buitenland",
           "buitenland", "geheime notitie", "Wim Wolkenkrabber")


def leaky_change(root: Path) -> None:
    """A request whose `from` holds a name, one with an email address as its person, a role
    ended with free text as its reason, a note added, a role whose person is a name."""
    write(root, "records/requests/q-2026-0031.yaml",
          "kind: question\ntitle: Vraag\nreceived: 2026-11-24\nfrom: {person: Kees Ploeger}\nassignee: anna\n"
          "stage: received\n")
    write(root, "records/requests/q-2026-0032.yaml",
          "kind: question\ntitle: Vraag\nreceived: 2026-11-23\nfrom: {person: k.ploeger@lelystad.example.nl}\n"
          "assignee: anna\nstage: received\n")
    edit(root, "records/roles/r-almere-raadslid-2026-b.yaml", "public: true",
         "end: 2026-11-19\nend_reason: Verhuisd naar het buitenland\npublic: true")
    edit(root, "records/people/p-r5epc6.yaml", "owner: public-affairs",
         "- {date: 2026-11-24, by: anna, text: geheime notitie over Kees}\nowner: public-affairs")
    write(root, "records/roles/r-almere-wethouder-2026-y.yaml",
          "person: Wim Wolkenkrabber\norganisation: gemeente-almere-college\nfunction: wethouder\nstart: 2026-11-20\n")


@pytest.mark.parametrize("output_format", ["markdown", "json"])
def test_text_in_a_reference_or_a_reason_never_reaches_markdown_or_json(repo: Path, output_format: str) -> None:  # noqa: F811 (fixture)
    leaky_change(repo)
    code, output = run(repo, "HEAD", "--format", output_format)
    assert code == 0, output
    assert [secret for secret in SECRETS if secret in output] == []
    assert "(text changed)" in output
    # what is an id, a date or a vocabulary value is still shown
    for shown in ("q-2026-0031", "2026-11-24", "2026-11-23", "anna", "question", "received", "2026-11-19",
                  "gemeente-almere-college", "wethouder", "2026-11-20", "notes[2]"):
        assert shown in output, shown


def test_json_says_which_values_were_withheld(repo: Path) -> None:  # noqa: F811 (fixture)
    leaky_change(repo)
    found = events(repo, "HEAD")
    asked = one(found, "q-2026-0031", "request-received")
    assert asked["values"]["person"] is None and asked["withheld"] == ["person"]
    assert asked["values"]["assignee"] == "anna" and asked["values"]["received"] == "2026-11-24"
    assert "(text changed)" in asked["text"]
    ended = one(found, "r-almere-raadslid-2026-b", "role-ended")
    assert ended["values"]["end"] == "2026-11-19" and ended["values"]["reason"] is None
    assert ended["withheld"] == ["reason"]
    role = one(found, "r-almere-wethouder-2026-y", "role-added")
    assert role["values"]["person"] is None and role["values"]["function"] == "wethouder"
    assert one(found, "p-r5epc6", "field-added")["fields"] == ["notes[2]"]


def test_a_valid_end_reason_and_real_ids_are_shown(repo: Path) -> None:  # noqa: F811 (fixture)
    edit(repo, "records/roles/r-almere-raadslid-2026-b.yaml", "public: true",
         "end: 2026-11-19\nend_reason: resigned\npublic: true")
    write(repo, "records/requests/q-2026-0031.yaml",
          "kind: question\ntitle: Vraag\nreceived: 2026-11-24\nfrom: {person: p-r5epc6}\nassignee: anna\n"
          "stage: received\n")
    code, markdown = run(repo, "HEAD", "--format", "markdown")
    assert "role ended on `2026-11-19` (person `p-q8ty6t`, reason `resigned`)" in markdown or \
        "reason `resigned`" in markdown
    assert "person `p-r5epc6`" in markdown and "(text changed)" not in markdown


def test_in_dutch_as_a_real_process(repo: Path) -> None:  # noqa: F811 (fixture)
    edit(repo, "crmtool.yaml", "\nlanguage: en\n", "\nlanguage: nl\n")
    commit(repo, "Dutch")
    leaky_change(repo)
    done = subprocess.run([sys.executable, "-m", "crmtool", "diff", "HEAD", "--format", "markdown"], cwd=repo,
                          capture_output=True, text=True, env=dict(os.environ, CRMTOOL_TODAY="2026-11-24"))
    assert done.returncode == 0, done.stderr
    assert "(tekst gewijzigd)" in done.stdout
    assert [secret for secret in SECRETS if secret in done.stdout] == []


def test_text_for_the_reviewer_shows_labels_and_durations_in_words(repo: Path) -> None:  # noqa: F811 (fixture)
    edit(repo, "crmtool.yaml", "\nlanguage: en\n", "\nlanguage: nl\n")
    commit(repo, "Dutch")
    edit(repo, "records/requests/q-2026-0019.yaml", "stage: received", "stage: triage")
    edit(repo, "records/roles/r-almere-raadslid-2026-c.yaml", "function: raadslid", "function: voorzitter")
    path = repo / "records/purposes/events.yaml"
    text = path.read_text(encoding="utf-8")
    period = text.split("retention: {period: ", 1)[1].split(",", 1)[0]
    path.write_text(text.replace(f"retention: {{period: {period},", "retention: {period: P2M,", 1), encoding="utf-8")
    code, text = run(repo, "HEAD")
    assert code == 0, text
    assert "Binnengekomen" in text and "Triage" in text            # stage labels
    assert "Raadslid" in text and "Voorzitter" in text              # function labels, not ids
    assert "2 maanden na het intrekken van de toestemming" in text and "P2M" not in text  # a duration in words
    markdown = run(repo, "HEAD", "--format", "markdown")[1]
    assert "`P2M" in markdown and "`triage`" in markdown            # the comment keeps the ids


@pytest.mark.parametrize("duration, language, expected", [
    ("P1M", "nl", "1 maand"), ("P6M", "nl", "6 maanden"), ("P2Y", "nl", "2 jaar"),
    ("P1Y6M", "nl", "1 jaar en 6 maanden"), ("P4W", "nl", "28 dagen"), ("P1M", "en", "1 month"),
    ("P1Y6M", "en", "1 year and 6 months"),
    (Duration(days=1), "en", "1 day"), ("nonsense", "nl", "nonsense"),
])
def test_durations_in_words(duration, language, expected):
    assert in_words(duration, language) == expected
