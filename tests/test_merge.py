"""`crmtool merge KEEP DUPLICATE`: fields combined, references re-pointed, the old id an alias,
all in one change; on the shipped example records with duplicates made like Q005's and
Q006's fixtures."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from crmtool.check.run import run_check
from crmtool.cli import cli
from crmtool.load.repo import Repository

from .conftest import PROJECT, TODAY

KEEP = "p-2n3qp7"  # Kees Ploeger in the shipped examples
DUPLICATE = "p-zzzzzz"
INTERACTION = "records/interactions/2026/i-2026-03-10-kennismaking-burgemeester-lelystad.yaml"

DUPLICATE_PERSON = """\
# yaml-language-server: $schema=../../schemas/person.schema.json
# Entered again from the newsletter form.
name: {given: Kees, prefix: "", family: Ploeger}
emails:
- {address: K.Ploeger@Lelystad.example.nl, kind: work}
- {address: kees@example.org, kind: private}
phones: [{number: "06 12345678", kind: mobile}]
purposes:
- {purpose: office-holders, since: 2022-04-04, source: public-register, notified: 2022-04-15}
- {purpose: member-services, since: 2026-02-10, source: contact-request}
- {purpose: newsletter, since: 2025-03-01, source: self-registration}
consents:
- {purpose: newsletter, given: 2025-03-01, channel: web-form, wording: newsletter-v2}
tags: [energy-transition]
owner: member-services
status: active
"""


def _cli(root: Path, *args: str):
    return CliRunner().invoke(cli, ["merge", *args, "--root", str(root), "--today", TODAY.isoformat()])


def _rules(repo: Repository, severity: str | None = None) -> list[tuple[str, str]]:
    return sorted((f.rule, f.path) for f in run_check(repo, TODAY, use_cache=False).findings
                  if severity is None or f.severity == severity)


def _snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "records").rglob("*")) if p.is_file()}


def _write(root: Path, path: str, text: str) -> None:
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(text, encoding="utf-8")


@pytest.fixture
def people(example_git_repo: Repository) -> Repository:
    """The examples with a second record of Kees Ploeger, referred to from a role, a request
    and a contact moment in a sub-folder."""
    add_duplicate_person(example_git_repo.root)
    return example_git_repo


def add_duplicate_person(root: Path) -> None:
    _write(root, f"records/people/{DUPLICATE}.yaml", DUPLICATE_PERSON)
    interaction = (root / INTERACTION).read_text(encoding="utf-8")
    assert "people: [p-wfafit]" in interaction  # the examples this fixture builds on
    _write(root, INTERACTION, interaction.replace("people: [p-wfafit]",
                                                  f"people: [p-wfafit, {DUPLICATE}]  # met Kees"))
    _write(root, "records/interactions/2026/i-2026-11-01-beide.yaml", f"""\
