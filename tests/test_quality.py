"""The data-quality rules (Q001-Q006): the judgements behind them, where the fixtures cannot
show every edge (normalisation, the default country, what is left to the schema rule)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from crmtool.check.run import run_check
from crmtool.domain import phones
from crmtool.rules import q001_email, q002_phone, q003_postcode, q004_identifier
from crmtool.domain.people import name_key as full_name
from crmtool.rules.q006_duplicate_organisation import identifier_key, normal_name

from .conftest import TODAY


def _rules(repo, rule_prefix: str = "") -> list:
    return [(f.rule, f.path, f.line, f.column) for f in run_check(repo, TODAY).findings
            if f.rule.startswith(rule_prefix)]


def _write(repo, relative: str, text: str) -> None:
    path = Path(repo.root) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


PERSON = """name: {given: Jan, family: Jansen}
%s
purposes:
  - {purpose: office-holders, since: 2022-06-01, source: public-register, notified: 2022-06-10}
owner: public-affairs
"""


# -- start-up -------------------------------------------------------------------------

def test_loading_the_rules_does_not_import_the_heavy_libraries():
    code = ("import sys, crmtool.rules; "
            "print([m for m in ('phonenumbers', 'email_validator', 'stdnum') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# -- Q001 -----------------------------------------------------------------------------

@pytest.mark.parametrize("address", [
    "j.jansen@almere.example.nl", "J.Jansen@Almere.Example.NL", "  j.jansen@almere.example.nl ",
    "jose@exámple.es", "jan+crm@example.org"])
def test_q001_accepts(address):
    assert q001_email.problem(address) is None


@pytest.mark.parametrize("address, reason", [
    ("j.jansen@almere", "no top-level domain"),
    ("anna@localhost", "no top-level domain"),
    ("info@almere.test", "reserved name"),
    ("jan..jansen@example.org", "two periods in a row"),
    ("jan.jansen", "no @-sign"),
    ("@example.org", "nothing before the @-sign"),
    ("jan jansen@example.org", "characters that do not belong"),
])
def test_q001_refuses_with_a_plain_reason(address, reason):
    assert reason in q001_email.problem(address)


def test_q001_suggests_the_address_without_the_slip():
    assert q001_email._suggest("jan..jansen@example.org") == "jan.jansen@example.org"
    assert q001_email._suggest("jan jansen@example.org") == "janjansen@example.org"
    assert q001_email._suggest("jan@example.org.") == "jan@example.org"
    assert q001_email._suggest("j.jansen@almere") is None


def test_q001_never_uses_the_network(monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("the email check must not use the network")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    assert q001_email.problem("someone@domain-that-does-not-exist.example") is None


def test_q001_leaves_what_the_schema_refuses_to_s001(base_repo):
    _write(base_repo, "records/people/p-aaaaaa.yaml",
           PERSON % "emails: [{address: jan..jansen@example.org, kind: work}]")
    found = _rules(base_repo)
    assert ("S001", "records/people/p-aaaaaa.yaml", 2, 20) in found
    assert not [f for f in found if f[0] == "Q001"]


# -- Q002 -----------------------------------------------------------------------------

@pytest.mark.parametrize("number", ["14 036", "14036", "14 0320", "14 030", "14 038"])
def test_q002_dutch_municipal_numbers_are_valid_in_the_netherlands(number):
    assert q002_phone.judge(number, "NL") is None


def test_q002_a_municipal_number_is_not_belgian():
    message, hint = q002_phone.judge("14 036", "BE")
    assert "BE (+32)" in message and "+31 14036" in hint


@pytest.mark.parametrize("number", [
    "+31 6 12345678", "06 12345678", "06-12345678", "0031 6 12345678", "+31 (0)20 720 3311",
    "020 720 3311", "+32 9 223 45 67", "+32 478 12 34 56", "+44 20 7946 0958", "06 12345678 ext. 12"])
def test_q002_accepts(number):
    assert q002_phone.judge(number, "NL") is None


def test_q002_international_form_uses_its_own_country():
    assert q002_phone.judge("+31 6 12345678", "BE") is None
    assert q002_phone.judge("06 12345678", "BE") is not None


def test_q002_unused_range_and_unreadable_text():
    message, hint = q002_phone.judge("+32 9 123 45 67", "NL")
    assert "BE (+32)" in message and "digits" in hint
    message, hint = q002_phone.judge("bel het secretariaat", "NL")
    assert "not a phone number" in message and "+31 6 12345678" in hint
    message, _hint = q002_phone.judge("112", "NL")
    assert "too few digits" in message


def test_q002_hint_offers_the_other_home_country():
    _message, hint = q002_phone.judge("09 223 45 67", "NL")
    assert "+32 9 223 45 67" in hint
    _message, hint = q002_phone.judge("0612345678", "BE")
    assert "+31 6 12345678" in hint


def test_default_country_setting_then_controller_then_nl():
    controller_be = {"controller": {"name": "X", "address": {"country": "BE"}}}
    assert phones.default_country({}) == "NL"
    assert phones.default_country(controller_be) == "BE"
    assert phones.default_country({**controller_be, "rules": {"settings": {"default_country": "NL"}}}) == "NL"
    assert phones.default_country({"controller": {"address": "Dokstraat 17"}}) == "NL"


def test_e164_compares_forms():
    assert phones.e164("06-12345678", "NL") == phones.e164("+31 6 12345678", "BE") == "+31612345678"
    assert phones.e164("no number", "NL") is None
    assert phones.e164(612345678, "NL") is None


# -- Q003 -----------------------------------------------------------------------------

@pytest.mark.parametrize("postcode, country", [
    ("1315 NT", "NL"), ("1315NT", "NL"), ("9999 ZZ", "NL"), ("9000", "BE"), ("1000", "BE"), ("9999", "BE"),
    ("10117", "DE"), ("anything", "FR")])
def test_q003_accepts(postcode, country):
    assert q003_postcode.judge(postcode, country) is None


@pytest.mark.parametrize("postcode, country, said", [
    ("0315 NT", "NL", "never starts with 0"),
    ("1315 SA", "NL", "letters SA"),
    ("1315 SD", "NL", "letters SD"),
    ("1315 SS", "NL", "letters SS"),
    ("1315", "NL", "four digits and two letters"),
    ("13155 NT", "NL", "four digits and two letters"),
    ("9000", "NL", "four digits and two letters"),
    ("0999", "BE", "from 1000 to 9999"),
    ("900", "BE", "from 1000 to 9999"),
    ("1315 NT", "BE", "from 1000 to 9999"),
])
def test_q003_refuses(postcode, country, said):
    message, _hint = q003_postcode.judge(postcode, country)
    assert said in message


@pytest.mark.parametrize("postcode, country, usual", [
    ("1315 nt", "NL", "1315 NT"), ("NL-1315 NT", "NL", "1315 NT"), ("1315  NT", "NL", "1315 NT"),
    ("B-9000", "BE", "9000"), ("BE 9000", "BE", "9000")])
def test_q003_other_spellings_get_the_usual_form(postcode, country, usual):
    message, hint = q003_postcode.judge(postcode, country)
    assert "unusual" in message and f"'{usual}'" in hint


def test_q003_wrong_country_code_is_left_to_the_schema(base_repo):
    _write(base_repo, "records/organisations/partij-a.yaml",
           "name: Partij A\nkind: political-party\n"
           "addresses: [{kind: visit, postcode: '0315 NT', city: Almere, country: nl}]\n")
    found = _rules(base_repo)
    assert [f[0] for f in found] == ["S001"]


# -- Q004 -----------------------------------------------------------------------------

@pytest.mark.parametrize("kind, value", [
    ("cbs", "GM0034"), ("kvk", "01234567"), ("oin", "00000001001234567000"),
    ("kbo", "0207.451.227"), ("kbo", "0207451227"), ("kbo", "BE 0207.451.227"), ("kbo", "207.451.227"),
    ("vat", "BE0207451227"), ("vat", "NL004495445B01"), ("vat", "nl 0044.95.445.B01"),
    ("vat", "GB980780684"), ("vat", "US12345")])
def test_q004_accepts(kind, value):
    assert q004_identifier.judge(kind, value) is None


@pytest.mark.parametrize("kind, value, said", [
    ("cbs", "GM034", "GM"), ("cbs", "0034", "GM"), ("kvk", "1234567", "eight digits"),
    ("oin", "0000000100123456", "20 digits"), ("oin", "0000 0001 0012 3456 7000", "20 digits"),
    ("kbo", "0207.451.228", "check digits"), ("kbo", "2207.451.227", "starts with 0 or 1"),
    ("kbo", "0207.451", "number of digits"), ("kbo", "KBO-0207", "characters"),
    ("vat", "NL123456789B01", "check digits"), ("vat", "004495445B01", "country code"),
    ("vat", "GB980780685", "check digits")])
def test_q004_refuses(kind, value, said):
    message, _hint = q004_identifier.judge(kind, value)
    assert said in message


def test_q004_leaves_a_shape_the_schema_pattern_refuses_to_s001(base_repo):
    _write(base_repo, "records/organisations/partij-a.yaml",
           "name: Partij A\nkind: political-party\nidentifiers: {kvk: '1234567', cbs: GM034}\n")
    found = _rules(base_repo)
    assert sorted(f[0] for f in found) == ["S001", "S001"]


# -- Q005 -----------------------------------------------------------------------------

def test_full_name_ignores_case_accents_and_spaces():
    assert full_name({"given": "José", "prefix": "van  der", "family": "Berg"}) == \
        full_name({"given": "jose ", "prefix": "Van der", "family": "BERG"}) == "jose van der berg"
    assert full_name({"initials": "J.", "family": "Berg"}) == "j. berg"
    assert full_name({"given": "Jan", "family": "Berg"}) != \
        full_name({"given": "Jan", "prefix": "van", "family": "Berg"})
    assert full_name({"given": "Jan"}) == "" and full_name("Jan Berg") == ""


def test_q005_aliases_are_not_people(base_repo):
    _write(base_repo, "records/people/p-aaaaaa.yaml",
           PERSON % "emails: [{address: j.jansen@almere.example.nl, kind: work}]\naliases: [p-oldoldd]")
    _write(base_repo, "records/people/p-bbbbbb.yaml",
           PERSON % "emails: [{address: m.jansen@almere.example.nl, kind: work}]")
    assert _rules(base_repo, "Q005") == []


def test_q005_one_finding_per_pair_even_when_sharing_more(base_repo):
    contact = ("emails: [{address: j.jansen@almere.example.nl, kind: work}]\n"
               "phones: [{number: '+31 6 12345678', kind: mobile}]")
    _write(base_repo, "records/people/p-aaaaaa.yaml", PERSON % contact)
    _write(base_repo, "records/people/p-bbbbbb.yaml", PERSON % contact)
    _write(base_repo, "records/roles/r-almere-wethouder-2024.yaml",
           "person: p-bbbbbb\norganisation: gemeente-almere-college\nfunction: wethouder\nstart: 2024-01-01\n")
    findings = [f for f in run_check(base_repo, TODAY).findings if f.rule == "Q005"]
    assert [(f.path, f.line) for f in findings] == [("records/people/p-bbbbbb.yaml", 2)]
    assert "email address" in findings[0].message and "records/people/p-aaaaaa.yaml" in findings[0].message
    assert "j.jansen" not in findings[0].message  # no data of the other file in the message
    assert "crmtool merge p-aaaaaa p-bbbbbb" in findings[0].hint


# -- Q006 -----------------------------------------------------------------------------

def test_normal_name_ignores_case_accents_and_punctuation():
    assert normal_name("Stad Gent – Dienst Milieu") == normal_name("stad gent dienst  milieu")
    assert normal_name("Christen-Democratisch Appèl") == "christen democratisch appel"


def test_identifier_key_matches_kbo_and_belgian_vat():
    assert identifier_key("kbo", "0207.451.227") == identifier_key("vat", "BE 0207 451 227") == ("kbo", "0207451227")
    assert identifier_key("kvk", "1234 5678") == ("kvk", "12345678")
    assert identifier_key("vat", "NL004495445B01") == ("vat", "NL004495445B01")


def test_q006_a_part_with_its_own_name_in_another_municipality_is_not_a_duplicate(base_repo):
    _write(base_repo, "records/organisations/gemeente-almere-college.yaml",
           "name: College van B&W\nkind: executive-board\nparent: gemeente-almere\n")
    _write(base_repo, "records/organisations/gemeente-lelystad.yaml", "name: Gemeente Lelystad\nkind: municipality\n")
    _write(base_repo, "records/organisations/gemeente-lelystad-college.yaml",
           "name: College van B&W\nkind: executive-board\nparent: gemeente-lelystad\n")
    assert _rules(base_repo, "Q006") == []
    # ... but the same name without a parent on one of them is reported
    _write(base_repo, "records/organisations/gemeente-lelystad-college.yaml",
           "name: College van B&W\nkind: executive-board\n")
    assert _rules(base_repo, "Q006") == [("Q006", "records/organisations/gemeente-lelystad-college.yaml", 1, 7)]


def test_q005_many_sharing_one_value_are_each_compared_with_the_first(base_repo):
    for letter in "bcdef":
        _write(base_repo, f"records/people/p-{letter * 6}.yaml",
               PERSON % "phones: [{number: '+31 36 539 9111', kind: work}]")
    findings = [f for f in run_check(base_repo, TODAY).findings if f.rule == "Q005"]
    assert [f.path for f in findings] == [f"records/people/p-{letter * 6}.yaml" for letter in "cdef"]
    assert all("records/people/p-bbbbbb.yaml" in f.message and "3 other people" in f.message for f in findings)
