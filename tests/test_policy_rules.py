"""Edge cases of the data-protection rules P001-P006 and P011 that the golden fixtures do not
show well: what they leave to other rules, what they count once, what counts as empty."""
from __future__ import annotations

import textwrap

import pytest

from crmtool.check.run import run_check
from crmtool.domain.policy import carries_data
from crmtool.rules.p006_legal_basis import _empty

from .conftest import TODAY

NEWSLETTER = """\
title: {en: Newsletter}
description: {en: A monthly email for those who asked for it.}
legal_basis: consent
data_subjects: [subscribers]
data_categories: [name, contact, consent]
special_categories: []
retention: {period: P1M, after: consent-withdrawn, then: delete}
sources: [self-registration]
recipients: [{en: Communications staff}]
profiling: false
review: {last: 2026-01-15, every: P1Y}
owner: public-affairs
consent_wordings:
  - {id: newsletter-v1, since: 2024-01-01, text: {en: "Yes, send me the newsletter."}}
"""


def _write(repo, files: dict[str, str]) -> None:
    for path, text in files.items():
        target = repo.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def _findings(repo, rule: str) -> list:
    return [f for f in run_check(repo, TODAY).findings if f.rule == rule]


def test_a_balancing_note_is_empty_only_without_any_text():
    assert _empty(None) and _empty("") and _empty("   ") and _empty({}) and _empty({"nl": "", "en": " "})
    assert not _empty("Interest: ...") and not _empty({"nl": "", "en": "Interest: ..."})
    assert not _empty(42)  # a wrong type is S001's, not an empty note


def test_empty_values_carry_no_data_but_false_and_zero_do():
    assert not any(carries_data(v) for v in (None, "", "  ", [], {}))
    assert all(carries_data(v) for v in (False, 0, "nl", ["x"], {"a": 1}))


def test_p001_leaves_a_malformed_label_to_s001(base_repo):
    _write(base_repo, {"records/people/p-bbbbbb.yaml": """
        name: {given: Bea, family: Bakker}
        purposes:
          - {since: 2025-03-12}
        owner: public-affairs
        """})
    assert _findings(base_repo, "P001") == []
    assert [f for f in _findings(base_repo, "S001") if f.path == "records/people/p-bbbbbb.yaml"]


def test_p001_an_unknown_purpose_still_counts_as_a_label(base_repo):
    _write(base_repo, {"records/people/p-bbbbbb.yaml": """
        name: {given: Bea, family: Bakker}
        purposes:
          - {purpose: unknown-purpose, since: 2025-03-12}
        owner: public-affairs
        """})
    assert _findings(base_repo, "P001") == []
    assert len(_findings(base_repo, "P002")) == 1


def test_p003_judges_two_labels_of_one_purpose_once(base_repo):
    _write(base_repo, {"records/purposes/newsletter.yaml": NEWSLETTER, "records/people/p-bbbbbb.yaml": """
        name: {given: Bea, family: Bakker}
        purposes:
          - {purpose: newsletter, since: 2024-03-12, source: self-registration}
          - {purpose: newsletter, since: 2025-03-12, source: self-registration}
        owner: public-affairs
        """})
    assert [(f.line, f.column) for f in _findings(base_repo, "P003")] == [(3, 15)]


def test_p004_does_not_judge_a_person_whose_purpose_is_unknown(base_repo):
    person = """
        name: {given: Bea, family: Bakker}
        addresses: [{kind: postal, street: Stationsplein, number: "1", city: Almere}]
        purposes:
          - {purpose: newsletter, since: 2024-03-12, source: self-registration}
        consents:
          - {purpose: newsletter, given: 2024-03-12, channel: web-form, wording: newsletter-v1}
        owner: public-affairs
        """
    _write(base_repo, {"records/purposes/newsletter.yaml": NEWSLETTER, "records/people/p-bbbbbb.yaml": person})
    assert len(_findings(base_repo, "P004")) == 1  # newsletter does not allow an address
    _write(base_repo, {"records/people/p-bbbbbb.yaml": person.replace(
        "    consents:", "      - {purpose: unknown-purpose, since: 2025-03-12}\n        consents:")})
    assert _findings(base_repo, "P004") == []  # the unknown purpose might allow it: P002 first


