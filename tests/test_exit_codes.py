"""Every command, run as a real process through the console script, exits 0 on success, 1 on
a failed operation or error findings, and 2 on bad usage, as DESIGN.md promises.

CliRunner cannot prove this: it calls the click group itself, while a user's shell runs
`crmtool.cli:main`, which runs click without its standalone mode. There `ctx.exit(1)` is
not an exception but a return value, and a `main()` that drops it turns every failed proof
(`verify-erased`, `codeowners --check`) into exit 0. So these tests start the installed
`crmtool` script, the same file a user runs.

Each case is (arguments, how to prepare the repository). A command with no failure path of
its own says why in NO_FAILURE; a new command without cases fails `test_every_command_has_cases`.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

import click
import pytest

from crmtool.cli import cli, exit_status

from .conftest import PROJECT, TODAY, git

CRMTOOL = Path(sys.executable).with_name("crmtool")
BROKEN = "name: {given: [unclosed\n"


def no_setup(root: Path) -> None:
    """The shipped records as they are."""


def index_unwritable(root: Path) -> None:
    """build/ is a file, so neither the index nor the site nor an export there can be written."""
    shutil.rmtree(root / "build", ignore_errors=True)
    (root / "build").write_text("not a folder\n")


def broken_person(root: Path) -> None:
    """A person's file that is not YAML: the check fails and writers refuse to edit it."""
    (root / "records" / "people" / "p-2n3qp7.yaml").write_text(BROKEN)


def work_to_do(root: Path) -> None:
    """Almere's visit address lost its city and Almere its place names: `address fill` and
    `places sync` have something to write."""
    path = root / "records" / "organisations" / "gemeente-almere.yaml"
    text = path.read_text()
    assert 'postcode: "1315 HR", city: Almere,' in text and "places: [Almere]" in text
    path.write_text(text.replace('postcode: "1315 HR", city: Almere,', 'postcode: "1315 HR",')
                    .replace("places: [Almere]", "places: []"))


def work_to_do_unwritable(root: Path) -> None:
    """Something to write, and build/ (where every change keeps its journal) is a file."""
    work_to_do(root)
    index_unwritable(root)


def not_canonical(root: Path) -> None:
    """A record whose keys are out of the schema's order: fmt --check fails."""
    path = root / "records" / "organisations" / "g40.yaml"
    lines = path.read_text().splitlines(keepends=True)
    body = [line for line in lines if not line.startswith("#")]
    path.write_text("".join([line for line in lines if line.startswith("#")] + body[1:] + body[:1]))


def codeowners_written(root: Path) -> None:
    run(root, "codeowners")


def erased(root: Path) -> None:
    """p-r5epc6 erased from the work tree (and so from the index and site it rebuilds)."""
    assert run(root, "subject erase p-r5epc6 --by eline").returncode == 0


def unreadable_journal(root: Path) -> None:
    """An interrupted change whose journal is damaged: recover cannot tell old from new."""
    (root / "build").mkdir(exist_ok=True)
    (root / "build" / "crmtool-change.json").write_text("{not json")


def contacts_csv(root: Path) -> None:
    (root / "in.csv").write_text("given,family,email\nTessa,Voorbeeld,t.voorbeeld@example.org\n")


def bad_contacts_csv(root: Path) -> None:
    (root / "in.csv").write_text("given,family,email\nTessa,Voorbeeld,not-an-address\n")


