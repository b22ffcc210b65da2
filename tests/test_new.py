"""`crmtool new TYPE`: free ids as the repository names its records, values that cannot
break the YAML, the `$schema` line, the check right after writing, the questions in a
terminal (driven through stdin) and the refusals that write nothing."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from crmtool.cli import cli
from crmtool.edit.new import yaml_value

from .conftest import PROJECT

ENV = {"CRMTOOL_TODAY": "2026-11-24"}


def in_english(root: Path) -> Path:
    """The messages these tests read are English; the examples speak Dutch."""
    config = root / "crmtool.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: nl", "language: en"), encoding="utf-8")
    return root


def example_copy(tmp_path: Path) -> Path:
    """The shipped example records (the association), without git, in English."""
    root = tmp_path / "repo"
    shutil.copytree(PROJECT / "records", root / "records")
    shutil.copy(PROJECT / "crmtool.yaml", root / "crmtool.yaml")
    return in_english(root)


@pytest.fixture
def root(tmp_path) -> Path:
    return example_copy(tmp_path)


@pytest.fixture
def coop(tmp_path) -> Path:
    root = tmp_path / "coop"
    shutil.copytree(PROJECT / "examples" / "cooperative", root, ignore=shutil.ignore_patterns("build"))
    return in_english(root)


def new(root: Path, *args: str, code: int = 0, stdin: str | None = None):
    interactive = ["--interactive"] if stdin is not None else ["--no-interactive"]
    result = CliRunner().invoke(cli, ["new", *args, "--root", str(root), *interactive], input=stdin, env=ENV)
    assert result.exit_code == code, result.output
    return result


def written(root: Path, result) -> tuple[str, dict]:
    """The path the command reports, and the record in it."""
    line = next(line for line in result.stdout.splitlines() if line.startswith("Written: "))
    path = line.split(": ", 1)[1]
    return path, yaml.safe_load((root / path).read_text(encoding="utf-8"))


def files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in (root / "records").rglob("*.yaml")}


def test_a_new_person_has_an_opaque_id_a_purpose_label_and_passes_the_check(root):
    result = new(root, "person", "--given", "Jan", "--family", "Jansen", "--email", "j.jansen@example.org",
                 "--purpose", "office-holders", "--source", "public-register", "--notified", "2026-11-24",
                 "--owner", "public-affairs")
    path, record = written(root, result)
    assert path.startswith("records/people/p-") and "jan" not in path and "jansen" not in path
    text = (root / path).read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../../schemas/person.schema.json"
    assert record["name"] == {"given": "Jan", "prefix": "", "family": "Jansen"}
    assert record["purposes"] == [{"purpose": "office-holders", "since": dt.date(2026, 11, 24),
                                   "source": "public-register", "notified": dt.date(2026, 11, 24)}]
    check = CliRunner().invoke(cli, ["check", "--root", str(root), str(root / path)], env=ENV)
    assert check.exit_code == 0, check.output


def test_a_consent_based_purpose_needs_the_channel_and_records_the_consent(root):
    result = new(root, "person", "--family", "Visser", "--purpose", "newsletter", "--source", "self-registration",
                 code=2)
    assert "--consent-channel" in result.output
    result = new(root, "person", "--family", "Visser", "--purpose", "newsletter", "--source", "self-registration",
                 "--consent-channel", "web-form")
    _, record = written(root, result)
    assert record["consents"][0]["purpose"] == "newsletter" and record["consents"][0]["channel"] == "web-form"
    assert "wording" in record["consents"][0]


@pytest.mark.parametrize("family", ["no", "0612345678", "a: b, c", "# not a comment", "{x}", "it's \"quoted\"",
                                    "two\nlines", "2026-01-01", "ends with:", "Çelik-Öztürk"])
def test_user_text_cannot_change_the_structure_or_type_of_the_record(root, family):
    before = files(root)
    result = new(root, "person", "--family", family, "--given", "Ann", "--purpose", "office-holders",
                 "--source", "public-register", "--phone", "0612345678", "--dry-run")
    record = yaml.safe_load(result.stdout)
    assert record["name"]["family"] == family
    assert record["phones"] == [{"number": "0612345678"}]
    assert files(root) == before


def test_the_yaml_filter_quotes_exactly_what_needs_it():
    assert yaml_value("gemeente-almere") == "gemeente-almere"
    # double quotes, as `crmtool fmt` adds them (crmtool/load/scalars.py decides for both)
    assert yaml_value("no") == '"no"'
    assert yaml_value("0612345678") == '"0612345678"'
    assert yaml_value("1e3") == '"1e3"'
    assert yaml_value("2026-01-01") == '"2026-01-01"'
    assert yaml_value(["a", "b, c"]) == '[a, "b, c"]'
    assert yaml_value("+31 6 12345678", quote=True) == '"+31 6 12345678"'
    assert yaml_value(True) == "true"


def test_dry_run_writes_nothing(root):
    before = files(root)
    result = new(root, "organisation", "--name", "Gemeente Dronten", "--kind", "municipality", "--dry-run")
    assert result.stdout.startswith("# yaml-language-server: $schema=../../schemas/organisation.schema.json\n")
    assert yaml.safe_load(result.stdout) == {"name": "Gemeente Dronten", "kind": "municipality"}
    assert files(root) == before


def test_a_missing_required_value_names_its_flag_and_writes_nothing(root):
    before = files(root)
    result = new(root, "person", "--given", "Jan", "--purpose", "office-holders", "--source", "public-register",
                 code=2)
    assert "--family" in result.output and "Traceback" not in result.output
    result = new(root, "role", "--organisation", "gemeente-almere-raad", "--function", "raadslid", code=2)
    assert "--person" in result.output
    assert files(root) == before


@pytest.mark.parametrize("args, message", [
    (["--kind", "gemeentje"], "--kind: 'gemeentje' is not one of"),
    (["--kind", "municipality", "--parent", "gemeente-almeer"], "Did you mean gemeente-almere"),
    (["--kind", "municipality", "--id", "Gemeente_X"], "--id: 'Gemeente_X' is not a valid id"),
    (["--kind", "municipality", "--id", "gemeente-almere"], "records/organisations/gemeente-almere.yaml"),
])
def test_wrong_values_are_usage_errors(root, args, message):
    result = new(root, "organisation", "--name", "Testgemeente", *args, code=2)
    assert message in result.output


def test_organisations_are_found_by_name_and_get_a_free_slug(root):
    result = new(root, "organisation", "--name", "Gemeente Almere", "--kind", "municipality",
                 "--parent", "G40-stedennetwerk", "--dry-run")
    assert yaml.safe_load(result.stdout)["parent"] == "g40"
    result = new(root, "organisation", "--name", "Gemeente Almere", "--kind", "municipality")
    path, _ = written(root, result)
    assert path == "records/organisations/gemeente-almere-2.yaml"


def test_role_ids_follow_the_shipped_names(root):
    result = new(root, "role", "--person", "p-2n3qp7",
                 "--organisation", "College van burgemeester en wethouders Almere",
                 "--function", "wethouder", "--start", "2026-05-07", "--portfolio", "milieu")
    path, record = written(root, result)
    assert path == "records/roles/r-almere-wethouder-2026-c.yaml"  # -a and -b are taken
    assert record["organisation"] == "gemeente-almere-college" and record["portfolio"] == ["milieu"]
    result = new(root, "role", "--person", "p-2n3qp7", "--organisation", "gemeente-utrecht-college",
                 "--function", "burgemeester", "--start", "2026-06-01", "--public", "--dry-run")
    assert "records/roles" not in result.output and yaml.safe_load(result.stdout)["public"] is True
    result = new(root, "role", "--person", "p-2n3qp7", "--organisation", "gemeente-utrecht-college",
                 "--function", "wethouder", "--start", "2025-06-01", "--end", "2026-03-31")
    path, record = written(root, result)
    assert path == "records/roles/r-utrecht-wethouder-2025.yaml" and record["public"] is False
    # a committee of the association is named by itself, as r-vgn-commissie-milieu-lid-2026-a is
    path, _record = written(root, new(root, "role", "--person", "p-2n3qp7", "--organisation", "vgn-commissie-milieu",
                                      "--function", "lid", "--start", "2027-01-01"))
    assert path == "records/roles/r-vgn-commissie-milieu-lid-2027.yaml"


def test_request_ids_are_numbered_per_prefix_as_the_repository_does(root, coop):
    result = new(root, "request", "--kind", "question", "--topic", "care", "--title", "Zorg: wat nu?")
    path, record = written(root, result)
    assert path == "records/requests/q-2026-0020.yaml"
    assert record["stage"] == "received" and record["assignee"] == "bram" and record["owner"] == "member-services"
    assert record["history"][0]["assignee"] == "bram" and "routing" in record["history"][0]["note"].lower()
    assert "Bram Hoekstra (bram)" in result.stdout
    path, record = written(root, new(root, "request", "--kind", "access", "--from-organisation", "gemeente-almere"))
    assert path == "records/requests/dsr-2026-0004.yaml" and record["assignee"] == "eline"
    path, _ = written(coop, new(coop, "request", "--kind", "question", "--topic", "general"))
    assert path == "records/requests/rq-2026-043.yaml"


def test_a_request_without_a_proposal_is_written_without_assignee_and_w003_says_so(root):
    result = new(root, "request", "--kind", "question", "--received", "2026-11-20")
    path, record = written(root, result)
    assert "assignee" not in record and "choose an assignee yourself" in result.stdout
    assert "W003" in result.stdout


def test_interactions_go_under_their_year(root):
    result = new(root, "interaction", "--date", "2025-12-01", "--kind", "call", "--purpose", "office-holders",
                 "--summary", "Telefoon over de warmtenet-pilot in Lelystad", "--person", "p-2n3qp7",
                 "--staff", "anna")
    path, record = written(root, result)
    assert re.fullmatch(r"records/interactions/2025/i-2025-12-01-[2-9a-km-np-z]{4}\.yaml", path), path
    assert (root / path).read_text().startswith(
        "# yaml-language-server: $schema=../../../schemas/interaction.schema.json")
    assert record["people"] == ["p-2n3qp7"] and record["staff"] == ["anna"]


def test_an_error_finding_leaves_the_file_for_staff_to_fix_and_exits_1(root):
    result = new(root, "person", "--family", "Jansen", "--email", "not an address", "--purpose", "office-holders",
                 "--source", "public-register", code=1)
    path, _ = written(root, result)
    assert (root / path).exists()
    assert "ERROR" in result.stdout and path in result.stdout
    assert "The file stays" in result.output


def test_a_repositorys_own_template_wins_and_unsafe_yaml_is_refused(root):
    own = root / "templates" / "new"
    own.mkdir(parents=True)
    (own / "organisation.yaml").write_text("# own template\nname: {{ name | yaml }}\nkind: {{ kind | yaml }}\n"
                                           "owner: communications\n")
    result = new(root, "organisation", "--name", "Eigen", "--kind", "municipality", "--dry-run")
    assert result.stdout.startswith("# own template\n") and "owner: communications" in result.stdout
    (own / "organisation.yaml").write_text("name: &n {{ name | yaml }}\nshort_name: *n\nkind: {{ kind | yaml }}\n")
    before = files(root)
    result = new(root, "organisation", "--name", "Eigen", "--kind", "municipality", code=2)
    assert "not safe YAML" in result.output and "templates/new/organisation.yaml" in result.output
    assert files(root) == before


def test_the_questions_in_a_terminal(root):
    answers = "\n".join(["Piet", "Klaas", "p.klaas@example.org, piet@example.org", "member-services",
                         "contact-request", "public-affairs"]) + "\n"
    result = new(root, "person", stdin=answers)
    path, record = written(root, result)
    assert [e["address"] for e in record["emails"]] == ["p.klaas@example.org", "piet@example.org"]
    assert record["name"]["family"] == "Klaas" and record["purposes"][0]["source"] == "contact-request"
    assert record["owner"] == "public-affairs"
    assert "business-card" in result.output  # the chosen purpose's sources were offered


def test_a_wrong_answer_is_asked_again(root):
    answers = "\n".join(["question", "", "", "", "", "Gemeente Nergens", "Gemeente Lelystad", "safety", "",
                         ""]) + "\n"
    result = new(root, "request", "--dry-run", stdin=answers)
    assert "there is no 'Gemeente Nergens'" in result.output
    record = yaml.safe_load(result.stdout[result.stdout.index("# yaml-language-server"):])
    assert record["from"] == {"organisation": "gemeente-lelystad"}
    assert record["assignee"] == "anna"  # proposed by routing (gijs handles safety too, but is inactive)


def test_the_terminal_path_through_a_real_process(root):
    answers = "\n".join(["2026-11-23", "meeting", "Kennismaking met de griffie", "office-holders",
                         "p-2n3qp7", "anna, daan"]) + "\n"
    done = subprocess.run([sys.executable, "-m", "crmtool", "new", "interaction", "--root", str(root),
                           "--interactive"], input=answers, capture_output=True, text=True,
                          env={**os.environ, **ENV}, cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    [path] = (root / "records" / "interactions" / "2026").glob("i-2026-11-23-*.yaml")
    assert yaml.safe_load(path.read_text())["staff"] == ["anna", "daan"]
    done = subprocess.run([sys.executable, "-m", "crmtool", "new", "person", "--root", str(root)],
                          input="", capture_output=True, text=True, env={**os.environ, **ENV}, cwd=root)
    assert done.returncode == 2 and "--family" in done.stderr and "Traceback" not in done.stderr


def test_new_records_are_already_in_the_canonical_layout(root):
    if "fmt" not in cli.commands:
        pytest.skip("crmtool fmt is not part of this build")
    paths = [written(root, new(root, *args))[0] for args in (
        ("person", "--given", "Jan", "--family", "Jansen", "--email", "j@example.org", "--phone", "+31 6 12345678",
         "--purpose", "office-holders", "--source", "public-register", "--owner", "public-affairs"),
        ("organisation", "--name", "Gemeente Dronten", "--kind", "municipality", "--province", "flevoland",
         "--short-name", "Dronten", "--parent", "vgn", "--website", "https://dronten.example.nl"),
        ("role", "--person", "p-2n3qp7", "--organisation", "gemeente-almere-college", "--function", "wethouder",
         "--start", "2026-05-07", "--portfolio", "milieu", "--party", "partij-vvd"),
        ("request", "--kind", "question", "--title", "Vraag: zorg", "--channel", "email", "--from-organisation",
         "gemeente-almere", "--topic", "care", "--follow-up", "2026-12-01", "--by", "anna"),
        ("interaction", "--kind", "call", "--summary", "Bel", "--purpose", "office-holders", "--person", "p-2n3qp7",
         "--staff", "anna", "--owner", "public-affairs"))]
    result = CliRunner().invoke(cli, ["fmt", "--check", "--root", str(root), *(str(root / p) for p in paths)], env=ENV)
    assert result.exit_code == 0, result.output


def test_a_new_record_is_laid_out_as_its_neighbours(root, coop):
    """The association puts list dashes under the key, the cooperative indents them: a new
    person looks like the files next to it, and `fmt --check` has nothing to say."""
    args = ("person", "--given", "Test", "--family", "Fictief", "--email", "test.fictief@example.org",
            "--purpose", "office-holders", "--source", "public-register")
    path, _record = written(root, new(root, *args))
    text = (root / path).read_text(encoding="utf-8")
    assert "\nemails:\n- {address: test.fictief@example.org" in text
    assert "\npurposes:\n- {purpose: office-holders" in text
    purpose, source = "contacts", yaml.safe_load(
        (coop / "records/purposes/contacts.yaml").read_text(encoding="utf-8"))["sources"][0]
    path, _record = written(coop, new(coop, "person", "--given", "Test", "--family", "Fictief",
                                      "--email", "test.fictief@example.org", "--purpose", purpose,
                                      "--source", source if isinstance(source, str) else source["id"]))
    assert "\nemails:\n  - {address: test.fictief@example.org" in (coop / path).read_text(encoding="utf-8")
    for repo in (root, coop):
        assert CliRunner().invoke(cli, ["fmt", "--check", "--root", str(repo)]).exit_code == 0


def test_no_free_text_reaches_the_id_of_an_interaction_or_a_request(root):
    """Issue 15: `new interaction` made the file name from the summary, so a name typed there
    ("Bellen met Sara Mailde") lived on in git history. Ids are a date and an opaque suffix."""
    paths = set()
    for _ in range(3):
        result = new(root, "interaction", "--date", "2026-12-04", "--kind", "call", "--purpose", "office-holders",
                     "--summary", "Bellen met Sara Mailde over sara.mailde@example.org", "--person", "p-2n3qp7")
        path, record = written(root, result)
        assert record["summary"].startswith("Bellen met Sara Mailde")
        assert re.fullmatch(r"records/interactions/2026/i-2026-12-04-[2-9a-km-np-z]{4}\.yaml", path), path
        assert not re.search("sara|mailde|bellen|example", path)
        paths.add(path)
    assert len(paths) == 3  # a free suffix each time
    new(root, "interaction", "--date", "2026-12-04", "--kind", "call", "--purpose", "office-holders",
        "--summary", "x", "--subject", "sara-mailde", code=2)  # no words for the file name any more
    # a request's prefix is a short word: a request named after someone does not lend its words
    requests = root / "records" / "requests"
    text = (requests / "q-2026-0019.yaml").read_text()
    for old in requests.glob("*.yaml"):
        old.unlink()
    (requests / "sara-mailde-2026-1.yaml").write_text(text)
    path, _ = written(root, new(root, "request", "--kind", "question", "--title", "Sara Mailde belde"))
    assert path == "records/requests/q-2026-0001.yaml"


def test_the_schema_line_of_a_fresh_copy_of_the_cooperative_follows_its_neighbours(tmp_path):
    """Issue 15: in a copy of examples/cooperative (its own git repository, no schemas/ of its
    own) `new` wrote `../../schemas/...` while every record next to it says
    `../../../../schemas/...`. It now writes what the neighbours use; where a path to the
    schemas resolves from the file's folder, that one."""
    coop = tmp_path / "coop"
    shutil.copytree(PROJECT / "examples" / "cooperative", coop, ignore=shutil.ignore_patterns("build"))
    in_english(coop)
    subprocess.run(["git", "init", "-q", str(coop)], check=True)
    for args, folder in ((("person", "--family", "Peeters", "--purpose", "contacts", "--source", "contact-request"),
                          "people"),
                         (("interaction", "--date", "2026-11-20", "--kind", "call", "--purpose", "contacts",
                           "--summary", "Telefoon"), "interactions/2026")):
        path, _ = written(coop, new(coop, *args))
        first = (coop / path).read_text().splitlines()[0]
        neighbour = next(p for p in sorted((coop / "records" / folder).glob("*.yaml")) if p.name != Path(path).name)
        assert first == neighbour.read_text().splitlines()[0], (first, neighbour)
    # with the schemas copied in, the line resolves from the new file's folder
    shutil.copytree(PROJECT / "schemas", coop / "schemas")
    path, _ = written(coop, new(coop, "person", "--family", "Claes", "--purpose", "contacts", "--source",
                                "contact-request"))
    reference = (coop / path).read_text().splitlines()[0].split("$schema=", 1)[1]
    assert reference == "../../schemas/person.schema.json" and ((coop / path).parent / reference).is_file()


