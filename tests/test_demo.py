"""`crmtool demo`: the synthetic repository passes its own check, is in proportion, and is
the same to the byte (and to the commit) for the same people, seed and day."""
from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from crmtool.check.run import run_check
from crmtool.cli import cli
from crmtool.demo import generate
from crmtool.demo.catalogue import REAL_MUNICIPALITIES, municipal_elections
from crmtool.demo.names import municipality_names
from crmtool.domain.texts import slug
from crmtool.demo.organisations import MAX_MUNICIPALITIES
from crmtool.load.repo import Repository

from .conftest import TODAY


def tree_digest(root: Path) -> str:
    """sha256 over every file's relative path and bytes, .git left out."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and ".git" not in p.relative_to(root).parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def head(root: Path) -> str:
    return subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()


def files(root: Path, folder: str) -> list[Path]:
    return sorted((root / "records" / folder).rglob("*.yaml"))


@pytest.fixture(scope="module")
def demo300(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("demo") / "repo"
    return root, generate(root, 300, 1, TODAY, git=False)


def test_demo_passes_its_check(demo300):
    root, _counts = demo300
    result = run_check(Repository(root), TODAY)
    assert [f for f in result.findings if f.severity == "error"] == []
    assert len([f for f in result.findings if f.severity == "warning"]) <= 3


def test_every_kind_of_data_subject_request_passes_the_gdpr_rules(tmp_path):
    """Enough people for every kind of request: a granted objection shows on its person
    (P024), a partly granted access names its ground (P038), a closed rectification and an
    erasure record the recipients told (P040)."""
    root = tmp_path / "repo"
    generate(root, 3000, 1, TODAY, git=False)
    requests = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in files(root, "requests")]
    closed = {r["kind"] for r in requests if r.get("closed")}
    assert {"access", "rectification", "objection", "erasure"} <= closed
    objectors = [p for p in files(root, "people") if "objections:" in p.read_text(encoding="utf-8")]
    result = run_check(Repository(root), TODAY, use_cache=False)
    assert [f for f in result.findings if f.severity == "error"] == []
    laid_out = CliRunner().invoke(cli, ["fmt", "--check", "--root", str(root), *map(str, objectors)])
    assert laid_out.exit_code == 0, laid_out.output


def test_a_person_with_every_list_is_in_the_canonical_layout():
    """Each list a demo person may have, all at once (at 100,000 people some objectors also
    subscribe, and their objections came after the subscriptions once): `fmt` keeps the text."""
    from crmtool.demo.entities import Person
    from crmtool.demo.yaml_text import person
    from crmtool.edit.fmt import canonical
    from crmtool.load import load_schemas

    class Request:
        id = "dsr-2025-0034"
    someone = Person("Fictief", "", "Persoon", "member-services", id="p-zz0001",
                     emails=[("fictief@example.org", "work")], phones=[("+31201234567", "work")],
                     purposes=[{"purpose": "events", "since": dt.date(2025, 1, 2), "source": "event-registration"}],
                     consents=[{"purpose": "events", "given": dt.date(2025, 1, 2), "channel": "web-form",
                                "wording": "events-v1"}],
                     subscriptions=["events-invitations"], objections=[("events", dt.date(2025, 3, 29), Request())],
                     tags=["a"], notes=[(dt.date(2026, 1, 5), "bram", "Fictieve notitie.")])
    text = person(someone, TODAY)
    assert "objections:" in text and "subscriptions:" in text and "tags:" in text and "notes:" in text
    schemas = load_schemas(Repository(Path(__file__).resolve().parent.parent))
    assert canonical(text, "records/people/p-zz0001.yaml", "person", schemas) == text


def test_demo_records_are_in_the_canonical_layout(demo300):
    """`crmtool fmt --check` runs in CI: a demo repository must pass it as it comes."""
    root, _counts = demo300
    result = CliRunner().invoke(cli, ["fmt", "--check", "--root", str(root)])
    assert result.exit_code == 0, result.output


def test_demo_is_in_proportion(demo300):
    root, counts = demo300
    assert {folder: len(files(root, folder)) for folder in counts} == counts
    assert counts["people"] == 300
    assert 2 * 300 <= counts["roles"] <= 3 * 300
    assert 120 <= counts["interactions"] <= 180  # about one per two people
    assert counts["requests"] == 6  # one per fifty
    organisations = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in files(root, "organisations")]
    kinds = [o["kind"] for o in organisations]
    assert kinds.count("municipality") == 3 and kinds.count("council") == 3 and kinds.count("committee") >= 2
    assert sorted(o["identifiers"]["cbs"] for o in organisations if o["kind"] == "municipality") == \
        sorted(m["cbs"] for m in REAL_MUNICIPALITIES[:3])
    people = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in files(root, "people")]
    newsletter = [p for p in people if "weekly-digest" in (p.get("subscriptions") or [])]
    assert 20 <= len(newsletter) <= 40  # about one in ten, each with a consent in the current wording
    assert all(c["wording"] == "newsletter-v2"
               for p in newsletter for c in p["consents"] if c["purpose"] == "newsletter")
    emails = [e["address"] for p in people for e in p.get("emails", [])]
    assert len(emails) == len(set(emails)) == 300


def test_roles_span_the_election_periods(demo300):
    root, _counts = demo300
    roles = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in files(root, "roles")]
    council_starts = {r["start"] for r in roles if r["function"] == "raadslid"}
    for election in municipal_elections(TODAY):
        assert election + dt.timedelta(days=14) in council_starts
    ended = [r for r in roles if r.get("end")]
    assert ended and all(r.get("end_reason") for r in ended)
    assert any(r.get("on_behalf_of") for r in roles) and any(r.get("party") for r in roles)


def test_every_record_names_its_schema(demo300):
    root, _counts = demo300
    for path in sorted((root / "records").rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        schema = (path.parent / first.removeprefix("# yaml-language-server: $schema=")).resolve()
        assert schema.is_file() and schema.parent == (root / "schemas").resolve(), path


def test_same_seed_same_bytes_and_commit(tmp_path):
    one, two, other = tmp_path / "one", tmp_path / "two", tmp_path / "other"
    generate(one, 80, 42, TODAY)
    generate(two, 80, 42, TODAY)
    generate(other, 80, 43, TODAY, git=False)
    assert tree_digest(one) == tree_digest(two)
    assert head(one) == head(two)
    assert tree_digest(other) != tree_digest(one)


@pytest.mark.parametrize("people", [1, 7])
def test_tiny_repositories_pass(tmp_path, people):
    root = tmp_path / "repo"
    counts = generate(root, people, 3, TODAY, git=False)
    assert counts["people"] == people and not (root / ".git").exists()
    assert run_check(Repository(root), TODAY).exit_code == 0


def test_another_day_moves_the_policy_dates(tmp_path):
    """Reviews and processor agreements follow --today, so a later day still passes."""
    day = dt.date(2031, 7, 15)
    root = tmp_path / "repo"
    generate(root, 40, 9, day, git=False)
    result = run_check(Repository(root), day)
    assert result.exit_code == 0 and not [f for f in result.findings if f.rule in ("P009", "P010")]


def test_non_empty_out_is_refused(tmp_path):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "keep.txt").write_text("mine\n")
    result = CliRunner().invoke(cli, ["demo", "--people", "5", "--seed", "1", "--out", str(out)])
    assert result.exit_code == 2 and "not empty" in result.output
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    a_file = tmp_path / "file.txt"
    a_file.write_text("x\n")
    assert CliRunner().invoke(cli, ["demo", "--people", "5", "--seed", "1", "--out", str(a_file)]).exit_code == 2
    assert CliRunner().invoke(cli, ["demo", "--people", "0", "--seed", "1",
                                    "--out", str(tmp_path / "n")]).exit_code == 2


def test_command_through_a_real_process(tmp_path):
    out = tmp_path / "repo"
    done = subprocess.run([sys.executable, "-m", "crmtool", "demo", "--people", "20", "--seed", "2",
                           "--out", str(out), "--today", "2026-11-24"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "20 people" in done.stdout
    assert len(files(out, "people")) == 20 and (out / "schemas" / "person.schema.json").is_file()
    assert (out / ".gitignore").read_text() == "build/\n"
    assert subprocess.run(["git", "-C", str(out), "status", "--porcelain"], capture_output=True,
                          text=True).stdout == ""


def test_made_up_municipalities_are_not_real_places():
    import random

    import phonenumbers
    from phonenumbers import geocoder

    real = set()
    for area in range(10, 600):
        try:
            number = phonenumbers.parse(f"+31{area}1234567"[:12], None)
        except phonenumbers.NumberParseException:
            continue
        real.add(slug(geocoder.description_for_number(number, "nl") or "-"))
    real |= {m["slug"] for m in REAL_MUNICIPALITIES}
    names = municipality_names(random.Random(1), MAX_MUNICIPALITIES, {m["slug"] for m in REAL_MUNICIPALITIES})
    slugs = [slug(n) for n in names]
    assert len(set(slugs)) == len(slugs) == MAX_MUNICIPALITIES
    assert not set(slugs) & real


def test_a_failed_write_leaves_nothing_behind(tmp_path, monkeypatch):
    import importlib

    from crmtool.load.repo import UsageError
    module = importlib.import_module("crmtool.demo.generate")

    def full_disk(role):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(module.yaml_text, "role", full_disk)
    out = tmp_path / "new"
    with pytest.raises(UsageError, match="No space left"):
        generate(out, 20, 1, TODAY, git=False)
    assert not out.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UsageError):
        generate(empty, 20, 1, TODAY, git=False)
    assert list(empty.iterdir()) == []