SUCCESS: list[tuple[str, Callable[[Path], None]]] = [
    ("address fill", work_to_do),
    ("assign q-2026-0012 anna --note overdracht", no_setup),
    ("build", no_setup),
    ("check", no_setup),
    ("codeowners", no_setup),
    ("codeowners --check", codeowners_written),
    ("demo --people 3 --seed 1 --out demo-out --no-git", no_setup),
    ("diff HEAD", no_setup),
    ("end-role r-almere-burgemeester-2021 --on 2026-12-31 --reason not-re-elected", no_setup),
    ("export csv --purpose newsletter --fields name,email --out out.csv", no_setup),
    ("fmt --check", no_setup),
    ("history p-r5epc6", no_setup),
    ("import csv in.csv --purpose office-holders --source public-register", contacts_csv),
    ("index", no_setup),
    ("merge p-r5epc6 p-2n3qp7 --dry-run", no_setup),
    ("new breach --discovered 2026-11-23T10:00 --nature Laptop --risk risk --no-interactive", no_setup),
    ("new interaction --date 2026-11-20 --kind meeting --summary Overleg --purpose office-holders"
     " --organisation gemeente-almere --staff anna --no-interactive", no_setup),
    ("new organisation --name Voorbeeldgemeente --kind municipality --no-interactive --dry-run", no_setup),
    ("new person --given Tessa --family Voorbeeld --purpose office-holders --source public-register"
     " --no-interactive", no_setup),
    ("new request --kind question --title Vraag --from-organisation gemeente-lelystad --topic energy-transition"
     " --no-interactive", no_setup),
    ("new role --person p-r5epc6 --organisation vgn-commissie-milieu --function lid --start 2026-12-01"
     " --no-interactive --dry-run", no_setup),
    ("places sync", work_to_do),
    ("query aldermen --portfolio milieu", no_setup),
    ("query committee vgn-commissie-milieu", no_setup),
    ("query follow-up", no_setup),
    ("query group-leaders", no_setup),
    ("query mayor Almere", no_setup),
    ("query organisation almere", no_setup),
    ("query partnership g40", no_setup),
    ("query person p-r5epc6", no_setup),
    ("query pipeline", no_setup),
    ("query places almere", no_setup),
    ("query regional-meeting --function burgemeester --province flevoland", no_setup),
    ("query seats almere", no_setup),
    ("recover", no_setup),
    ("review", no_setup),
    ("rules", no_setup),
    ("search almere", no_setup),
    ("sql", no_setup),
    ("stage q-2026-0018 in-progress --by anna --note Gebeld", no_setup),
    ("note p-r5epc6 Teruggebeld --by anna", no_setup),
    ("tag gemeente-almere energy-transition", no_setup),
    ("subject anonymise p-r5epc6 --dry-run", no_setup),
    ("subject erase p-r5epc6 --by eline --dry-run", no_setup),
    ("subject export p-r5epc6 --format json", no_setup),
    ("subject verify-erased p-r5epc6", erased),
    ("who --function burgemeester", no_setup),
]

FAILURE: list[tuple[str, Callable[[Path], None]]] = [
    ("address fill", work_to_do_unwritable),
    ("assign dsr-2026-0002 anna", no_setup),                 # a closed request is not handed over
    ("build", index_unwritable),
    ("check", broken_person),
    ("codeowners --check", no_setup),                       # no .github/CODEOWNERS yet
    ("end-role r-almere-burgemeester-2021 --on 2000-01-01 --reason not-re-elected", no_setup),
    ("export csv --purpose newsletter --fields name,email --out build/out.csv", index_unwritable),
    ("fmt --check", not_canonical),
    ("import csv in.csv --purpose office-holders --source public-register", bad_contacts_csv),
    ("index", index_unwritable),
    ("merge p-r5epc6 p-2n3qp7 --dry-run", broken_person),
    ("new breach --discovered 2026-11-23T10:00 --nature Laptop --risk high-risk --no-interactive",
     no_setup),   # written, and P037 says the people are still to be told
    ("new person --given Tessa --family Voorbeeld --email not-an-address --purpose office-holders"
     " --source public-register --no-interactive", no_setup),   # written, and the check fails on it
    ("places sync", work_to_do_unwritable),
    ("recover", unreadable_journal),
    ("query aldermen --portfolio milieu", index_unwritable),
    ("query committee vgn-commissie-milieu", index_unwritable),
    ("query follow-up", index_unwritable),
    ("query group-leaders", index_unwritable),
    ("query mayor Almere", index_unwritable),
    ("query organisation almere", index_unwritable),
    ("query partnership g40", index_unwritable),
    ("query person p-r5epc6", index_unwritable),
    ("query pipeline", index_unwritable),
    ("query places almere", index_unwritable),
    ("query regional-meeting --function burgemeester --province flevoland", index_unwritable),
    ("query seats almere", index_unwritable),
    ("search almere", index_unwritable),
    ("sql", index_unwritable),
    ("stage q-2026-0018 approved", no_setup),               # triage may not move to approved
    ("note p-u9za5m Nieuwsbrief --by anna", no_setup),      # none of the person's purposes allows notes
    ("tag p-u9za5m energy-transition", no_setup),           # nor tags
    ("subject anonymise p-2n3qp7", broken_person),
    ("subject erase p-2n3qp7 --by eline", broken_person),
    ("subject export p-r5epc6 --out build/copy.json", index_unwritable),
    ("subject verify-erased p-r5epc6", no_setup),           # the person is still there
    ("who --function burgemeester", index_unwritable),
]