# yaml-language-server: $schema=../../../schemas/interaction.schema.json
date: 2026-11-01
kind: call
people: [{KEEP}, {DUPLICATE}]
staff: [anna]
summary: Twee keer dezelfde persoon genoteerd.
purpose: office-holders
owner: public-affairs
""")
    role = (root / "records/roles/r-lelystad-raadslid-2022-a.yaml").read_text(encoding="utf-8")
    assert f"person: {KEEP}" in role
    _write(root, "records/roles/r-lelystad-raadslid-2022-a.yaml", role.replace(KEEP, DUPLICATE))
    request = (root / "records/requests/q-2026-0003.yaml").read_text(encoding="utf-8")
    assert "person: p-r5epc6" in request
    _write(root, "records/requests/q-2026-0003.yaml", request.replace("person: p-r5epc6", f"person: {DUPLICATE}"))


def test_the_fixture_is_a_probable_duplicate_and_otherwise_clean(people: Repository) -> None:
    findings = _rules(people)
    assert ("Q005", f"records/people/{DUPLICATE}.yaml") in findings
    assert _rules(people, "error") == []


def test_merge_people_combines_fields_repoints_references_and_deletes_the_duplicate(people: Repository) -> None:
    root = people.root
    result = _cli(root, KEEP, DUPLICATE)
    assert result.exit_code == 0, result.output
    assert not (root / f"records/people/{DUPLICATE}.yaml").exists()
    kept = (root / f"records/people/{KEEP}.yaml").read_text(encoding="utf-8")
    assert kept.startswith("# yaml-language-server: $schema=../../schemas/person.schema.json\n")
    assert kept.count("lelystad.example.nl") == 1  # one address in two cases is one address
    assert "{address: kees@example.org, kind: private}" in kept
    assert 'phones: [{number: "06 12345678", kind: mobile}]' in kept
    assert kept.index("phones:") < kept.index("purposes:")  # a new field where the schema puts it
    assert "- {purpose: newsletter, since: 2025-03-01, source: self-registration}" in kept
    assert "wording: newsletter-v2}" in kept
    assert "owner: public-affairs" in kept  # the kept record's value wins
    assert kept.rstrip().endswith(f"aliases: [{DUPLICATE}]")
    assert DUPLICATE not in (root / "records/roles/r-lelystad-raadslid-2022-a.yaml").read_text(encoding="utf-8")
    assert f"person: {KEEP}" in (root / "records/requests/q-2026-0003.yaml").read_text(encoding="utf-8")
    interaction = (root / INTERACTION).read_text(encoding="utf-8")
    assert f"people: [p-wfafit, {KEEP}]  # met Kees" in interaction  # re-pointed, the comment kept
    both = (root / "records/interactions/2026/i-2026-11-01-beide.yaml").read_text(encoding="utf-8")
    assert f"people: [{KEEP}]\n" in both  # named once, not twice
    findings = _rules(people)
    assert not [f for f in findings if f[0] in ("Q005", "R001", "S006")]
    assert _rules(people, "error") == []
    for text in ("owner", "public-affairs", "member-services", "kees@example.org", "Kees Ploeger"):
        assert text in result.output
    assert f"records/people/{DUPLICATE}.yaml" in result.output


def test_an_old_reference_written_after_the_merge_resolves_through_the_alias(people: Repository) -> None:
    root = people.root
    assert _cli(root, KEEP, DUPLICATE).exit_code == 0
    role = (root / "records/roles/r-lelystad-raadslid-2022-a.yaml").read_text(encoding="utf-8")
    _write(root, "records/roles/r-lelystad-raadslid-2022-a.yaml", role.replace(KEEP, DUPLICATE))
    assert not [f for f in _rules(people) if f[0] == "R001"]
    _write(root, "records/roles/r-lelystad-raadslid-2022-a.yaml", role.replace(KEEP, "p-nobody"))
    assert ("R001", "records/roles/r-lelystad-raadslid-2022-a.yaml") in _rules(people)


def test_conflicts_are_shown_and_taken_from_the_duplicate_only_when_asked(people: Repository) -> None:
    root = people.root
    dry = _cli(root, KEEP, DUPLICATE, "--dry-run", "--format", "json")
    conflicts = {c["field"]: c for c in json.loads(dry.output)["conflicts"]}
    assert conflicts["owner"] == {"field": "owner", "kept": "public-affairs", "duplicate": "member-services",
                                  "taken": "keep"}
    assert "emails" not in conflicts  # the same address in other letters is no conflict
    taken = _cli(root, KEEP, DUPLICATE, "--take", "owner", "--format", "json")
    assert taken.exit_code == 0, taken.output
    assert json.loads(taken.output)["conflicts"][0]["taken"] == "duplicate"
    assert "owner: member-services" in (root / f"records/people/{KEEP}.yaml").read_text(encoding="utf-8")


def test_prefer_duplicate_takes_every_conflicting_value(people: Repository) -> None:
    root = people.root
    person = root / f"records/people/{DUPLICATE}.yaml"
    person.write_text(person.read_text(encoding="utf-8").replace("kind: work}", "kind: private}")
                      .replace("status: active", "language: en\nstatus: active"), encoding="utf-8")
    result = _cli(root, KEEP, DUPLICATE, "--prefer", "duplicate")
    assert result.exit_code == 0, result.output
    kept = (root / f"records/people/{KEEP}.yaml").read_text(encoding="utf-8")
    assert "owner: member-services" in kept
    assert "{address: k.ploeger@lelystad.example.nl, kind: private}" in kept
    assert "language: en" in kept  # no conflict: the kept record had none
    assert "de waarde van het dubbele record is overgenomen" in result.output  # the examples speak Dutch


def test_dry_run_changes_no_byte(people: Repository) -> None:
    before = _snapshot(people.root)
    result = _cli(people.root, KEEP, DUPLICATE, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Zou p-" in result.output and " samenvoegen met " in result.output and INTERACTION in result.output
    assert _snapshot(people.root) == before


def test_a_broken_file_naming_the_duplicate_refuses_and_changes_nothing(people: Repository) -> None:
    root = people.root
    _write(root, "records/interactions/2026/i-2026-11-02-kapot.yaml",
           f"date: 2026-11-02\npeople: [{DUPLICATE}\nsummary: [unclosed\n")
    before = _snapshot(root)
    result = _cli(root, KEEP, DUPLICATE)
    assert result.exit_code == 1
    assert "records/interactions/2026/i-2026-11-02-kapot.yaml" in result.output
    assert "Traceback" not in result.output
    assert _snapshot(root) == before


def test_a_broken_record_to_merge_refuses(people: Repository) -> None:
    root = people.root
    _write(root, f"records/people/{DUPLICATE}.yaml", "name: {given: Kees\n")
    before = _snapshot(root)
    result = _cli(root, KEEP, DUPLICATE)
    assert result.exit_code == 1
    assert f"records/people/{DUPLICATE}.yaml" in result.output
    assert _snapshot(root) == before


def test_a_result_with_reference_errors_is_refused(example_git_repo: Repository) -> None:
    """A council merged with its own municipality would become its own parent (R002)."""
    root = example_git_repo.root
    before = _snapshot(root)
    result = _cli(root, "gemeente-almere-raad", "gemeente-almere")
    assert result.exit_code == 1, result.output
    assert "R002" in result.output
    assert _snapshot(root) == before


@pytest.mark.parametrize("args, expected", [
    ((KEEP, KEEP), "hetzelfde id"),  # the repository speaks Dutch from the first word (issue 16)
    ((KEEP, "p-2n3qp8"), "p-2n3qp7"),  # a typo: the id it was probably meant to be is suggested
    ((KEEP, "gemeente-almere"), "records/organisations/"),
    (("r-almere-griffier-2019", KEEP), "records/roles/"),
    ((KEEP, "p-5fxztt", "--take", "colour"), "geen veld 'colour'"),
])
def test_bad_usage_is_exit_2(example_git_repo: Repository, args: tuple, expected: str) -> None:
    result = _cli(example_git_repo.root, *args)
    assert result.exit_code == 2, result.output
    assert expected in result.output


def test_an_id_merged_before_is_named_as_such(people: Repository) -> None:
    assert _cli(people.root, KEEP, DUPLICATE).exit_code == 0
    again = _cli(people.root, KEEP, DUPLICATE)
    assert again.exit_code == 2
    assert f"is al samengevoegd met '{KEEP}'" in again.output


def test_merge_organisations_key_by_key_and_every_reference(example_git_repo: Repository) -> None:
    """Q006's same-CBS-code case: `almere` is a second record of gemeente-almere."""
    root = example_git_repo.root
    _write(root, "records/organisations/almere.yaml", """\
# Aangemaakt bij de import van de G40-lijst.
name: Almere
kind: municipality
identifiers: {cbs: GM0034, kvk: "12345678"}
places: [Almere, Almere Haven]
fields:
  inwoners: 230000
  kustgemeente: false
owner: member-services
""")
    council = root / "records/organisations/gemeente-almere-raad.yaml"
    council.write_text(council.read_text(encoding="utf-8").replace("parent: gemeente-almere", "parent: almere"),
                       encoding="utf-8")
    role = root / "records/roles/r-g40-lid-almere.yaml"
    role.write_text(role.read_text(encoding="utf-8").replace("gemeente-almere", "almere"), encoding="utf-8")
    assert ("Q006", "records/organisations/gemeente-almere.yaml") in _rules(example_git_repo)
    result = _cli(root, "gemeente-almere", "almere", "--take", "fields.inwoners")
    assert result.exit_code == 0, result.output
    kept = (root / "records/organisations/gemeente-almere.yaml").read_text(encoding="utf-8")
    assert 'identifiers: {cbs: GM0034, kvk: "12345678"}' in kept
    assert "places: [Almere, Almere Haven]" in kept
    assert "inwoners: 230000" in kept and "kustgemeente: false" in kept
    assert "name: Gemeente Almere" in kept and "owner: member-services" in kept
    assert kept.rstrip().endswith("aliases: [almere]")
    assert "parent: gemeente-almere\n" in council.read_text(encoding="utf-8")
    assert "almere\n" not in role.read_text(encoding="utf-8").replace("gemeente-almere", "")
    assert "Gemeente Almere" in result.output and "name:" in result.output  # the name conflict is shown
    findings = _rules(example_git_repo)
    assert not [f for f in findings if f[0] in ("Q006", "R001", "S006")]
    assert _rules(example_git_repo, "error") == []


