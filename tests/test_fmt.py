"""crmtool fmt: one canonical layout, comments kept, data never changed."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from crmtool.cli import cli
from crmtool.edit.fmt import Refused, canonical, first_difference
from crmtool.load.document import load_document
from crmtool.load.repo import FOLDERS, Repository, record_of
from crmtool.load.schema import SchemaSet

from .conftest import PROJECT, git

SCHEMAS = SchemaSet(PROJECT / "schemas")
PERSON = "records/people/p-x7k2m9.yaml"
SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/person.schema.json\n"


def person(body: str) -> str:
    """The canonical text of a person record whose body is `body` (with the $schema line)."""
    return canonical(SCHEMA_LINE + body, PERSON, "person", SCHEMAS, "../../schemas/person.schema.json")


def data(text: str):
    document = load_document("x.yaml", text.encode("utf-8"))
    assert document.loaded and not document.problems
    return document.data


@pytest.fixture
def repo(example_git_repo: Repository) -> Repository:
    """The shipped records in git (with the schemas that ship with crmtool)."""
    return example_git_repo


def run(root: Path, *args: str):
    return CliRunner().invoke(cli, ["fmt", "--root", str(root), *args])


# -- each canonicalisation on its own ---------------------------------------------------------

def test_keys_follow_the_schema_order_and_unknown_keys_come_last():
    text = person("owner: public-affairs\nzz_unknown: 1\nstatus: active\nname: {family: Jansen}\n")
    assert text == SCHEMA_LINE + "name: {family: Jansen}\nowner: public-affairs\nstatus: active\nzz_unknown: 1\n"


def test_nested_block_mappings_and_list_items_are_ordered_too():
    text = person("name:\n  family: Jansen\n  given: Jan\npurposes:\n- source: public-register\n"
                  "  since: 2024-05-14\n  purpose: office-holders\n")
    assert text == SCHEMA_LINE + ("name:\n  given: Jan\n  family: Jansen\npurposes:\n- purpose: office-holders\n"
                                  "  since: 2024-05-14\n  source: public-register\n")


def test_flow_maps_stay_flow_with_their_keys_ordered():
    text = person("name: {family: Jansen, given: Jan}\nemails: [{kind: work, address: j@example.org}]\n")
    assert text == SCHEMA_LINE + "name: {given: Jan, family: Jansen}\nemails: [{address: j@example.org, kind: work}]\n"


def test_comments_travel_with_the_key_below_them():
    text = person("owner: public-affairs  # the team\n# who this is\nname:\n  # family first\n"
                  "  family: Jansen\n  given: Jan\n# end of the file\n")
    assert text == SCHEMA_LINE + ("# who this is\nname:\n  given: Jan\n  # family first\n  family: Jansen\n"
                                  "owner: public-affairs  # the team\n# end of the file\n")


def test_a_phone_number_that_yaml_1_2_reads_as_a_number_is_quoted():
    text = person("name: {family: J}\nphones: [{number: 0612345678, kind: mobile}]\n")
    assert 'number: "0612345678"' in text
    assert data(text) == data(SCHEMA_LINE + "name: {family: J}\nphones: [{number: 0612345678, kind: mobile}]\n")


def test_text_that_yaml_1_2_reads_as_a_number_is_quoted():
    text = person("name: {family: J}\nnotes: [{date: 2026-01-01, by: anna, text: 1e3}]\n")
    assert 'text: "1e3"' in text


def test_no_read_as_a_boolean_is_left_as_written():
    """Quoting it would change what the check reads (False to "no"): Y005 asks a person."""
    body = "name: {family: J}\naddresses: [{kind: postal, city: Oslo, country: NO}]\n"
    text = person(body)
    assert "country: NO}" in text
    assert data(text) == data(SCHEMA_LINE + body)


def test_no_written_in_quotes_stays_quoted():
    text = person("name: {family: J}\naddresses: [{kind: postal, city: Oslo, country: 'NO'}]\n")
    assert "country: 'NO'" in text


def test_a_quoted_date_in_a_date_field_becomes_a_date():
    text = person('name: {family: J}\npurposes:\n- {purpose: newsletter, since: "2024-05-14"}\n')
    assert "since: 2024-05-14}" in text


def test_a_date_in_a_text_field_is_quoted():
    text = person("name: {family: J}\nnotes: [{date: 2024-05-14, by: anna, text: 2024-05-14}]\n")
    assert 'notes: [{date: 2024-05-14, by: anna, text: "2024-05-14"}]' in text


def test_text_with_a_colon_and_space_is_quoted_in_a_flow_map_only_where_needed():
    text = person("name: {family: J}\nnotes:\n- date: 2024-05-14\n  by: anna\n  text: Gebeld, daarna gemaild\n")
    assert "  text: Gebeld, daarna gemaild\n" in text  # a comma is fine outside a flow map


def test_the_schema_comment_is_added_first():
    text = canonical("name: {family: J}\n", PERSON, "person", SCHEMAS, "../../schemas/person.schema.json")
    assert text == SCHEMA_LINE + "name: {family: J}\n"


def test_the_schema_comment_is_moved_to_the_first_line():
    text = canonical("# Jan, met de hand gemaakt\n" + SCHEMA_LINE + "name: {family: J}\n", PERSON, "person",
                     SCHEMAS, "../../schemas/person.schema.json")
    assert text == SCHEMA_LINE + "# Jan, met de hand gemaakt\nname: {family: J}\n"


def test_indentation_line_ends_and_trailing_spaces():
    text = person("name:\r\n    family: J   \r\nowner: x\r\n\r\n\r\n")
    assert text == SCHEMA_LINE + "name:\n  family: J\nowner: x\n"


def test_the_file_s_own_dash_position_is_kept():
    under = "name: {family: J}\ntags:\n- a\n- b\n"
    indented = "name: {family: J}\ntags:\n  - a\n  - b\n"
    assert person(under) == SCHEMA_LINE + under
    assert person(indented) == SCHEMA_LINE + indented


def test_literal_blocks_keep_their_lines_and_trailing_spaces():
    body = "name: {family: J}\nnotes:\n- date: 2026-01-01\n  by: anna\n  text: |\n    eerste  \n    # geen commentaar\n"
    assert data(person(body)) == data(SCHEMA_LINE + body)
    assert "    eerste  \n    # geen commentaar\n" in person(body)


def test_a_key_with_a_comment_still_has_its_block_ordered():
    text = person("name:  # as on the ballot\n  family: Jansen\n  given: Jan\n")
    assert text == SCHEMA_LINE + "name:  # as on the ballot\n  given: Jan\n  family: Jansen\n"


def test_a_comment_inside_a_flow_map_is_never_lost():
    """ruamel.yaml drops comments inside [...] and {...}: fmt refuses rather than lose one."""
    with pytest.raises(Refused) as refused:
        person("name: {family: Jansen,  # maiden name\n  given: Jan}\n")
    assert "comment" in refused.value.finding.message


# -- refusing what the check refuses ----------------------------------------------------------

@pytest.mark.parametrize("body, rule, line", [
    ("name: {family: J}\nname: {family: K}\n", "Y002", 3),
    ("name: &n {family: J}\nowner: *n\n", "Y003", 2),
    ("name: !person {family: J}\n", "Y004", 2),
    ("name: {family: J\n", "Y001", 3),
])
def test_a_file_the_check_refuses_is_not_rewritten(body, rule, line):
    with pytest.raises(Refused) as refused:
        person(body)
    assert refused.value.finding.rule == rule
    assert refused.value.finding.line == line


# -- properties over the shipped records ------------------------------------------------------

def _shipped() -> list[tuple[Path, str]]:
    found = []
    for base in (PROJECT, PROJECT / "examples" / "cooperative"):
        for path in sorted((base / "records").rglob("*.yaml")):
            found.append((base, path.relative_to(base).as_posix()))
    return found


@pytest.mark.parametrize("base, rel", _shipped(), ids=lambda v: v if isinstance(v, str) else "")
def test_shipped_records_are_canonical_and_formatting_is_idempotent(base, rel):
    record_type = FOLDERS[record_of(rel)[0]]
    text = (base / rel).read_text(encoding="utf-8")
    messy = text.replace("\n", "\r\n").replace("# yaml-language-server: ", "#yaml-language-server:  ")
    assert canonical(text, rel, record_type, SCHEMAS, "../../schemas/x.json") == text
    once = canonical(messy, rel, record_type, SCHEMAS, "../../schemas/x.json")
    assert once == text
    assert data(once) == data(text)


def test_first_difference_names_line_and_column():
    assert first_difference("a: 1\nb: 2\n", "a: 1\nb: 3\n") == (2, 4)
    assert first_difference("a: 1\n", "a: 1\nb: 2\n") == (2, 1)


# -- the command -----------------------------------------------------------------------------

def test_check_passes_on_the_shipped_records():
    for root in (PROJECT, PROJECT / "examples" / "cooperative"):
        result = CliRunner().invoke(cli, ["fmt", "--check", "--root", str(root)])
        assert result.exit_code == 0, result.output
        assert result.output == ""


def test_check_lists_the_files_and_writes_nothing(repo):
    path = repo.root / "records/people/p-wcs32y.yaml"
    old = path.read_text()
    path.write_text(old.replace("owner: public-affairs\n", "") + "owner: public-affairs\n")
    before = path.read_bytes()
    result = run(repo.root, "--check")
    assert result.exit_code == 1
    assert result.output.startswith("records/people/p-wcs32y.yaml:7:1: ")
    assert "crmtool fmt records/people/p-wcs32y.yaml" in result.output
    assert path.read_bytes() == before


def test_fmt_writes_every_changed_file_and_names_it(repo):
    moved = repo.root / "records/people/p-wcs32y.yaml"
    moved.write_text(moved.read_text().replace("owner: public-affairs\n", "") + "owner: public-affairs\n")
    quoted = repo.root / "records/roles/r-almere-griffier-2019.yaml"
    quoted.write_text(quoted.read_text().replace("start: 2019-01-01", 'start: "2019-01-01"'))
    result = run(repo.root)
    assert result.exit_code == 0, result.output
    assert sorted(line.split(":")[0] for line in result.output.splitlines()) == [
        "records/people/p-wcs32y.yaml", "records/roles/r-almere-griffier-2019.yaml"]
    assert git(repo.root, "status", "--porcelain") == ""  # back to the committed bytes exactly
    assert run(repo.root, "--check").exit_code == 0


def test_a_broken_file_is_reported_and_the_others_still_formatted(repo):
    broken = repo.root / "records/people/p-2n3qp7.yaml"
    broken.write_text(broken.read_text() + "owner: privacy\n")
    other = repo.root / "records/people/p-wcs32y.yaml"
    other.write_text(other.read_text().replace("owner: public-affairs\n", "") + "owner: public-affairs\n")
    result = run(repo.root)
    assert result.exit_code == 1
    assert "records/people/p-2n3qp7.yaml:9:1: error Y002" in result.output
    assert "records/people/p-wcs32y.yaml:7:1:" in result.output
    assert broken.read_text().endswith("owner: privacy\n")
    assert git(repo.root, "status", "--porcelain") == " M records/people/p-2n3qp7.yaml\n"


def test_paths_may_name_files_and_folders(repo):
    other = repo.root / "records/people/p-wcs32y.yaml"
    other.write_text(other.read_text().replace("owner: public-affairs\n", "") + "owner: public-affairs\n")
    assert run(repo.root, "--check", str(repo.root / "records/roles")).exit_code == 0
    assert run(repo.root, "--check", str(other)).exit_code == 1
    assert run(repo.root, "--check", str(repo.root / "records/people")).exit_code == 1


def test_a_path_that_is_not_a_record_is_bad_usage(repo):
    result = run(repo.root, "--check", str(repo.root / "crmtool.yaml"))
    assert result.exit_code == 2
    assert "crmtool.yaml" in result.output
    assert run(repo.root, str(repo.root / "nothing-here")).exit_code == 2


def test_json_output(repo):
    other = repo.root / "records/people/p-wcs32y.yaml"
    other.write_text(other.read_text().replace("owner: public-affairs\n", "") + "owner: public-affairs\n")
    result = run(repo.root, "--check", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["not_canonical"] == [{"path": "records/people/p-wcs32y.yaml", "line": 7, "column": 1}]
    assert report["broken"] == [] and report["written"] == []


def test_a_second_run_reads_canonical_files_from_the_cache(repo, monkeypatch):
    assert run(repo.root, "--check").exit_code == 0
    assert (repo.root / "build/fmt-cache.sqlite").is_file()
    import crmtool.edit.fmt as module

    def fail(*args, **kwargs):
        raise AssertionError("a cached file was formatted again")
    monkeypatch.setattr(module, "canonical", fail)
    assert run(repo.root, "--check").exit_code == 0


def test_a_real_subprocess(repo):
    other = repo.root / "records/people/p-wcs32y.yaml"
    other.write_text(other.read_text().replace("owner: public-affairs\n", "") + "owner: public-affairs\n")
    done = subprocess.run([sys.executable, "-m", "crmtool", "fmt", "--check", "records/people"],
                          cwd=repo.root, capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stdout.startswith("records/people/p-wcs32y.yaml:7:1: ")
    assert "Traceback" not in done.stderr
    done = subprocess.run([sys.executable, "-m", "crmtool", "fmt"], cwd=repo.root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert git(repo.root, "status", "--porcelain") == ""


def test_an_edit_the_check_would_refuse_is_not_written(repo, monkeypatch):
    """A bug caught by the check's rules before writing: that file is reported, the others written."""
    from crmtool.edit import base as edits
    for name in ("p-wcs32y", "p-2n3qp7"):
        path = repo.root / f"records/people/{name}.yaml"
        lines = path.read_text().splitlines(keepends=True)
        owner = next(line for line in lines if line.startswith("owner:"))
        path.write_text("".join(line for line in lines if line != owner) + owner)

    def verify(repo_, schemas, config, path, old, new):
        if "p-wcs32y" in path:
            raise edits.Refused("would not pass the check")
    monkeypatch.setattr(edits, "verify", verify)
    result = run(repo.root)
    assert result.exit_code == 1
    assert "records/people/p-wcs32y.yaml:1:1: error fmt would not pass the check" in result.output
    assert "records/people/p-2n3qp7.yaml:" in result.output
    assert git(repo.root, "status", "--porcelain") == " M records/people/p-wcs32y.yaml\n"


def test_a_double_quoted_key_is_read_by_yaml_rules():
    """The key finder decoded escapes with Python's unicode_escape, which reads `\\e` wrongly
    and turns 'é' into 'Ã©' (found by tests/test_fuzz.py's DeprecationWarning)."""
    from crmtool.edit.fmt_order import _key_at
    assert _key_at('"café\\e": 1', 0) == "café\x1b"
    assert _key_at('"a\\tb": 1', 0) == "a\tb"
    assert _key_at('"naïve": 1', 0) == "naïve"
