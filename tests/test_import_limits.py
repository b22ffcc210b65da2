"""Bounded work on a hostile import file: the size is judged before a byte is read, rows and
values are counted, a FIFO is never opened, and a dry run costs about what reading the file
costs (the layout of fmt runs only for what --apply writes)."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from crmtool.load import load_schemas
from crmtool.cli import cli
from crmtool.exchange import importing, limits
from crmtool.exchange.yaml_text import person_text, person_text_for_check
from crmtool.check.files import check_file
from crmtool.load.repo import RecordFile, Repository
from crmtool.rules import FILE_RULES, RECORD_RULES

from .conftest import PROJECT, TODAY
from .test_import import DAY, base_git_repo, people


@pytest.fixture
def repo(tmp_path: Path):
    return base_git_repo(tmp_path / "repo", {})


def run(repo, *args: str):
    return CliRunner().invoke(cli, ["import", *args, "--purpose", "office-holders", "--root", str(repo.root), *DAY])


def test_a_200_mb_csv_is_refused_before_it_is_read(repo, tmp_path):
    """A sparse 200 MB file: refused from its size alone, in a real process whose peak memory
    stays far below the file's size (it took 1.4 GB before)."""
    before = people(repo)
    big = tmp_path / "huge export.csv"
    with big.open("wb") as handle:
        handle.write("achternaam;voornaam\n".encode())
        handle.truncate(200 * 1024 * 1024)
    probe = textwrap.dedent("""
        import resource, subprocess, sys
        done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
        sys.stderr.write(done.stderr)
        print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    """)
    env = {**os.environ, "CRMTOOL_TODAY": TODAY.isoformat()}
    done = subprocess.run([sys.executable, "-c", probe, sys.executable, "-m", "crmtool", "import", "csv", str(big),
                           "--purpose", "office-holders", "--root", str(repo.root)],
                          capture_output=True, text=True, env=env, cwd=PROJECT)
    code, peak_kib = map(int, done.stdout.split())
    assert code == 2, done.stderr
    assert "huge export.csv: the file is 200 MB; an import reads at most 20 MB" in done.stderr
    assert "Traceback" not in done.stderr
    assert peak_kib < 150 * 1024, peak_kib  # the interpreter and crmtool, not the file
    assert people(repo) == before


def test_a_vcard_file_over_the_size_limit_is_refused(repo, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 100)
    cards = tmp_path / "cards.vcf"
    cards.write_text("BEGIN:VCARD\nVERSION:3.0\nN:Veld;Eva;;;\nFN:Eva Veld\nNOTE:" + "x" * 200 + "\nEND:VCARD\n")
    result = run(repo, "vcard", str(cards))
    assert result.exit_code == 2 and "cards.vcf: the file is 0.0 MB; an import reads at most 0.0 MB" in result.output


@pytest.mark.parametrize("kind, text, what", [
    ("csv", "achternaam;voornaam\n" + "".join(f"Veld{i};Eva\n" for i in range(6)), "rows"),
    ("vcard", "".join(f"BEGIN:VCARD\nVERSION:3.0\nN:Veld{i};Eva;;;\nFN:Eva Veld{i}\nEND:VCARD\n" for i in range(6)),
     "cards"),
])
def test_more_rows_or_cards_than_the_limit_are_refused(repo, tmp_path, monkeypatch, kind, text, what):
    monkeypatch.setattr(limits, "MAX_ROWS", 5)
    path = tmp_path / f"list.{'csv' if kind == 'csv' else 'vcf'}"
    path.write_text(text)
    result = run(repo, kind, str(path))
    assert result.exit_code == 2, result.output
    assert f"{path.name}: more than 5 {what}; an import takes at most 5" in result.output
    five = ("".join(text.splitlines(keepends=True)[:6]) if kind == "csv" else
            "".join("BEGIN:VCARD" + card for card in text.split("BEGIN:VCARD")[1:6]))
    path.write_text(five)
    assert run(repo, kind, str(path)).exit_code == 0