def test_a_new_request_follows_up_after_review_follow_up_days(root):
    """A new request gets a follow-up date (14 days after receipt by default, or
    `review.follow_up_days`), so it shows in `query follow-up` and W004 asks about it;
    an explicit --follow-up wins."""
    args = ("request", "--kind", "question", "--title", "Vraag", "--from-organisation", "gemeente-lelystad",
            "--topic", "energy-transition", "--received", "2026-11-20")
    _path, record = written(root, new(root, *args))
    assert record["follow_up"] == dt.date(2026, 12, 4)
    _path, record = written(root, new(root, *args, "--follow-up", "2026-11-25"))
    assert record["follow_up"] == dt.date(2026, 11, 25)
    config = root / "crmtool.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "review:\n  follow_up_days: 3\n", encoding="utf-8")
    path, record = written(root, new(root, *args))
    assert record["follow_up"] == dt.date(2026, 11, 23)
    assert CliRunner().invoke(cli, ["check", "--root", str(root), str(root / path)], env=ENV).exit_code == 0
    rows = CliRunner().invoke(cli, ["query", "follow-up", "--root", str(root), "--format", "json"], env=ENV)
    assert any(row["request"] == record_id(path) and row["follow_up"] == "2026-11-23"
               for row in json.loads(rows.stdout)), rows.output


def test_review_follow_up_days_is_a_setting_the_config_schema_knows(root):
    """A negative number of days is a configuration error (exit 2), explained by the
    setting's own description."""
    config = root / "crmtool.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "review:\n  follow_up_days: -1\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--root", str(root), str(config)], env=ENV)
    assert result.exit_code == 2 and "minimum of 0" in result.output
    assert "gets a follow-up date this many days after it was received" in result.output


def record_id(path: str) -> str:
    return path.rsplit("/", 1)[-1].removesuffix(".yaml")