NO_FAILURE = {
    "demo": "writes a new folder of fictional records; a folder it cannot use is bad usage (2)",
    "diff": "describes whatever changed and exits 0; an unknown revision is bad usage (2)",
    "history": "shows what git knows; an unknown record is bad usage (2)",
    "new interaction": "the same path as `new person`, whose failure case is run",
    "new organisation": "the same path as `new person`, whose failure case is run",
    "new request": "the same path as `new person`, whose failure case is run",
    "new role": "the same path as `new person`, whose failure case is run",
    "review": "a to-do list: exit 0 whatever is due; `check` is the gate",
    "rules": "lists the rules; nothing to fail",
}

LONG_RUNNING = {
    "serve": "runs until stopped: test_serve_exits_0_when_stopped_and_1_when_its_port_is_taken",
}

SQL = "SELECT count(*) FROM people"


def run(root: Path, arguments: str) -> subprocess.CompletedProcess:
    args = arguments.split()
    if args == ["sql"]:
        args.append(SQL)
    environment = {**os.environ, "CRMTOOL_TODAY": TODAY.isoformat(), "HOME": str(root.parent)}
    environment.pop("CRMTOOL_DEBUG", None)
    return subprocess.run([str(CRMTOOL), *args], cwd=root, env=environment, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=300)


def leaf_commands(group: click.Group = cli, prefix: str = "") -> list[str]:
    names = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            names += leaf_commands(command, f"{prefix}{name} ")
        else:
            names.append(f"{prefix}{name}")
    return names