def test_the_command_runs_as_a_real_process(people: Repository) -> None:
    env = {**os.environ, "CRMTOOL_TODAY": TODAY.isoformat(), "PYTHONPATH": str(PROJECT)}
    done = subprocess.run([sys.executable, "-m", "crmtool", "merge", KEEP, DUPLICATE, "--format", "json"],
                          cwd=people.root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout)
    assert outcome["keep"] == KEEP and outcome["aliases"] == [DUPLICATE]
    assert outcome["references"] == 4  # a role, a request, two contact moments
    assert f"records/people/{DUPLICATE}.yaml" in outcome["written"]
    unknown = subprocess.run([sys.executable, "-m", "crmtool", "merge", KEEP, "p-unknown"],
                             cwd=people.root, env=env, capture_output=True, text=True)
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr


def test_a_withdrawal_on_the_duplicate_is_never_lost() -> None:
    from crmtool.edit.merge_fields import combine, same_entry
    from crmtool.edit.roundtrip import dump, loads
    kept = loads("consents:\n- {purpose: newsletter, given: 2025-03-01, channel: web-form}  # via de site\n")
    other = loads("consents:\n- {purpose: newsletter, given: 2025-03-01, channel: email, withdrawn: 2025-05-01}\n")
    combination = combine(kept.data, other.data, ["consents"], same_entry("NL"), lambda name: False)
    merged = dump(kept)
    assert "- {purpose: newsletter, given: 2025-03-01, channel: web-form, withdrawn: 2025-05-01}" in merged
    assert merged.count("- {") == 1 and merged.rstrip().endswith("# via de site")
    assert [c.field for c in combination.conflicts] == ["consents"]  # the channel differs: shown
    assert combination.conflicts[0].taken == "keep"


