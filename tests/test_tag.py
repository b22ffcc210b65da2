"""`crmtool tag`: tags added in the file's own order (new ones appended) or removed, on any
record type whose schema has `tags`; a tag the vocabulary does not know is refused with the
nearest known ones and nothing is written; nothing to do is not an error."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from crmtool.cli import cli
from crmtool.edit.base import Refused
from crmtool.edit.tag import tag
from crmtool.load.repo import Repository

from .conftest import TODAY
from .test_new import example_copy
from .test_stage import cooperative, passes

ENV = {"CRMTOOL_TODAY": "2026-11-24"}


@pytest.fixture
def coop(tmp_path) -> Path:
    return cooperative(tmp_path)


def run(root: Path, *args: str, code: int = 0):
    result = CliRunner().invoke(cli, ["tag", *args, "--root", str(root)], env=ENV)
    assert result.exit_code == code, result.output
    return result


def process(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crmtool", "tag", *args, "--root", str(root)],
                          capture_output=True, text=True, env={**os.environ, **ENV}, stdin=subprocess.DEVNULL)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "records").rglob("*.yaml")}


def tags_of(path: Path) -> list[str]:
    return yaml.safe_load(path.read_text(encoding="utf-8")).get("tags", [])


def test_new_tags_are_appended_and_the_rest_of_the_file_stays(coop):
    path = coop / "records" / "organisations" / "zonnewijk.yaml"
    before = path.read_text(encoding="utf-8").replace("tags: [partner]\n", "tags: [partner]  # sinds 2024\n")
    path.write_text(before, encoding="utf-8")
    result = run(coop, "zonnewijk", "pers", "partner", "onderwijs")
    assert "Added to zonnewijk: pers, onderwijs." in result.output
    assert "Already there, so unchanged: partner." in result.output
    # the end-of-line comment stays on its line; pushed right by the longer list, one space before it
    expected = before.replace("tags: [partner]  #", "tags: [partner, pers, onderwijs] #")
    assert path.read_text(encoding="utf-8") == expected
    passes(coop, path)


def test_removing_keeps_the_order_and_the_last_tag_takes_the_key_with_it(coop):
    path = coop / "records" / "people" / "p-vyjjn4.yaml"
    run(coop, "p-vyjjn4", "vrijwilliger", "klant")
    assert tags_of(path) == ["buurt-brugse-poort", "vrijwilliger", "klant"]
    result = run(coop, "p-vyjjn4", "vrijwilliger", "pers", "--remove")
    assert "Removed from p-vyjjn4: vrijwilliger." in result.output and "Not there, so unchanged: pers." in result.output
    assert tags_of(path) == ["buurt-brugse-poort", "klant"]
    passes(coop, path)
    run(coop, "p-vyjjn4", "buurt-brugse-poort", "klant", "--remove")
    text = path.read_text(encoding="utf-8")
    assert "tags" not in text and "notes:\n  - {date: 2026-11-20" in text
    passes(coop, path)


def test_a_record_without_tags_gets_them_where_the_schema_puts_them_with_comments_kept(coop):
    path = coop / "records" / "people" / "p-aaaaaa.yaml"
    original = ("# yaml-language-server: $schema=../../../../schemas/person.schema.json\n"
                "name: {given: Test, family: Fictief}\n"
                "emails:\n"
                "  - address: test.fictief@example.org\n"
                "    kind: private\n"
                "purposes:\n"
                "  - {purpose: contacts, since: 2026-11-20, source: contact-request}\n"
                "# team coördinatie volgt op\n"
                "owner: coordination\n"
                "status: active\n")
    path.write_text(original, encoding="utf-8")
    run(coop, "p-aaaaaa", "vrijwilliger")
    assert path.read_text(encoding="utf-8") == original.replace(
        "# team coördinatie", "tags: [vrijwilliger]\n# team coördinatie")
    passes(coop, path)
    run(coop, "p-aaaaaa", "vrijwilliger", "--remove")
    assert path.read_text(encoding="utf-8") == original


def test_unknown_tags_are_refused_with_the_nearest_known_ones_and_nothing_is_written(coop):
    before = snapshot(coop)
    result = run(coop, "p-vyjjn4", "vrijwilliger", "vrijwillger", "Pers", code=1)
    assert ("records/people/p-vyjjn4.yaml: 'vrijwillger' (did you mean vrijwilliger?), 'Pers' (did you mean pers?) "
            "not in the tags vocabulary (records/vocabularies/tags.yaml); nothing was changed.") in result.output
    assert snapshot(coop) == before
    result = run(coop, "p-vyjjn4", "Press", code=1)  # the English label leads to the id
    assert "'Press' (did you mean pers?)" in result.output


def test_contact_moments_and_requests_have_tags_too(coop):
    interaction = next((coop / "records" / "interactions").rglob("*.yaml"))
    run(coop, interaction.stem, "pers")
    assert "pers" in tags_of(interaction)
    run(coop, "rq-2026-039", "partner")
    request = coop / "records" / "requests" / "rq-2026-039.yaml"
    assert tags_of(request) == ["partner"]
    passes(coop, interaction, request)


def test_without_a_vocabulary_any_well_formed_tag_is_taken(tmp_path):
    root = example_copy(tmp_path)
    assert not (root / "records" / "vocabularies" / "tags.yaml").exists()
    run(root, "gemeente-almere", "energy-transition", "g40")
    assert tags_of(root / "records" / "organisations" / "gemeente-almere.yaml")[-2:] == ["energy-transition", "g40"]
    before = snapshot(root)
    result = run(root, "gemeente-almere", "Energy Transition", code=2)
    assert "TAG: 'Energy Transition' is not valid here" in result.output and snapshot(root) == before


def test_a_person_whose_purposes_do_not_allow_tags_is_refused(tmp_path):
    root = example_copy(tmp_path)
    before = snapshot(root)
    result = run(root, "p-u9za5m", "newsletter", code=1)
    assert "none of this person's purposes (newsletter, data-subject-rights) allows tags" in result.output
    assert snapshot(root) == before


def test_nothing_to_do_writes_nothing_and_is_no_error(coop):
    before = snapshot(coop)
    result = run(coop, "zonnewijk", "partner")
    assert "Already there, so unchanged: partner." in result.output and "Nothing was written." in result.output
    result = run(coop, "zonnewijk", "pers", "--remove")
    assert "Not there, so unchanged: pers." in result.output
    assert snapshot(coop) == before


@pytest.mark.parametrize("args, message", [
    (["zonnewijk"], "Missing argument 'TAG...'"),
    (["zonnewijk", " "], "TAG: name at least one tag."),
    (["zonnewyk", "pers"], "Did you mean zonnewijk?"),
    (["records/staff/jef.yaml", "pers"], "is not a record `crmtool tag` changes; it changes records in: people, "
                                         "organisations, requests, interactions."),
])
def test_usage_errors_exit_2_and_change_nothing(coop, args, message):
    before = snapshot(coop)
    result = run(coop, *args, code=2)
    assert message in result.output and "Traceback" not in result.output
    assert snapshot(coop) == before


def test_dry_run_and_json(coop):
    before = snapshot(coop)
    assert "tags: [partner, pers]\n" in run(coop, "zonnewijk", "pers", "--dry-run").stdout
    data = json.loads(run(coop, "zonnewijk", "pers", "partner", "--dry-run", "--format", "json").stdout)
    assert data == {"record": "zonnewijk", "path": "records/organisations/zonnewijk.yaml", "remove": False,
                    "changed": ["pers"], "unchanged": ["partner"], "tags": ["partner", "pers"], "dry_run": True,
                    "recovered": []}
    assert snapshot(coop) == before


def test_the_core_takes_plain_values_and_raises_what_a_form_can_show(coop):
    done = tag(Repository(coop), "zonnewijk", ["pers"], TODAY)
    assert (done.changed, done.unchanged, done.tags) == (["pers"], [], ["partner", "pers"])
    done = tag(Repository(coop), "zonnewijk", ["pers"], TODAY, remove=True)
    assert done.tags == ["partner"]
    with pytest.raises(Refused, match="did you mean onderwijs"):
        tag(Repository(coop), "zonnewijk", ["onderwys"], TODAY)


def test_dutch_messages_in_a_dutch_repository(tmp_path):
    root = cooperative(tmp_path, english=False)
    done = process(root, "zonnewijk", "pres")
    assert done.returncode == 1
    assert done.stderr.startswith("Fout: records/organisations/zonnewijk.yaml: 'pres' (bedoel je pers?) staat niet "
                                  "in de lijst met labels (records/vocabularies/tags.yaml); er is niets gewijzigd.")
    done = process(root, "zonnewijk", "pers", "partner")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ("Toegevoegd aan zonnewijk: pers.\nStond er al, dus ongewijzigd: partner.\n"
                           "Geschreven: records/organisations/zonnewijk.yaml\n")


def test_real_processes_exit_0_1_and_2(coop):
    path = coop / "records" / "organisations" / "zonnewijk.yaml"
    done = process(coop, "zonnewijk", "pers")
    assert done.returncode == 0, done.stderr
    assert tags_of(path) == ["partner", "pers"]
    before = snapshot(coop)
    for args, status in ((["zonnewijk", "prs"], 1), (["zonnewijk"], 2), (["nergens", "pers"], 2),
                         (["zonnewijk", "pers", "--no-such-option"], 2)):
        done = process(coop, *args)
        assert done.returncode == status, (args, done.stderr)
        assert "Traceback" not in done.stderr and snapshot(coop) == before