def command_of(arguments: str) -> str:
    words = arguments.split()
    return next(name for name in sorted(leaf_commands(), key=len, reverse=True)
                if words[:len(name.split())] == name.split())


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The shipped records, crmtool.yaml and postcode table, committed once on `main`."""
    root = tmp_path_factory.mktemp("template") / "repo"
    root.mkdir()
    shutil.copytree(PROJECT / "records", root / "records")
    shutil.copytree(PROJECT / "data", root / "data")
    shutil.copy(PROJECT / "crmtool.yaml", root / "crmtool.yaml")
    (root / ".gitignore").write_text("build/\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Example records")
    return root


@pytest.fixture
def repo(template: Path, tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(template, root, symlinks=True)
    return root


def test_the_console_script_is_installed():
    assert CRMTOOL.is_file(), "pip install -e . puts the crmtool script next to the interpreter"


def test_every_command_has_cases():
    commands = set(leaf_commands()) - set(LONG_RUNNING)
    succeeding = {command_of(arguments) for arguments, _setup in SUCCESS}
    failing = {command_of(arguments) for arguments, _setup in FAILURE}
    assert commands - succeeding == set()
    assert commands - failing - set(NO_FAILURE) == set()
    assert set(NO_FAILURE) & failing == set() and set(NO_FAILURE) <= commands


@pytest.mark.parametrize("arguments, setup", SUCCESS, ids=[a for a, _s in SUCCESS])
def test_success_exits_0(repo: Path, arguments: str, setup):
    setup(repo)
    done = run(repo, arguments)
    assert done.returncode == 0, done.stdout[-1500:] + done.stderr[-1500:]
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("arguments, setup", FAILURE, ids=[a for a, _s in FAILURE])
def test_failure_exits_1(repo: Path, arguments: str, setup):
    setup(repo)
    done = run(repo, arguments)
    assert done.returncode == 1, done.stdout[-1500:] + done.stderr[-1500:]
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr


@pytest.mark.parametrize("command", leaf_commands())
def test_bad_usage_exits_2(repo: Path, command: str):
    done = run(repo, f"{command} --no-such-option")
    assert done.returncode == 2, done.stdout[-1500:] + done.stderr[-1500:]
    assert "--no-such-option" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("arguments", ["no-such-command", "check --today 2026-13-45", "who --on yesterday",
                                       "check --format nope", "query mayor Nergens", "assign q-2026-0012 nobody",
                                       "subject erase p-r5epc6 --by nobody --dry-run",
                                       "stage q-2026-0018 in-progress --by nobody", "note p-r5epc6",
                                       "tag nowhere energy-transition", "stage dsr-2026-0003 triage --outcome maybe"])
def test_bad_values_exit_2(repo: Path, arguments: str):
    done = run(repo, arguments)
    assert done.returncode == 2, done.stdout[-1500:] + done.stderr[-1500:]


def test_help_and_version_exit_0(repo: Path):
    assert run(repo, "--help").returncode == 0
    assert run(repo, "--version").returncode == 0
    assert run(repo, "subject --help").returncode == 0


def test_a_broken_pipe_is_not_an_internal_error(repo: Path):
    """`crmtool rules | head -1`: the reader leaves early; no traceback, no 'internal error'."""
    done = subprocess.run(f"'{CRMTOOL}' rules | head -c 1", shell=True, cwd=repo, capture_output=True, text=True,
                          env={**os.environ, "CRMTOOL_TODAY": TODAY.isoformat()})
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr


@pytest.mark.parametrize("value, status", [(None, 0), (0, 0), (1, 1), (2, 2), (True, 0), ("text", 0), ([], 0)])
def test_exit_status_of_what_click_returns(value, status):
    assert exit_status(value) == status


def test_a_usage_error_speaks_the_repository_language(repo: Path):
    """The association's repository is Dutch: click's own words are too, before any command
    has read crmtool.yaml."""
    done = run(repo, "check --no-such-option")
    assert done.returncode == 2
    assert "Gebruik: crmtool check" in done.stderr and "Fout: " in done.stderr
    assert "Error" not in done.stderr and "Usage" not in done.stderr and "Try " not in done.stderr
    done = run(repo, "query mayor Nergens")
    assert done.stderr.startswith("Fout: ") and done.returncode == 2


def test_a_failed_change_speaks_the_repository_language(repo: Path):
    """atomic.py's errors reach staff through every writer; they were English in a Dutch repository."""
    unreadable_journal(repo)
    done = run(repo, "recover")
    assert done.returncode == 1
    assert done.stderr.startswith("Fout: build/crmtool-change.json: het logboek van een onderbroken wijziging")
    assert "journal" not in done.stderr


def test_outside_a_repository_usage_errors_are_english(tmp_path: Path):
    done = run(tmp_path, "check --no-such-option")
    assert done.returncode == 2 and "Error: No such option" in done.stderr


def test_serve_exits_0_when_stopped_and_1_when_its_port_is_taken(repo: Path):
    """The workspace runs until Ctrl-C (exit 0); a port another program holds is a failed
    operation (exit 1) that says which port and what to do."""
    import signal
    import socket
    environment = {**os.environ, "CRMTOOL_TODAY": TODAY.isoformat(), "HOME": str(repo.parent)}
    server = subprocess.Popen([str(CRMTOOL), "serve", "--port", "0", "--no-open"], cwd=repo, env=environment,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None and server.stdout.readline().startswith("crmtool serve: http://127.0.0.1:")
    finally:
        server.send_signal(signal.SIGINT)
        _out, err = server.communicate(timeout=30)
    assert server.returncode == 0 and "Traceback" not in err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = run(repo, f"serve --port {port} --no-open")
    assert done.returncode == 1 and str(port) in done.stderr and "--port" in done.stderr
    assert "Traceback" not in done.stderr
