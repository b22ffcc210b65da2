"""Dogfood: the example repositories that ship pass their own check, and every record names
its schema on its first line, with a path that resolves."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from crmtool.check import run_check
from crmtool.repo import FOLDERS, Repository

from .conftest import PROJECT, TODAY

EXAMPLES = [PROJECT, PROJECT / "examples" / "cooperative"]
FIRST_LINE = re.compile(r"# yaml-language-server: \$schema=(\S+)")


@pytest.mark.parametrize("root", EXAMPLES, ids=["association", "cooperative"])
def test_example_passes_check(root: Path):
    result = run_check(Repository(root), TODAY)
    assert [f for f in result.findings if f.severity == "error"] == []
    assert result.files > 60


def test_readme_first_command_checks_the_shipped_records():
    done = subprocess.run([sys.executable, "-c", "from crmtool.cli import main; main()", "check"],
                          cwd=PROJECT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:]
    assert re.match(r"\d+ bestanden gecontroleerd: 0 fouten", done.stdout.splitlines()[-1])  # language: nl


@pytest.mark.parametrize("root", EXAMPLES, ids=["association", "cooperative"])
def test_every_record_names_its_schema(root: Path):
    checked = 0
    for path in sorted((root / "records").rglob("*.yaml")):
        folder = next(part for part in path.relative_to(root / "records").parts)
        match = FIRST_LINE.fullmatch(path.read_text(encoding="utf-8").splitlines()[0])
        assert match, f"{path}: first line must be the yaml-language-server $schema comment"
        schema = (path.parent / match.group(1)).resolve()
        assert schema.name == f"{FOLDERS[folder]}.schema.json" and schema.is_file(), path
        checked += 1
    config = (root / "crmtool.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert (root / FIRST_LINE.fullmatch(config).group(1)).resolve().name == "config.schema.json"
    assert checked > 60


def test_association_tells_the_seed_scenario():
    """The alderman of the seed: deputy mayor, on a committee and its chair on behalf of his
    alderman role, and on the board on behalf of the chair."""
    repo = Repository(PROJECT)
    result = run_check(repo, TODAY)
    assert result.exit_code == 0
    import yaml
    roles = {p.stem: yaml.safe_load(p.read_text()) for p in (PROJECT / "records" / "roles").glob("*.yaml")}
    aldermen = {rid: r for rid, r in roles.items()
                if r["function"] == "wethouder" and "loco-burgemeester" in (r.get("qualifiers") or []) and "milieu" in (r.get("portfolio") or [])}
    chains = []
    for rid, alderman in aldermen.items():
        derived = {d: r for d, r in roles.items() if r.get("on_behalf_of") == rid}
        functions = {r["function"] for r in derived.values()}
        board = [r for d, r in roles.items() if r.get("on_behalf_of") in derived and r["function"] == "bestuurslid"]
        if {"commissielid", "voorzitter"} <= functions and board:
            chains.append(rid)
    assert chains, "the seed's alderman scenario is missing"