def test_phone_numbers_in_two_notations_are_one_number() -> None:
    from crmtool.edit.merge_fields import combine, same_entry
    from crmtool.edit.roundtrip import dump, loads
    kept = loads('phones:\n- {number: "+31 6 12345678", kind: mobile}\n')
    other = loads('phones:\n- {number: "06 12345678", kind: mobile}\n- {number: "036 5399999", kind: work}\n')
    combination = combine(kept.data, other.data, ["phones"], same_entry("NL"), lambda name: False)
    assert dump(kept) == 'phones:\n- {number: "+31 6 12345678", kind: mobile}\n- {number: "036 5399999", kind: work}\n'
    assert combination.conflicts == []


def test_a_field_left_out_has_the_schema_default() -> None:
    """No `status` is `active`: an inactive duplicate must not make the kept person inactive."""
    from crmtool.edit.merge_fields import combine, same_entry
    from crmtool.edit.roundtrip import dump, loads
    kept = loads("owner: public-affairs\n")
    other = loads("status: inactive\n")
    combination = combine(kept.data, other.data, ["status", "owner"], same_entry("NL"), lambda name: False,
                          {"status": "active"})
    assert dump(kept) == "owner: public-affairs\n"
    assert [(c.field, c.kept, c.duplicate, c.taken) for c in combination.conflicts] == [
        ("status", "active", "inactive", "keep")]


def test_inactive_since_comes_along_only_with_an_inactive_status() -> None:
    """An active kept person gets no `inactive_since` from an inactive duplicate; with
    `--take status` both come over."""
    from crmtool.edit.merge_fields import combine, same_entry
    from crmtool.edit.roundtrip import dump, loads
    duplicate = "status: inactive\ninactive_since: 2025-01-01\n"
    kept = loads("owner: public-affairs\n")
    combine(kept.data, loads(duplicate).data, ["owner", "status", "inactive_since"], same_entry("NL"),
            lambda name: False, {"status": "active"})
    assert dump(kept) == "owner: public-affairs\n"
    kept = loads("owner: public-affairs\n")
    combine(kept.data, loads(duplicate).data, ["owner", "status", "inactive_since"], same_entry("NL"),
            lambda name: name == "status", {"status": "active"})
    assert dump(kept) == "owner: public-affairs\nstatus: inactive\ninactive_since: 2025-01-01\n"