def test_a_value_longer_than_the_limit_refuses_its_row_without_echoing_it(repo, tmp_path):
    path = tmp_path / "notes.csv"
    secret = "geheim" * 2000  # 12,000 characters
    path.write_text(f"achternaam;voornaam;notitie\nVeld;Eva;{secret}\nBos;Bram;kort\n")
    result = run(repo, "csv", str(path))
    assert result.exit_code == 1, result.output
    assert "notes.csv:2 (Eva Veld): the value of note is 12,000 characters long; at most 10,000 are imported" \
        in result.output
    assert "geheimgeheim" not in result.output
    assert "Bram Bos" in result.output  # the other row is still proposed


def test_a_fifo_is_refused_and_never_opened(repo, tmp_path):
    fifo = tmp_path / "contacts.csv"
    os.mkfifo(fifo)  # opening it for reading would block for ever
    result = run(repo, "csv", str(fifo))
    assert result.exit_code == 2 and "contacts.csv: not a regular file" in result.output


def test_a_dry_run_lays_nothing_out(repo, monkeypatch):
    """The layout of fmt (ruamel's load and dump) was 45 of 63 ms per card: a dry run must not
    call it, --apply must."""
    calls, before = [], len(people(repo))
    real = importing.canonical
    monkeypatch.setattr(importing, "canonical", lambda *a, **k: calls.append(1) or real(*a, **k))
    sample = PROJECT / "tests" / "fixtures" / "exchange" / "phone-3.0.vcf"
    assert run(repo, "vcard", str(sample)).exit_code == 0
    assert calls == []
    assert run(repo, "vcard", str(sample), "--apply").exit_code == 0
    assert len(calls) == 3 and len(people(repo)) == before + 3


TRICKY = ["no", "NO", "on", "yes", "null", "~", "0612345678", "1e3", "012", "2026-01-01", "12:30", "a: b",
          "#tag", "- x", "@home", "'quoted'", '"dq"', "x, y", "[a]", "{b}", "Ærø Ødegård", "tab\there",
          "line\nbreak", " lead", "trail ", "%x", "!tag", "&anchor", "*alias", "?q", "|", ">", "=SUM(A1)",
          "+31 6 1234", "1_000", "0x1F", "0o17", ".5", "-.inf", "Jan", "van der Berg", "true", "False"]


@pytest.mark.parametrize("value", TRICKY)
def test_the_dry_runs_text_has_the_same_data_and_findings_as_the_written_one(value):
    """person_text_for_check (libyaml) stands in for person_text (ruamel) in the dry run: the
    check must judge both alike, whatever the value."""
    schemas = load_schemas(Repository(PROJECT))
    person = {"name": {"given": value, "family": "Veld"}, "emails": [{"address": "eva@example.org", "kind": "work"}],
              "phones": [{"number": value, "kind": "mobile"}], "tags": [value],
              "addresses": [{"street": value, "number": value, "postcode": value, "city": value, "country": "NL"}],
              "notes": [{"date": dt.date(2026, 11, 24), "text": value}],
              "purposes": [{"purpose": "office-holders", "since": dt.date(2026, 11, 24), "source": "public-register"}]}
    file = RecordFile("records/people/p-abcdef.yaml", "people", "p-abcdef")

    def judged(text: str):
        entry = check_file(PROJECT, file, schemas, FILE_RULES, {}, RECORD_RULES, raw=text.encode("utf-8"))
        return sorted((f.rule, f.severity, f.message) for f in entry.findings), entry

    (slow, _), (fast, _) = judged(person_text(person)), judged(person_text_for_check(person))
    assert fast == slow
    import yaml
    assert yaml.load(person_text_for_check(person), Loader=yaml.CSafeLoader) == \
        yaml.load(person_text(person), Loader=yaml.CSafeLoader)