BEA_SUBSCRIBER = """
    name: {given: Bea, family: Bakker}
    purposes:
      - {purpose: newsletter, since: 2024-03-12, source: self-registration}
    consents:
      - {purpose: newsletter, given: 2024-03-12, channel: web-form, wording: newsletter-v1}
    owner: public-affairs
    aliases: [p-cccccc]
    """


def test_p004_reports_a_contact_moment_once_when_it_names_the_person_by_id_and_alias(base_repo):
    _write(base_repo, {"records/purposes/newsletter.yaml": NEWSLETTER, "records/people/p-bbbbbb.yaml": BEA_SUBSCRIBER,
                       "records/interactions/i-2026-0001.yaml": """
        date: 2026-10-01
        kind: call
        people: [p-aaaaaa, p-cccccc, p-bbbbbb]
        summary: {en: Agenda of the regional meeting.}
        purpose: office-holders
        """})
    found = [(f.path, f.line, f.column) for f in _findings(base_repo, "P004") if "p-bbbbbb" in f.message]
    assert found == [("records/interactions/i-2026-0001.yaml", 3, 20)]  # at p-cccccc, the alias, named first


def test_p004_message_on_another_record_names_the_person_by_id_only(base_repo):
    _write(base_repo, {"records/purposes/newsletter.yaml": NEWSLETTER, "records/people/p-bbbbbb.yaml": BEA_SUBSCRIBER,
                       "records/requests/q-2026-0001.yaml": """
        kind: question
        received: 2026-11-02
        from: {person: p-bbbbbb}
        assignee: anna
        closed: 2026-11-03
        """})
    [finding] = [f for f in _findings(base_repo, "P004") if f.path == "records/requests/q-2026-0001.yaml"]
    assert "p-bbbbbb" in finding.message and "Bakker" not in finding.message + finding.hint


def test_p005_a_member_organisation_has_no_political_opinion(base_repo):
    _write(base_repo, {"records/purposes/office-holders.yaml":
                       (base_repo.root / "records/purposes/office-holders.yaml").read_text(encoding="utf-8")
                       .replace("special_categories: [political-opinion]\n", "")
                       .replace("article9_exception: manifestly-made-public\n", ""),
                       "records/roles/r-g40-lid-almere.yaml": """
        member_organisation: gemeente-almere
        organisation: vgn-commissie-milieu
        function: commissielid
        party: partij-a
        start: 2024-01-01
        """})
    assert [f.path for f in _findings(base_repo, "P005")] == ["records/roles/r-almere-wethouder-2022.yaml"]


def test_p011_leaves_an_unknown_list_to_r001(base_repo):
    _write(base_repo, {"records/people/p-aaaaaa.yaml": """
        name: {given: Jan, family: Jansen}
        purposes:
          - {purpose: office-holders, since: 2022-06-01, source: public-register, notified: 2022-06-10}
        subscriptions: [no-such-list]
        owner: public-affairs
        """})
    assert _findings(base_repo, "P011") == []
    assert len(_findings(base_repo, "R001")) == 1


@pytest.mark.parametrize("definition", [
    "label: {nl: Inwoners}\napplies_to: [null]\ntype: integer\n",
    "label: {nl: Inwoners}\napplies_to: 5\ntype: integer\n",
    "label: {nl: Inwoners}\napplies_to: [organisation]\ntype: {k: integer}\n",
    "label: {nl: Inwoners}\napplies_to: [organisation]\ntype: choice\nvocabulary: [a]\n",
    "label: {nl: Inwoners}\napplies_to: [organisation]\ntype: choice\nvalues: {a: b}\n",
    "- just\n- a list\n",
])
def test_s004_with_a_broken_field_definition_reports_and_never_crashes(base_repo, definition):
    """Found by tests/test_fuzz.py: S004 joined, hashed and indexed whatever a definition
    held and raised on a broken one; the definition is S001's finding on its own file."""
    (base_repo.root / "records/fields/inwoners.yaml").write_text(definition, encoding="utf-8")
    findings = run_check(base_repo, TODAY, use_cache=False).findings
    assert any(f.path == "records/fields/inwoners.yaml" and f.severity == "error" for f in findings)
